"""Write the CP-SAT models (with their hints) and parameters of the searches that led to the crash, with no solve.

    python -m benchmarks.cpsat_crash.dump [--out DIR]

Builds the 36-talk Timefold-shaped instance (``benchmarks.ladder.build_yaml(2, 5, 36)``) and runs confsched's
solve with 2 workers, as the ladder does, and interleaved, as confsched did before it stopped interleaving workers
on OR-Tools 9.13 and later, up to the hinted times-and-rooms search (scheduler/search/coupled.py
``optimise_in_one_model``). Each CP-SAT search on the way is written instead of run, numbered in order: its
CpModelProto (hints included) to ``model_N.pb`` and its parameters as a SatParameters text proto to
``params_N.txt``. Search 1 is phase 1 (the first timetable, hard rules only); it is then run for real, because its
answer is search 2's hint. Search 2 is the hinted times-and-rooms model, the one that crashed. Phase 1 stops at its
first solution and (with these parameters) finds the same one every time, so the files are the same on every run;
only ``max_time_in_seconds`` (the wall-clock share left) varies, and run.py sets its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


class _Dumped(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cpsat_crash.dump", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="directory for the files (this one)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="confsched's time limit, s (60, as the ladder)")
    args = parser.parse_args(argv)

    from ortools.sat import sat_parameters_pb2

    from benchmarks import ladder
    from scheduler import load, solve
    from scheduler.search import context as context_module
    from scheduler.search import cpsat

    # the parameters of the crashing search: confsched interleaved its two workers then (scheduler.search.cpsat
    # no longer does on OR-Tools 9.13 and later)
    cpsat.INTERLEAVE_IS_SAFE = True

    real = context_module.run_cpsat
    written: list[Path] = []

    def intercept(model, parameters, *, hints=(), log=None):
        number = len(written) // 2 + 1
        for var, value in hints:
            model.add_hint(var, value)
        model.export_to_file(str(args.out / f"model_{number}.pb"))
        text = str(sat_parameters_pb2.SatParameters(**parameters))
        (args.out / f"params_{number}.txt").write_text(text, encoding="utf-8")
        written.extend([args.out / f"model_{number}.pb", args.out / f"params_{number}.txt"])
        if parameters.get("stop_after_first_solution"):
            return real(model, parameters, log=log)  # the hints are in the model already
        raise _Dumped

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "timefold-36.yaml"
    path.write_text(ladder.build_yaml(2, 5, 36), encoding="utf-8")
    context_module.run_cpsat = intercept
    try:
        solve(load(path), time_limit=args.time_limit, seed=0, workers=2)
    except _Dumped:
        pass
    else:
        print("the solve never reached an optimising search", file=sys.stderr)
        return 1
    finally:
        context_module.run_cpsat = real
        path.unlink()
    print(f"wrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
