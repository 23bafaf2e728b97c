"""What the pages show, computed from the library: the grid per day (laid out by the HTML exporter,
scheduler.exporters.html.day_views, so there is one grid), each talk's details, the per-rule penalty breakdown
(scheduler.checks.score), warnings, and a diff of two versions (scheduler.whatif.changelog).

The templates only place what is computed here; jinja2 escapes every text and attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import jinja2

from ..checks.score import score
from ..checks.verify import verify
from ..data import ConferenceData, format_clock, seats_known
from ..exporters.html import DayView, TalkBox, day_views
from ..exporters.track_colours import track_colors
from ..schedule import Schedule
from ..whatif.changelog import ADDED, WITHDRAWN, Entry, affected_speakers, describe_place, speaker_line

environment = jinja2.Environment(
    loader=jinja2.PackageLoader("scheduler.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_QUOTED = re.compile(r"'([^']+)'")


@dataclass
class Details:
    """What the details panel shows for one talk."""

    speakers: str
    kind: str
    track: str
    audience: str
    abstract: str
    why: str = ""
    was: str = ""


@dataclass
class Grid:
    """One day: the exporter's layout, plus the marks of a diff (moved or added talks, ghosts of old places)."""

    view: DayView
    details: dict[str, Details]
    marks: dict[str, str] = field(default_factory=dict)
    ghosts: list[TalkBox] = field(default_factory=list)
    date: str = ""  # the day, ISO; with `start` (its first minute) and `step` a drop on the grid names a pin
    start: int = 0
    step: int = 5


def timetable(schedule: Schedule, old: Schedule | None = None, entries: list[Entry] | None = None) -> dict:
    """The grids of `schedule`; with `old` and the changelog `entries`, marked as a diff against `old`."""
    entries = entries or []
    extra: dict = {}
    if old is not None:
        for assignment in [*old.assignments, *schedule.assignments]:
            extra.setdefault(assignment.day, set()).add(assignment.room)
    new_days = day_views(schedule, extra)
    old_days = day_views(old, extra) if old is not None else [None] * len(new_days)
    changed = {entry.talk: entry for entry in entries}
    details = _details(schedule, changed)
    grids = []
    step = schedule.data.conference.granularity
    days = sorted(schedule.data.conference.days, key=lambda day: day.date)
    for view, before, day in zip(new_days, old_days, days, strict=True):
        marks = {
            box.id: "added" if changed[box.id].change == ADDED else "moved" for box in view.talks if box.id in changed
        }
        ghosts = [box for box in before.talks if box.id in changed] if before is not None else []
        if view.talks or ghosts:
            start = min(block.start for block in day.blocks)
            grids.append(Grid(view, details, marks, ghosts, day.date.isoformat(), start, step))
    colours = track_colors(schedule)
    used = {speaker for talk, _ in schedule.rows() for speaker in talk.speakers}
    return {
        "grids": grids,
        "tracks": [{"name": name, "color": color} for name, color in colours.items()],
        "speakers": sorted(
            ({"id": s.id, "name": s.display_name} for s in schedule.data.speakers if s.id in used),
            key=lambda speaker: speaker["name"].casefold(),
        ),
        "rooms": [room.name for room in schedule.data.rooms],
    }


def _details(schedule: Schedule, changed: dict[str, Entry]) -> dict[str, Details]:
    capacity = {room.name: room.capacity for room in schedule.data.rooms}
    result = {}
    for talk, assignment in schedule.rows():
        seats = capacity.get(assignment.room, 0)
        shown = f"{seats} seats" if seats_known(seats) else "seats unknown"
        audience = f"expected audience {talk.attendance} in {assignment.room} ({shown})"
        if talk.attendance > seats:
            audience += f": {talk.attendance - seats} more than the room seats"
        entry = changed.get(talk.id)
        result[talk.id] = Details(
            speakers=", ".join(schedule.speaker_names(talk)),
            kind=talk.kind,
            track=talk.track or "",
            audience=audience,
            abstract=(talk.abstract or "").strip(),
            why=entry.why if entry else "",
            was=describe_place(entry.old) if entry and entry.old else "",
        )
    return result


@dataclass
class RuleRow:
    rule: str
    weight: str
    violations: int
    penalty: float
    unit: str
    worst: list[tuple[list[tuple[str, str | None]], int]]


def breakdown(schedule: Schedule) -> tuple[float, list[RuleRow]]:
    """The total soft-rule penalty and each rule with violations; an offender's quoted talk ids become links."""
    talks = {talk.id for talk in schedule.data.talks}
    rows = []
    for rule in score(schedule.data, schedule.assignments):
        if not rule.violations:
            continue
        worst = [(_linked(about, talks), count) for about, count in rule.worst]
        rows.append(RuleRow(rule.rule, str(rule.weight), rule.violations, rule.penalty, rule.unit, worst))
    rows.sort(key=lambda row: -row.penalty)
    return sum(row.penalty for row in rows), rows


def _linked(text: str, talks: set[str]) -> list[tuple[str, str | None]]:
    """The text in pieces: (piece, talk id to link to, or None)."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for found in _QUOTED.finditer(text):
        if found.group(1) in talks:
            pieces.append((text[at : found.start()], None))
            pieces.append((found.group(1), found.group(1)))
            at = found.end()
    pieces.append((text[at:], None))
    return [piece for piece in pieces if piece[0]]


def warnings(data: ConferenceData, schedule: Schedule) -> list[str]:
    """What a chair should know about this data file and schedule: broken hard rules, talks without a place."""
    result = [f"hard rule broken: {violation}" for violation in verify(data, schedule.assignments)]
    placed = {assignment.talk for assignment in schedule.assignments}
    result += [f"talk '{talk.id}' ({talk.title}) has no place" for talk in data.talks if talk.id not in placed]
    return result


def changelog_rows(entries: list[Entry]) -> dict:
    """The changelog as the pages list it: each entry with its old and new place, and the affected speakers."""
    rows = [
        {
            "talk": entry.talk,
            "title": entry.title,
            "change": entry.change,
            "old": describe_place(entry.old),
            "new": describe_place(entry.new),
            "why": entry.why,
            "linked": entry.change != WITHDRAWN,
        }
        for entry in entries
    ]
    speakers = [speaker_line(name, items) for name, items in affected_speakers(entries).items()]
    return {"rows": rows, "speakers": speakers}


def clock(minute: int) -> str:
    return format_clock(minute)
