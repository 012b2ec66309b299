"""Which files under the raw folder are report files."""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISREG

REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def report_files(raw_dir: str | Path) -> list[tuple[str, str, os.stat_result]]:
    """(name under raw_dir with "/", path, stat) of every report file under raw_dir, recursively, in a
    stable order. Raises FileNotFoundError when the folder is missing: an empty run over a mistyped
    path must not look like a success. Read with os.walk and plain strings (a Path object a file cost
    more than the stat a file); as with Path.rglob, folders reached by a symlink are not entered, and
    a symlink to a file counts as the file."""
    root = Path(raw_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"raw folder not found: {root}")
    top = str(root)
    names = []
    for folder, _, files in os.walk(top):
        under = os.path.relpath(folder, top).replace(os.sep, "/")
        prefix = "" if under == "." else under + "/"
        names += [prefix + f for f in files if os.path.splitext(f)[1].lower() in REPORT_SUFFIXES]
    found = []
    for name in sorted(names, key=lambda n: n.split("/")):  # the order of Path objects: part by part
        path = name if top == "." else f"{top}/{name}"
        try:
            stat = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            continue  # a broken symlink, or a file gone since the folder was read
        if S_ISREG(stat.st_mode):
            found.append((name, path, stat))
    return found
