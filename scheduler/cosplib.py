"""CoSPLib workbooks: instances, solutions, and the objective as CoSPLib's checker computes it.

CoSPLib (github.com/ahmedkheiri/CoSPLib) is the benchmark library for conference scheduling. An instance is an
Excel workbook with nine sheets (parameters, submissions, tracks, sessions, rooms, tracks_sessions|penalty,
tracks_rooms|penalty, similar tracks, sessions_rooms|penalty); a solution is a workbook whose `sol` sheet gives
each session's track per room, then each session's time slots per room with the submission held there.

This module reads both into typed objects, writes a solution in the same layout (so CoSPLib's own checker can read
it), and scores a solution term by term exactly as CoSPLib's checker does (`Solver/solution.py`, the `evaluate_*`
functions, at v1.0.2). It does not touch confsched's model; docs/cosplib.md describes the concepts and every term.

Names (submissions, tracks, sessions, rooms, people) are kept exactly as written, surrounding spaces included,
because the checker looks them up verbatim; a number in a name cell is read as its text (``7`` -> ``'7'``) and
written back as the number.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zoneinfo
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from .errors import DataError
from .files import read_source, write_atomic
from .loading import did_you_mean

INSTANCE_SHEETS = (
    "parameters",
    "submissions",
    "tracks",
    "sessions",
    "rooms",
    "tracks_sessions|penalty",
    "tracks_rooms|penalty",
    "similar tracks",
    "sessions_rooms|penalty",
)
SOLUTION_SHEET = "sol"
SUBMISSION_COLUMNS = ("Reference", "Track", "Required Timeslots", "Order", "Time Zone", "Presenters", "Attendees")
TRACK_COLUMNS = ("Tracks", "Chairs")
SESSION_COLUMNS = ("Sessions", "Max Number of Timeslots", "Date", "Start Time", "End Time")
ROOM_COLUMNS = ("Rooms",)
PEOPLE_SEPARATOR = ", "  # between presenters, attendees and chairs in one cell; the checker splits on exactly this

OBJECTIVE = "objective"
MULTI_SLOT = "Submissions with multiple timeslots in different sessions"
# the multi-slot term's fixed penalties (it has no weight)
SPLIT_PENALTY = 10_000_000  # per (session, room) holding some but not all slots of a multi-slot submission
GAP_PENALTY = 1_000_000_000  # per multi-slot submission whose slot indices are not consecutive; also the whole
# term's value as soon as one multi-slot submission is not scheduled at all

# The parameters sheet (1-based rows, as a spreadsheet shows them): column B holds the time-zone settings
LOCAL_TIME_ZONE_ROW = 2
SUITABLE_ROWS = (4, 5)  # From, To
LESS_SUITABLE_ROWS = (7, 8)  # From, To
SMALL_PENALTY_ROW = 9  # "Penalty:" under "Less suitable scheduling times"
BIG_PENALTY_ROW = 11  # "Penalty:" under "Unsuitable scheduling times"
# CoSPLib's template offers these labels; the checker turns GMT+N into the fixed zone Etc/GMT-N
_GMT_LABEL = re.compile(r"^GMT([+-])(\d{1,2})$")
TIME_ZONE_REFERENCE_DATE = dt.date(2021, 7, 21)  # the checker converts every session's times on this date


@dataclass(frozen=True)
class Term:
    """One term of the objective: the checker's name, its weight in the parameters sheet and what one unit is."""

    name: str  # as the checker reports it (without its trailing colon)
    weight: str  # the CosplibWeights field
    label: str  # the parameters sheet's label in column D
    row: int  # that label's row (column E holds the weight)
    unit: str


TERMS: tuple[Term, ...] = (
    Term(
        "Tracks_Sessions|Penalty",
        "tracks_sessions",
        "Tracks_Sessions|Penalty:",
        2,
        "the tracks_sessions|penalty value of (track, session), once per room holding the track in that session",
    ),
    Term(
        "Tracks_Rooms|Penalty",
        "tracks_rooms",
        "Tracks_Rooms|Penalty:",
        3,
        "the tracks_rooms|penalty value of each (track, room) used, once per session",
    ),
    Term(
        "Sessions_Rooms|Penalty",
        "sessions_rooms",
        "Sessions_Rooms|Penalty:",
        4,
        "the sessions_rooms|penalty value of each (session, room) that holds a track",
    ),
    Term(
        "Similar Tracks",
        "similar_tracks",
        "Similar Tracks:",
        5,
        "the similar-tracks value of each pair of rooms holding two different tracks in one session",
    ),
    Term(
        "Number of rooms per track",
        "rooms_per_track",
        "Number of Rooms per Track:",
        6,
        "one room a track uses beyond its first",
    ),
    Term(
        "Parallel tracks",
        "parallel_tracks",
        "Parallel Tracks:",
        7,
        "one room beyond the first holding the same track in one session",
    ),
    Term(
        "Consecutive tracks",
        "consecutive_tracks",
        "Consecutive Tracks:",
        8,
        "one track whose sessions are not a run of consecutive sessions (sheet order)",
    ),
    Term(
        "Submissions timezones",
        "submissions_timezones",
        "Submissions_Timezones:",
        9,
        "the time-zone penalty (0, small or big) of each time slot a submission fills, on its own clock",
    ),
    Term(
        "Submissions order",
        "submissions_order",
        "Submissions Order:",
        10,
        "one ordered submission off its position in its track, or two of a track's ordered ones in one time slot",
    ),
    Term(
        "Submissions_Sessions|Penalty",
        "submissions_sessions",
        "Submissions_Sessions|Penalty:",
        11,
        "the submission's penalty for its session, once per time slot it occupies",
    ),
    Term(
        "Submissions_Rooms|Penalty",
        "submissions_rooms",
        "Submissions_Rooms|Penalty:",
        12,
        "the submission's penalty for its room, once per time slot it occupies",
    ),
    Term(
        "Presenters conflicts [Session Level]",
        "presenters_conflicts",
        "Presenters Conflicts:",
        13,
        "one pair of presenter-conflicting submissions in one session, different rooms (the checker has no such pairs)",
    ),
    Term(
        "Attendees conflicts [Session Level]",
        "attendees_conflicts",
        "Attendees Conflicts:",
        14,
        "one pair of attendee-conflicting submissions in one session in different rooms",
    ),
    Term(
        "Chairs conflicts",
        "chairs_conflicts",
        "Chairs Conflicts:",
        15,
        "one pair of chair-conflicting tracks in one session (the checker has no such pairs)",
    ),
    Term(
        "Presenters conflicts [Timeslot Level]",
        "presenters_conflicts_timeslot",
        "Presenters Conflicts Timeslot Level:",
        16,
        "one pair of presenter-conflicting submissions in one time slot of a session (the checker has no such pairs)",
    ),
    Term(
        "Attendees conflicts [Timeslot Level]",
        "attendees_conflicts_timeslot",
        "Attendees Conflicts Timeslot Level:",
        17,
        "one pair of attendee-conflicting submissions in the same time slot of one session",
    ),
)


@dataclass(frozen=True)
class CosplibWeights:
    """The weights in the parameters sheet's column E; a term with weight 0 is left out of the objective."""

    tracks_sessions: int
    tracks_rooms: int
    sessions_rooms: int
    similar_tracks: int
    rooms_per_track: int
    parallel_tracks: int
    consecutive_tracks: int
    submissions_timezones: int
    submissions_order: int
    submissions_sessions: int
    submissions_rooms: int
    presenters_conflicts: int
    attendees_conflicts: int
    chairs_conflicts: int
    presenters_conflicts_timeslot: int
    attendees_conflicts_timeslot: int

    def of(self, term: Term) -> int:
        return int(getattr(self, term.weight))


@dataclass(frozen=True)
class CosplibParameters:
    local_time_zone: str  # as written, e.g. 'GMT+2': the zone of every session's start and end time
    suitable: tuple[dt.time, dt.time]  # on a presenter's clock, a session inside these times costs nothing
    less_suitable: tuple[dt.time, dt.time]  # inside these (but not the suitable ones) it costs the small penalty
    small_timezone_penalty: int
    big_timezone_penalty: int  # outside the less suitable times
    weights: CosplibWeights


@dataclass(frozen=True)
class CosplibSubmission:
    """One row of the submissions sheet: a talk (paper, tutorial, ...) needing `slots` consecutive time slots."""

    name: str  # the Reference column
    track: str
    slots: int  # Required Timeslots
    order: int  # its 1-based position within its track; 0 = any position
    time_zone: str  # as written, e.g. 'GMT-5'
    presenters: tuple[str, ...]
    attendees: tuple[str, ...]  # people who want to attend it
    session_penalties: Mapping[str, int]  # session name -> penalty (every session; an empty cell is 0)
    room_penalties: Mapping[str, int]  # room name -> penalty (every room; an empty cell is 0)
    row: int  # its row in the submissions sheet


@dataclass(frozen=True)
class CosplibTrack:
    name: str
    chairs: tuple[str, ...]


@dataclass(frozen=True)
class CosplibSession:
    """A period of the conference holding `slots` time slots in every room (a confsched block)."""

    name: str
    slots: int  # Max Number of Timeslots
    date: dt.date | None  # the checker does not use it
    start: dt.time  # local time, in the parameters' local time zone
    end: dt.time


@dataclass(frozen=True)
class CosplibRoom:
    name: str


@dataclass(frozen=True)
class CosplibInstance:
    source: Path
    parameters: CosplibParameters
    submissions: tuple[CosplibSubmission, ...]
    tracks: tuple[CosplibTrack, ...]
    sessions: tuple[CosplibSession, ...]
    rooms: tuple[CosplibRoom, ...]
    tracks_sessions: Mapping[tuple[str, str], int]  # (track, session) -> penalty, every pair (empty cell = 0)
    tracks_rooms: Mapping[tuple[str, str], int]  # (track, room) -> penalty
    sessions_rooms: Mapping[tuple[str, str], int]  # (session, room) -> penalty
    # (track, other track) -> penalty for running them in parallel, both orders, for every pair of distinct tracks.
    # The checker reads only the sheet's upper triangle: the cell in the row of the track listed first and the column
    # of the one listed second; a value below the diagonal (or on it) is ignored.
    similar_tracks: Mapping[tuple[str, str], int]
    # submission and track names that the workbook holds as numbers: CoSPLib looks them up as numbers, so a solution
    # workbook must hold them as numbers too
    numbers: Mapping[str, int | float] = field(default_factory=dict)

    @cached_property
    def submission(self) -> Mapping[str, CosplibSubmission]:
        return {submission.name: submission for submission in self.submissions}

    @cached_property
    def track(self) -> Mapping[str, CosplibTrack]:
        return {track.name: track for track in self.tracks}

    @property
    def required_slots(self) -> int:
        """Time slots the submissions need, in total."""
        return sum(submission.slots for submission in self.submissions)

    @property
    def available_slots(self) -> int:
        """Time slots the conference offers: every session's slots in every room."""
        return sum(session.slots for session in self.sessions) * len(self.rooms)

    @cached_property
    def attendee_conflicts(self) -> Mapping[str, frozenset[str]]:
        """Submission -> the submissions it conflicts with for attendees, as the checker derives them: a and b
        conflict when an attendee of a also attends b, presents b, or chairs b's track (b in another track than a);
        the relation is symmetric."""
        attending = _by_person({submission.name: submission.attendees for submission in self.submissions})
        presenting = _by_person({submission.name: submission.presenters for submission in self.submissions})
        chairing = _by_person({track.name: track.chairs for track in self.tracks})
        conflicts: dict[str, set[str]] = {submission.name: set() for submission in self.submissions}
        for submission in self.submissions:
            for person in submission.attendees:
                others = attending.get(person, set()) | presenting.get(person, set())
                others |= {
                    other.name
                    for other in self.submissions
                    if other.track != submission.track and other.track in chairing.get(person, ())
                }
                for other in others - {submission.name}:
                    conflicts[submission.name].add(other)
                    conflicts[other].add(submission.name)
        return {name: frozenset(others) for name, others in conflicts.items()}

    @cached_property
    def presenter_conflicts(self) -> Mapping[str, frozenset[str]]:
        """Submission -> the submissions it conflicts with for presenters, as the checker uses them: none. CoSPLib's
        Problem.build derives only attendee conflicts, so the presenter terms are 0 for every schedule; the relation
        its documentation describes (a shared presenter) is :attr:`shared_presenters`."""
        return {submission.name: frozenset() for submission in self.submissions}

    @cached_property
    def chair_conflicts(self) -> Mapping[str, frozenset[str]]:
        """Track -> the tracks it conflicts with for chairs, as the checker uses them: none (see
        :attr:`presenter_conflicts`); the documented relation (a shared chair) is :attr:`shared_chairs`."""
        return {track.name: frozenset() for track in self.tracks}

    @cached_property
    def shared_presenters(self) -> Mapping[str, frozenset[str]]:
        """Submission -> the other submissions that share a presenter with it (not used by the checker)."""
        return _sharing({submission.name: submission.presenters for submission in self.submissions})

    @cached_property
    def shared_chairs(self) -> Mapping[str, frozenset[str]]:
        """Track -> the other tracks that share a chair with it (not used by the checker)."""
        return _sharing({track.name: track.chairs for track in self.tracks})

    def timezone_penalty(self, submission: str, session: str) -> int:
        """The time-zone penalty (unweighted) of holding `submission` in `session`, as the checker computes it.

        The session's start and end, taken as local times on 2021-07-21 in the local time zone, are converted to the
        submission's time zone and compared as times of day (the date is dropped): the big penalty when the start is
        before the less suitable "from", or the end is after the less suitable "to" or before its "from"; else the
        small penalty when the start is before the suitable "from" or the end after the suitable "to"; else 0.
        """
        return self._timezone_penalties[submission, session]

    @cached_property
    def _timezone_penalties(self) -> Mapping[tuple[str, str], int]:
        parameters = self.parameters
        local = _zone(parameters.local_time_zone)
        suitable_from, suitable_to = parameters.suitable
        less_from, less_to = parameters.less_suitable
        by_zone: dict[tuple[str, str], int] = {}  # (time zone label, session) -> penalty
        for label in {submission.time_zone for submission in self.submissions}:
            zone = _zone(label)
            for session in self.sessions:
                start = dt.datetime.combine(TIME_ZONE_REFERENCE_DATE, session.start, local).astimezone(zone).time()
                end = dt.datetime.combine(TIME_ZONE_REFERENCE_DATE, session.end, local).astimezone(zone).time()
                if start < less_from or end > less_to or end < less_from:
                    by_zone[label, session.name] = parameters.big_timezone_penalty
                elif less_from <= start < suitable_from or suitable_to < end <= less_to:
                    by_zone[label, session.name] = parameters.small_timezone_penalty
                else:
                    by_zone[label, session.name] = 0
        penalties = {
            (submission.name, session.name): by_zone[submission.time_zone, session.name]
            for submission in self.submissions
            for session in self.sessions
        }
        return penalties


@dataclass
class CosplibSolution:
    """A schedule in CoSPLib's terms, indexed by the instance's session and room positions.

    `tracks[s][r]` is the track held in room r during session s (None: the room is unused). `submissions[s][r][k]`
    is the submission in time slot k of that session in that room (None: empty). A submission needing k slots
    fills k consecutive slots of one session in one room, its name repeated in each.
    """

    tracks: list[list[str | None]]
    submissions: list[list[list[str | None]]]

    @classmethod
    def empty(cls, instance: CosplibInstance) -> CosplibSolution:
        rooms = len(instance.rooms)
        return cls(
            tracks=[[None] * rooms for _ in instance.sessions],
            submissions=[[[None] * session.slots for _ in range(rooms)] for session in instance.sessions],
        )


# ---------------------------------------------------------------------------------------------------------------------
# Reading an instance


def read_instance(path: str | Path) -> CosplibInstance:
    """Read a CoSPLib instance workbook; bad or unsupported content is a DataError naming the sheet, row and item."""
    book = _Workbook.open(Path(path))
    sheets = {name: book.sheet(name) for name in INSTANCE_SHEETS}
    sessions = _read_sessions(sheets["sessions"])
    rooms = _read_rooms(sheets["rooms"])
    tracks = _read_tracks(sheets["tracks"])
    parameters = _read_parameters(sheets["parameters"])
    track_names = [track.name for track in tracks]
    session_names = [session.name for session in sessions]
    room_names = [room.name for room in rooms]
    submissions = _read_submissions(sheets["submissions"], track_names, session_names, room_names)
    used = {submission.track for submission in submissions}
    for track in tracks:
        if track.name not in used:
            sheet = sheets["tracks"]
            raise sheet.error(sheet.row_of(track.name), f"track '{track.name}'", "no submission is in this track")
    instance = CosplibInstance(
        source=book.source,
        parameters=parameters,
        submissions=tuple(submissions),
        tracks=tuple(tracks),
        sessions=tuple(sessions),
        rooms=tuple(rooms),
        tracks_sessions=_read_matrix(sheets["tracks_sessions|penalty"], "track", track_names, "session", session_names),
        tracks_rooms=_read_matrix(sheets["tracks_rooms|penalty"], "track", track_names, "room", room_names),
        sessions_rooms=_read_matrix(sheets["sessions_rooms|penalty"], "session", session_names, "room", room_names),
        similar_tracks=_read_similar_tracks(sheets["similar tracks"], track_names),
        numbers=_numbers(sheets["submissions"]) | _numbers(sheets["tracks"]),
    )
    _check_time_zones(sheets["parameters"], sheets["submissions"], instance)
    return instance


@dataclass(frozen=True)
class _Sheet:
    """One sheet as a grid of cells (read by pandas without a header row), with where it came from for messages."""

    source: Path
    name: str
    grid: tuple[tuple[Any, ...], ...]  # rows of cells, empty cells as None

    @classmethod
    def of(cls, source: Path, name: str, frame: pd.DataFrame) -> _Sheet:
        return cls(source, name, tuple(tuple(_value(value) for value in row) for row in frame.itertuples(index=False)))

    @property
    def height(self) -> int:
        return len(self.grid)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.grid), default=0)

    def cell(self, row: int, column: int) -> Any:
        """The value at a 1-based row and column; None for an empty cell or one outside the data."""
        if row > self.height or column > len(self.grid[row - 1]):
            return None
        return self.grid[row - 1][column - 1]

    def cells(self, row: int) -> tuple[Any, ...]:
        return self.grid[row - 1] if row <= self.height else ()

    def blank(self, row: int) -> bool:
        return all(value is None for value in self.cells(row))

    def error(self, row: int | None, item: str | None, message: str) -> DataError:
        place = f"sheet '{self.name}'" + (f" row {row}" if row else "")
        return DataError(self.source, None, f"{place}, {item}" if item else place, message)

    def row_of(self, name: str) -> int | None:
        for row in range(2, self.height + 1):
            if _name(self.cell(row, 1)) == name:
                return row
        return None

    def require_header(self, expected: Sequence[str]) -> None:
        for column, wanted in enumerate(expected, start=1):
            found = self.cell(1, column)
            if _label(found) != _label(wanted):
                got = "an empty cell" if found is None else repr(found)
                raise self.error(1, None, f"column {column} should be headed '{wanted}', found {got}")


@dataclass(frozen=True)
class _Workbook:
    source: Path
    book: pd.ExcelFile

    @classmethod
    def open(cls, source: Path) -> _Workbook:
        raw = read_source(source)
        try:
            book = pd.ExcelFile(io.BytesIO(raw), engine="openpyxl")
        except (zipfile.BadZipFile, ValueError, KeyError, OSError) as error:
            raise DataError(source, None, None, f"cannot read the workbook (is it an .xlsx file?): {error}") from None
        return cls(source, book)

    def sheet(self, name: str) -> _Sheet:
        if name not in self.book.sheet_names:
            raise DataError(
                self.source, None, None, f"no sheet named '{name}' (sheets: {', '.join(self.book.sheet_names)})"
            )
        return _Sheet.of(self.source, name, pd.read_excel(self.book, sheet_name=name, header=None, dtype=object))


def _read_sessions(sheet: _Sheet) -> list[CosplibSession]:
    sheet.require_header(SESSION_COLUMNS)
    sessions = []
    for row, name in _named_rows(sheet, "session"):
        item = f"session '{name}'"
        slots = _parse(sheet, row, item, SESSION_COLUMNS[1], sheet.cell(row, 2), _whole(1))
        date = _parse(sheet, row, item, "Date", sheet.cell(row, 3), _date)
        start = _parse(sheet, row, item, "Start Time", sheet.cell(row, 4), _clock)
        end = _parse(sheet, row, item, "End Time", sheet.cell(row, 5), _clock)
        sessions.append(CosplibSession(name, slots, date, start, end))
    return sessions


def _read_rooms(sheet: _Sheet) -> list[CosplibRoom]:
    sheet.require_header(ROOM_COLUMNS)
    return [CosplibRoom(name) for _, name in _named_rows(sheet, "room")]


def _read_tracks(sheet: _Sheet) -> list[CosplibTrack]:
    sheet.require_header(TRACK_COLUMNS)
    return [CosplibTrack(name, _people(sheet.cell(row, 2))) for row, name in _named_rows(sheet, "track")]


def _named_rows(sheet: _Sheet, what: str) -> Iterator[tuple[int, str]]:
    """(row, name) for every row below the header that is not blank; a name must be given and unique."""
    seen: dict[str, int] = {}
    for row in range(2, sheet.height + 1):
        if sheet.blank(row):
            continue
        name = _name(sheet.cell(row, 1))
        if name is None:
            raise sheet.error(row, None, f"the {what} has no name (column 1 is empty)")
        if name in seen:
            raise sheet.error(row, f"{what} '{name}'", f"listed twice (first in row {seen[name]})")
        seen[name] = row
        yield row, name
    if not seen:
        raise sheet.error(None, None, f"no {what} is listed")


def _numbers(sheet: _Sheet) -> dict[str, int | float]:
    """name -> value for the names in column 1 (below the header) that are numbers."""
    return {
        str(value): value
        for value in (sheet.cell(row, 1) for row in range(2, sheet.height + 1))
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def _read_parameters(sheet: _Sheet) -> CosplibParameters:
    def setting(row: int, label: str, parse: Callable[[Any], Any]) -> Any:
        found = sheet.cell(row, 1)
        if not _label(found).startswith(_label(label)):
            got = "an empty cell" if found is None else repr(found)
            raise sheet.error(row, None, f"column A should say '{label}', found {got}")
        return _parse(sheet, row, f"'{_plain(found)}'", "column B", sheet.cell(row, 2), parse)

    local = setting(LOCAL_TIME_ZONE_ROW, "Local time zone", _text)
    suitable = tuple(setting(row, label, _clock) for row, label in zip(SUITABLE_ROWS, ("From", "To"), strict=True))
    less = tuple(setting(row, label, _clock) for row, label in zip(LESS_SUITABLE_ROWS, ("From", "To"), strict=True))
    small = setting(SMALL_PENALTY_ROW, "Penalty", _whole(0))
    big = setting(BIG_PENALTY_ROW, "Penalty", _whole(0))
    weights = {}
    for term in TERMS:
        found = sheet.cell(term.row, 4)
        if _label(found) != _label(term.label):
            got = "an empty cell" if found is None else repr(found)
            raise sheet.error(term.row, None, f"column D should say '{term.label}', found {got}")
        weights[term.weight] = _parse(
            sheet, term.row, f"weight '{_plain(found)}'", "column E", sheet.cell(term.row, 5), _whole(0)
        )
    return CosplibParameters(local, suitable, less, small, big, CosplibWeights(**weights))


def _read_submissions(
    sheet: _Sheet, tracks: Sequence[str], sessions: Sequence[str], rooms: Sequence[str]
) -> list[CosplibSubmission]:
    sheet.require_header(SUBMISSION_COLUMNS)
    fixed = len(SUBMISSION_COLUMNS)
    session_columns = _header_group(sheet, fixed + 1, "session", sessions)
    room_columns = _header_group(sheet, fixed + 1 + len(sessions), "room", rooms)
    if sheet.width > fixed + len(sessions) + len(rooms):
        extra = fixed + len(sessions) + len(rooms) + 1
        raise sheet.error(
            1,
            None,
            f"column {extra} ({sheet.cell(1, extra)!r}) is neither a session nor a room; the "
            f"columns after '{SUBMISSION_COLUMNS[-1]}' are the {len(sessions)} sessions, then the "
            f"{len(rooms)} rooms",
        )
    submissions = []
    for row, name in _named_rows(sheet, "submission"):
        item = f"submission '{name}'"
        track = _name(sheet.cell(row, 2))
        if track is None:
            raise sheet.error(row, item, "Track: the cell is empty")
        if track not in tracks:
            raise sheet.error(row, item, f"track '{track}' is not in the tracks sheet{did_you_mean(track, tracks)}")
        slots = _parse(sheet, row, item, "Required Timeslots", sheet.cell(row, 3), _whole(1))
        order = _parse(sheet, row, item, "Order", sheet.cell(row, 4), _whole(0))
        zone = _parse(sheet, row, item, "Time Zone", sheet.cell(row, 5), _text)
        submissions.append(
            CosplibSubmission(
                name=name,
                track=track,
                slots=slots,
                order=order,
                time_zone=zone,
                presenters=_people(sheet.cell(row, 6)),
                attendees=_people(sheet.cell(row, 7)),
                session_penalties={
                    session: _parse(sheet, row, item, f"column '{session}'", sheet.cell(row, column), _integer)
                    for session, column in session_columns.items()
                },
                room_penalties={
                    room: _parse(sheet, row, item, f"column '{room}'", sheet.cell(row, column), _integer)
                    for room, column in room_columns.items()
                },
                row=row,
            )
        )
    return submissions


def _header_group(sheet: _Sheet, first: int, what: str, names: Sequence[str]) -> dict[str, int]:
    """name -> column for a run of header cells that must list every one of `names` once, in any order."""
    columns: dict[str, int] = {}
    for column in range(first, first + len(names)):
        name = _name(sheet.cell(1, column))
        expected = f"the {len(names)} {what}s of the {what}s sheet"
        if name is None:
            raise sheet.error(1, None, f"column {column} has no header; expected {expected}")
        if name not in names:
            raise sheet.error(
                1, f"column {column} '{name}'", f"not a {what}; expected {expected}{did_you_mean(name, names)}"
            )
        if name in columns:
            raise sheet.error(1, f"column {column} '{name}'", f"{what} listed twice (first in column {columns[name]})")
        columns[name] = column
    return columns


def _read_matrix(
    sheet: _Sheet, row_what: str, row_names: Sequence[str], column_what: str, column_names: Sequence[str]
) -> dict[tuple[str, str], int]:
    """A penalty sheet: one row per item of the first kind, one column per item of the second, matched by name."""
    columns = _header_group(sheet, 2, column_what, column_names)
    if sheet.width > len(column_names) + 1:
        raise sheet.error(1, None, f"{sheet.width - 1} columns; expected one per {column_what} ({len(column_names)})")
    values: dict[tuple[str, str], int] = {}
    for row, name in _named_rows(sheet, row_what):
        item = f"{row_what} '{name}'"
        if name not in row_names:
            raise sheet.error(row, item, f"not in the {row_what}s sheet{did_you_mean(name, row_names)}")
        for other, column in columns.items():
            values[name, other] = _parse(sheet, row, item, f"column '{other}'", sheet.cell(row, column), _integer)
    missing = [name for name in row_names if (name, column_names[0]) not in values]
    if missing:
        raise sheet.error(None, f"{row_what} '{missing[0]}'", f"has no row (every {row_what} needs one)")
    return values


def _read_similar_tracks(sheet: _Sheet, tracks: Sequence[str]) -> dict[tuple[str, str], int]:
    """The similar tracks sheet, as the checker reads it: rows and columns list the tracks in the same order, and
    the value for two tracks is the cell in the row of the one listed first (the upper triangle)."""
    listed: list[tuple[int, str]] = []
    for row, name in _named_rows(sheet, "track"):
        if name not in tracks:
            raise sheet.error(row, f"track '{name}'", f"not in the tracks sheet{did_you_mean(name, tracks)}")
        listed.append((row, name))
    missing = [name for name in tracks if name not in {name for _, name in listed}]
    if missing:
        raise sheet.error(None, f"track '{missing[0]}'", "has no row (every track needs one)")
    for column, (_, name) in enumerate(listed, start=2):
        header = _name(sheet.cell(1, column))
        if header != name:
            raise sheet.error(
                1,
                f"column {column}",
                f"should be headed '{name}' (the columns list the tracks in the order of the rows), found {header!r}",
            )
    if sheet.width > len(listed) + 1:
        raise sheet.error(1, None, f"{sheet.width - 1} columns; expected one per track ({len(listed)})")
    values: dict[tuple[str, str], int] = {}
    for position, (row, name) in enumerate(listed):
        for column, (_, other) in enumerate(listed, start=2):
            value = _parse(sheet, row, f"track '{name}'", f"column '{other}'", sheet.cell(row, column), _integer)
            if column - 2 > position:  # the checker ignores the diagonal and the lower triangle
                values[name, other] = values[other, name] = value
    return values


def _check_time_zones(parameters: _Sheet, submissions: _Sheet, instance: CosplibInstance) -> None:
    label = instance.parameters.local_time_zone
    try:
        local = _zone(label)
    except ValueError as error:
        raise parameters.error(LOCAL_TIME_ZONE_ROW, "'Local time zone:'", str(error)) from None
    if not _fixed_offset(local):
        raise parameters.error(
            LOCAL_TIME_ZONE_ROW,
            "'Local time zone:'",
            f"'{label}' is a regional zone; CoSPLib's checker would read session times at that zone's historical local "
            "mean time, so only a fixed offset is supported (GMT-12 ... GMT+12, UTC or Etc/GMT±N)",
        )
    for submission in instance.submissions:
        try:
            _zone(submission.time_zone)
        except ValueError as error:
            raise submissions.error(submission.row, f"submission '{submission.name}'", f"Time Zone: {error}") from None


# ---------------------------------------------------------------------------------------------------------------------
# Reading and writing a solution


def read_solution(path: str | Path, instance: CosplibInstance) -> CosplibSolution:
    """Read a solution workbook's `sol` sheet for `instance`.

    Layout (1-based rows): row 1 names the rooms from column B; rows 2 to S+1 give each session (column A, in the
    instance's order) its track per room; row S+2 is empty; then each session in turn has one row per time slot
    (column A repeats the session's name) giving the submission per room. An empty cell is an unused room or slot.
    """
    sheet = _Workbook.open(Path(path)).sheet(SOLUTION_SHEET)
    rooms = [room.name for room in instance.rooms]
    for column, room in enumerate(rooms, start=2):
        found = _name(sheet.cell(1, column))
        if found != room:
            raise sheet.error(
                1, f"column {column}", f"should be headed '{room}' (the instance's rooms in order), found {found!r}"
            )
    for row in range(1, sheet.height + 1):
        beyond = [column for column in range(len(rooms) + 2, sheet.width + 1) if sheet.cell(row, column) is not None]
        if beyond:
            raise sheet.error(row, f"column {beyond[0]}", f"content beyond the instance's {len(rooms)} rooms")
    solution = CosplibSolution.empty(instance)
    tracks = dict.fromkeys(track.name for track in instance.tracks)  # ordered, for suggestions, with fast lookup
    submissions = dict.fromkeys(submission.name for submission in instance.submissions)

    def entries(row: int, session: CosplibSession, what: str, known: Collection[str]) -> list[str | None]:
        found = _name(sheet.cell(row, 1))
        if found != session.name:
            raise sheet.error(row, None, f"column A should name session '{session.name}', found {found!r}")
        values: list[str | None] = []
        for column, room in enumerate(rooms, start=2):
            name = _name(sheet.cell(row, column))
            if name is not None and name not in known:
                raise sheet.error(
                    row, f"room '{room}'", f"{what} '{name}' is not in the instance{did_you_mean(name, known)}"
                )
            values.append(name)
        return values

    for index, session in enumerate(instance.sessions):
        solution.tracks[index] = entries(index + 2, session, "track", tracks)
    row = len(instance.sessions) + 3
    for index, session in enumerate(instance.sessions):
        for slot in range(session.slots):
            if row > sheet.height:
                raise sheet.error(row, None, f"the sheet ends before time slot {slot + 1} of session '{session.name}'")
            for room, name in enumerate(entries(row, session, "submission", submissions)):
                solution.submissions[index][room][slot] = name
            row += 1
    for extra in range(row, sheet.height + 1):
        if not sheet.blank(extra):
            raise sheet.error(extra, None, "unexpected content after the last session's time slots")
    return solution


def solution_workbook(instance: CosplibInstance, solution: CosplibSolution) -> bytes:
    """The solution as an .xlsx workbook whose first sheet is `sol` in CoSPLib's layout (see :func:`read_solution`)."""
    _check_shape(instance, solution)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SOLUTION_SHEET
    rows: list[list[str | None]] = [[None, *(room.name for room in instance.rooms)]]
    rows += [[session.name, *tracks] for session, tracks in zip(instance.sessions, solution.tracks, strict=True)]
    rows.append([])
    for session, rooms in zip(instance.sessions, solution.submissions, strict=True):
        rows += [[session.name, *(cells[slot] for cells in rooms)] for slot in range(session.slots)]
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value in instance.numbers and row > 1 and column > 1:
                sheet.cell(row, column, instance.numbers[value])
            elif value is not None:
                cell = sheet.cell(row, column, value)
                cell.data_type = "s"  # always text: a name such as '=x' is not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_solution(path: str | Path, instance: CosplibInstance, solution: CosplibSolution) -> Path:
    """Write the solution workbook atomically; CoSPLib's load_solution reads it (it reads the first sheet)."""
    return write_atomic(path, solution_workbook(instance, solution))


def _check_shape(instance: CosplibInstance, solution: CosplibSolution) -> None:
    rooms = len(instance.rooms)
    if len(solution.tracks) != len(instance.sessions) or len(solution.submissions) != len(instance.sessions):
        raise ValueError(f"the solution has {len(solution.tracks)} sessions; the instance has {len(instance.sessions)}")
    for session, tracks, cells in zip(instance.sessions, solution.tracks, solution.submissions, strict=True):
        if len(tracks) != rooms or len(cells) != rooms or any(len(slots) != session.slots for slots in cells):
            raise ValueError(f"session '{session.name}' does not have {rooms} rooms of {session.slots} time slots")


# ---------------------------------------------------------------------------------------------------------------------
# The objective


def score(instance: CosplibInstance, solution: CosplibSolution) -> dict[str, int]:
    """Every term of the objective by the checker's name, weighted, then `objective` (their sum).

    As in the checker, a term whose weight is 0 is absent, and the multi-slot term (no weight) is always present.
    The objective does not count unscheduled submissions except multi-slot ones; see :func:`schedule_problems`.
    """
    _check_shape(instance, solution)
    grid = _Grid(instance, solution)
    weights = instance.parameters.weights
    result = {
        term.name: weights.of(term) * _TERM_FUNCTIONS[term.weight](grid) for term in TERMS if weights.of(term) > 0
    }
    result[MULTI_SLOT] = _multi_slot(grid)
    result[OBJECTIVE] = sum(result.values())
    return result


def schedule_problems(instance: CosplibInstance, solution: CosplibSolution) -> list[str]:
    """What makes the solution infeasible for the checker, one line each: a submission not in exactly its number of
    time slots (evaluate_all_submissions_scheduled), or held in a room whose session track is another track
    (validate_solution). An empty list: every submission is scheduled where its track is."""
    _check_shape(instance, solution)
    grid = _Grid(instance, solution)
    held = Counter(name for _, _, _, name in grid.slots())
    problems = [
        f"submission '{submission.name}' fills {held[submission.name]} time slots; it needs {submission.slots}"
        for submission in instance.submissions
        if held[submission.name] != submission.slots
    ]
    for session, room, slot, name in grid.slots():
        track = grid.tracks[session][room]
        if track is not None and instance.submission[name].track != track:
            problems.append(
                f"submission '{name}' (track '{instance.submission[name].track}') is in session "
                f"'{instance.sessions[session].name}', room '{instance.rooms[room].name}', slot {slot + 1}, which "
                f"holds track '{track}'"
            )
    return problems


@dataclass(frozen=True)
class _Grid:
    instance: CosplibInstance
    solution: CosplibSolution

    @property
    def tracks(self) -> list[list[str | None]]:
        return self.solution.tracks

    def cells(self) -> Iterator[tuple[int, int, str]]:
        """(session, room, track) for every room holding a track, session by session, room by room."""
        for session, tracks in enumerate(self.solution.tracks):
            for room, track in enumerate(tracks):
                if track is not None:
                    yield session, room, track

    def slots(self) -> Iterator[tuple[int, int, int, str]]:
        """(session, room, slot, submission) for every filled time slot, in sheet order (session, room, slot)."""
        for session, rooms in enumerate(self.solution.submissions):
            for room, cells in enumerate(rooms):
                for slot, name in enumerate(cells):
                    if name is not None:
                        yield session, room, slot, name

    def session_name(self, session: int) -> str:
        return self.instance.sessions[session].name

    def room_name(self, room: int) -> str:
        return self.instance.rooms[room].name


def _tracks_sessions(grid: _Grid) -> int:
    return sum(grid.instance.tracks_sessions[track, grid.session_name(session)] for session, _, track in grid.cells())


def _tracks_rooms(grid: _Grid) -> int:
    return sum(grid.instance.tracks_rooms[track, grid.room_name(room)] for _, room, track in grid.cells())


def _sessions_rooms(grid: _Grid) -> int:
    return sum(
        grid.instance.sessions_rooms[grid.session_name(session), grid.room_name(room)]
        for session, room, _ in grid.cells()
    )


def _similar_tracks(grid: _Grid) -> int:
    """Per session, per pair of rooms holding two different tracks: the similar-tracks value of the two."""
    total = 0
    for tracks in grid.tracks:
        held = [track for track in tracks if track is not None]
        total += sum(grid.instance.similar_tracks[a, b] for a, b in combinations(held, 2) if a != b)
    return total


def _rooms_per_track(grid: _Grid) -> int:
    rooms: dict[str, set[int]] = {}
    for _, room, track in grid.cells():
        rooms.setdefault(track, set()).add(room)
    return sum(len(used) - 1 for used in rooms.values())


def _parallel_tracks(grid: _Grid) -> int:
    return sum(count - 1 for tracks in grid.tracks for count in Counter(t for t in tracks if t is not None).values())


def _consecutive_tracks(grid: _Grid) -> int:
    sessions: dict[str, set[int]] = {}
    for session, _, track in grid.cells():
        sessions.setdefault(track, set()).add(session)
    return sum(1 for used in sessions.values() if max(used) - min(used) + 1 != len(used))


def _submissions_timezones(grid: _Grid) -> int:
    return sum(grid.instance.timezone_penalty(name, grid.session_name(s)) for s, _, _, name in grid.slots())


def _submissions_order(grid: _Grid) -> int:
    """Each ordered submission (order o > 0) should be the o-th submission of its track, counting the track's
    submissions in sheet order; and two ordered submissions of one track should not share a time slot index in one
    session. Only rooms holding a track count; a multi-slot submission counts once, where it first appears."""
    instance = grid.instance
    by_track: dict[str, list[str]] = {}  # the cell's track -> its submissions in order of first appearance
    by_slot: dict[tuple[int, int], list[str]] = {}
    for session, room, slot, name in grid.slots():
        track = grid.tracks[session][room]
        if track is None:
            continue
        if name not in by_track.setdefault(track, []):
            by_track[track].append(name)
        if name not in by_slot.setdefault((session, slot), []):
            by_slot[session, slot].append(name)
    out_of_place = sum(
        1
        for names in by_track.values()
        for position, name in enumerate(names, start=1)
        if instance.submission[name].order not in (0, position)
    )
    parallel = sum(
        1
        for names in by_slot.values()
        for a, b in combinations(names, 2)
        if instance.submission[a].track == instance.submission[b].track
        and instance.submission[a].order != 0
        and instance.submission[b].order != 0
    )
    return out_of_place + parallel


def _submissions_sessions(grid: _Grid) -> int:
    return sum(
        grid.instance.submission[name].session_penalties[grid.session_name(session)]
        for session, _, _, name in grid.slots()
    )


def _submissions_rooms(grid: _Grid) -> int:
    return sum(grid.instance.submission[name].room_penalties[grid.room_name(room)] for _, room, _, name in grid.slots())


def _session_level(grid: _Grid, conflicts: Mapping[str, frozenset[str]]) -> int:
    """Per session: pairs of (submission, room) entries in different rooms whose submissions conflict."""
    total = 0
    for rooms in grid.solution.submissions:
        entries: list[tuple[str, int]] = []
        for room, cells in enumerate(rooms):
            for name in cells:
                if name is not None and conflicts[name] and (name, room) not in entries:
                    entries.append((name, room))
        total += sum(1 for (a, ra), (b, rb) in combinations(entries, 2) if ra != rb and a in conflicts[b])
    return total


def _timeslot_level(grid: _Grid, conflicts: Mapping[str, frozenset[str]]) -> int:
    """Per session and time slot index: pairs of distinct submissions held in that slot that conflict."""
    total = 0
    for session, rooms in zip(grid.instance.sessions, grid.solution.submissions, strict=True):
        for slot in range(session.slots):
            held: list[str] = []
            for cells in rooms:
                name = cells[slot]
                if name is not None and conflicts[name] and name not in held:
                    held.append(name)
            total += sum(1 for a, b in combinations(held, 2) if a in conflicts[b])
    return total


def _chairs(grid: _Grid) -> int:
    """Per session: pairs of rooms whose tracks conflict for chairs."""
    conflicts = grid.instance.chair_conflicts
    return sum(
        1
        for tracks in grid.tracks
        for a, b in combinations([track for track in tracks if track is not None and conflicts[track]], 2)
        if a in conflicts[b]
    )


def _multi_slot(grid: _Grid) -> int:
    """A submission needing k > 1 slots must fill k slots of one (session, room): each (session, room) holding some
    of its slots but not k costs SPLIT_PENALTY; slot indices (in sheet order) that are not a run of consecutive
    numbers cost GAP_PENALTY; and one such submission missing altogether makes the whole term GAP_PENALTY."""
    instance = grid.instance
    multi = [submission for submission in instance.submissions if submission.slots > 1]
    indices: dict[str, list[int]] = {submission.name: [] for submission in multi}
    per_cell: dict[tuple[int, int], Counter[str]] = {}
    for session, room, slot, name in grid.slots():
        if name in indices:
            per_cell.setdefault((session, room), Counter())[name] += 1
            indices[name].append(slot)
    total = sum(
        SPLIT_PENALTY
        for counts in per_cell.values()
        for name, count in counts.items()
        if count != instance.submission[name].slots
    )
    for submission in multi:
        found = indices[submission.name]
        if not found:
            return GAP_PENALTY
        if sum(range(found[0], found[-1] + 1)) != sum(found):
            total += GAP_PENALTY
    return total


_TERM_FUNCTIONS: dict[str, Callable[[_Grid], int]] = {
    "tracks_sessions": _tracks_sessions,
    "tracks_rooms": _tracks_rooms,
    "sessions_rooms": _sessions_rooms,
    "similar_tracks": _similar_tracks,
    "rooms_per_track": _rooms_per_track,
    "parallel_tracks": _parallel_tracks,
    "consecutive_tracks": _consecutive_tracks,
    "submissions_timezones": _submissions_timezones,
    "submissions_order": _submissions_order,
    "submissions_sessions": _submissions_sessions,
    "submissions_rooms": _submissions_rooms,
    "presenters_conflicts": lambda grid: _session_level(grid, grid.instance.presenter_conflicts),
    "attendees_conflicts": lambda grid: _session_level(grid, grid.instance.attendee_conflicts),
    "chairs_conflicts": _chairs,
    "presenters_conflicts_timeslot": lambda grid: _timeslot_level(grid, grid.instance.presenter_conflicts),
    "attendees_conflicts_timeslot": lambda grid: _timeslot_level(grid, grid.instance.attendee_conflicts),
}


# ---------------------------------------------------------------------------------------------------------------------
# Cells


def _value(value: Any) -> Any:
    """None for an empty cell (or one holding only spaces); an integral float as an int; anything else as it is."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, float):
        if value != value:  # NaN: pandas' empty cell
            return None
        return int(value) if value.is_integer() else value
    if value is pd.NaT:
        return None
    return value


def _name(value: Any) -> str | None:
    """A name cell as text, exactly as written (a number as its digits)."""
    return None if value is None else str(value)


def _plain(value: Any) -> str:
    return str(value).strip().rstrip(":")


def _label(value: Any) -> str:
    """A label compared loosely: letters and digits only, lower case ('Similar Tracks:' -> 'similartracks')."""
    return "" if value is None else re.sub(r"[^0-9a-z]", "", str(value).lower())


def _people(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(person for person in str(value).split(PEOPLE_SEPARATOR) if person)


def _parse(sheet: _Sheet, row: int, item: str, column: str, value: Any, parse: Callable[[Any], Any]) -> Any:
    try:
        return parse(value)
    except ValueError as error:
        raise sheet.error(row, item, f"{column}: {error}") from None


def _whole(minimum: int) -> Callable[[Any], int]:
    """A parser for a whole number >= minimum."""

    def parse(value: Any) -> int:
        if value is None:
            raise ValueError("the cell is empty")
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise ValueError(f"expected a whole number >= {minimum}, got {value!r}")
        return value

    return parse


def _integer(value: Any) -> int:
    """A penalty cell: a whole number; an empty cell is 0."""
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"expected a whole number or an empty cell, got {value!r}")


def _text(value: Any) -> str:
    if value is None:
        raise ValueError("the cell is empty")
    return str(value).strip()


def _clock(value: Any) -> dt.time:
    """A time of day to the minute (the checker ignores seconds): a time cell, or text 'HH:MM[:SS]'."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*", str(value)) if isinstance(value, str) else None
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.time(int(match[1]), int(match[2]))
    got = "an empty cell" if value is None else repr(value)
    raise ValueError(f"expected a time as HH:MM, got {got}")


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a date, got {value!r}") from None


def _zone(label: str) -> dt.tzinfo:
    """The time zone a CoSPLib label names: GMT+N / GMT-N (N up to 12) as that fixed offset from UTC, as the
    checker's mapping to Etc/GMT∓N does; any other label as an IANA zone name."""
    match = _GMT_LABEL.match(label)
    if match and int(match[2]) <= 12 and (match[1] == "+" or int(match[2]) > 0):
        hours = int(match[2]) * (1 if match[1] == "+" else -1)
        return dt.timezone(dt.timedelta(hours=hours))
    try:
        return zoneinfo.ZoneInfo(label)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{label}' (expected GMT-12 ... GMT+12 or an IANA zone name)") from None


def _fixed_offset(zone: dt.tzinfo) -> bool:
    """Whether the zone has had one offset all along (so reading a time in it cannot hit a historical one)."""
    moments = (dt.datetime(1800, 1, 1), dt.datetime(1900, 1, 1), dt.datetime(2021, 1, 15), dt.datetime(2021, 7, 21))
    return len({zone.utcoffset(moment) for moment in moments}) == 1


def _by_person(people: Mapping[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """person -> the items (submissions or tracks) that list them."""
    items: dict[str, set[str]] = {}
    for item, names in people.items():
        for person in names:
            items.setdefault(person, set()).add(item)
    return items


def _sharing(people: Mapping[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """item -> the other items that list one of the same people."""
    items = _by_person(people)
    return {
        item: frozenset(other for person in names for other in items[person] if other != item)
        for item, names in people.items()
    }
