"""Compiles the parser's hot modules (pipelines/native.py lists them) with mypyc, where this machine can.

Everything else about the package is in pyproject.toml. Where mypy does not accept the modules, or no
C compiler is found, or GONGKAI_PURE_PYTHON is set, the package installs as pure Python, which gives
the same results more slowly; the warning says why.
"""

import json
import os
import runpy
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
native = runpy.run_path(str(HERE / "pipelines" / "native.py"))


def _warn(why: str) -> None:
    print(f"gongkai: the parser stays pure Python ({why}); results are the same, parsing is slower",
          file=sys.stderr)


class BuildNative(build_ext):
    """build_ext that leaves the package pure Python when the C build fails, and records which source
    the built modules came from (a module edited later then runs from its source, not from its old build)."""

    def run(self):
        inplace = self.inplace
        try:
            super().run()
        except Exception as e:  # compiler missing or failing: distutils raises several kinds
            # setuptools clears `inplace` while it builds and restores it only when the build succeeds.
            self.inplace = inplace
            # What was built before the failure goes too, and an earlier build's record: a half-built
            # parser would only be refused later.
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self._stamp().unlink(missing_ok=True)
            _warn(f"the C build failed: {e}")
            return
        if self.extensions:
            stamp = self._stamp()
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(json.dumps(native["source_digests"](HERE), indent=1, sort_keys=True))

    def _stamp(self) -> Path:
        return (HERE if self.inplace else Path(self.build_lib)) / "pipelines" / native["STAMP"]


def _extensions():
    if os.environ.get(native["PURE_ENV"]):
        _warn(f"{native['PURE_ENV']} is set")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as e:
        _warn(f"mypyc is not installed: {e}")
        return []
    sources = [str(native["source_of"](m, HERE).relative_to(HERE)) for m in native["COMPILED"]]
    try:
        # Third-party libraries without type information are Any to mypy: the modules' own types
        # are what compiles. The shared library is named in the package, not at the top level.
        return mypycify(["--ignore-missing-imports", *sources], opt_level="3", group_name="pipelines.native_lib")
    except (Exception, SystemExit) as e:  # mypy reports type errors by exiting
        _warn(f"mypyc did not accept the modules: {e!r}")
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildNative})
