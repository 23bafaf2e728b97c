"""Solve the dumped models again and again, each time in a fresh process, and count the processes that die.

    python benchmarks/cpsat_crash/run.py [--runs 20] [--time-limit 20] [--interleave on|off] [--workers 2]
                                         [--no-hints] [--phase1] [--callback] [--malloc-check]

No confsched code runs: the child reads model_2.pb (the times-and-rooms CpModelProto, hints included) with OR-Tools
alone, sets the parameters of params_2.txt with the options' changes, solves once and prints its status. With
--phase1 it first solves model_1.pb with params_1.txt in the same process, as confsched does; with --callback the
search reports every solution to a Python callback, as confsched's progress log does. --malloc-check turns off
glibc's per-thread cache (GLIBC_TUNABLES=glibc.malloc.tcache_count=0) so that every free goes through glibc's
heap-consistency checks. A child killed by a signal (SIGABRT from those checks, SIGSEGV) is a crash.
"""

import argparse
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import sys
from google.protobuf import text_format
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

class Log(cp_model.CpSolverSolutionCallback):
    def on_solution_callback(self):
        self.last = (self.objective_value, self.best_objective_bound)

def solve(model_file, parameters, hints=True, callback=False):
    proto = cp_model_pb2.CpModelProto.FromString(open(model_file, "rb").read())
    if not hints:
        proto.ClearField("solution_hint")
    model = cp_model.CpModel()
    model.proto.parse_text_format(text_format.MessageToString(proto))
    solver = cp_model.CpSolver()
    solver.parameters.parse_text_format(parameters)
    status = solver.solve(model, Log() if callback else None)
    return solver.status_name(status), solver.objective_value, solver.best_objective_bound

directory, settings, flags = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
if "phase1" in flags:
    print("phase 1:", *solve(f"{directory}/model_1.pb", open(f"{directory}/params_1.txt").read()), flush=True)
print(*solve(f"{directory}/model_2.pb", settings, "no-hints" not in flags, "callback" in flags), flush=True)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=20.0, help="max_time_in_seconds of each run (20)")
    parser.add_argument("--interleave", choices=("on", "off"), default="on", help="interleave_search (on)")
    parser.add_argument("--workers", type=int, default=2, help="num_workers (2)")
    parser.add_argument("--no-hints", action="store_true", help="drop the model's solution hint")
    parser.add_argument("--phase1", action="store_true", help="solve model_1.pb first, in the same process")
    parser.add_argument("--callback", action="store_true", help="a Python solution callback, as confsched has")
    parser.add_argument("--malloc-check", action="store_true", help="no tcache: glibc checks every free")
    parser.add_argument("--dir", type=Path, default=HERE, help="where model_N.pb and params_N.txt are (here)")
    args = parser.parse_args()

    from google.protobuf import text_format
    from ortools.sat import sat_parameters_pb2

    params = text_format.Parse((args.dir / "params_2.txt").read_text(), sat_parameters_pb2.SatParameters())
    params.max_time_in_seconds = args.time_limit
    params.num_workers = args.workers
    params.interleave_search = args.interleave == "on"
    settings = text_format.MessageToString(params, as_one_line=True)
    flags = [
        name for name, on in (("no-hints", args.no_hints), ("phase1", args.phase1), ("callback", args.callback)) if on
    ]
    environment = dict(os.environ)
    if args.malloc_check:
        environment["GLIBC_TUNABLES"] = "glibc.malloc.tcache_count=0"
        flags.append("malloc-check")
    described = f"{settings}; {', '.join(flags) or 'hints'}"
    print(f"parameters: {described}", flush=True)

    outcomes: collections.Counter[str] = collections.Counter()
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        command = [sys.executable, "-c", CHILD, str(args.dir), settings, ",".join(flags)]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=3 * args.time_limit + 90, env=environment
            )
        except subprocess.TimeoutExpired:
            outcome, detail = "timeout", ""
        else:
            if done.returncode < 0:
                outcome = f"killed by {signal.Signals(-done.returncode).name}"
                detail = " / ".join(done.stderr.strip().splitlines()[-2:])
            elif done.returncode:
                outcome, detail = f"exit {done.returncode}", " / ".join(done.stderr.strip().splitlines()[-1:])
            else:
                outcome, detail = "ok", done.stdout.strip().splitlines()[-1]
        outcomes[outcome] += 1
        print(f"run {run}: {outcome} after {time.perf_counter() - started:.1f} s {detail}", flush=True)
    crashes = sum(count for outcome, count in outcomes.items() if outcome.startswith("killed"))
    summary = ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcomes.items()))
    print(f"summary: {crashes} of {args.runs} runs crashed ({summary}); {described}", flush=True)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
