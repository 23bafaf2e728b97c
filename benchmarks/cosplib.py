"""CoSPLib: confsched on the six shared CoSPLib instances, judged by CoSPLib's own checker.

    python -m benchmarks cosplib [--time-limit 60] [--workers 2] [--instances N2OR,GECCO21] [--no-hyper-heuristic]
                                 [--hyper-heuristic-times 60,600] [--lanes 2]

Per instance: import (scheduler/importers/cosplib.py), solve for the time limit, export CoSPLib's `sol` workbook and
score it with CoSPLib's own checker (../shared/benchmarks/cosplib/checker/score.py, run as a subprocess with this
Python). confsched's own objective (scheduler.cosplib.score) of the same workbook is shown beside it; any difference,
term by term or in feasibility, fails the run (exit 1, naming the instance, the solution and the term). CoSPLib's own
hyper-heuristic (checker/hyper_heuristic.py) then gets the same wall-clock time on the same instance (the two never
run at once), and each of `--hyper-heuristic-times` too (e.g. 600: ten times confsched's time); the exact model's
published solution (reference) is scored too: all by the same checker, and all also compared with confsched's own
objective. Prints Markdown tables stamped with the commit and the command (benchmarks/README.md, CoSPLib, keeps the
latest), whether confsched is at or below each other solution, and progress to stderr.

confsched runs first on every instance, one at a time; then the hyper-heuristic runs, `--lanes` at once (it is one
Python thread, so on a 2-core machine two runs at once each keep a core, and a 600 s comparison of six instances
takes half an hour instead of an hour).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from scheduler.cosplib import OBJECTIVE, read_instance, read_solution, schedule_problems, score
from scheduler.errors import NoScheduleError
from scheduler.exporters import export
from scheduler.exporters.cosplib import CosplibExportError
from scheduler.importers.cosplib import to_data
from scheduler.search.params import SolveParams
from scheduler.search.solve import solve

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks" / "cosplib"
CHECKER = SHARED / "checker" / "score.py"
HYPER_HEURISTIC = SHARED / "checker" / "hyper_heuristic.py"
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


class CheckerError(RuntimeError):
    """CoSPLib's checker (or its hyper-heuristic) did not run to the end."""


@dataclass(frozen=True)
class Judged:
    """A solution workbook as CoSPLib's checker scored it."""

    feasible: bool  # evaluate_all_submissions_scheduled
    valid: bool  # validate_solution
    terms: dict[str, int]  # every term by the checker's name, then OBJECTIVE

    @property
    def objective(self) -> int:
        return self.terms[OBJECTIVE]


def checker_score(instance: Path, solution: Path, python: str = sys.executable) -> Judged:
    """CoSPLib's own checker on a solution workbook: `checker/score.py INSTANCE SOLUTION --terms`, parsed."""
    result = subprocess.run(
        [python, str(CHECKER), str(instance), str(solution), "--terms"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise CheckerError(f"CoSPLib's checker failed on {solution}: {result.stderr.strip()[-2000:]}")
    head, *lines = result.stdout.strip().splitlines()
    fields = dict(field.split("=", 1) for field in head.split())
    terms = {}
    for line in lines:
        name, _, value = line.strip().rpartition(": ")
        terms[name] = int(value)
    terms[OBJECTIVE] = int(fields["objective"])
    return Judged(fields["feasible"] == "True", fields["valid"] == "True", terms)


def differences(judged: Judged, instance, solution) -> list[str]:
    """Where confsched's own objective (scheduler.cosplib) of the solution differs from the checker's: one line per
    term, and one if they disagree on whether every submission is scheduled where its track is."""
    ours = score(instance, solution)
    found = [
        f"'{term}' is {judged.terms.get(term, '-')} by CoSPLib's checker but {ours.get(term, '-')} by confsched's "
        "own objective"
        for term in dict.fromkeys([*judged.terms, *ours])
        if judged.terms.get(term) != ours.get(term)
    ]
    problems = schedule_problems(instance, solution)
    if (judged.feasible and judged.valid) != (not problems):
        found.append(
            f"the checker says feasible={judged.feasible} valid={judged.valid}; confsched's own check says "
            f"{problems[:3] or 'no problems'}"
        )
    return found


def run_hyper_heuristic(instance: Path, seconds: float, out: Path, python: str = sys.executable) -> float:
    """CoSPLib's own hyper-heuristic on the instance for `seconds` of wall-clock time, written to `out`; the wall-clock
    seconds it took, instance reading and writing included."""
    started = time.perf_counter()
    result = subprocess.run(
        [python, str(HYPER_HEURISTIC), str(instance), f"{seconds:g}", str(out)],
        capture_output=True,
        text=True,
        timeout=3 * seconds + 600,
    )
    if result.returncode != 0 or not out.is_file():
        raise CheckerError(f"CoSPLib's hyper-heuristic failed on {instance}: {result.stderr.strip()[-2000:]}")
    return time.perf_counter() - started


def hyper_heuristic_name(seconds: float, time_limit: float) -> str:
    """The judged solution's name for a hyper-heuristic run of `seconds` (plain when it had confsched's time)."""
    return "hyper-heuristic" if seconds == time_limit else f"hyper-heuristic {seconds:g} s"


def judge(row: dict, which: str, workbook: Path) -> None:
    """Score a solution workbook of the row's instance with CoSPLib's checker and with confsched's own objective."""
    path = SHARED / "instances" / f"{row['instance']}.xlsx"
    instance = read_instance(path)
    solution = read_solution(workbook, instance)
    judged = checker_score(path, workbook)
    row["judged"][which] = judged
    row["differences"] += [f"{row['instance']} ({which}): {line}" for line in differences(judged, instance, solution)]


def run_one(name: str, time_limit: float, workers: int, params: SolveParams | None = None) -> dict:
    """Import, solve, export and judge one instance, and judge its reference solution alike.

    The row of the tables; its `differences` list every disagreement between the checker and confsched's own
    objective, each naming the solution and the term."""
    instance = read_instance(SHARED / "instances" / f"{name}.xlsx")
    row: dict = {"instance": name, "submissions": len(instance.submissions), "judged": {}, "differences": []}
    row["hh_seconds"] = {}
    judge(row, "reference", SHARED / "reference-solutions" / f"{name}Solution.xlsx")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        improvements: list[float] = []

        def progress(message: str) -> None:
            if "penalty" in message:  # "penalty X, bound Y after T s" or "neighbourhood N: penalty X -> Y"
                improvements.append(time.perf_counter() - started)

        try:
            data = to_data(instance)
            schedule = solve(data, time_limit=time_limit, workers=workers, progress=progress, params=params)
            export(schedule, folder, ["cosplib"])
        except (NoScheduleError, CosplibExportError) as error:  # no timetable, or a room holding two tracks
            row["failed"] = str(error)
        else:
            stats = schedule.stats
            assert stats is not None
            row.update(
                scheduled=len(schedule.assignments),
                penalty=stats.penalty,
                first=stats.first_feasible_seconds,
                best=improvements[-1] if improvements else stats.first_feasible_seconds,
                total=time.perf_counter() - started,
                path=stats.room_stage,
            )
            judge(row, "confsched", Path(folder) / "cosplib" / "solution.xlsx")
    return row


def run_hyper_heuristic_on(row: dict, seconds: float, time_limit: float) -> None:
    """CoSPLib's hyper-heuristic on the row's instance for `seconds`, judged into the row."""
    which = hyper_heuristic_name(seconds, time_limit)
    print(f"{row['instance']}: {which} for {seconds:g} s", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "solution.xlsx"
        row["hh_seconds"][which] = run_hyper_heuristic(SHARED / "instances" / f"{row['instance']}.xlsx", seconds, out)
        judge(row, which, out)


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _objective(row: dict, which: str) -> str:
    judged = row["judged"].get(which)
    if judged is None:
        return "-"
    flag = "" if judged.feasible and judged.valid else f" (feasible={judged.feasible}, valid={judged.valid})"
    return f"{judged.objective:,}{flag}"


def _own(row: dict, which: str) -> str:
    """confsched's own objective of the solution: the checker's number when they agree (else the run fails)."""
    judged = row["judged"].get(which)
    if judged is None:
        return "-"
    disagree = [line for line in row["differences"] if f"({which})" in line]
    return "DIFFERS" if disagree else f"{judged.objective:,}"


def _longer_runs(rows: list[dict]) -> list[str]:
    """The hyper-heuristic runs other than the one with confsched's time, by name, in the order they ran."""
    names = [which for row in rows for which in row.get("hh_seconds", {}) if which != "hyper-heuristic"]
    return list(dict.fromkeys(names))


def table(rows: list[dict]) -> str:
    """The objectives: confsched's and the hyper-heuristic's solutions and the reference, each by CoSPLib's checker."""
    longer = _longer_runs(rows)
    lines = [
        "| instance | scheduled | confsched, by CoSPLib's checker | confsched's own objective of it "
        "| CoSPLib's hyper-heuristic, same time, by the checker "
        + "".join(f"| CoSPLib's {which}, by the checker " for which in longer)
        + "| reference, by the checker "
        "| confsched / hyper-heuristic | confsched / reference | confsched's penalty | first feasible | best found "
        "| path |",
        "|---|---|---:|---:|---:|" + "---:|" * len(longer) + "---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        ours, theirs, reference = (row["judged"].get(key) for key in ("confsched", "hyper-heuristic", "reference"))
        if "failed" in row:
            lines.append(
                f"| {row['instance']} | - | {row['failed']} | - | {_objective(row, 'hyper-heuristic')} "
                + "".join(f"| {_objective(row, which)} " for which in longer)
                + f"| {_objective(row, 'reference')} | - | - | - | - | - | - |"
            )
            continue
        versus_hh = f"{ours.objective / theirs.objective:.3g}" if ours and theirs and theirs.objective else "-"
        versus_ref = f"{ours.objective / reference.objective:.3g}" if ours and reference.objective else "-"
        lines.append(
            f"| {row['instance']} | {row['scheduled']}/{row['submissions']} | {_objective(row, 'confsched')} "
            f"| {_own(row, 'confsched')} | {_objective(row, 'hyper-heuristic')} "
            + "".join(f"| {_objective(row, which)} " for which in longer)
            + f"| {_objective(row, 'reference')} | {versus_hh} | {versus_ref} | {_number(row['penalty'])} "
            f"| {row['first']:.2f} s | {row['best']:.1f} s | {row['path']} |"
        )
    return "\n".join(lines)


def terms_table(rows: list[dict]) -> str:
    """Every solution's nonzero terms as CoSPLib's checker reports them (abbreviated; see SHORT)."""
    lines = [
        "| instance | solution | wall time | objective (checker) | nonzero terms (checker) |",
        "|---|---|---:|---:|---|",
    ]
    for row in rows:
        seconds = {"confsched": row.get("total"), **row.get("hh_seconds", {})}
        for which in ("confsched", *row.get("hh_seconds", {}), "reference"):
            judged = row["judged"].get(which)
            if judged is None:
                continue
            wall = f"{seconds[which]:.0f} s" if seconds.get(which) is not None else "-"
            terms = ", ".join(
                f"{SHORT.get(term, term)} {value:,}"
                for term, value in judged.terms.items()
                if term != OBJECTIVE and value
            )
            lines.append(f"| {row['instance']} | {which} | {wall} | {judged.objective:,} | {terms or 'none'} |")
    return "\n".join(lines)


def targets(rows: list[dict]) -> str:
    """Per instance: is confsched's solution (by the checker) at or below every other solution of the run?"""
    lines = []
    for row in rows:
        ours = row["judged"].get("confsched")
        others = {which: judged for which, judged in row["judged"].items() if which != "confsched"}
        if ours is None:
            lines.append(f"- {row['instance']}: no confsched solution")
            continue
        verdicts = [
            f"{'at or below' if ours.objective <= judged.objective else 'ABOVE'} {which} ({judged.objective:,})"
            for which, judged in others.items()
        ]
        lines.append(f"- {row['instance']}: confsched {ours.objective:,}: " + "; ".join(verdicts))
    return "\n".join(lines)


def stamp(argv: list[str]) -> str:
    """The commit and the command a table came from."""

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT)
        return result.stdout.strip() if result.returncode == 0 else "unknown"

    commit = git("rev-parse", "--short", "HEAD")
    dirty = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    command = shlex.join(["python", "-m", "benchmarks", "cosplib", *argv])
    return f"At commit {commit}{dirty}, {os.cpu_count()} cores: `{command}`"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks cosplib", description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance and solver (60)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2)")
    parser.add_argument("--instances", default=",".join(INSTANCES), help="comma-separated instance names")
    parser.add_argument(
        "--no-hyper-heuristic", action="store_true", help="do not run CoSPLib's hyper-heuristic beside confsched"
    )
    parser.add_argument(
        "--coupled-options",
        type=int,
        help="SolveParams.coupled_options: one times+rooms model up to this many (talk, room) pairs (400)",
    )
    parser.add_argument(
        "--hyper-heuristic-times",
        type=lambda text: tuple(float(part) for part in text.split(",") if part),
        default=(),
        help="more wall-clock times (s, comma-separated) to give the hyper-heuristic besides confsched's, e.g. 600",
    )
    parser.add_argument(
        "--lanes", type=int, default=1, help="hyper-heuristic runs at once (1; see the module docstring)"
    )
    args = parser.parse_args(argv)
    params = SolveParams(coupled_options=args.coupled_options) if args.coupled_options is not None else None
    if not CHECKER.is_file():
        print(f"CoSPLib's checker is not at {CHECKER} (../shared beside the repository)", file=sys.stderr)
        return 1
    stamped = stamp(argv)  # before the run: the code that ran, whatever changes while it runs

    rows = []
    for name in args.instances.split(","):
        print(f"{name}: solving for {args.time_limit:g} s with {args.workers} workers", file=sys.stderr, flush=True)
        rows.append(run_one(name, args.time_limit, args.workers, params))
    # the hyper-heuristic after every confsched run, so the two never share the machine; it is one Python thread,
    # so `--lanes` of its runs at once each keep a core
    seconds = dict.fromkeys((args.time_limit, *args.hyper_heuristic_times)) if not args.no_hyper_heuristic else {}
    runs = [(row, limit) for row in rows for limit in seconds]
    with ThreadPoolExecutor(max_workers=max(1, args.lanes)) as lanes:
        list(lanes.map(lambda job: run_hyper_heuristic_on(job[0], job[1], args.time_limit), runs))
    for row in rows:
        print(table([row]).splitlines()[-1], file=sys.stderr, flush=True)
        for line in row["differences"]:
            print(f"DIFFERENCE {line}", file=sys.stderr, flush=True)
    print(stamped + "\n")
    print(table(rows) + "\n")
    print(terms_table(rows) + "\n")
    print(targets(rows))
    differing = [line for row in rows for line in row["differences"]]
    if differing:
        print(
            "\nFAILED: confsched's own objective differs from CoSPLib's checker:\n"
            + "\n".join(f"  {line}" for line in differing),
            file=sys.stderr,
        )
        return 1
    failed = [row["instance"] for row in rows if "failed" in row]
    judged = {row["instance"]: row["judged"].get("confsched") for row in rows}
    invalid = [name for name, ours in judged.items() if ours is not None and not (ours.feasible and ours.valid)]
    if failed or invalid:
        print(f"\nFAILED: no CoSPLib solution for {failed}; infeasible or invalid for {invalid}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
