"""The time-limit benchmark: does `confsched solve --time-limit S` end within S seconds, start-up to last file?

Run from the repository root::

    python -m benchmarks timelimit                              # generated 100, 500 and 2,000 talks, 60 s
    python -m benchmarks timelimit --sizes 2000 --time-limit 60 --formats csv,ics,json,xlsx

Every run is a fresh ``python -m scheduler solve`` process (the generated conferences of benchmarks/run.py, 2,000
talks: 40 rooms, 5 days), timed from before the process starts until it has exited, so interpreter start-up,
imports, loading, the search, verification, the bound and writing every file all count. The table gives the wall
time, how far it is over or under the limit, and the penalty and status from report.json. Run it on a quiet
machine: another process's load slows every phase alike but only the search keeps to the clock.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.crash import exit_name
from benchmarks.run import GENERATOR_SEED, MISSING, REPO, commit, emit, machine, markdown_table, shape

COLUMNS = (
    ("instance", "left"),
    ("talks", "right"),
    ("time limit s", "right"),
    ("formats", "left"),
    ("exit", "right"),
    ("wall s", "right"),
    ("over the limit", "right"),
    ("penalty", "right"),
    ("status", "left"),
)


def one_run(path: Path, out: Path, time_limit: float, formats: str) -> tuple[int, float, dict]:
    """`confsched solve` in a fresh process: (exit code, wall seconds from spawn to exit, report.json or {})."""
    command = [sys.executable, "-m", "scheduler", "solve", str(path), "--out", str(out)]
    command += ["--time-limit", f"{time_limit:g}", "--formats", formats]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False, timeout=10 * time_limit + 300)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        print(f"  exit {exit_name(done.returncode)}: {done.stderr.strip()[-500:]}", file=sys.stderr, flush=True)
    report = out / "report.json"
    return done.returncode, wall, json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks timelimit", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,2000", help="generated conference sizes, talks (100,500,2000)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="confsched's --time-limit, s (60)")
    parser.add_argument("--formats", default="csv,ics,json", help="confsched's --formats (csv,ics,json)")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    from scheduler.generate import generate_yaml

    benchmarked = commit()
    rows = []
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="confsched-timelimit-") as scratch:
        for talks in (int(size) for size in args.sizes.split(",")):
            rooms, days = shape(talks)
            path = Path(scratch) / f"generated_{talks}.yaml"
            path.write_text(generate_yaml(talks=talks, rooms=rooms, days=days, seed=GENERATOR_SEED), encoding="utf-8")
            print(f"[timelimit] generated-{talks}, {args.time_limit:g} s ...", file=sys.stderr, flush=True)
            code, wall, report = one_run(path, Path(scratch) / f"out-{talks}", args.time_limit, args.formats)
            over = wall / args.time_limit - 1
            worst = max(worst, over)
            penalty = report.get("penalty")
            rows.append(
                [
                    f"generated-{talks}",
                    f"{talks:,}",
                    f"{args.time_limit:g}",
                    args.formats,
                    exit_name(code),
                    f"{wall:.1f}",
                    f"{over:+.1%}",
                    MISSING if penalty is None else f"{penalty:,.1f}",
                    str(report.get("status", MISSING)),
                ]
            )
            print(f"  wall {wall:.1f} s ({over:+.1%})", file=sys.stderr, flush=True)
    invoked = shlex.join(["python", "-m", "benchmarks", "timelimit", *(argv if argv is not None else sys.argv[1:])])
    text = f"{machine()}; commit {benchmarked}; `{invoked}`\n\n{markdown_table(rows, COLUMNS)}\n"
    emit(text, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
