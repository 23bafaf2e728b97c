"""Random CoSPLib instance workbooks of any size, shaped like the published ones, for tests and benchmarks.

``instance_workbook(submissions=1100, seed=0)`` returns the .xlsx bytes of an instance in CoSPLib's template (the nine
sheets :mod:`.reading` and CoSPLib's own checker read): tracks of about eight submissions, one to four time slots each,
one room per 40 submissions (4 to 30), sessions of three or four slots, four a day, with a third of the slots to spare,
presenters and chairs in common (so presenter and chair conflicts exist), attendees, ordered tracks, time zones, and
sparse penalties in every matrix, with weights like GECCO 2020's. The same size and seed give the same instance.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from pathlib import Path

import openpyxl

from ..formats.atomic import write_atomic
from .terms import TERMS

LOCAL_TIME_ZONE = "GMT+2"
# (weight row label, weight): as GECCO 2020 weighs its terms, with the timeslot-level conflicts off
WEIGHTS = {
    "tracks_sessions": 100,
    "tracks_rooms": 1,
    "sessions_rooms": 10,
    "similar_tracks": 1,
    "rooms_per_track": 1,
    "parallel_tracks": 1,
    "consecutive_tracks": 10,
    "submissions_timezones": 1,
    "submissions_order": 1,
    "submissions_sessions": 100,
    "submissions_rooms": 1,
    "presenters_conflicts": 100_000,
    "attendees_conflicts": 1,
    "chairs_conflicts": 100_000,
    "presenters_conflicts_timeslot": 0,
    "attendees_conflicts_timeslot": 0,
}
SESSION_STARTS = [dt.time(9, 0), dt.time(11, 0), dt.time(14, 0), dt.time(16, 0)]  # four sessions a day


def instance_workbook(submissions: int, seed: int = 0) -> bytes:
    """A random instance of `submissions` submissions as .xlsx bytes (see the module docstring)."""
    if submissions < 2:
        raise ValueError("an instance needs at least 2 submissions")
    rng = random.Random(seed)
    rooms = [f"Room {number:02d}" for number in range(1, max(4, min(30, round(submissions / 40))) + 1)]
    tracks = [f"T{number:03d}" for number in range(1, max(2, submissions // 8) + 1)]
    slots = [rng.choices([1, 2, 3, 4], weights=[85, 9, 5, 1])[0] for _ in range(submissions)]
    # every track has a submission; the rest fall anywhere
    track_of = tracks + [rng.choice(tracks) for _ in range(submissions - len(tracks))]
    rng.shuffle(track_of)
    sessions = _sessions(rng, math.ceil(1.5 * sum(slots) / len(rooms)))
    names = [f"S{number:04d}" for number in range(1, submissions + 1)]
    people = [f"Person {number:04d}" for number in range(1, 2 * submissions + 1)]
    chairs = _chairs(rng, tracks, people)
    orders = _orders(rng, names, track_of)
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "parameters", _parameters())
    header = ["Reference", "Track", "Required Timeslots", "Order", "Time Zone", "Presenters", "Attendees"]
    rows: list[list[object]] = [header + [name for name, *_ in sessions] + rooms]
    for index, name in enumerate(names):
        presenters = rng.sample(people, 1 + (rng.random() < 0.3) + (rng.random() < 0.1))
        attendees = rng.sample(people, rng.choice([0, 0, 1, 2]))
        zone = LOCAL_TIME_ZONE if rng.random() < 0.8 else rng.choice([f"GMT{hours:+d}" for hours in range(-8, 10)])
        session_penalties = _sparse(rng, len(sessions), 0.1, [1, 10, 100])
        room_penalties = _sparse(rng, len(rooms), 0.02, [1, 10])
        people_cells = [", ".join(presenters), ", ".join(attendees)]
        rows.append([name, track_of[index], slots[index], orders[name], zone, *people_cells, *session_penalties])
        rows[-1] += room_penalties
    _sheet(book, "submissions", rows)
    _sheet(book, "tracks", [["Tracks", "Chairs"]] + [[track, chairs.get(track)] for track in tracks])
    _sheet(
        book,
        "sessions",
        [["Sessions", "Max Number of Timeslots", "Date", "Start Time", "End Time"], *map(list, sessions)],
    )
    _sheet(book, "rooms", [["Rooms"]] + [[room] for room in rooms])
    session_names = [name for name, *_ in sessions]
    _sheet(book, "tracks_sessions|penalty", _matrix(rng, tracks, session_names, 0.05, [10, 100]))
    _sheet(book, "tracks_rooms|penalty", _matrix(rng, tracks, rooms, 0.03, [1, 10]))
    similar = _matrix(rng, tracks, tracks, 0.02, [10, 100])
    for row in range(1, len(tracks) + 1):  # the checker reads the upper triangle only
        for column in range(1, row + 1):
            similar[row][column] = None
    _sheet(book, "similar tracks", similar)
    _sheet(book, "sessions_rooms|penalty", _matrix(rng, session_names, rooms, 0.02, [10, 100]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_instance(path: str | Path, submissions: int, seed: int = 0) -> Path:
    """Write :func:`instance_workbook` to `path` atomically."""
    return write_atomic(path, instance_workbook(submissions, seed))


def _sessions(rng: random.Random, slots: int) -> list[tuple[str, int, dt.datetime, dt.time, dt.time]]:
    """Sessions of three or four time slots, four a day on consecutive days, holding at least `slots` slots per room."""
    sessions: list[tuple[str, int, dt.datetime, dt.time, dt.time]] = []
    while sum(session[1] for session in sessions) < slots or len(sessions) < 2:
        day, number = divmod(len(sessions), len(SESSION_STARTS))
        start = SESSION_STARTS[number]
        end = (dt.datetime.combine(dt.date(2021, 7, 1), start) + dt.timedelta(minutes=90)).time()
        date = dt.datetime(2021, 7, 1) + dt.timedelta(days=day)
        sessions.append((f"Day{day + 1}-{number + 1}", rng.choice([3, 4]), date, start, end))
    return sessions


def _chairs(rng: random.Random, tracks: list[str], people: list[str]) -> dict[str, str]:
    """Three tracks in five have a chair; chairs are drawn from a pool smaller than the chaired tracks (so some chair
    two tracks), half of it presenters."""
    chaired = [track for track in tracks if rng.random() < 0.6]
    size = max(1, len(chaired) * 4 // 5)
    pool = [rng.choice(people) if rng.random() < 0.5 else f"Chair {number:03d}" for number in range(size)]
    return {track: rng.choice(pool) for track in chaired}


def _orders(rng: random.Random, names: list[str], track_of: list[str]) -> dict[str, int]:
    """A third of the tracks order their first one to three submissions 1, 2, 3; everything else is 0 (any)."""
    members: dict[str, list[str]] = {}
    for name, track in zip(names, track_of, strict=True):
        members.setdefault(track, []).append(name)
    orders = dict.fromkeys(names, 0)
    for listed in members.values():
        if rng.random() < 1 / 3:
            for position, name in enumerate(listed[: rng.randint(1, 3)], start=1):
                orders[name] = position
    return orders


def _parameters() -> list[list[object]]:
    column_b = [
        ("Local time zone:", LOCAL_TIME_ZONE),
        ("Suitable scheduling times", None),
        ("From:", dt.time(9, 30)),
        ("To:", dt.time(21, 30)),
        ("Less suitable scheduling times", None),
        ("From:", dt.time(7, 0)),
        ("To:", dt.time(23, 0)),
        ("Penalty:", 1),
        ("Unsuitable scheduling times", None),
        ("Penalty:", 10),
    ]
    rows: list[list[object]] = [["Sessions", None, None, "Weights", None]]
    for index, term in enumerate(TERMS):
        a, b = column_b[index] if index < len(column_b) else (None, None)
        rows.append([a, b, None, term.label, WEIGHTS[term.weight]])
    return rows


def _sparse(rng: random.Random, size: int, chance: float, values: list[int]) -> list[int | None]:
    return [rng.choice(values) if rng.random() < chance else None for _ in range(size)]


def _matrix(rng: random.Random, rows: list[str], columns: list[str], chance: float, values: list[int]) -> list[list]:
    return [[None, *columns]] + [[name, *_sparse(rng, len(columns), chance, values)] for name in rows]


def _sheet(book: openpyxl.Workbook, name: str, rows: list[list[object]]) -> None:
    sheet = book.create_sheet(name)
    for row in rows:
        sheet.append(row)
