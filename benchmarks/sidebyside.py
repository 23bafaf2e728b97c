"""confsched side by side with PyCon UK's `conference-scheduler` (PuLP + CBC) on instances both can express.

Run from the repository root (conference-scheduler comes with the `bench` extra: ``pip install -e ".[bench]"``)::

    python -m benchmarks sidebyside                      # 50, 100, 200, 500 events, 60 s each
    python -m benchmarks sidebyside --sizes 50,100 --time-limit 30

One shared instance per size (:func:`build_instance`): one-slot events (every event lasts exactly one period),
rooms with a capacity, events with a demand and one to three speakers, speakers unavailable for some periods.
Both tools get the same instance, converted by :func:`to_confsched` and :func:`to_conference_scheduler`: a period is
a confsched block one period long and a conference-scheduler `Slot` per room; a room too small for an event, and a
period in which one of its speakers is away, are slots the event is unavailable for (confsched: hard capacity and
speaker windows); two events sharing a speaker are unavailable during each other (confsched: the shared speaker).
benchmarks/README.md has the table.

The objective is confsched's `room-size` rule: for each event, ``max(0, capacity - 2 * demand) // 100`` (one unit per
100 empty seats beyond twice the audience). conference-scheduler takes any function of its variables as
`objective_function`; its built-in ones do not fit (`efficiency_capacity_demand_difference` is the sum of demand -
capacity, so it puts events in the biggest rooms; `equity_capacity_demand_difference` minimises the largest overflow,
which a hard capacity already keeps at or below zero). :func:`room_size_penalty` scores both tools' schedules with
one function that reads only the shared instance, and confsched's verifier checks both.

Each (instance, tool) runs in its own process; conference-scheduler's child is killed after `--cs-timeout` seconds
(its model is built in Python before CBC starts, outside CBC's time limit) and it and CBC are limited to
`--cs-memory-gb` of address space each (at 500 events CBC alone takes 12 GB), and the table says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.run import MISSING, REPO, emit, machine, markdown_table, stamp

FIRST_DAY = dt.date(2026, 6, 8)
DAY_START = 9 * 60
PERIOD = 30  # minutes; every event lasts one period
# events -> (rooms, days, periods per day): 93-96% of the slots are used
SHAPES = {50: (4, 1, 13), 100: (8, 1, 13), 200: (12, 2, 9), 500: (16, 3, 11)}
INSTALL_HINT = (
    "conference-scheduler is not installed; install the benchmark extra with "
    '`pip install -e ".[bench]"` (or `pip install conference-scheduler`)'
)


@dataclass
class SharedInstance:
    """A conference both tools can express: one-slot events in (room, period) slots."""

    name: str
    days: list[str]  # ISO dates
    periods: list[int]  # start minute of each period, the same every day
    duration: int  # minutes of every period and every event
    rooms: list[tuple[str, int]]  # (name, capacity)
    events: list[dict[str, Any]]  # {"id", "demand", "speakers": [ids]}
    unavailable: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # speaker -> [(day, period)]

    @classmethod
    def from_json(cls, text: str) -> SharedInstance:
        raw = json.loads(text)
        raw["rooms"] = [tuple(room) for room in raw["rooms"]]
        raw["unavailable"] = {s: [tuple(p) for p in periods] for s, periods in raw["unavailable"].items()}
        return cls(**raw)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for event in self.events:
            for speaker in event["speakers"]:
                seen[speaker] = None
        return list(seen)

    def blocked(self, event: dict[str, Any]) -> set[tuple[int, int]]:
        """(day, period) pairs in which some speaker of `event` is unavailable."""
        return {tuple(p) for speaker in event["speakers"] for p in self.unavailable.get(speaker, [])}

    def clashes(self) -> dict[str, set[str]]:
        """Event id -> the other events sharing a speaker with it (which may not run at the same time)."""
        by_speaker: dict[str, list[str]] = {}
        for event in self.events:
            for speaker in event["speakers"]:
                by_speaker.setdefault(speaker, []).append(event["id"])
        result: dict[str, set[str]] = {event["id"]: set() for event in self.events}
        for members in by_speaker.values():
            for a in members:
                result[a].update(b for b in members if b != a)
        return result

    def clock(self, period: int) -> str:
        minute = self.periods[period]
        return f"{minute // 60:02d}:{minute % 60:02d}"


def shape(events: int) -> tuple[int, int, int]:
    """(rooms, days, periods per day) for `events` events: the fixed shapes, else about 85% of the slots used."""
    if events in SHAPES:
        return SHAPES[events]
    days = 1 if events <= 60 else 2 if events <= 250 else 3
    periods = 12
    return max(2, -(-events * 100 // (85 * days * periods))), days, periods


def build_instance(events: int, rooms: int, days: int, periods: int, seed: int = 0) -> SharedInstance:
    """A seeded instance with a valid placement planted first (so both tools have one to find), then thrown away.

    Each event's demand fits the room it was planted in; speakers are reused only where their planted events do
    not meet, and unavailability avoids every planted event.
    """
    if events > rooms * days * periods:
        raise ValueError(f"{events} events do not fit into {rooms} rooms x {days} day(s) x {periods} periods")
    rng = random.Random(seed)
    room_list: list[tuple[str, int]] = []
    for r in range(rooms):
        share = r / max(1, rooms)
        if share < 0.3:
            capacity = rng.choice([300, 400, 500, 600])
        elif share < 0.6:
            capacity = rng.choice([120, 150, 200, 250])
        else:
            capacity = rng.choice([40, 50, 60, 80, 100])
        room_list.append((f"Room {r + 1:02d}", capacity))
    cells = [(d, p, r) for d in range(days) for p in range(periods) for r in range(rooms)]
    rng.shuffle(cells)
    planted = cells[:events]

    busy: list[set[tuple[int, int]]] = []  # per speaker: planted (day, period)s
    event_list = []
    for index, (d, p, r) in enumerate(planted):
        capacity = room_list[r][1]
        wanted = 1 + (rng.random() < 0.3) + (rng.random() < 0.05)
        chosen: list[int] = []
        for _ in range(wanted):
            speaker = None
            if busy and rng.random() < 0.35:
                for _ in range(6):
                    candidate = rng.randrange(len(busy))
                    if candidate not in chosen and (d, p) not in busy[candidate]:
                        speaker = candidate
                        break
            if speaker is None:
                speaker = len(busy)
                busy.append(set())
            busy[speaker].add((d, p))
            chosen.append(speaker)
        event_list.append(
            {
                "id": f"e{index + 1:04d}",
                "demand": max(5, int(capacity * rng.uniform(0.1, 0.95))),
                "speakers": [f"s{s + 1:04d}" for s in chosen],
            }
        )

    unavailable: dict[str, list[tuple[int, int]]] = {}
    for s, planted_at in enumerate(busy):
        roll = rng.random()
        if roll >= 0.25:
            continue
        d = rng.randrange(days)
        if roll < 0.08:  # a whole day
            window = [(d, p) for p in range(periods)]
        else:  # half a day
            half = periods // 2
            window = [(d, p) for p in (range(half) if rng.random() < 0.5 else range(half, periods))]
        if not any(at in planted_at for at in window):
            unavailable[f"s{s + 1:04d}"] = window

    rng.shuffle(event_list)
    return SharedInstance(
        name=f"shared-{events}",
        days=[(FIRST_DAY + dt.timedelta(days=d)).isoformat() for d in range(days)],
        periods=[DAY_START + p * PERIOD for p in range(periods)],
        duration=PERIOD,
        rooms=room_list,
        events=event_list,
        unavailable=unavailable,
    )


# ---------------------------------------------------------------------------------------------------------------
# The common measure


def room_size_coefficient(capacity: int, demand: int) -> int:
    """confsched's `room-size` penalty for one event in one room: one unit per 100 seats beyond twice the demand."""
    return max(0, capacity - 2 * demand) // 100


def room_size_penalty(instance: SharedInstance, rooms_by_event: dict[str, str]) -> int:
    """The objective both tools are compared on, from the shared instance alone (event id -> room name)."""
    capacity = dict(instance.rooms)
    demand = {event["id"]: event["demand"] for event in instance.events}
    return sum(room_size_coefficient(capacity[room], demand[event]) for event, room in rooms_by_event.items())


# ---------------------------------------------------------------------------------------------------------------
# confsched


def to_confsched(instance: SharedInstance) -> dict[str, Any]:
    """The instance as a confsched data file (a dict): one block per period, `room-size` the only soft rule."""
    from scheduler.rules import RULES as SOFT_RULES

    def clock(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    return {
        "conference": {
            "name": f"Side by side {instance.name}",
            "timezone": "Europe/London",
            "granularity": 5,
            "days": [
                {
                    "date": day,
                    "blocks": [
                        {"start": clock(start), "end": clock(start + instance.duration)} for start in instance.periods
                    ],
                }
                for day in instance.days
            ],
        },
        "weights": {rule: (1 if rule == "room-size" else 0) for rule in SOFT_RULES},
        "rooms": [{"name": name, "capacity": capacity} for name, capacity in instance.rooms],
        "speakers": [
            {
                "id": speaker,
                **(
                    {
                        "unavailable": [
                            {
                                "day": instance.days[d],
                                "start": clock(instance.periods[p]),
                                "end": clock(instance.periods[p] + instance.duration),
                            }
                            for d, p in sorted(instance.unavailable[speaker])
                        ]
                    }
                    if speaker in instance.unavailable
                    else {}
                ),
            }
            for speaker in instance.speakers()
        ],
        "talks": [
            {
                "id": event["id"],
                "title": f"Event {event['id']}",
                "duration": instance.duration,
                "speakers": event["speakers"],
                "attendance": event["demand"],
            }
            for event in instance.events
        ],
    }


def confsched_data(instance: SharedInstance):
    """The loaded and validated confsched data for the instance."""
    import yaml

    from scheduler import parse

    return parse(yaml.safe_dump(to_confsched(instance), sort_keys=False), f"{instance.name}.yaml")


def run_confsched(instance: SharedInstance, time_limit: float, seed: int, workers: int) -> dict[str, Any]:
    from scheduler import ConfschedError, NoScheduleError, solve, verify

    data = confsched_data(instance)
    started = time.perf_counter()
    try:
        schedule = solve(data, time_limit=time_limit, seed=seed, workers=workers)
    except (NoScheduleError, ConfschedError) as error:
        return {"outcome": "no schedule", "message": str(error), "total_seconds": time.perf_counter() - started}
    total = time.perf_counter() - started
    stats = schedule.stats
    violations = verify(data, schedule.assignments)
    return {
        "outcome": "INVALID" if violations else "ok",
        "violations": len(violations),
        "message": str(violations[0]) if violations else "",
        "total_seconds": total,
        "build_seconds": stats.build_seconds,
        "first_seconds": stats.first_feasible_seconds,
        "status": stats.status,
        "penalty": room_size_penalty(instance, {a.talk: a.room for a in schedule.assignments}),
        "own_penalty": stats.penalty,
        # the proven lower bound on the whole penalty (SolveStats.bound); older versions: the coupled model's own
        "bound": getattr(stats, "bound", stats.time_bound if stats.room_stage == "coupled" else None),
        "path": stats.room_stage,
    }


# ---------------------------------------------------------------------------------------------------------------
# conference-scheduler


def conference_scheduler_available() -> bool:
    try:
        import conference_scheduler  # noqa: F401
        import pulp  # noqa: F401
    except ImportError:
        return False
    return True


def to_conference_scheduler(instance: SharedInstance) -> tuple[list, list]:
    """(events, slots) for conference-scheduler: `Event`s with their unavailability, one `Slot` per room and period.

    Clashes are listed on both events: the library builds the clash constraints only for events that have an
    unavailability list of their own.
    """
    from conference_scheduler.resources import Event, Slot

    slots = []
    slots_at: dict[tuple[int, int], list] = {}
    too_small: dict[int, list] = {}  # demand -> slots of rooms with less capacity
    for d, day in enumerate(instance.days):
        date = dt.date.fromisoformat(day)
        for p, start in enumerate(instance.periods):
            starts_at = dt.datetime.combine(date, dt.time(start // 60, start % 60))
            for name, capacity in instance.rooms:
                slot = Slot(
                    venue=name, starts_at=starts_at, duration=instance.duration, capacity=capacity, session=f"{day} {p}"
                )
                slots.append(slot)
                slots_at.setdefault((d, p), []).append(slot)
    events = {}
    for event in instance.events:
        if event["demand"] not in too_small:
            too_small[event["demand"]] = [slot for slot in slots if slot.capacity < event["demand"]]
        unavailable = list(too_small[event["demand"]])
        for at in sorted(instance.blocked(event)):
            unavailable.extend(slot for slot in slots_at[at] if slot.capacity >= event["demand"])
        events[event["id"]] = Event(event["id"], instance.duration, event["demand"], unavailability=unavailable)
    for event_id, others in instance.clashes().items():
        events[event_id].add_unavailability(*(events[other] for other in sorted(others)))
    return list(events.values()), slots


def room_size_objective(instance: SharedInstance):
    """A conference-scheduler `objective_function`: the room-size penalty as a linear function of its variables."""
    import pulp

    capacity = dict(instance.rooms)

    def objective(events, slots, X, **kwargs):
        return pulp.lpSum(
            room_size_coefficient(capacity[slot.venue], event.demand) * X[row, col]
            for row, event in enumerate(events)
            for col, slot in enumerate(slots)
            if room_size_coefficient(capacity[slot.venue], event.demand) > 0
        )

    return objective


def cs_assignments(scheduled: list, instance: SharedInstance) -> list:
    """conference-scheduler's `ScheduledItem`s as confsched assignments, for confsched's verifier."""
    from scheduler import Assignment
    from scheduler.data import format_clock

    result = []
    for item in scheduled:
        start = item.slot.starts_at
        minute = start.hour * 60 + start.minute
        result.append(
            Assignment(
                talk=item.event.name,
                day=start.date(),
                start=format_clock(minute),
                end=format_clock(minute + item.event.duration),
                room=item.slot.venue,
            )
        )
    return result


def _cbc_solver(time_limit: float, workers: int, log: Path):
    """CBC as bundled with PuLP (PULP_CBC_CMD), timing its own run so the Python model building can be told apart."""
    import warnings

    import pulp

    warnings.filterwarnings("ignore", message=".*PULP_CBC_CMD is deprecated.*")

    class TimedCBC(pulp.PULP_CBC_CMD):
        started: float | None = None
        finished: float | None = None

        def actualSolve(self, lp, **kwargs):
            self.started = time.perf_counter()
            try:
                return super().actualSolve(lp, **kwargs)
            finally:
                self.finished = time.perf_counter()

    solver = TimedCBC(msg=False, timeLimit=time_limit, threads=workers, logPath=str(log))
    # PuLP's model and solution files (600 MB at 500 events) go next to the log, so they are removed with it even
    # when CBC fails (PuLP leaves them behind then)
    solver.tmpDir = str(log.parent)
    return solver


def parse_cbc_log(text: str) -> dict[str, Any]:
    """CBC's result line, objective and lower bound from its log."""
    result: dict[str, Any] = {}
    if match := re.search(r"^Result - (.+)$", text, re.MULTILINE):
        result["cbc_result"] = match.group(1).strip()
    if match := re.search(r"^Objective value:\s+(\S+)", text, re.MULTILINE):
        result["cbc_objective"] = float(match.group(1))
    if match := re.search(r"^Lower bound:\s+(\S+)", text, re.MULTILINE):
        result["cbc_bound"] = float(match.group(1))
    elif result.get("cbc_result", "").startswith("Optimal") and "cbc_objective" in result:
        result["cbc_bound"] = result["cbc_objective"]
    return result


def run_conference_scheduler(
    instance: SharedInstance, time_limit: float, workers: int, scratch_parent: Path | None = None
) -> dict[str, Any]:
    from conference_scheduler import scheduler as cs

    from scheduler import verify

    started = time.perf_counter()
    events, slots = to_conference_scheduler(instance)
    convert = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="confsched-cbc-", dir=scratch_parent) as scratch:
        log = Path(scratch) / "cbc.log"
        solver = _cbc_solver(time_limit, workers, log)
        try:
            scheduled = cs.schedule(events, slots, objective_function=room_size_objective(instance), solver=solver)
        except ValueError as error:  # 'No valid solution found'
            outcome: dict[str, Any] = {"outcome": "no schedule", "message": str(error)}
            scheduled = None
        finished = time.perf_counter()
        cbc = parse_cbc_log(log.read_text(errors="replace")) if log.exists() else {}
    if scheduled is None and cbc.get("cbc_result"):
        outcome["message"] += f" (CBC: {cbc['cbc_result']})"
    result: dict[str, Any] = {
        "convert_seconds": convert,
        "build_seconds": (solver.started or finished) - started - convert,
        "solve_seconds": (solver.finished - solver.started) if solver.started and solver.finished else None,
        "total_seconds": finished - started - convert,
        **cbc,
    }
    if scheduled is None:
        return {**result, **outcome}
    data = confsched_data(instance)
    assignments = cs_assignments(scheduled, instance)
    violations = verify(data, assignments)
    optimal = cbc.get("cbc_result", "").startswith("Optimal")
    return {
        **result,
        "outcome": "INVALID" if violations else "ok",
        "violations": len(violations),
        "message": str(violations[0]) if violations else "",
        "status": "optimal" if optimal else "feasible",
        "penalty": room_size_penalty(instance, {a.talk: a.room for a in assignments}),
        "bound": cbc.get("cbc_bound"),
    }


# ---------------------------------------------------------------------------------------------------------------
# Parent: instances, one child process per (instance, tool), table.

COLUMNS = (
    ("events", "right"),
    ("rooms", "right"),
    ("periods", "right"),
    ("clash pairs", "right"),
    ("confsched s", "right"),
    ("confsched first s", "right"),
    ("confsched objective", "right"),
    ("confsched bound", "right"),
    ("confsched status", "left"),
    ("c-s build s", "right"),
    ("c-s CBC s", "right"),
    ("c-s total s", "right"),
    ("c-s objective", "right"),
    ("c-s bound", "right"),
    ("c-s status", "left"),
    ("objective ratio c-s / confsched", "right"),
    ("time ratio c-s / confsched", "right"),
)


def _limit_memory(gigabytes: float):
    def limit() -> None:
        size = int(gigabytes * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return limit


def run_child(path: Path, tool: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.sidebyside",
        f"--{tool}",
        str(path),
        "--time-limit",
        str(args.time_limit),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
    ]
    timeout = args.cs_timeout if tool == "cs" else 4 * args.time_limit + 600
    preexec = _limit_memory(args.cs_memory_gb) if tool == "cs" and args.cs_memory_gb > 0 else None
    started = time.perf_counter()
    # a session of its own, so a timeout ends the child and the CBC it started, not the child alone
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        preexec_fn=preexec,
        start_new_session=True,
    )
    try:
        stdout, stderr_text = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        return {"outcome": "timeout", "message": f"killed after {timeout:g} s"}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        stderr = stderr_text.strip().splitlines()
        last = stderr[-1] if stderr else f"exit code {child.returncode}"
        if "PulpSolverError" in last:
            last = "CBC exited with an error"
        elif "MemoryError" in stderr_text:
            last = "Python ran out of memory"
        limit = f", address space limited to {args.cs_memory_gb:g} GB" if preexec else ""
        seconds = time.perf_counter() - started
        return {"outcome": "crashed", "message": f"after {seconds:.0f} s: {last[:120]}{limit}"}
    return json.loads(lines[-1])


def _s(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}"


def _n(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.0f}"


def _status(result: dict[str, Any]) -> str:
    if result["outcome"] == "ok":
        return f"{result['status']} ({result['path']})" if result.get("path") else result["status"]
    if result["outcome"] == "INVALID":
        return f"INVALID ({result['violations']} violations: {result['message']})"
    return f"{result['outcome']}: {result.get('message', '')}"


def ratio(a: float | None, b: float | None, digits: int = 2) -> str:
    if a is None or b is None:
        return MISSING
    if b == 0:
        return "1.00" if a == 0 else "∞"
    return f"{a / b:.{digits}f}"


def row(instance: SharedInstance, ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    ok_ours, ok_theirs = ours["outcome"] == "ok", theirs["outcome"] == "ok"
    clash_pairs = sum(len(others) for others in instance.clashes().values()) // 2
    cells = [
        f"{len(instance.events):,}",
        str(len(instance.rooms)),
        f"{len(instance.days)} x {len(instance.periods)}",
        f"{clash_pairs:,}",
        _s(ours.get("total_seconds")),
        _s(ours.get("first_seconds")),
        _n(ours.get("penalty")) if ok_ours else MISSING,
        _n(ours.get("bound")),
        _status(ours),
        _s(theirs.get("build_seconds")),
        _s(theirs.get("solve_seconds")),
        _s(theirs.get("total_seconds")),
        _n(theirs.get("penalty")) if ok_theirs else MISSING,
        _n(theirs.get("bound")) if ok_theirs else MISSING,
        _status(theirs),
        ratio(theirs.get("penalty"), ours.get("penalty")) if ok_ours and ok_theirs else MISSING,
        ratio(theirs.get("total_seconds"), ours.get("total_seconds"), 1) if ok_ours and ok_theirs else MISSING,
    ]
    return [cell.replace("|", "\\|") for cell in cells]


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if any(size < 2 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be integers of at least 2")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks sidebyside", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=list(SHAPES), help="events, comma-separated (50,100,200,500)"
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="time limit of both solvers, s (60)")
    parser.add_argument("--seed", type=int, default=0, help="instance and CP-SAT seed (0)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers and CBC threads (2)")
    parser.add_argument(
        "--cs-timeout", type=float, default=900.0, help="kill conference-scheduler's process after this many s (900)"
    )
    parser.add_argument(
        "--cs-memory-gb",
        type=float,
        default=8.0,
        help="address-space limit of that process and of CBC, GB; 0: none (8; CBC takes 12 GB at 500 events)",
    )
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    parser.add_argument("--confsched", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--cs", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    stamped = stamp("sidebyside", argv)  # before the runs: the work tree may change while they run

    if args.confsched is not None:
        instance = SharedInstance.from_json(args.confsched.read_text(encoding="utf-8"))
        print(json.dumps(run_confsched(instance, args.time_limit, args.seed, args.workers)), flush=True)
        return 0
    if args.cs is not None:
        instance = SharedInstance.from_json(args.cs.read_text(encoding="utf-8"))
        result = run_conference_scheduler(instance, args.time_limit, args.workers, scratch_parent=args.cs.parent)
        print(json.dumps(result), flush=True)
        return 0

    available = conference_scheduler_available()
    if not available:
        print(f"warning: {INSTALL_HINT}; only confsched runs", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="confsched-sidebyside-") as scratch:
        for events in args.sizes:
            rooms, days, periods = shape(events)
            instance = build_instance(events, rooms, days, periods, seed=args.seed)
            path = Path(scratch) / f"{instance.name}.json"
            path.write_text(instance.to_json(), encoding="utf-8")
            results = {}
            for tool in ("confsched", "cs"):
                if tool == "cs" and not available:
                    results[tool] = {"outcome": "not run", "message": INSTALL_HINT}
                    continue
                print(f"[{instance.name}] {tool} ...", end=" ", file=sys.stderr, flush=True)
                started = time.perf_counter()
                results[tool] = run_child(path, tool, args)
                print(
                    f"{results[tool]['outcome']} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True
                )
            rows.append(row(instance, results["confsched"], results["cs"]))
    header = (
        f"{machine()}; {stamped}; "
        f"conference-scheduler {_version('conference-scheduler')}, PuLP {_version('pulp')} (CBC); "
        f"time limit {args.time_limit:g} s per solver, {args.workers} workers/threads, seed {args.seed}"
    )
    text = f"{header}\n\n{markdown_table(rows, COLUMNS)}\n"
    emit(text, args.output)
    return 0


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    sys.exit(main())
