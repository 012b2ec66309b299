"""A digest of what the parser makes of a fixed set of files: run it before and after a change that
must not change results (a speed-up), and compare.

    .venv/bin/python scripts/parse_digest.py                 # prints the digest
    .venv/bin/python scripts/parse_digest.py --save a.tsv    # and each file's own digest, to compare
    GONGKAI_PURE_PYTHON=1 .venv/bin/python scripts/parse_digest.py   # the parser's source, not its build

The files: every fixture under tests/fixtures and every file under data/ that git tracks (the samples), and a generated corpus
of every layout (`gongkai generate`, seed 7, written under bench/ once and reused). Each file is parsed
with `parse_report`, and its reports, facts and findings rows (the warehouse contract's frames) are
hashed. The generated corpus holds every layout in every year, so every encoding and reader is covered.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines import native  # noqa: E402
from pipelines.corpus import Spec, encodings, generate  # noqa: E402
from pipelines.frames import facts_frame, findings_frame, reports_frame  # noqa: E402
from pipelines.report import parse_report  # noqa: E402

CORPUS_REPORTS = 1100  # 100 a layout over the generator's years


def files(corpus: Path, reports: int = CORPUS_REPORTS) -> list[Path]:
    # The files of the repository only: runs and tests leave warehouses and state folders beside them.
    tracked = subprocess.run(["git", "ls-files", "-z", "tests/fixtures", "data"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    fixed = [ROOT / name for name in sorted(filter(None, tracked))]
    if not (corpus / "truth" / "reports.parquet").exists():
        generate(corpus, Spec(reports, 7, encodings=tuple(encodings())))
    return fixed + sorted((corpus / "raw").rglob("*.*"))


def digest_of(path: Path) -> str:
    report = parse_report(path.read_bytes(), path.name)
    digest = hashlib.sha256()
    for frame in (reports_frame([report]), facts_frame([report]), findings_frame([report])):
        digest.update(repr(frame.rows()).encode())
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(ROOT / "bench" / "digest-corpus"))
    parser.add_argument("--save", help="write each file's digest to this TSV")
    parser.add_argument("--reports", type=int, default=CORPUS_REPORTS, help="reports to generate, when the corpus is new")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    rows = [(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p), digest_of(p)) for p in files(corpus, args.reports)]
    total = hashlib.sha256("".join(f"{name}\t{d}\n" for name, d in rows).encode()).hexdigest()
    if args.save:
        Path(args.save).write_text("".join(f"{name}\t{d}\n" for name, d in rows), encoding="utf-8")
    print(f"{len(rows)} files  digest {total[:16]}  parser {native.running()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
