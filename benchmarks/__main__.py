"""``python -m benchmarks [NAME] [options]``: run one benchmark, or all in turn (crash and timelimit only by name).

    python -m benchmarks                          # all: main table, Timefold ladder, side by side, CoSPLib, ics-split
    python -m benchmarks --time-limit 30          # all, with this time limit for every solver run
    python -m benchmarks table [options]          # benchmarks/run.py: seed programmes + generated conferences
    python -m benchmarks ladder [options]         # benchmarks/ladder.py: Timefold-shaped conferences
    python -m benchmarks sidebyside [options]     # benchmarks/sidebyside.py: against conference-scheduler
    python -m benchmarks cosplib [options]        # benchmarks/cosplib.py: the six CoSPLib instances
    python -m benchmarks ics-split [options]      # benchmarks/ics_split.py: calendars for 1,000 to 20,000 speakers
    python -m benchmarks crash [options]          # benchmarks/crash.py: one instance 100 times (only by name)
    python -m benchmarks timelimit [options]      # benchmarks/timelimit.py: whole-command wall time against the limit

`python -m benchmarks NAME --help` lists a benchmark's options. Each prints Markdown tables to stdout and progress
to stderr; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import sys

# repetitions that prove one thing, run only when named (crash: 100 solves of one instance; timelimit: wall time)
BY_NAME_ONLY = {"crash", "timelimit"}


def _benchmarks():
    from benchmarks import cosplib, crash, ics_split, ladder, run, sidebyside, timelimit

    return {
        "table": run.main,
        "ladder": ladder.main,
        "sidebyside": sidebyside.main,
        "cosplib": cosplib.main,
        "ics-split": ics_split.main,
        "crash": crash.main,
        "timelimit": timelimit.main,
    }


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    benchmarks = _benchmarks()
    if argv and argv[0] in benchmarks:
        return benchmarks[argv[0]](argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=f"Run every benchmark in turn (or name one: {', '.join(benchmarks)}).",
        epilog=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--time-limit", type=float, help="time limit of every solver run, s (each benchmark's default)")
    args = parser.parse_args(argv)
    passed = [] if args.time_limit is None else ["--time-limit", str(args.time_limit)]
    status = 0
    for name, run in benchmarks.items():
        if name in BY_NAME_ONLY:
            continue
        print(f"\n## {name}\n", flush=True)
        status = max(status, run(passed))
    return status


if __name__ == "__main__":
    sys.exit(main())
