"""The crash benchmark: the 36-talk Timefold-shaped instance solved again and again by the real `confsched solve`.

Run from the repository root::

    python -m benchmarks crash                        # 100 runs, 15 s each, 2 workers
    python -m benchmarks crash --runs 20 --time-limit 10

The instance (``benchmarks.ladder.build_yaml(2, 5, 36)``) is the one on which CP-SAT 9.13-9.15 died of heap
corruption in about one run in five when its times-and-rooms model was searched by two interleaved workers
(benchmarks/cpsat_crash/README.md). Every run is a fresh ``python -m scheduler solve`` process writing to its own
directory; a run killed by a signal (SIGABRT from glibc's heap checks, SIGSEGV) is a crash. The table gives the
runs, the crashes, the exit codes and the penalty of the runs that finished (from their report.json), stamped with
the commit and the command.
"""

from __future__ import annotations

import argparse
import collections
import json
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.ladder import build_yaml
from benchmarks.run import MISSING, REPO, commit, emit, machine, markdown_table

COLUMNS = (
    ("instance", "left"),
    ("runs", "right"),
    ("crashes", "right"),
    ("exit codes", "left"),
    ("penalty min", "right"),
    ("penalty median", "right"),
    ("penalty max", "right"),
    ("seconds per run (median)", "right"),
)


def exit_name(code: int) -> str:
    """An exit code as a reader wants it: 0, 1, ... or the signal that killed the process."""
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return str(code)


def one_run(path: Path, out: Path, args: argparse.Namespace) -> tuple[int, float | None, float]:
    """One `confsched solve` of `path` in a fresh process: (exit code, penalty or None, seconds)."""
    command = [
        sys.executable,
        "-m",
        "scheduler",
        "solve",
        str(path),
        "--out",
        str(out),
        "--time-limit",
        str(args.time_limit),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        *(["--deterministic"] if args.deterministic else []),
    ]
    started = time.perf_counter()
    # generous: the time limit bounds the search, not loading, the room stage or writing
    timeout = 4 * args.time_limit + 120
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False)
    except subprocess.TimeoutExpired:
        return -int(signal.SIGKILL), None, time.perf_counter() - started
    seconds = time.perf_counter() - started
    if done.returncode < 0:
        print(f"  {exit_name(done.returncode)}: {done.stderr.strip().splitlines()[-3:]}", file=sys.stderr, flush=True)
    report = out / "report.json"
    penalty = json.loads(report.read_text(encoding="utf-8"))["penalty"] if done.returncode == 0 else None
    return done.returncode, penalty, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks crash", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="solves, each in a fresh process (100)")
    parser.add_argument("--time-limit", type=float, default=15.0, help="confsched's time limit per run, s (15)")
    parser.add_argument("--seed", type=int, default=0, help="CP-SAT seed (0)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2, as the ladder)")
    parser.add_argument("--deterministic", action="store_true", help="solve with --deterministic")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)

    benchmarked = commit()  # before the runs: the work tree may change while they run
    codes: collections.Counter[str] = collections.Counter()
    penalties: list[float] = []
    seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="confsched-crash-") as scratch:
        path = Path(scratch) / "timefold-36.yaml"
        path.write_text(build_yaml(2, 5, 36), encoding="utf-8")
        for run in range(1, args.runs + 1):
            code, penalty, took = one_run(path, Path(scratch) / f"run-{run}", args)
            codes[exit_name(code)] += 1
            seconds.append(took)
            if penalty is not None:
                penalties.append(penalty)
            print(
                f"[crash] run {run}/{args.runs}: exit {exit_name(code)}, penalty {penalty}, {took:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    crashes = sum(count for name, count in codes.items() if not name.isdigit())

    def score(value: float | None) -> str:
        return MISSING if value is None else f"{value:,.0f}"

    row = [
        "timefold-36 (ladder 2 days x 5 rooms)",
        str(args.runs),
        str(crashes),
        ", ".join(f"{name}: {count}" for name, count in sorted(codes.items())),
        score(min(penalties) if penalties else None),
        score(statistics.median(penalties) if penalties else None),
        score(max(penalties) if penalties else None),
        f"{statistics.median(seconds):.1f}",
    ]
    invoked = shlex.join(["python", "-m", "benchmarks", "crash", *(argv if argv is not None else sys.argv[1:])])
    header = (
        f"{machine()}; commit {benchmarked}; `{invoked}`: time limit {args.time_limit:g} s, seed {args.seed}, "
        f"{args.workers} workers{', --deterministic' if args.deterministic else ''}"
    )
    text = f"{header}\n\n{markdown_table([row], COLUMNS)}\n"
    emit(text, args.output)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
