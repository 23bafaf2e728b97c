"""Reading CoSPLib workbooks: an instance from its nine sheets, a solution from its `sol` sheet.

Every check names the sheet, row and item at fault; content the checker would misread (a regional local time zone,
an unknown track, a missing row) is refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..formats.loading import did_you_mean
from .cells import as_clock, as_date, as_name, as_penalty, as_people, as_text, loose_label, plain_label, whole_at_least
from .instance import (
    CosplibInstance,
    CosplibParameters,
    CosplibRoom,
    CosplibSession,
    CosplibSubmission,
    CosplibTrack,
    CosplibWeights,
)
from .sheets import Sheet, Workbook
from .solution import SOLUTION_SHEET, CosplibSolution
from .terms import TERMS
from .timezones import has_fixed_offset, zone_of

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
SUBMISSION_COLUMNS = ("Reference", "Track", "Required Timeslots", "Order", "Time Zone", "Presenters", "Attendees")
TRACK_COLUMNS = ("Tracks", "Chairs")
SESSION_COLUMNS = ("Sessions", "Max Number of Timeslots", "Date", "Start Time", "End Time")
ROOM_COLUMNS = ("Rooms",)

# The parameters sheet (1-based rows, as a spreadsheet shows them): column B holds the time-zone settings
LOCAL_TIME_ZONE_ROW = 2
SUITABLE_ROWS = (4, 5)  # From, To
LESS_SUITABLE_ROWS = (7, 8)  # From, To
SMALL_PENALTY_ROW = 9  # "Penalty:" under "Less suitable scheduling times"
BIG_PENALTY_ROW = 11  # "Penalty:" under "Unsuitable scheduling times"


def read_instance(path: str | Path) -> CosplibInstance:
    """Read a CoSPLib instance workbook; bad or unsupported content is a DataError naming the sheet, row and item."""
    book = Workbook.open(Path(path))
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


def _read_sessions(sheet: Sheet) -> list[CosplibSession]:
    sheet.require_header(SESSION_COLUMNS)
    sessions = []
    for row, name in _named_rows(sheet, "session"):
        item = f"session '{name}'"
        slots = sheet.parse(row, item, SESSION_COLUMNS[1], sheet.cell(row, 2), whole_at_least(1))
        date = sheet.parse(row, item, "Date", sheet.cell(row, 3), as_date)
        start = sheet.parse(row, item, "Start Time", sheet.cell(row, 4), as_clock)
        end = sheet.parse(row, item, "End Time", sheet.cell(row, 5), as_clock)
        sessions.append(CosplibSession(name, slots, date, start, end))
    return sessions


def _read_rooms(sheet: Sheet) -> list[CosplibRoom]:
    sheet.require_header(ROOM_COLUMNS)
    return [CosplibRoom(name) for _, name in _named_rows(sheet, "room")]


def _read_tracks(sheet: Sheet) -> list[CosplibTrack]:
    sheet.require_header(TRACK_COLUMNS)
    return [CosplibTrack(name, as_people(sheet.cell(row, 2))) for row, name in _named_rows(sheet, "track")]


def _named_rows(sheet: Sheet, what: str) -> Iterator[tuple[int, str]]:
    """(row, name) for every row below the header that is not blank; a name must be given and unique."""
    seen: dict[str, int] = {}
    for row in range(2, sheet.height + 1):
        if sheet.blank(row):
            continue
        name = as_name(sheet.cell(row, 1))
        if name is None:
            raise sheet.error(row, None, f"the {what} has no name (column 1 is empty)")
        if name in seen:
            raise sheet.error(row, f"{what} '{name}'", f"listed twice (first in row {seen[name]})")
        seen[name] = row
        yield row, name
    if not seen:
        raise sheet.error(None, None, f"no {what} is listed")


def _numbers(sheet: Sheet) -> dict[str, int | float]:
    """name -> value for the names in column 1 (below the header) that are numbers."""
    return {
        str(value): value
        for value in (sheet.cell(row, 1) for row in range(2, sheet.height + 1))
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def _read_parameters(sheet: Sheet) -> CosplibParameters:
    def setting(row: int, label: str, parse: Callable[[Any], Any]) -> Any:
        found = sheet.cell(row, 1)
        if not loose_label(found).startswith(loose_label(label)):
            got = "an empty cell" if found is None else repr(found)
            raise sheet.error(row, None, f"column A should say '{label}', found {got}")
        return sheet.parse(row, f"'{plain_label(found)}'", "column B", sheet.cell(row, 2), parse)

    local = setting(LOCAL_TIME_ZONE_ROW, "Local time zone", as_text)
    suitable = tuple(setting(row, label, as_clock) for row, label in zip(SUITABLE_ROWS, ("From", "To"), strict=True))
    less = tuple(setting(row, label, as_clock) for row, label in zip(LESS_SUITABLE_ROWS, ("From", "To"), strict=True))
    small = setting(SMALL_PENALTY_ROW, "Penalty", whole_at_least(0))
    big = setting(BIG_PENALTY_ROW, "Penalty", whole_at_least(0))
    weights = {}
    for term in TERMS:
        found = sheet.cell(term.row, 4)
        if loose_label(found) != loose_label(term.label):
            got = "an empty cell" if found is None else repr(found)
            raise sheet.error(term.row, None, f"column D should say '{term.label}', found {got}")
        weights[term.weight] = sheet.parse(
            term.row, f"weight '{plain_label(found)}'", "column E", sheet.cell(term.row, 5), whole_at_least(0)
        )
    return CosplibParameters(local, suitable, less, small, big, CosplibWeights(**weights))


def _read_submissions(
    sheet: Sheet, tracks: Sequence[str], sessions: Sequence[str], rooms: Sequence[str]
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
        track = as_name(sheet.cell(row, 2))
        if track is None:
            raise sheet.error(row, item, "Track: the cell is empty")
        if track not in tracks:
            raise sheet.error(row, item, f"track '{track}' is not in the tracks sheet{did_you_mean(track, tracks)}")
        slots = sheet.parse(row, item, "Required Timeslots", sheet.cell(row, 3), whole_at_least(1))
        order = sheet.parse(row, item, "Order", sheet.cell(row, 4), whole_at_least(0))
        zone = sheet.parse(row, item, "Time Zone", sheet.cell(row, 5), as_text)
        submissions.append(
            CosplibSubmission(
                name=name,
                track=track,
                slots=slots,
                order=order,
                time_zone=zone,
                presenters=as_people(sheet.cell(row, 6)),
                attendees=as_people(sheet.cell(row, 7)),
                session_penalties={
                    session: sheet.parse(row, item, f"column '{session}'", sheet.cell(row, column), as_penalty)
                    for session, column in session_columns.items()
                },
                room_penalties={
                    room: sheet.parse(row, item, f"column '{room}'", sheet.cell(row, column), as_penalty)
                    for room, column in room_columns.items()
                },
                row=row,
            )
        )
    return submissions


def _header_group(sheet: Sheet, first: int, what: str, names: Sequence[str]) -> dict[str, int]:
    """name -> column for a run of header cells that must list every one of `names` once, in any order."""
    columns: dict[str, int] = {}
    for column in range(first, first + len(names)):
        name = as_name(sheet.cell(1, column))
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
    sheet: Sheet, row_what: str, row_names: Sequence[str], column_what: str, column_names: Sequence[str]
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
            values[name, other] = sheet.parse(row, item, f"column '{other}'", sheet.cell(row, column), as_penalty)
    missing = [name for name in row_names if (name, column_names[0]) not in values]
    if missing:
        raise sheet.error(None, f"{row_what} '{missing[0]}'", f"has no row (every {row_what} needs one)")
    return values


def _read_similar_tracks(sheet: Sheet, tracks: Sequence[str]) -> dict[tuple[str, str], int]:
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
        header = as_name(sheet.cell(1, column))
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
            value = sheet.parse(row, f"track '{name}'", f"column '{other}'", sheet.cell(row, column), as_penalty)
            if column - 2 > position:  # the checker ignores the diagonal and the lower triangle
                values[name, other] = values[other, name] = value
    return values


def _check_time_zones(parameters: Sheet, submissions: Sheet, instance: CosplibInstance) -> None:
    label = instance.parameters.local_time_zone
    try:
        local = zone_of(label)
    except ValueError as error:
        raise parameters.error(LOCAL_TIME_ZONE_ROW, "'Local time zone:'", str(error)) from None
    if not has_fixed_offset(local):
        raise parameters.error(
            LOCAL_TIME_ZONE_ROW,
            "'Local time zone:'",
            f"'{label}' is a regional zone; CoSPLib's checker would read session times at that zone's historical local "
            "mean time, so only a fixed offset is supported (GMT-12 ... GMT+12, UTC or Etc/GMT±N)",
        )
    for submission in instance.submissions:
        try:
            zone_of(submission.time_zone)
        except ValueError as error:
            raise submissions.error(submission.row, f"submission '{submission.name}'", f"Time Zone: {error}") from None


def read_solution(path: str | Path, instance: CosplibInstance) -> CosplibSolution:
    """Read a solution workbook's `sol` sheet for `instance`.

    Layout (1-based rows): row 1 names the rooms from column B; rows 2 to S+1 give each session (column A, in the
    instance's order) its track per room; row S+2 is empty; then each session in turn has one row per time slot
    (column A repeats the session's name) giving the submission per room. An empty cell is an unused room or slot.
    """
    sheet = Workbook.open(Path(path)).sheet(SOLUTION_SHEET)
    rooms = [room.name for room in instance.rooms]
    for column, room in enumerate(rooms, start=2):
        found = as_name(sheet.cell(1, column))
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
        found = as_name(sheet.cell(row, 1))
        if found != session.name:
            raise sheet.error(row, None, f"column A should name session '{session.name}', found {found!r}")
        values: list[str | None] = []
        for column, room in enumerate(rooms, start=2):
            name = as_name(sheet.cell(row, column))
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
