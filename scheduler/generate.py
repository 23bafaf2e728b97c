"""Seeded synthetic conferences, feasible by construction, for benchmarks and tests.

The generator first plants a timetable: sessions of same-length talks in (block, room) cells, one keynote per day in
the largest room, poster sessions in rooms with poster boards. It then derives the data from that plant: each talk's
attendance fits its planted room, speakers are reused only where their planted talks do not overlap, and
unavailability windows avoid every planted talk. The plant itself is thrown away; the solver must find its own.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import yaml

FIRST_DAY = dt.date(2026, 6, 8)
MAX_SIZE = {"talks": 50_000, "rooms": 1_000, "days": 100}  # limits (docs/format.md, "Limits")
PLENARY = ("08:30", "09:30")
TALK_BLOCKS = [("10:00", "11:30"), ("11:45", "13:15"), ("14:30", "16:00"), ("16:30", "18:00")]
SESSION_LENGTHS = (20, 20, 20, 20, 40)
TOPICS = [
    "optimization",
    "learning-theory",
    "reinforcement-learning",
    "computer-vision",
    "nlp",
    "generative-models",
    "graph-learning",
    "robustness",
    "fairness",
    "privacy",
    "causality",
    "probabilistic-methods",
    "systems",
    "healthcare",
    "climate",
    "robotics",
    "neuroscience",
    "interpretability",
    "federated-learning",
    "time-series",
]


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def generate(talks: int = 500, rooms: int = 20, days: int = 3, seed: int = 0) -> dict[str, Any]:
    """A conference data file (as a dict) with about `talks` talks that has at least one valid schedule."""
    for name, value in (("talks", talks), ("rooms", rooms), ("days", days)):
        if value > MAX_SIZE[name]:  # the work (and the file) grows with each; the importers stop at 50,000 talks
            raise ValueError(f"--{name} {value} is more than {MAX_SIZE[name]:,}, the most generate makes")
    _check_capacity(talks, rooms, days)
    rng = random.Random(seed)
    # every random draw happens in this order, so a seed always gives the same conference
    plant = _Plant(rng, _rooms(rng, rooms), days, wanted=talks)
    dates = [FIRST_DAY + dt.timedelta(days=d) for d in range(days)]
    cells = _shuffled_cells(plant)
    _plant_keynotes(plant)
    _plant_sessions(plant, cells, _track_names(talks))
    if not plant.full:
        raise ValueError(f"only {len(plant.talks)} of {talks} talks fit into {days} day(s) x {rooms} room(s)")
    speakers = _assign_speakers(rng, plant.talks)
    _add_unavailability(rng, speakers, plant.talks, days, dates)
    closed = _close_unused_room_blocks(rng, plant.rooms, plant.talks, days, dates)
    talk_items = _talk_items(rng, plant.talks)
    return {
        "conference": _conference(f"Synthetic Conference {talks}x{rooms}x{days} (seed {seed})", dates),
        "kinds": _kinds(),
        "rooms": [
            {**room, **({"unavailable": closed[r]} if closed.get(r) else {})} for r, room in enumerate(plant.rooms)
        ],
        "speakers": speakers,
        "talks": talk_items,
    }


@dataclass
class _Plant:
    """The timetable planted so far: the rooms, and each talk with where it was planted (under "_at")."""

    rng: random.Random
    rooms: list[dict[str, Any]]
    days: int
    wanted: int  # talks in all, keynotes included
    talks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def full(self) -> bool:
        """Whether the wanted number of talks is planted."""
        return len(self.talks) >= self.wanted

    def add(self, kind: str, at: tuple[int, int, int, int], track: str | None) -> None:
        """Plant one talk of `kind` at (day, start, end, room), with an attendance that fits the room."""
        rng = self.rng
        day, start, end, room = at
        capacity = self.rooms[room]["capacity"]
        if kind == "keynote":
            attendance = int(capacity * rng.uniform(0.5, 0.95))
        else:
            attendance = max(10, int(capacity * rng.uniform(0.2, 0.95)))
        talk: dict[str, Any] = {
            "title": f"{(track or 'keynote').replace('-', ' ').title()} {kind} {rng.randrange(10_000):04d}",
            "kind": kind,
            "duration": end - start,
            "speakers": [],
        }
        if track:
            talk["track"] = track
        talk["attendance"] = attendance
        if kind == "talk" and "recorded" in self.rooms[room]["tags"] and rng.random() < 0.3:
            talk["requires"] = ["recorded"]
        talk["_at"] = (day, start, end, room)
        self.talks.append(talk)


def _check_capacity(talks: int, rooms: int, days: int) -> None:
    """Refuse more talks than fit comfortably: 85% of the slots for the shortest talks, plus one keynote a day."""
    session_slots = (
        days * rooms * sum((_minutes(end) - _minutes(start)) // min(SESSION_LENGTHS) for start, end in TALK_BLOCKS)
    )
    if talks > 0.85 * session_slots + days:
        raise ValueError(
            f"{talks} talks do not fit comfortably into {days} day(s) x {rooms} room(s) "
            f"(about {int(0.85 * session_slots) + days} at most); add rooms or days"
        )


def _shuffled_cells(plant: _Plant) -> list[tuple[int, int, int]]:
    """Every (day, session block, room) in random order, the order in which sessions are planted."""
    cells = [(d, b, r) for d in range(plant.days) for b in range(len(TALK_BLOCKS)) for r in range(len(plant.rooms))]
    plant.rng.shuffle(cells)
    return cells


def _plant_keynotes(plant: _Plant) -> None:
    """One keynote a day, in the plenary block, in the largest room (the first)."""
    start, end = _minutes(PLENARY[0]), _minutes(PLENARY[1])
    for d in range(plant.days):
        plant.add("keynote", (d, start, end, 0), track=None)


def _track_names(talks: int) -> list[str]:
    """About one track per 25 talks, named after the topics (numbered once every topic is taken)."""
    count = max(1, min(len(TOPICS) * 3, talks // 25))
    return [f"{TOPICS[i % len(TOPICS)]}{'' if i < len(TOPICS) else f'-{i // len(TOPICS) + 1}'}" for i in range(count)]


def _plant_sessions(plant: _Plant, cells: list[tuple[int, int, int]], tracks: list[str]) -> None:
    """Fill the cells in order until enough talks are planted: a poster session in the last block of a room with
    poster boards, elsewhere a session of one track's talks, all of one length."""
    poster_rooms = [r for r, room in enumerate(plant.rooms) if "poster-boards" in room["tags"]]
    for d, b, r in cells:
        if plant.full:
            break
        block_start, block_end = (_minutes(clock) for clock in TALK_BLOCKS[b])
        if r in poster_rooms and b == len(TALK_BLOCKS) - 1:
            plant.add("poster", (d, block_start, block_end, r), track=plant.rng.choice(tracks))
        else:
            _plant_session(plant, (d, block_start, block_end, r), tracks)


def _plant_session(plant: _Plant, cell: tuple[int, int, int, int], tracks: list[str]) -> None:
    """Fill one (day, start, end, room) cell with back-to-back talks of one random length and track."""
    day, block_start, block_end, room = cell
    length = plant.rng.choice(SESSION_LENGTHS)
    track = plant.rng.choice(tracks)
    for k in range((block_end - block_start) // length):
        if plant.full:
            break
        start = block_start + k * length
        plant.add("talk", (day, start, start + length, room), track=track)


def _talk_items(rng: random.Random, planted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The planted talks as the data file lists them: numbered by kind, without their plant, in random order."""
    talk_items = []
    for index, item in enumerate(planted):
        talk = {k: v for k, v in item.items() if not k.startswith("_")}
        talk["id"] = f"{talk['kind']}-{index + 1:04d}"
        talk_items.append(talk)
    rng.shuffle(talk_items)
    return talk_items


def _conference(name: str, dates: list[dt.date]) -> dict[str, Any]:
    """The conference section: every day has a keynote block and the same session blocks."""
    return {
        "name": name,
        "timezone": "Europe/Berlin",
        "granularity": 5,
        "days": [
            {
                "date": date,
                "blocks": [{"start": PLENARY[0], "end": PLENARY[1], "type": "plenary", "name": "Keynote"}]
                + [
                    {"start": start, "end": end, "type": "sessions", "name": f"Session {i + 1}"}
                    for i, (start, end) in enumerate(TALK_BLOCKS)
                ],
            }
            for date in dates
        ],
    }


def _kinds() -> dict[str, Any]:
    """The three kinds of talk and the blocks and room tags each needs."""
    return {
        "keynote": {"block_types": ["plenary"], "requires": ["recorded"]},
        "talk": {"block_types": ["sessions"]},
        "poster": {"block_types": ["sessions"], "requires": ["poster-boards"]},
    }


def generate_yaml(**kwargs: Any) -> str:
    """The generated conference as YAML text, with a header saying how it was made."""
    document = generate(**kwargs)
    header = (
        f"# Generated by `confsched generate` ({', '.join(f'{k}={v}' for k, v in kwargs.items())}).\n"
        "# Synthetic and feasible by construction; every value is invented.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def _rooms(rng: random.Random, count: int) -> list[dict[str, Any]]:
    rooms = []
    for r in range(count):
        if r == 0:
            capacity, name = 3000, "Main Hall"
        elif r < max(2, count // 10):
            capacity, name = rng.choice([1000, 1200, 1500]), f"Hall {chr(ord('A') + r - 1)}"
        elif r < max(3, count // 3):
            capacity, name = rng.choice([300, 400, 500, 600]), f"Room {100 + r}"
        else:
            capacity, name = rng.choice([60, 80, 100, 120, 150, 200]), f"Meeting Room {200 + r}"
        tags = ["accessible"] if rng.random() < 0.8 else []
        if capacity >= 300 or rng.random() < 0.2:
            tags.append("recorded")
        if r in (count - 1, count // 2) and count > 2:
            tags.append("poster-boards")
        rooms.append({"name": name, "capacity": capacity, "tags": sorted(set(tags))})
    if not any("poster-boards" in room["tags"] for room in rooms):
        rooms[-1]["tags"].append("poster-boards")
    if "recorded" not in rooms[0]["tags"]:
        rooms[0]["tags"].append("recorded")
    return rooms


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def _assign_speakers(rng: random.Random, planted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Speakers reused across talks (a heavy tail of prolific ones), never in two planted talks at once."""
    busy: list[list[tuple]] = []
    for talk in planted:
        wanted = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
        if talk["kind"] == "poster":
            wanted = 1
        chosen: list[int] = []
        for _ in range(wanted):
            speaker = None
            if busy and rng.random() < 0.35:
                for _ in range(6):
                    candidate = min(int(rng.paretovariate(1.2)) - 1, len(busy) - 1)
                    candidate = len(busy) - 1 - candidate if rng.random() < 0.5 else candidate
                    if candidate not in chosen and not any(_overlaps(talk["_at"], at) for at in busy[candidate]):
                        speaker = candidate
                        break
            if speaker is None:
                speaker = len(busy)
                busy.append([])
            busy[speaker].append(talk["_at"])
            chosen.append(speaker)
        talk["speakers"] = [f"s{speaker + 1:05d}" for speaker in chosen]
    return [{"id": f"s{i + 1:05d}", "name": f"Speaker {i + 1}", "_busy": at} for i, at in enumerate(busy)]


def _add_unavailability(rng, speakers: list[dict[str, Any]], planted, days: int, dates: list[dt.date]) -> None:
    """About a quarter of speakers cannot come on a day or a half-day when they have no planted talk."""
    for speaker in speakers:
        busy = speaker.pop("_busy")
        roll = rng.random()
        if roll < 0.15:
            free_days = [d for d in range(days) if not any(at[0] == d for at in busy)]
            if free_days:
                speaker["unavailable"] = [{"day": dates[rng.choice(free_days)]}]
        elif roll < 0.25:
            d = rng.randrange(days)
            morning = rng.random() < 0.5
            start, end = ("08:00", "13:30") if morning else ("13:30", "19:00")
            window = (d, _minutes(start), _minutes(end))
            if not any(_overlaps(window, at) for at in busy):
                speaker["unavailable"] = [{"day": dates[d], "start": start, "end": end}]


def _close_unused_room_blocks(rng, rooms, planted, days: int, dates) -> dict[int, list[dict[str, Any]]]:
    """Close a few rooms for a session block in which the plant left them empty."""
    planted_at = [talk["_at"] for talk in planted]
    closed: dict[int, list[dict[str, Any]]] = {}
    if len(rooms) < 2:  # room 0 is never closed
        return closed
    for _ in range(max(1, len(rooms) // 8)):
        d, b, r = rng.randrange(days), rng.randrange(len(TALK_BLOCKS)), rng.randrange(1, len(rooms))
        window = (d, _minutes(TALK_BLOCKS[b][0]), _minutes(TALK_BLOCKS[b][1]))
        if any(at[3] == r and _overlaps(window, at) for at in planted_at):
            continue
        closed.setdefault(r, []).append({"day": dates[d], "start": TALK_BLOCKS[b][0], "end": TALK_BLOCKS[b][1]})
    return closed
