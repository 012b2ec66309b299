"""The parser's compiled modules: this install runs them, they parse exactly as their Python source does,
and a module edited after the build runs from its source."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys

import pytest

from pipelines import native

from .conftest import ROOT


def _digest(corpus, pure: bool) -> tuple[list[str], str]:
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    if pure:
        env[native.PURE_ENV] = "1"
    save = corpus.parent / f"digests-{'python' if pure else 'compiled'}.tsv"
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "parse_digest.py"), "--corpus", str(corpus),
                          "--reports", "220", "--save", str(save)],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return save.read_text(encoding="utf-8").splitlines(), out.split("parser ")[1].strip()


@pytest.mark.skipif(bool(os.environ.get(native.PURE_ENV)), reason=f"{native.PURE_ENV} asks for the source")
def test_this_install_runs_the_parser_compiled():
    """The install compiles the parser's modules (setup.py); without a C compiler it would stay pure
    Python, slower, and this says so."""
    import pipelines.report  # noqa: F401  (loads every compiled module)

    assert native.built(), "the parser modules are not compiled: is a C compiler installed? (`make` builds them)"
    assert native.stale() == [], "the compiled parser modules are older than their source: `make` rebuilds them"
    assert native.running() == "compiled"


@pytest.mark.skipif(not native.built(), reason="the parser modules are not compiled here")
def test_the_compiled_parser_and_its_python_source_parse_every_file_alike(tmp_path):
    """Every fixture, every bundled sample and a generated corpus of every layout and reader, parsed by
    the compiled modules and by their source: the reports, facts and findings of each file are equal."""
    corpus = tmp_path / "corpus"
    compiled, compiled_mode = _digest(corpus, pure=False)
    python, python_mode = _digest(corpus, pure=True)
    assert (compiled_mode, python_mode) == ("compiled", "python")
    generated = [line.split("\t")[0] for line in compiled if line.startswith(str(corpus))]
    layouts = {path.split("/")[-2] for path in generated}
    assert len(generated) == 220 and len(layouts) >= 8  # the fixtures, and the corpus in every layout
    assert compiled == python


def _tree(tmp_path):
    """A copy of the compiled modules' source, with a build record of it as it is."""
    for module in native.COMPILED:
        target = native.source_of(module, tmp_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(native.source_of(module), target)
    (tmp_path / "pipelines" / native.STAMP).write_text(json.dumps(native.source_digests(tmp_path)))
    return tmp_path


def test_a_module_edited_after_the_build_is_stale(tmp_path):
    root = _tree(tmp_path)
    assert native.stale(root) == []
    edited = native.source_of("pipelines.splitting", root)
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert native.stale(root) == ["pipelines.splitting"]
    (root / "pipelines" / native.STAMP).unlink()  # a build that never finished leaves no record
    assert native.stale(root) == list(native.COMPILED)


def test_without_compiled_modules_there_is_nothing_to_run_but_the_source(tmp_path):
    assert not native.built(_tree(tmp_path))


def test_asked_for_the_source_every_compiled_module_loads_from_it():
    """All of them or none: compiled modules call each other directly, past a module loaded from source."""
    code = ("import pipelines.report, sys; from pipelines import native; "
            "print(all(sys.modules[m].__file__.endswith('.py') for m in native.COMPILED), native.running()); "
            "print(native.summary())")
    env = {**os.environ, native.PURE_ENV: "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    first, second = out.stdout.splitlines()
    assert first.split() == ["True", "python"] and native.PURE_ENV in second


def test_without_a_c_compiler_the_build_leaves_the_python_source_and_says_so(tmp_path):
    """setup.py on a machine whose C compiler fails: the build succeeds, with no compiled module, no
    build record (an earlier build's is gone too), and a warning that says why."""
    for part in ("setup.py", "pyproject.toml", "README.md", "pipelines", "schemas"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("*.so", "native.json", "__pycache__"))
        else:
            shutil.copy(source, tmp_path / part)
    first = native.source_of(native.COMPILED[0], tmp_path)
    leftover = first.with_name(first.stem + importlib.machinery.EXTENSION_SUFFIXES[0])
    leftover.write_bytes(b"an earlier build")
    (tmp_path / "pipelines" / native.STAMP).write_text("{}")
    env = {**os.environ, "CC": "/bin/false"}
    env.pop(native.PURE_ENV, None)
    done = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "the parser stays pure Python (the C build failed" in done.stderr
    assert not native.built(tmp_path) and not (tmp_path / "pipelines" / native.STAMP).exists()
