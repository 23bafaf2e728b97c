"""The Timefold ladder: confsched on conferences shaped like the Timefold (OptaPlanner) conference-scheduling examples.

Run from the repository root::

    python -m benchmarks ladder                       # 18, 36, 72, 108, 216, 500, 1000, 2000 talks, 60 s each
    python -m benchmarks ladder --sizes 18,216 --time-limit 30

The Timefold examples come from its `ConferenceSchedulingGenerator`: D days x R rooms give 18, 36, 72, 108 and 216
talks over 6-18 timeslots and 5-20 rooms (1x5, 2x5, 2x10, 3x10, 3x20), every (timeslot, room) cell used. Every day
has six timeslots: two 120-minute lab slots (10:15-12:15, 13:00-15:00, the second tagged "After lunch") and four
45-minute breakout slots (10:15-11:00, 11:30-12:15, 15:30-16:15, 16:30-17:15). Every fifth room is a lab room; room
capacities are 10-1,000 seats, rooms are "Recorded" (half, and rooms 1 and 5) and "Large" (500 seats or more).
Talks: 2/3 as many speakers as talks, handed out in turn, 1-4 speakers per talk (60% one, 37% two); a theme (9),
a sector (20% of talks, 6), an audience level (3), a content tag (20); 2.5% are Platinum Sponsor talks (never in
parallel), 2.5% have a prerequisite talk; 10% of the speakers cannot come in the mornings, the afternoons, all but
one day, or some timeslots, or would rather not speak after lunch. Beyond 216 the same shape grows in days and
rooms (500: 4 x 35, 1,000: 5 x 56, 2,000: 5 x 111), a few breakout cells left empty to hit the round number.

:func:`build_instance` plants a timetable first (as Timefold's generator fills every cell) and derives every hard
restriction from it, so each instance has a valid schedule; the plant is then thrown away. How each Timefold
constraint maps onto confsched's rules is in :data:`MAPPED_WEIGHTS` and benchmarks/README.md; every other confsched
soft rule has weight 0, so the objective is the Timefold-like part only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from benchmarks.run import MISSING, REPO, emit, machine, markdown_table, stamp

# talks -> (days, rooms); 18-216 are Timefold's own data sets
LADDER = {18: (1, 5), 36: (2, 5), 72: (2, 10), 108: (3, 10), 216: (3, 20), 500: (4, 35), 1000: (5, 56), 2000: (5, 111)}
FIRST_DAY = dt.date(2018, 10, 1)  # as in Timefold's generator
# (start, end, talk type) per day, Timefold's `timeslotOptions`
TIMESLOTS = [
    ("10:15", "12:15", "lab"),
    ("10:15", "11:00", "breakout"),
    ("11:30", "12:15", "breakout"),
    ("13:00", "15:00", "lab"),
    ("15:30", "16:15", "breakout"),
    ("16:30", "17:15", "breakout"),
]
AFTER_LUNCH = "After lunch"
# confsched blocks may not overlap, so the morning is one block both types share; breakout rooms close 11:00-11:30,
# which leaves exactly Timefold's two morning breakout slots (and the lab slot across them in the lab rooms)
BLOCKS = [
    {"start": "10:15", "end": "12:15", "type": "morning", "name": "Morning"},
    {"start": "13:00", "end": "15:00", "type": "lab", "name": AFTER_LUNCH},
    {"start": "15:30", "end": "16:15", "type": "breakout", "name": "Afternoon 1"},
    {"start": "16:30", "end": "17:15", "type": "breakout", "name": "Afternoon 2"},
]
BREAKOUT_ROOM_BREAK = {"start": "11:00", "end": "11:30"}
DURATION = {"lab": 120, "breakout": 45}
THEMES = [
    "Artificial Intelligence",
    "Cloud",
    "Big Data",
    "Culture",
    "Middleware",
    "Mobile",
    "IoT",
    "Modern Web",
    "Security",
]
SECTORS = ["Education", "Financial services", "Government", "Healthcare", "Telecommunications", "Transportation"]
CONTENT = [
    "OpenShift",
    "WildFly",
    "Spring",
    "Drools",
    "OptaPlanner",
    "jBPM",
    "Camel",
    "Jackson",
    "Docker",
    "Hibernate",
    "GWT",
    "Errai",
    "Angular",
    "Weld",
    "RestEasy",
    "Android",
    "Tensorflow",
    "VertX",
    "JUnit",
    "Keycloak",
]
LEVELS = {1: "intro", 2: "intermediate", 3: "advanced"}
PLATINUM = "platinum-sponsor"
# confsched rule -> weight; the Timefold constraint it stands for is in the README. Everything else weighs 0.
MAPPED_WEIGHTS: dict[str, float | str] = {
    "track-parallel": 10,  # Theme track conflict (soft 10): the talk's first theme is its track
    "track-room": 10,  # Theme track room stability (soft 10)
    "exclusive-tags": 10,  # Sector conflict (soft 10): sectors are exclusive tags
    "level-order": 10,  # Content audience level flow violation (soft 10): topic = content tag
    "speaker-preference": 20,  # Speaker preferred / undesired timeslot tags (soft 20): the "After lunch" block
    "speaker-days": 20,  # stands in for Speaker makespan (soft 20)
    "room-size": 1,  # stands in for Popular talks; attendance itself is a hard capacity in confsched
    "order": "hard",  # Talk prerequisite talks (hard)
    "content-conflict": "hard",  # Talk mutually-exclusive-talks tags (hard): Platinum Sponsor talks
}


def _slug(text: str) -> str:
    return text.lower().replace(" ", "-")


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def cells(days: int, rooms: int) -> int:
    """Talks Timefold's generator makes for `days` x `rooms`: every compatible (timeslot, room) cell."""
    labs = rooms // 5
    return days * (4 * (rooms - labs) + 2 * labs)


def build_instance(days: int, rooms: int, talks: int | None = None, seed: int = 0) -> dict[str, Any]:
    """A Timefold-shaped conference as a confsched data file (dict), feasible by construction."""
    from scheduler.rules import RULES as SOFT_RULES

    rng = random.Random(seed)
    talks = cells(days, rooms) if talks is None else talks
    if not 1 <= talks <= cells(days, rooms):
        raise ValueError(f"{talks} talks do not fit {days} day(s) x {rooms} rooms ({cells(days, rooms)} cells)")
    dates = [FIRST_DAY + dt.timedelta(days=d) for d in range(days)]

    room_list = []
    for i in range(rooms):
        capacity = (1 + rng.randrange(100)) * 10
        tags = []
        if i in (0, 4) or rng.random() < 0.5:
            tags.append("recorded")
        if capacity >= 500:
            tags.append("large")
        room_list.append(
            {"name": f"R {i // 12 * 100 + i % 12 + 1}", "capacity": capacity, "tags": tags, "lab": i % 5 == 4}
        )

    # the plant: every (day, timeslot, compatible room) cell; the first breakout cell of room 0 holds the pinned talk
    plant = [
        (d, t, r)
        for d in range(days)
        for t, (_, _, kind) in enumerate(TIMESLOTS)
        for r, room in enumerate(room_list)
        if room["lab"] == (kind == "lab")
    ]
    pinned_cell = (0, 1, 0)
    optional = [cell for cell in plant if cell != pinned_cell and TIMESLOTS[cell[1]][2] == "breakout"]
    dropped = set(rng.sample(optional, len(plant) - talks))
    plant = [cell for cell in plant if cell not in dropped]
    rng.shuffle(plant)

    def span(cell: tuple[int, int, int]) -> tuple[int, int, int]:
        start, end, _ = TIMESLOTS[cell[1]]
        return cell[0], _minutes(start), _minutes(end)

    def overlap(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
        return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]

    def ends_before(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
        (day_a, _, end_a), (day_b, start_b, _) = span(a), span(b)
        return day_a < day_b or (day_a == day_b and end_a <= start_b)

    # speakers handed out in turn, as Timefold does, skipping one who is busy at the planted time
    speaker_count = max(1, talks * 2 // 3)
    busy: list[list[tuple[int, int, int]]] = [[] for _ in range(speaker_count)]
    pointer = 0
    talk_speakers: list[list[int]] = []
    for cell in plant:
        roll = rng.random()
        wanted = 4 if roll < 0.01 else 3 if roll < 0.03 else 2 if roll < 0.40 else 1
        chosen: list[int] = []
        for _ in range(wanted):
            for _ in range(len(busy)):
                candidate = pointer
                pointer = (pointer + 1) % len(busy)
                if candidate not in chosen and not any(overlap(span(cell), at) for at in busy[candidate]):
                    break
            else:
                candidate = len(busy)
                busy.append([])
            busy[candidate].append(span(cell))
            chosen.append(candidate)
        talk_speakers.append(chosen)

    speakers = []
    for s, planted in enumerate(busy):
        if not planted:
            continue
        speaker: dict[str, Any] = {"id": f"sp{s + 1:04d}", "name": f"Speaker {s + 1}"}
        if rng.random() < 0.10:
            segment = rng.random()
            if segment < 0.10:  # no mornings
                if all(at[1] >= 12 * 60 for at in planted):
                    speaker["unavailable"] = [{"start": "10:00", "end": "12:15"}]
                    speaker["prefers"] = {"blocks": [AFTER_LUNCH]}
            elif segment < 0.20:  # no afternoons (timeslots starting at noon or later)
                if all(at[1] < 12 * 60 for at in planted):
                    speaker["unavailable"] = [{"start": "12:15", "end": "18:00"}]
            elif segment < 0.30:  # only one day
                planted_days = {at[0] for at in planted}
                if len(planted_days) <= 1:
                    keep = next(iter(planted_days)) if planted_days else rng.randrange(days)
                    speaker["unavailable"] = [{"day": dates[d]} for d in range(days) if d != keep]
            else:  # a few timeslots, and rather not after lunch
                windows = []
                for d in range(days):
                    for start, end, _ in TIMESLOTS:
                        at = (d, _minutes(start), _minutes(end))
                        if rng.random() < 0.05 and not any(overlap(at, p) for p in planted):
                            windows.append({"day": dates[d], "start": start, "end": end})
                if windows:
                    speaker["unavailable"] = windows
                speaker["avoids"] = {"blocks": [AFTER_LUNCH]}
        speakers.append(speaker)

    # Platinum Sponsor talks never overlap (chosen so the plant keeps that), prerequisites end before the talk starts
    platinum: list[int] = []
    for index in range(len(plant)):
        if rng.random() < 0.025 and not any(overlap(span(plant[index]), span(plant[p])) for p in platinum):
            platinum.append(index)
    items = []
    for index, cell in enumerate(plant):
        d, t, r = cell
        kind = TIMESLOTS[t][2]
        room = room_list[r]
        talk: dict[str, Any] = {
            "id": f"S{index:0{len(str(talks))}d}",
            "title": f"{rng.choice(CONTENT)} talk {index}",
            "kind": kind,
            "duration": DURATION[kind],
            "speakers": [f"sp{s + 1:04d}" for s in talk_speakers[index]],
            "track": _slug(rng.choice(THEMES)),
            "attendance": max(1, int(room["capacity"] * rng.uniform(0.2, 0.95))),
        }
        talk["topic"] = _slug(talk["title"].split(" talk ")[0])
        talk["level"] = LEVELS[1 + rng.randrange(3)]
        if rng.random() < 0.20:
            talk["tags"] = [_slug(rng.choice(SECTORS))]
        requires = [tag for tag, p in (("recorded", 0.5 / 25), ("large", 0.2 / 25)) if rng.random() < p]
        requires = [tag for tag in requires if tag in room["tags"]]
        if requires:
            talk["requires"] = requires
        if rng.random() < 0.025:
            before = [p for p in range(len(plant)) if ends_before(plant[p], cell)]
            if before:
                talk["after"] = [f"S{rng.choice(before):0{len(str(talks))}d}"]
        if cell == pinned_cell:
            talk["pin"] = {"day": dates[0], "start": TIMESLOTS[1][0], "room": room["name"]}
        items.append(talk)
    for index in platinum:
        items[index]["tags"] = [*items[index].get("tags", []), PLATINUM]
        items[index]["conflicts"] = [items[other]["id"] for other in platinum if other != index]

    breakout_rooms = [room["name"] for room in room_list if not room["lab"]]
    lab_rooms = [room["name"] for room in room_list if room["lab"]]
    weights = {rule: MAPPED_WEIGHTS.get(rule, 0) for rule in SOFT_RULES}
    rng.shuffle(items)
    return {
        "conference": {
            "name": f"Timefold-shaped conference, {talks} talks, {days} day(s) x {rooms} rooms (seed {seed})",
            "timezone": "Europe/Brussels",
            "granularity": 15,
            "days": [{"date": date, "blocks": BLOCKS} for date in dates],
        },
        "weights": weights,
        "exclusive_tags": [_slug(sector) for sector in SECTORS],
        "kinds": {
            "breakout": {"rooms": breakout_rooms, "block_types": ["morning", "breakout"]},
            "lab": {"rooms": lab_rooms, "block_types": ["morning", "lab"]},
        },
        "rooms": [
            {
                "name": room["name"],
                "capacity": room["capacity"],
                "tags": room["tags"],
                **({} if room["lab"] else {"unavailable": [BREAKOUT_ROOM_BREAK]}),
            }
            for room in room_list
        ],
        "speakers": speakers,
        "talks": items,
    }


def build_yaml(days: int, rooms: int, talks: int | None = None, seed: int = 0) -> str:
    header = (
        f"# Timefold-shaped conference (benchmarks/ladder.py: {days} day(s), {rooms} rooms, {talks} talks, seed {seed})"
        "\n"
        "# Synthetic and feasible by construction; every value is invented.\n"
    )
    document = build_instance(days, rooms, talks, seed)
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


# ---------------------------------------------------------------------------------------------------------------
# Child: one instance, one process.


def measure(path: Path, time_limit: float, seed: int, workers: int) -> dict[str, Any]:
    from scheduler import ConfschedError, NoScheduleError, load, solve, verify
    from scheduler.checks.score import score

    data = load(path)
    result: dict[str, Any] = {
        "talks": len(data.talks),
        "rooms": len(data.rooms),
        "timeslots": len(data.conference.days) * len(TIMESLOTS),
        "speakers": len(data.speakers),
    }
    started = time.perf_counter()
    try:
        schedule = solve(data, time_limit=time_limit, seed=seed, workers=workers)
    except NoScheduleError as error:
        result.update(outcome="no schedule", message=str(error))
    except ConfschedError as error:
        result.update(outcome="error", message=str(error))
    else:
        total = time.perf_counter() - started
        stats = schedule.stats
        violations = [str(v) for v in verify(data, schedule.assignments)]
        # rules made hard in the data file are constraints, not verify() rules: check them with the scorer
        violations += [
            f"{rule.rule}: {rule.violations} violations"
            for rule in score(data, schedule.assignments)
            if rule.weight == "hard" and rule.violations
        ]
        result.update(
            outcome="INVALID" if violations else "ok",
            violations=len(violations),
            message=violations[0] if violations else "",
            first_feasible_seconds=stats.first_feasible_seconds,
            total_seconds=total,
            penalty=stats.penalty,
            # the proven lower bound on the whole penalty (SolveStats.bound); older versions bound the time model only
            bound=getattr(stats, "bound", stats.time_bound),
            gap=getattr(stats, "penalty_gap", stats.gap),
            status=stats.status,
            path=stats.room_stage,
            largest=[(rule.rule, rule.penalty) for rule in sorted(stats.quality, key=lambda r: -r.penalty)[:3]],
        )
    result.setdefault("total_seconds", time.perf_counter() - started)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# ---------------------------------------------------------------------------------------------------------------
# Parent

COLUMNS = (
    ("instance", "left"),
    ("talks", "right"),
    ("rooms", "right"),
    ("timeslots", "right"),
    ("speakers", "right"),
    ("first feasible s", "right"),
    ("objective", "right"),
    ("bound", "right"),
    ("gap", "right"),
    ("status", "left"),
    ("total s", "right"),
    ("largest terms", "left"),
    ("path", "left"),
    ("verified", "left"),
    ("peak MB", "right"),
)


def shape(talks: int) -> tuple[int, int]:
    """(days, rooms) for a ladder size: the fixed ones, else Timefold's shape over 5 days with enough rooms."""
    if talks in LADDER:
        return LADDER[talks]
    days = 1 if talks <= 24 else 2 if talks <= 80 else 3 if talks <= 300 else 4 if talks <= 600 else 5
    rooms = 5
    while cells(days, rooms) < talks:
        rooms += 1
    return days, rooms


def run_child(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.ladder",
        "--one",
        str(path),
        "--time-limit",
        str(args.time_limit),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
    ]
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


def largest(result: dict[str, Any]) -> str:
    """The rules that make up most of the objective, with their share of it."""
    total = result.get("penalty") or 0
    parts = [(rule, penalty) for rule, penalty in result.get("largest", []) if penalty > 0]
    return ", ".join(f"{rule} {penalty / total:.0%}" for rule, penalty in parts) if total else MISSING


def row(name: str, result: dict[str, Any]) -> list[str]:
    def seconds(value: float | None) -> str:
        return MISSING if value is None else f"{value:.2f}"

    def number(value: float | None) -> str:
        return MISSING if value is None else f"{value:,.0f}"

    outcome = result["outcome"]
    if outcome == "ok":
        verified = "ok"
    elif outcome == "INVALID":
        verified = f"INVALID ({result['violations']}: {result['message']})"
    else:
        verified = f"{outcome}: {result.get('message', '')}"
    cells_ = [
        name,
        number(result.get("talks")),
        number(result.get("rooms")),
        number(result.get("timeslots")),
        number(result.get("speakers")),
        seconds(result.get("first_feasible_seconds")),
        number(result.get("penalty")),
        number(result.get("bound")),
        MISSING if result.get("gap") is None else f"{result['gap']:.1%}",
        result.get("status", MISSING),
        seconds(result.get("total_seconds")),
        largest(result),
        result.get("path", MISSING),
        verified,
        MISSING if result.get("peak_mb") is None else f"{result['peak_mb']:.0f}",
    ]
    return [cell.replace("|", "\\|") for cell in cells_]


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks ladder", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(LADDER), help="talks, comma-separated")
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver time limit per instance, s (60)")
    parser.add_argument("--seed", type=int, default=0, help="instance and CP-SAT seed (0)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2)")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    parser.add_argument("--one", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    stamped = stamp("ladder", argv)  # before the runs: the work tree may change while they run

    if args.one is not None:
        print(json.dumps(measure(args.one, args.time_limit, args.seed, args.workers), default=str), flush=True)
        return 0

    rows = []
    with tempfile.TemporaryDirectory(prefix="confsched-ladder-") as scratch:
        for talks in args.sizes:
            days, rooms = shape(talks)
            name = f"timefold-{talks}"
            path = Path(scratch) / f"{name}.yaml"
            path.write_text(build_yaml(days, rooms, talks, seed=args.seed), encoding="utf-8")
            print(f"[ladder] {name} ({days} day(s) x {rooms} rooms) ...", end=" ", file=sys.stderr, flush=True)
            started = time.perf_counter()
            result = run_child(path, args)
            print(f"{result['outcome']} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            rows.append(row(name, result))
    header = f"{machine()}; {stamped}; time limit {args.time_limit:g} s, seed {args.seed}, {args.workers} workers"
    text = f"{header}\n\n{markdown_table(rows, COLUMNS)}\n"
    emit(text, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
