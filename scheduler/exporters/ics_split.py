"""ics/rooms/*.ics, ics/speakers/*.ics, ics/tracks/*.ics: one calendar per room, per speaker and per track, so an
attendee can subscribe to just the room they staff, their own talks or the track they follow."""

from __future__ import annotations

from ..data import ConferenceData, Talk, exported_text
from ..errors import ConfschedError
from ..formats.slugs import file_stems
from ..schedule import Assignment, Schedule
from .ics import RenderedEvent, calendar_bytes
from .track_colours import track_names

SPLIT_DIRECTORIES = ("ics/rooms", "ics/speakers", "ics/tracks")
# characters of talk text in all the calendars together: each talk is written again into its room's, its track's and
# each of its speakers' calendar, so a panel of 100 speakers with long names makes 100 copies of a long description
MAX_SPLIT_TEXT = 100_000_000

Rows = list[tuple[Talk, Assignment]]


class SplitTooLarge(ConfschedError):
    """The calendars would be larger than MAX_SPLIT_TEXT."""


def size_problem(data: ConferenceData) -> str | None:
    """Why ics-split refuses this data for the size of its calendars, or None; counted from the data alone (linear
    in the talks and their speakers), so `confsched solve` can refuse before it solves."""
    speakers = {speaker.id for speaker in data.speakers}
    total = 0
    for talk, size in zip(data.talks, exported_text(data), strict=True):
        calendars = 1 + (talk.track is not None) + sum(speaker in speakers for speaker in talk.speakers)
        total += calendars * size
    if total <= MAX_SPLIT_TEXT:
        return None
    return (
        f"ics-split would write {total:,} characters of talk text, more than {MAX_SPLIT_TEXT:,}: each talk is written "
        "again into its room's, its track's and each of its speakers' calendar; shorten the abstracts or speaker "
        "names, or leave ics-split out"
    )


def to_split_ics(schedule: Schedule) -> dict[str, bytes]:
    """Relative path -> calendar. Only rooms, speakers and tracks with at least one talk get a file: RFC 5545
    needs at least one component in a calendar.

    One pass over the talks sorts each into its room's, its track's and each of its speakers' calendar, so the work
    is linear in the talks and their speakers (benchmarks/ics_split.py), never rooms, speakers or tracks times talks.
    """
    data = schedule.data
    problem = size_problem(data)
    if problem:
        raise SplitTooLarge(problem)
    # (label, rows) lists rather than dicts keyed by label: two speakers may share a display name and still get a
    # file each; the rows of each are gathered under the room name, speaker id and track name, which are unique
    by_room: dict[str, Rows] = {room.name: [] for room in data.rooms}
    by_speaker: dict[str, Rows] = {speaker.id: [] for speaker in data.speakers}
    by_track: dict[str, Rows] = {track: [] for track in track_names(schedule)}
    for talk, assignment in schedule.rows():
        row = (talk, assignment)
        if assignment.room in by_room:
            by_room[assignment.room].append(row)
        for speaker in talk.speakers:
            if speaker in by_speaker:
                by_speaker[speaker].append(row)
        if talk.track in by_track:
            by_track[talk.track].append(row)
    groups = (
        [(room.name, by_room[room.name]) for room in data.rooms],
        [(speaker.display_name, by_speaker[speaker.id]) for speaker in data.speakers],
        [(track, rows) for track, rows in by_track.items()],
    )
    files: dict[str, bytes] = {}
    events: dict[str, RenderedEvent] = {}  # each talk's event is made once and shared by its calendars
    for directory, labelled in zip(SPLIT_DIRECTORIES, groups, strict=True):
        files |= _calendars(schedule, directory, [(label, rows) for label, rows in labelled if rows], events)
    return files


def _calendars(
    schedule: Schedule, directory: str, groups: list[tuple[str, Rows]], events: dict[str, RenderedEvent]
) -> dict[str, bytes]:
    conference = schedule.data.conference.name
    stems = file_stems(label for label, _ in groups)
    return {
        f"{directory}/{stem}.ics": calendar_bytes(schedule, group, f"{conference}: {label}", events=events)
        for stem, (label, group) in zip(stems, groups, strict=True)
    }
