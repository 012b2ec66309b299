"""Kill `gongkai run` at random moments and check that the next run publishes the clean run's warehouse.

    .venv/bin/python scripts/kill_sweep.py --reports 600 --kills 20 [--seed N]

Generates a corpus (`gongkai generate`), times one clean run over it, then, `--kills` times: starts a
run over a fresh copy of the state, SIGKILLs its whole process group after a random delay within the
clean run's duration (sometimes two kills in a row), runs again, and compares the whole warehouse with
the clean one's (pipelines.snapshot: every table; the times of superseded_at and removed_at as set or
not). The seed is printed first: `--seed` replays the same delays. Exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.corpus import Spec, generate  # noqa: E402
from pipelines.crashes import run, run_killed_after  # noqa: E402
from pipelines.snapshot import differences, snapshot  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=600, help="reports in the corpus (default 600)")
    parser.add_argument("--kills", type=int, default=20, help="killed runs to try (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="replay a sweep (default: a new seed)")
    parser.add_argument("--work", default=None, help="folder to work in (default: a temporary one)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"seed {seed}", flush=True)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work or tmp)
        raw = work / "corpus" / "raw"
        if not raw.exists():
            generate(work / "corpus", Spec(args.reports, seed=seed % 1000))
        clean_ran = run(raw, work / "clean" / "w.duckdb", dagster_home=work / "clean" / "dagster")
        if clean_ran.returncode != 0:
            print(clean_ran.output)
            return 1
        clean = snapshot(work / "clean" / "w.duckdb")
        print(f"clean run: {clean_ran.seconds:.1f} s", flush=True)
        failures = 0
        for kill in range(1, args.kills + 1):
            case = work / f"kill{kill}"
            shutil.rmtree(case, ignore_errors=True)
            warehouse, home = case / "w.duckdb", case / "dagster"
            delays = [rng.uniform(0, clean_ran.seconds) for _ in range(rng.choice([1, 1, 2]))]
            outcomes = []
            for delay in delays:
                killed = run_killed_after(raw, warehouse, delay, dagster_home=home)
                outcomes.append(f"{delay:.2f} s: {'killed' if killed.killed else f'exit {killed.returncode}'}")
            again = run(raw, warehouse, dagster_home=home)
            found = ["the next run failed:\n" + again.output] if again.returncode else \
                differences(clean, snapshot(warehouse))
            failures += bool(found)
            print(f"kill {kill}: {'; '.join(outcomes)}; then a run ({again.seconds:.1f} s): "
                  + ("same warehouse as the clean run" if not found else "DIFFERENT\n  " + "\n  ".join(found)),
                  flush=True)
            if not found:
                shutil.rmtree(case, ignore_errors=True)
        print(f"seed {seed}: {args.kills - failures} of {args.kills} killed runs recovered exactly", flush=True)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
