"""Benchmark confsched on the seed programmes and on generated conferences; print a Markdown table.

Run from the repository root::

    python benchmarks/run.py                     # or: python -m benchmarks.run
    python benchmarks/run.py --time-limit 30 --sizes 100,500 --output benchmarks/latest.md

Every instance runs in its own subprocess (``run.py --one PATH``), so "peak MB" is the peak resident memory of a
process that loaded and solved only that instance. The child prints one JSON line; the parent collects the lines
and prints the table. Generated data files go to a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_PROGRAMMES = ("neurips2024_tutorials.yaml", "iclr2023_mefomo.yaml", "icml2024_tf2m.yaml")
# talks -> (rooms, days) for the generated conferences; other sizes get a shape from `shape()`.
SHAPES = {36: (2, 3), 100: (8, 2), 216: (12, 2), 500: (16, 3), 1000: (25, 4), 2000: (40, 5)}
SIZES = [100, 216, 500, 1000, 2000]  # the main table's generated conferences (36 talks is a what-if size)
# the what-if walkthroughs in examples/: (name, data file, the published schedule, the change file)
WALKTHROUGHS = [
    (
        "neurips-tutorials (example)",
        "data/neurips2024_tutorials.yaml",
        "examples/neurips_speaker_drops_out/published/schedule.json",
        "examples/neurips_speaker_drops_out/changes.yaml",
    )
]
GENERATOR_SEED = 0
COLUMNS = (
    ("instance", "left"),
    ("talks", "right"),
    ("rooms", "right"),
    ("days", "right"),
    ("variables", "right"),
    ("constraints", "right"),
    ("build s", "right"),
    ("first feasible s", "right"),
    ("total s", "right"),
    ("penalty", "right"),
    ("time objective", "right"),
    ("lower bound", "right"),
    ("gap", "right"),
    ("status", "left"),
    ("room stage", "left"),
    ("peak MB", "right"),
)
MISSING = "—"


@dataclass
class Instance:
    name: str
    path: Path


def shape(talks: int) -> tuple[int, int]:
    """(rooms, days) for a generated conference of `talks` talks: the fixed shapes, else roughly 75% full."""
    if talks in SHAPES:
        return SHAPES[talks]
    days = 2 if talks <= 200 else 3 if talks <= 600 else 4 if talks <= 1200 else 5
    # The generator offers about 16 twenty-minute slots per (room, day); aim at 10 talks per (room, day).
    return max(2, math.ceil(talks / (10 * days))), days


# ---------------------------------------------------------------------------------------------------------------
# Child: one instance, one process.


def measure(path: Path, time_limit: float, seed: int, workers: int) -> dict:
    """Load and solve one data file; the numbers for one table row."""
    from scheduler import ConfschedError, NoScheduleError, load, solve, verify

    data = load(path)
    result: dict = {"talks": len(data.talks), "rooms": len(data.rooms), "days": len(data.conference.days)}
    started = time.perf_counter()
    try:
        schedule = solve(data, time_limit=time_limit, seed=seed, workers=workers)
    except NoScheduleError as error:
        result.update(
            outcome="no schedule", proven=error.proven, message=str(error), total_seconds=time.perf_counter() - started
        )
    except ConfschedError as error:  # e.g. solve()'s own check found a broken hard rule
        result.update(outcome="error", message=str(error), total_seconds=time.perf_counter() - started)
    else:
        total_seconds = time.perf_counter() - started
        stats = schedule.stats
        violations = verify(data, schedule.assignments)
        result.update(
            outcome="INVALID" if violations else "ok",
            violations=len(violations),
            message=str(violations[0]) if violations else "",
            status=stats.status,
            variables=stats.variables,
            constraints=stats.constraints,
            build_seconds=stats.build_seconds,
            first_feasible_seconds=stats.first_feasible_seconds,
            solve_seconds=stats.solve_seconds,
            total_seconds=total_seconds,
            room_stage=stats.room_stage,
            penalty=stats.penalty,
            objective=stats.time_objective,
            bound=stats.bound,
            gap=stats.penalty_gap,
            neighbourhoods=stats.neighbourhoods,
        )
    # Linux reports ru_maxrss in kilobytes.
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure_whatif(
    path: Path, time_limit: float, seed: int, published: Path | None = None, changes: Path | None = None
) -> dict:
    """A change on a published schedule: the time to the least disruptive new schedule.

    A walkthrough brings its `published` schedule and its `changes` file. Otherwise the baseline is the first
    feasible timetable (solve without the quality phase, so the row does not wait for it), and the change: the
    first speaker of the talk in the middle of that timetable (in time order) becomes unavailable for exactly that
    talk's time, so at least that talk must move.
    """
    from scheduler import load, solve, verify
    from scheduler.data import format_clock
    from scheduler.schedule import read_schedule
    from scheduler.whatif.changes import apply_changes, inline_change, load_changes
    from scheduler.whatif.reschedule import reschedule

    data = load(path)
    if published is not None and changes is not None:
        baseline = read_schedule(published, data)
        change = load_changes(changes)
        described = Path(changes).name
    else:
        baseline = solve(data, time_limit=time_limit, seed=seed, optimise=False)
        talks = {talk.id: talk for talk in data.talks}
        with_speakers = [a for a in baseline.assignments if talks[a.talk].speakers]
        placed = with_speakers[len(with_speakers) // 2]
        speaker = talks[placed.talk].speakers[0]
        window = f"{format_clock(placed.start)}-{format_clock(placed.end)}"
        change = inline_change("--speaker-unavailable", f"{speaker}@{placed.day.isoformat()}@{window}")
        described = f"{speaker} unavailable {placed.day.isoformat()} {window}"
    started = time.perf_counter()
    after = apply_changes(data, change)
    schedule, disruption = reschedule(after, baseline, change.costs, time_limit=time_limit, seed=seed)
    total = time.perf_counter() - started
    moved = sum(
        1
        for a in schedule.assignments
        if (old := baseline.assignment(a.talk)) is not None
        and (old.day, old.start, old.room) != (a.day, a.start, a.room)
    )
    return {
        "outcome": "INVALID" if verify(after, schedule.assignments) else "ok",
        "talks": len(data.talks),
        "change": described,
        "must_move": len(disruption.must_move),
        "first_seconds": disruption.seconds_to_schedule,
        "best_seconds": disruption.seconds_to_best,
        "total_seconds": total,
        "attempts": disruption.attempts,
        "moved": moved,
        "cost": disruption.cost,
        "lower_bound": disruption.lower_bound,
        "verdict": disruption.verdict,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# ---------------------------------------------------------------------------------------------------------------
# Parent: instances, subprocesses, table.


def run_child(instance: Instance, args: argparse.Namespace, mode: str = "--one", extra: Sequence[str] = ()) -> dict:
    """Run `instance` in a fresh interpreter (`mode` --one or --whatif, `extra` arguments) and return its JSON
    result."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        mode,
        str(instance.path),
        "--time-limit",
        str(args.whatif_time_limit if mode == "--whatif" else args.time_limit),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        *extra,
    ]
    # Generous: the time limit bounds the search, not loading, model building or the room stage.
    timeout = 4 * args.time_limit + 600
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "message": f"killed after {timeout:g} s"}
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        stderr = completed.stderr.strip().splitlines()
        return {"outcome": "crashed", "message": stderr[-1] if stderr else f"exit code {completed.returncode}"}
    return json.loads(lines[-1])


def _seconds(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}"


def _score(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.0f}"


def _number(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def row(name: str, result: dict) -> list[str]:
    """One table row; the room-stage column carries the outcome when there is no valid schedule."""
    outcome = result["outcome"]
    if outcome == "ok":
        stage = result["room_stage"]
        if result.get("neighbourhoods"):
            stage += f", {result['neighbourhoods']} neighbourhoods"
    elif outcome == "INVALID":
        stage = f"INVALID ({result['violations']} violations)"
    elif outcome == "no schedule":
        stage = "no schedule (proven)" if result.get("proven") else "no schedule (time limit)"
    else:
        stage = f"{outcome}: {result.get('message', '')}"
    peak = result.get("peak_mb")
    cells = [
        name,
        _number(result.get("talks")),
        _number(result.get("rooms")),
        _number(result.get("days")),
        _number(result.get("variables")),
        _number(result.get("constraints")),
        _seconds(result.get("build_seconds")),
        _seconds(result.get("first_feasible_seconds")),
        _seconds(result.get("total_seconds")),
        _score(result.get("penalty")),
        _score(result.get("objective")),
        _score(result.get("bound")),
        MISSING if result.get("gap") is None else f"{result['gap']:.1%}",
        result.get("status", MISSING),
        stage,
        MISSING if peak is None else f"{peak:.0f}",
    ]
    return [cell.replace("|", "\\|") for cell in cells]


def markdown_table(rows: list[list[str]], columns: tuple = COLUMNS) -> str:
    widths = [max(len(title), *(len(r[i]) for r in rows)) for i, (title, _) in enumerate(columns)]

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(width) if align == "right" else cell.ljust(width)
            for cell, width, (_, align) in zip(cells, widths, columns, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = [
        "-" * (width - 1) + ":" if align == "right" else "-" * width
        for width, (_, align) in zip(widths, columns, strict=True)
    ]
    return "\n".join([line([title for title, _ in columns]), line(rule), *(line(r) for r in rows)])


WHATIF_COLUMNS = (
    ("instance", "left"),
    ("talks", "right"),
    ("change", "left"),
    ("must move", "right"),
    ("first schedule s", "right"),
    ("best s", "right"),
    ("total s", "right"),
    ("neighbourhoods tried", "left"),
    ("moved", "right"),
    ("disruption", "right"),
    ("lower bound", "right"),
    ("verdict", "left"),
    ("peak MB", "right"),
)


def whatif_row(name: str, result: dict) -> list[str]:
    """One what-if row; the verdict column carries the outcome when something went wrong."""
    if result["outcome"] != "ok":
        return [
            name,
            *[MISSING] * (len(WHATIF_COLUMNS) - 3),
            f"{result['outcome']}: {result.get('message', '')}",
            MISSING,
        ]
    tried = ", ".join(
        f"{level} ({freed}: {status.lower()}, {seconds:.1f} s)"
        for level, freed, status, _, seconds in result["attempts"]
    )
    cells = [
        name,
        _number(result["talks"]),
        result["change"],
        _number(result["must_move"]),
        _seconds(result["first_seconds"]),
        _seconds(result["best_seconds"]),
        _seconds(result["total_seconds"]),
        tried,
        _number(result["moved"]),
        f"{result['cost']:g}",
        f"{result['lower_bound']:g}",
        result["verdict"],
        f"{result['peak_mb']:.0f}",
    ]
    return [cell.replace("|", "\\|") for cell in cells]


def emit(text: str, output: Path | None) -> None:
    """Print a benchmark's tables, and write them to `output` too when given."""
    print(text, end="")
    if output:
        output.write_text(text, encoding="utf-8")


def commit() -> str:
    """The commit benchmarked, marked dirty when the work tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, cwd=REPO
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' (dirty)' if dirty.strip() else ''}"


def stamp(name: str, argv: list[str] | None) -> str:
    """The commit benchmarked and the command that ran it, for a table's first line."""
    invoked = shlex.join(["python", "-m", "benchmarks", name, *(sys.argv[1:] if argv is None else argv)])
    return f"commit {commit()}; `{invoked}`"


def machine() -> str:
    """nproc, CPU model, Python and OR-Tools versions."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = cpuinfo.read_text().splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
        model = f" ({names[0]})" if names else ""
    try:
        ortools = version("ortools")
    except PackageNotFoundError:
        ortools = "not installed"
    return (
        f"Machine: nproc {cpus}{model}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, OR-Tools {ortools}"
    )


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver time limit per instance, s (60)")
    parser.add_argument(
        "--sizes", type=parse_sizes, default=SIZES, help="generated conference sizes, comma-separated talks"
    )
    parser.add_argument("--output", type=Path, help="also write the machine line and table to this file")
    parser.add_argument("--seed", type=int, default=0, help="CP-SAT random seed (0)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2)")
    parser.add_argument(
        "--whatif-sizes",
        type=parse_sizes,
        default=[36, 1000],
        help="generated conference sizes for the what-if table (a one-speaker change), comma-separated talks; "
        "the examples' walkthroughs come first",
    )
    parser.add_argument("--whatif-time-limit", type=float, default=30.0, help="what-if time limit, s (30)")
    parser.add_argument("--one", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--whatif", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--published", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--changes", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None:
        print(json.dumps(measure(args.one, args.time_limit, args.seed, args.workers)), flush=True)
        return 0
    if args.whatif is not None:
        measured = measure_whatif(args.whatif, args.time_limit, args.seed, args.published, args.changes)
        print(json.dumps(measured), flush=True)
        return 0

    from scheduler.generate import generate_yaml

    header = (
        f"{machine()}; {stamp('table', argv)}; time limit {args.time_limit:g} s, seed {args.seed}, "
        f"{args.workers} workers"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="confsched-bench-") as scratch:
        instances = [Instance(Path(name).stem, REPO / "data" / name) for name in SEED_PROGRAMMES]
        for talks in args.sizes:
            rooms, days = shape(talks)
            path = Path(scratch) / f"generated_{talks}.yaml"
            path.write_text(generate_yaml(talks=talks, rooms=rooms, days=days, seed=GENERATOR_SEED), encoding="utf-8")
            instances.append(Instance(f"generated-{talks}", path))
        for number, instance in enumerate(instances, 1):
            print(f"[{number}/{len(instances)}] {instance.name} ...", end=" ", file=sys.stderr, flush=True)
            started = time.perf_counter()
            result = run_child(instance, args)
            print(f"{result['outcome']} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            rows.append(row(instance.name, result))

        whatif_rows = []
        for name, data_file, published, changes in WALKTHROUGHS if args.whatif_sizes else []:
            print(f"[what-if] {name} ...", end=" ", file=sys.stderr, flush=True)
            started = time.perf_counter()
            extra = ["--published", str(REPO / published), "--changes", str(REPO / changes)]
            result = run_child(Instance(name, REPO / data_file), args, "--whatif", extra)
            print(f"{result['outcome']} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            whatif_rows.append(whatif_row(name, result))
        for talks in args.whatif_sizes:
            rooms, days = shape(talks)
            path = Path(scratch) / f"generated_{talks}.yaml"
            if not path.exists():
                text = generate_yaml(talks=talks, rooms=rooms, days=days, seed=GENERATOR_SEED)
                path.write_text(text, encoding="utf-8")
            print(f"[what-if] generated-{talks} ...", end=" ", file=sys.stderr, flush=True)
            started = time.perf_counter()
            result = run_child(Instance(f"generated-{talks}", path), args, "--whatif")
            print(f"{result['outcome']} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            whatif_rows.append(whatif_row(f"generated-{talks}", result))

    text = f"{header}\n\n{markdown_table(rows)}\n"
    if whatif_rows:
        text += (
            "\nWhat-if: each walkthrough's change file; on a generated conference, one speaker unavailable during one "
            f"talk (time limit {args.whatif_time_limit:g} s, 1 worker)"
            f"\n\n{markdown_table(whatif_rows, WHATIF_COLUMNS)}\n"
        )
    emit(text, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
