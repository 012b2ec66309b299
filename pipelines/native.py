"""The parser's compiled modules: which they are, whether they run, and the way back to their source.

The modules that turn a report's text into cells spend their time in plain Python loops. Where the
install can compile (a C compiler and Python's headers, as on a usual Linux or macOS machine), setup.py
builds them with mypyc, from the same annotated source, into C extensions that run about a fifth
faster. The source stays the definition and the fallback: without a compiler the install keeps it,
and compiled and Python modules give identical results (tests compare them), so which one runs
changes speed only. Stored results are filed under the source's fingerprint either way.

The Python source runs instead of built modules when
- GONGKAI_PURE_PYTHON is set (to compare, or to profile the parser with Python's tools); or
- they were built from other source than is here now (a module edited after the build): running
  them would run old code. A warning says so, and `make` rebuilds them.

This module imports nothing of the package: setup.py reads COMPILED from it before anything is built.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from pathlib import Path

# Dotted names, in the package. A module goes here only if mypy accepts it as typed: mypyc checks
# the annotations at run time, so an annotation that lies fails in the compiled module only.
COMPILED = (
    "pipelines.model",
    "pipelines.text",
    "pipelines.labels",
    "pipelines.values",
    "pipelines.document",
    "pipelines.sections",
    "pipelines.metadata",
    "pipelines.splitting",
    "pipelines.interpret",
    "pipelines.readers.html",
    "pipelines.encodings.base",
    "pipelines.encodings.cell_per_line",
    "pipelines.encodings.flattened",
    "pipelines.encodings.grid_tables",
    "pipelines.encodings.markdown_tables",
    "pipelines.encodings.pipe_cells",
    "pipelines.encodings.spaced_text",
    "pipelines.encodings.tab_rows",
)
PURE_ENV = "GONGKAI_PURE_PYTHON"
STAMP = "native.json"  # beside this file: the sha256 of each module's source as it was compiled
_ROOT = Path(__file__).resolve().parent.parent


def source_of(module: str, root: Path = _ROOT) -> Path:
    return root.joinpath(*module.split(".")).with_suffix(".py")


def source_digests(root: Path = _ROOT) -> dict[str, str]:
    return {m: hashlib.sha256(source_of(m, root).read_bytes()).hexdigest() for m in COMPILED}


def built(root: Path = _ROOT) -> bool:
    """Whether compiled modules lie beside the source (whatever they were built from)."""
    first = source_of(COMPILED[0], root)
    return any(first.with_name(first.stem + suffix).exists() for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def stale(root: Path = _ROOT) -> list[str]:
    """The compiled modules whose source changed since they were built (all of them when the build
    left no record)."""
    try:
        stamp = json.loads((root / "pipelines" / STAMP).read_text())
    except (OSError, ValueError):
        return list(COMPILED)
    return [m for m, digest in source_digests(root).items() if stamp.get(m) != digest]


class _Source(importlib.abc.MetaPathFinder):
    """Finds the compiled modules' Python source ahead of the extensions beside it."""

    def find_spec(self, name, path=None, target=None):
        if name not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(name, source_of(name))


def choose() -> None:
    """Run the source instead of the built modules when asked to, or when the build is stale. All of
    them or none: compiled modules call each other directly, past any module the source replaced."""
    if any(isinstance(f, _Source) for f in sys.meta_path):
        return
    if os.environ.get(PURE_ENV):
        sys.meta_path.insert(0, _Source())
    elif built() and (changed := stale()):
        warnings.warn(f"the compiled parser modules were not built from their source as it is now "
                      f"({', '.join(changed)}): running the source instead; `make` rebuilds them", stacklevel=2)
        sys.meta_path.insert(0, _Source())


def summary() -> str:
    """One line on what this process runs, for the install to print."""
    if running() == "compiled":
        return "parser modules: compiled"
    why = (f"{PURE_ENV} is set" if os.environ.get(PURE_ENV) else "built from other source" if built()
           else "not compiled: is a C compiler installed?")
    return f"parser modules: Python source ({why}); results are the same, parsing is slower"


def running() -> str:
    """'compiled' or 'python': what the parser modules loaded in this process are."""
    mods = [sys.modules.get(m) for m in COMPILED]
    files = [getattr(m, "__file__", "") or "" for m in mods if m is not None]
    return "compiled" if files and all(not f.endswith(".py") for f in files) else "python"
