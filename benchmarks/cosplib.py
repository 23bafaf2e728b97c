"""CoSPLib: confsched on the six shared CoSPLib instances, scored by CoSPLib's own objective.

    python -m benchmarks cosplib [--time-limit 60] [--workers 2] [--instances N2OR,GECCO21]

Per instance: import (scheduler/importers/cosplib.py), solve, export the `sol` layout, read it back and score it with
scheduler.cosplib.score (the checker's terms); the reference objective is the exact model's solution scored the same
way. Prints a Markdown table (benchmarks/README.md, CoSPLib, keeps the latest) and progress to stderr.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from scheduler.cosplib import OBJECTIVE, read_instance, read_solution, schedule_problems, score
from scheduler.errors import NoScheduleError
from scheduler.exporters import export
from scheduler.exporters.cosplib import CosplibExportError
from scheduler.importers.cosplib import to_data
from scheduler.search.params import SolveParams
from scheduler.search.solve import solve

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "cosplib"
INSTANCES = ["N2OR", "GECCO19", "GECCO20", "GECCO21", "OR60F", "OR60F2"]
SHORT = {
    "Tracks_Sessions|Penalty": "TS",
    "Tracks_Rooms|Penalty": "TR",
    "Sessions_Rooms|Penalty": "SR",
    "Similar Tracks": "sim",
    "Number of rooms per track": "rooms/track",
    "Parallel tracks": "par",
    "Consecutive tracks": "consec",
    "Submissions timezones": "tz",
    "Submissions order": "order",
    "Submissions_Sessions|Penalty": "sub-sess",
    "Submissions_Rooms|Penalty": "sub-room",
    "Presenters conflicts [Session Level]": "pres",
    "Attendees conflicts [Session Level]": "att",
    "Chairs conflicts": "chairs",
    "Presenters conflicts [Timeslot Level]": "pres-slot",
    "Attendees conflicts [Timeslot Level]": "att-slot",
    "Submissions with multiple timeslots in different sessions": "multi",
}


def run_one(name: str, time_limit: float, workers: int, params: SolveParams | None = None) -> dict:
    """Import, solve, export and score one instance; the row of the table."""
    instance = read_instance(SHARED / "instances" / f"{name}.xlsx")
    reference = score(instance, read_solution(SHARED / "reference-solutions" / f"{name}Solution.xlsx", instance))
    data = to_data(instance)
    started = time.perf_counter()
    improvements: list[float] = []

    def progress(message: str) -> None:
        if "penalty" in message:  # "penalty X, bound Y after T s" or "neighbourhood N: penalty X -> Y"
            improvements.append(time.perf_counter() - started)

    try:
        schedule = solve(data, time_limit=time_limit, workers=workers, progress=progress, params=params)
    except NoScheduleError as error:
        return {"instance": name, "failed": str(error), "reference": reference[OBJECTIVE], "path": "-"}
    stats = schedule.stats
    assert stats is not None
    try:
        with tempfile.TemporaryDirectory() as folder:
            export(schedule, folder, ["cosplib"])
            solution = read_solution(Path(folder) / "cosplib" / "solution.xlsx", instance)
    except CosplibExportError as error:  # a room holding two tracks: no CoSPLib solution at all
        return {"instance": name, "failed": str(error), "reference": reference[OBJECTIVE], "path": stats.room_stage}
    ours = score(instance, solution)
    return {
        "instance": name,
        "scheduled": f"{len(schedule.assignments)}/{len(instance.submissions)}",
        "valid": not schedule_problems(instance, solution),
        "objective": ours[OBJECTIVE],
        "reference": reference[OBJECTIVE],
        "confsched": stats.penalty,
        "bound": _bound(stats),
        "first": stats.first_feasible_seconds,
        "best": improvements[-1] if improvements else stats.first_feasible_seconds,
        "total": time.perf_counter() - started,
        "terms": {SHORT.get(term, term): value for term, value in ours.items() if term != OBJECTIVE and value},
        "path": stats.room_stage,
    }


def _bound(stats) -> float | None:
    """A proven lower bound on confsched's whole penalty: the lead's bound, else the one-model path's own bound."""
    if stats.bound is not None:
        return stats.bound
    return stats.time_bound if stats.room_stage == "coupled" else None


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def table(rows: list[dict]) -> str:
    lines = [
        "| instance | scheduled | valid | objective | reference | ratio | confsched's penalty | bound | first feasible "
        "| best found | terms (nonzero, CoSPLib's) | path |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        if "failed" in row:
            lines.append(
                f"| {row['instance']} | - | NO | - | {row['reference']:,} | - | - | - | - | - | {row['failed']} "
                f"| {row['path']} |"
            )
            continue
        ratio = row["objective"] / row["reference"] if row["reference"] else float("nan")
        terms = ", ".join(f"{term} {value:,}" for term, value in row["terms"].items()) or "none"
        lines.append(
            f"| {row['instance']} | {row['scheduled']} | {'yes' if row['valid'] else 'NO'} | {row['objective']:,} "
            f"| {row['reference']:,} | {ratio:.3g} | {_number(row['confsched'])} | {_number(row['bound'])} "
            f"| {row['first']:.2f} s | {row['best']:.1f} s | {terms} | {row['path']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks cosplib", description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance (60)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2)")
    parser.add_argument("--instances", default=",".join(INSTANCES), help="comma-separated instance names")
    parser.add_argument(
        "--coupled-options",
        type=int,
        help="SolveParams.coupled_options: one times+rooms model up to this many (talk, room) pairs (400)",
    )
    args = parser.parse_args(argv)
    params = SolveParams(coupled_options=args.coupled_options) if args.coupled_options is not None else None
    if not SHARED.is_dir():
        print(f"the CoSPLib instances are not at {SHARED}", file=sys.stderr)
        return 1
    rows = []
    for name in args.instances.split(","):
        print(f"{name}: solving for {args.time_limit:g} s with {args.workers} workers", file=sys.stderr, flush=True)
        rows.append(run_one(name, args.time_limit, args.workers, params))
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(rows))
    return 0 if all(row.get("valid") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
