"""Which files under the raw folder are recorded: every file, but the litter editors and operating
systems leave beside documents.

The litter rule (LITTER): a file whose name starts with ``~$`` (a Word/Excel lock file), ``.~lock``
(a LibreOffice lock file) or ``._`` (macOS resource forks on foreign disks), and the files named
``.DS_Store``, ``Thumbs.db``, ``ehthumbs.db`` or ``desktop.ini`` (any case). Nothing else is skipped:
a file of a kind gongkai does not read is recorded as ``unsupported_format`` (pipelines/kinds.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISREG

LITTER_PREFIXES = ("~$", ".~lock", "._")
LITTER_NAMES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini"})


def is_litter(name: str) -> bool:
    """A file left by an editor or the operating system, not put there by a person (see LITTER above)."""
    return name.startswith(LITTER_PREFIXES) or name.lower() in LITTER_NAMES


def report_files(raw_dir: str | Path) -> list[tuple[str, str, os.stat_result]]:
    """(name under raw_dir with "/", path, stat) of every file under raw_dir but litter, recursively, in a
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
        names += [prefix + f for f in files if not is_litter(f)]
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
