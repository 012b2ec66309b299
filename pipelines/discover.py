"""Which files under the raw folder are report files."""

from __future__ import annotations

from pathlib import Path

REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def report_files(raw_dir: str | Path) -> list[Path]:
    """Report files under raw_dir, recursively, in a stable order. Raises FileNotFoundError when the
    folder is missing: an empty run over a mistyped path must not look like a success."""
    root = Path(raw_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"raw folder not found: {root}")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)


def relative_name(path: Path, raw_dir: str | Path) -> str:
    return path.relative_to(raw_dir).as_posix()
