"""ics/rooms/*.ics, ics/speakers/*.ics, ics/tracks/*.ics: one calendar per room, per speaker and per track, so an
attendee can subscribe to just the room they staff, their own talks or the track they follow."""

from __future__ import annotations

from ..data import Talk
from ..formats.slugs import file_stems
from ..schedule import Assignment, Schedule
from .ics import calendar_bytes
from .track_colours import track_names

SPLIT_DIRECTORIES = ("ics/rooms", "ics/speakers", "ics/tracks")

Rows = list[tuple[Talk, Assignment]]


def to_split_ics(schedule: Schedule) -> dict[str, bytes]:
    """Relative path -> calendar. Only rooms, speakers and tracks with at least one talk get a file: RFC 5545
    needs at least one component in a calendar."""
    rows = schedule.rows()
    # (label, rows) lists rather than dicts: two speakers may share a display name and still get a file each
    by_room = [(room.name, [row for row in rows if row[1].room == room.name]) for room in schedule.data.rooms]
    by_speaker = [
        (speaker.display_name, [row for row in rows if speaker.id in row[0].speakers])
        for speaker in schedule.data.speakers
    ]
    by_track = [(track, [row for row in rows if row[0].track == track]) for track in track_names(schedule)]
    files: dict[str, bytes] = {}
    for directory, groups in zip(SPLIT_DIRECTORIES, (by_room, by_speaker, by_track), strict=True):
        files |= _calendars(schedule, directory, [(label, group) for label, group in groups if group])
    return files


def _calendars(schedule: Schedule, directory: str, groups: list[tuple[str, Rows]]) -> dict[str, bytes]:
    conference = schedule.data.conference.name
    stems = file_stems(label for label, _ in groups)
    return {
        f"{directory}/{stem}.ics": calendar_bytes(schedule, group, f"{conference}: {label}")
        for stem, (label, group) in zip(stems, groups, strict=True)
    }
