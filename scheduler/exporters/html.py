"""schedule.html: one self-contained page (inline CSS and JS, nothing fetched) with a grid per day: rooms across,
time down, each talk a box as tall as it lasts, coloured by track, with filters by track and speaker.

Layout is computed here (grid rows and columns as integers) and the template only places it; jinja2 escapes every
text and attribute, so titles and names are shown as written and never run as markup.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Set
from dataclasses import dataclass

import jinja2

from ..data import Day, format_clock
from ..schedule import Schedule
from .track_colours import track_colors

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LABEL_EVERY = 30  # minutes between time labels down the side of a grid (and at every block start)
_FIRST_TIME_ROW = 2  # grid row 1 holds the room names
_COMPACT_UP_TO = 15  # minutes: boxes this short have room for two lines, so they use the compact layout

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("scheduler.exporters", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class TalkBox:
    id: str
    title: str
    speakers: str
    speaker_ids: list[str]
    track: str
    track_index: int | None
    kind: str
    room: str
    when: str
    abstract: str
    column: int
    row: int
    span: int
    compact: bool


@dataclass(frozen=True)
class GridText:
    """A label or break band: text placed from grid row `row` over `span` rows."""

    text: str
    row: int
    span: int


@dataclass(frozen=True)
class DayView:
    anchor: str
    heading: str
    rooms: list[str]
    steps: int
    labels: list[GridText]
    breaks: list[GridText]
    talks: list[TalkBox]


def to_html(schedule: Schedule) -> str:
    colors = track_colors(schedule)
    tracks = [{"name": name, "color": color} for name, color in colors.items()]
    used_speakers = {speaker for talk, _ in schedule.rows() for speaker in talk.speakers}
    speakers = sorted(
        (
            {"id": speaker.id, "name": speaker.display_name}
            for speaker in schedule.data.speakers
            if speaker.id in used_speakers
        ),
        key=lambda speaker: (speaker["name"].casefold(), speaker["id"]),
    )
    days = day_views(schedule)
    template = _environment.get_template("timetable.html.j2")
    return template.render(conference=schedule.data.conference, tracks=tracks, speakers=speakers, days=days)


def day_views(schedule: Schedule, extra_rooms: Mapping[dt.date, Set[str]] | None = None) -> list[DayView]:
    """One grid per day, in date order. `extra_rooms` adds columns for rooms a day does not use (the web view's diff
    lays two versions out on the same columns)."""
    order = list(track_colors(schedule))
    extra_rooms = extra_rooms or {}
    return [
        _day_view(schedule, day, order, extra_rooms.get(day.date, set()))
        for day in sorted(schedule.data.conference.days, key=lambda d: d.date)
    ]


def _day_view(schedule: Schedule, day: Day, track_order: list[str], extra_rooms: Set[str] = frozenset()) -> DayView:
    step = schedule.data.conference.granularity
    day_start = min(block.start for block in day.blocks)
    day_end = max(block.end for block in day.blocks)

    def row(minute: int) -> int:
        return _FIRST_TIME_ROW + (minute - day_start) // step

    def span(start: int, end: int) -> int:
        return max(1, -(-(end - start) // step))

    rows = [(talk, assignment) for talk, assignment in schedule.rows() if assignment.day == day.date]
    used = {assignment.room for _, assignment in rows} | set(extra_rooms)
    # only the rooms in use that day, in the data file's order: attendees have no use for an empty column
    rooms = [room.name for room in schedule.data.rooms if room.name in used]
    talks = [
        TalkBox(
            id=talk.id,
            title=talk.title,
            speakers=", ".join(schedule.speaker_names(talk)),
            speaker_ids=list(talk.speakers),
            track=talk.track or "",
            track_index=track_order.index(talk.track) if talk.track else None,
            kind=talk.kind,
            room=assignment.room,
            when=f"{format_clock(assignment.start)}–{format_clock(assignment.end)}",
            abstract=(talk.abstract or "").strip(),
            column=2 + rooms.index(assignment.room),
            row=row(assignment.start),
            span=span(assignment.start, assignment.end),
            compact=assignment.end - assignment.start <= _COMPACT_UP_TO,
        )
        for talk, assignment in rows
    ]
    blocks = sorted(day.blocks, key=lambda block: block.start)
    label_times = sorted(
        {block.start for block in blocks}
        | {minute for block in blocks for minute in range(block.start, block.end, step) if minute % _LABEL_EVERY == 0}
    )
    labels = []
    for index, minute in enumerate(label_times):
        block_end = next(block.end for block in blocks if block.start <= minute < block.end)
        until = min([block_end, *label_times[index + 1 :]])
        labels.append(GridText(format_clock(minute), row(minute), span(minute, until)))
    breaks = [
        GridText(
            f"Break {format_clock(before.end)}–{format_clock(after.start)}",
            row(before.end),
            span(before.end, after.start),
        )
        for before, after in itertools.pairwise(blocks)
        if after.start > before.end
    ]
    return DayView(
        anchor=f"day-{day.date.isoformat()}",
        heading=f"{_WEEKDAYS[day.date.weekday()]} {day.date.isoformat()}",
        rooms=rooms,
        steps=span(day_start, day_end),
        labels=labels,
        breaks=breaks,
        talks=talks,
    )
