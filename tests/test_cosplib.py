"""CoSPLib workbooks: reading instances and solutions, writing solutions, and the checker's objective term by term.

The benchmark tests score CoSPLib's published exact-model solutions and compare every term with the table in
../shared/benchmarks/cosplib/README.md (each solution scored by CoSPLib's current checker). The other tests build a
small instance in code, so they run everywhere.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scheduler import DataError
from scheduler.cosplib import (
    MULTI_SLOT,
    OBJECTIVE,
    TERMS,
    CosplibSolution,
    CosplibWeights,
    read_instance,
    read_solution,
    schedule_problems,
    score,
    write_solution,
)
from scheduler.cosplib.scoring import _TERM_FUNCTIONS

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "cosplib"
needs_benchmarks = pytest.mark.skipif(
    not BENCHMARKS.is_dir(), reason=f"the CoSPLib instances are not at {BENCHMARKS} (../shared beside the repository)"
)

# ../shared/benchmarks/cosplib/README.md: every term of each reference solution as CoSPLib's checker reports it; a
# term the instance gives no weight is absent
REFERENCE = {
    "N2OR": {
        "Similar Tracks": 0,
        "Number of rooms per track": 0,
        "Parallel tracks": 0,
        "Consecutive tracks": 2,
        "Submissions order": 0,
        "Submissions_Sessions|Penalty": 0,
        "Presenters conflicts [Session Level]": 0,
        "Attendees conflicts [Session Level]": 0,
        MULTI_SLOT: 0,
        OBJECTIVE: 2,
    },
    "GECCO19": {
        "Tracks_Sessions|Penalty": 1_000_000,
        "Tracks_Rooms|Penalty": 10,
        "Similar Tracks": 90,
        "Number of rooms per track": 0,
        "Parallel tracks": 0,
        "Consecutive tracks": 16,
        "Submissions_Sessions|Penalty": 0,
        "Presenters conflicts [Session Level]": 0,
        MULTI_SLOT: 0,
        OBJECTIVE: 1_000_116,
    },
    "GECCO20": {
        "Tracks_Sessions|Penalty": 0,
        "Tracks_Rooms|Penalty": 10,
        "Sessions_Rooms|Penalty": 0,
        "Similar Tracks": 60,
        "Number of rooms per track": 0,
        "Parallel tracks": 0,
        "Consecutive tracks": 110,
        "Submissions order": 18,
        "Submissions_Sessions|Penalty": 6_100,
        "Presenters conflicts [Session Level]": 0,
        "Attendees conflicts [Session Level]": 0,
        "Chairs conflicts": 0,
        MULTI_SLOT: 0,
        OBJECTIVE: 6_298,
    },
    "GECCO21": {
        "Tracks_Sessions|Penalty": 0,
        "Tracks_Rooms|Penalty": 30,
        "Similar Tracks": 80,
        "Number of rooms per track": 0,
        "Parallel tracks": 0,
        "Consecutive tracks": 70,
        "Submissions timezones": 11_100,
        "Submissions_Sessions|Penalty": 0,
        "Presenters conflicts [Session Level]": 0,
        "Attendees conflicts [Session Level]": 0,
        "Chairs conflicts": 0,
        MULTI_SLOT: 0,
        OBJECTIVE: 11_280,
    },
    "OR60F": {
        "Tracks_Sessions|Penalty": 400,
        "Tracks_Rooms|Penalty": 0,
        "Sessions_Rooms|Penalty": 1_000,
        "Similar Tracks": 0,
        "Number of rooms per track": 0,
        "Parallel tracks": 0,
        "Consecutive tracks": 240,
        "Submissions_Sessions|Penalty": 24,
        "Presenters conflicts [Session Level]": 0,
        "Attendees conflicts [Session Level]": 0,
        "Chairs conflicts": 0,
        MULTI_SLOT: 0,
        OBJECTIVE: 1_664,
    },
    "OR60F2": {
        "Tracks_Sessions|Penalty": 0,
        "Tracks_Rooms|Penalty": 0,
        "Sessions_Rooms|Penalty": 1_000,
        "Similar Tracks": 0,
        "Number of rooms per track": 0,
        "Parallel tracks": 0,
        "Consecutive tracks": 650,
        "Submissions_Sessions|Penalty": 10,
        "Presenters conflicts [Session Level]": 0,
        "Attendees conflicts [Session Level]": 0,
        "Chairs conflicts": 0,
        MULTI_SLOT: 0,
        OBJECTIVE: 1_660,
    },
}
# (submissions, rooms, sessions), from the same README
SIZES = {
    "N2OR": (35, 4, 4),
    "GECCO19": (202, 10, 13),
    "GECCO20": (158, 8, 7),
    "GECCO21": (138, 8, 6),
    "OR60F": (279, 23, 8),
    "OR60F2": (556, 23, 16),
}


def test_every_term_has_a_weight_and_a_function():
    weights = {field.name for field in dataclasses.fields(CosplibWeights)}
    assert {term.weight for term in TERMS} == weights == set(_TERM_FUNCTIONS)
    assert [term.row for term in TERMS] == list(range(2, 18))


def benchmark(name: str):
    instance = read_instance(BENCHMARKS / "instances" / f"{name}.xlsx")
    return instance, read_solution(BENCHMARKS / "reference-solutions" / f"{name}Solution.xlsx", instance)


@needs_benchmarks
@pytest.mark.parametrize("name", REFERENCE)
def test_the_reference_solutions_score_every_term_as_cosplibs_checker(name):
    instance, solution = benchmark(name)
    assert (len(instance.submissions), len(instance.rooms), len(instance.sessions)) == SIZES[name]
    assert score(instance, solution) == REFERENCE[name]
    assert list(score(instance, solution)) == list(REFERENCE[name])  # the checker's order
    assert schedule_problems(instance, solution) == []


@needs_benchmarks
@pytest.mark.parametrize("name", REFERENCE)
def test_a_written_solution_reads_back_the_same_and_as_cosplib_reads_it(name, tmp_path):
    instance, solution = benchmark(name)
    path = write_solution(tmp_path / "solution.xlsx", instance, solution)
    again = read_solution(path, instance)
    assert again == solution
    assert score(instance, again) == REFERENCE[name]
    assert_cosplib_reads(path, instance, solution)


def assert_cosplib_reads(path: Path, instance, solution: CosplibSolution) -> None:
    """CoSPLib's load_solution reads the workbook's first sheet with pandas, no header, empty cells as '': row 1+s
    holds session s's track per room from column 1; after one more row, each session's slots follow, one row
    each. Names must come back exactly as the instance sheets give them (pandas' types included)."""
    grid = pd.read_excel(path, header=None, keep_default_na=False, na_filter=False)
    tracks = pd.read_excel(instance.source, sheet_name="tracks", keep_default_na=False, na_filter=False)
    submissions = pd.read_excel(instance.source, sheet_name="submissions", keep_default_na=False, na_filter=False)
    track_names = {str(name): name for name in tracks.iloc[:, 0]}
    submission_names = {str(name): name for name in submissions.iloc[:, 0]}
    sessions = len(instance.sessions)
    assert len(grid.columns) == len(instance.rooms) + 1
    for s in range(sessions):
        for r in range(len(instance.rooms)):
            expected = solution.tracks[s][r]
            assert grid.iloc[1 + s, 1 + r] == ("" if expected is None else track_names[expected])
    row = sessions + 2
    for s, session in enumerate(instance.sessions):
        for k in range(session.slots):
            for r in range(len(instance.rooms)):
                expected = solution.submissions[s][r][k]
                assert grid.iloc[row, 1 + r] == ("" if expected is None else submission_names[expected])
            row += 1


# ---------------------------------------------------------------------------------------------------------------------
# A small instance built in code: sessions Mon1, Mon2, Tue1 of two slots each; rooms Hall and Room; track A (chaired
# by Carol) with a1 (order 1) and a2 (two slots, order 2, presenter in GMT-8), track B with b1 (presented by Dan, who
# wants to attend a1) and b2 (GMT-2, attended by Carol).


def sheets() -> dict[str, list[list[object]]]:
    weights = [
        ("Tracks_Sessions|Penalty:", 1),
        ("Tracks_Rooms|Penalty:", 1),
        ("Sessions_Rooms|Penalty:", 1),
        ("Similar Tracks:", 3),
        ("Number of Rooms per Track:", 1),
        ("Parallel Tracks:", 1),
        ("Consecutive Tracks:", 10),
        ("Submissions_Timezones:", 1),
        ("Submissions Order:", 1),
        ("Submissions_Sessions|Penalty:", 1),
        ("Submissions_Rooms|Penalty:", 1),
        ("Presenters Conflicts:", 1),
        ("Attendees Conflicts:", 1),
        ("Chairs Conflicts:", 1),
        ("Presenters Conflicts Timeslot Level:", 1),
        ("Attendees Conflicts Timeslot Level:", 1),
    ]
    column_b = [
        ("Local time zone:", "GMT+0"),
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
    parameters: list[list[object]] = [["Sessions", None, None, "Weights", None]]
    for index, (label, weight) in enumerate(weights):
        a, b = column_b[index] if index < len(column_b) else (None, None)
        parameters.append([a, b, None, label, weight])
    header = ["Reference", "Track", "Required Timeslots", "Order", "Time Zone", "Presenters", "Attendees"]
    return {
        "parameters": parameters,
        "submissions": [
            [*header, "Mon1", "Mon2", "Tue1", "Hall", "Room"],
            ["a1", "A", 1, 1, "GMT+0", "Ann", "Dan", None, None, None, None, 5],
            ["a2", "A", 2, 2, "GMT-8", "Bob", None, None, 7, None, None, None],
            ["b1", "B", 1, 0, "GMT+0", "Dan", None, None, None, None, None, None],
            ["b2", "B", 1, 0, "GMT-2", "Eve", "Carol", None, None, None, None, None],
        ],
        "tracks": [["Tracks", "Chairs"], ["A", "Carol"], ["B", None]],
        "sessions": [
            ["Sessions", "Max Number of Timeslots", "Date", "Start Time", "End Time"],
            ["Mon1", 2, dt.datetime(2021, 7, 26), dt.time(9, 30), dt.time(10, 30)],
            ["Mon2", 2, dt.datetime(2021, 7, 26), dt.time(11, 0), dt.time(12, 0)],
            ["Tue1", 2, dt.datetime(2021, 7, 27), dt.time(9, 30), dt.time(10, 30)],
        ],
        "rooms": [["Rooms"], ["Hall"], ["Room"]],
        "tracks_sessions|penalty": [[None, "Mon1", "Mon2", "Tue1"], ["A", None, None, 100], ["B", None, None, None]],
        "tracks_rooms|penalty": [[None, "Hall", "Room"], ["A", None, None], ["B", 10, None]],
        # the checker reads the upper triangle only: A-B is 4, the 50 below the diagonal is ignored
        "similar tracks": [[None, "A", "B"], ["A", None, 4], ["B", 50, None]],
        "sessions_rooms|penalty": [
            [None, "Hall", "Room"],
            ["Mon1", None, None],
            ["Mon2", None, None],
            ["Tue1", None, 1000],
        ],
    }


def save(path: Path, workbook: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in workbook.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def small(tmp_path: Path):
    return read_instance(save(tmp_path / "small.xlsx", sheets()))


def schedule(instance, cells: dict[tuple[str, str], tuple[str, list[str | None]]]) -> CosplibSolution:
    """A solution from {(session, room): (track, [submission per slot])}."""
    solution = CosplibSolution.empty(instance)
    sessions = [session.name for session in instance.sessions]
    rooms = [room.name for room in instance.rooms]
    for (session, room), (track, slots) in cells.items():
        solution.tracks[sessions.index(session)][rooms.index(room)] = track
        solution.submissions[sessions.index(session)][rooms.index(room)] = slots
    return solution


def test_the_small_instance_reads_as_written(tmp_path):
    instance = small(tmp_path)
    assert [session.slots for session in instance.sessions] == [2, 2, 2]
    assert instance.sessions[1].start == dt.time(11, 0)
    assert instance.sessions[2].date == dt.date(2021, 7, 27)
    assert instance.submission["a1"].attendees == ("Dan",)
    assert instance.submission["a2"].session_penalties == {"Mon1": 0, "Mon2": 7, "Tue1": 0}
    assert instance.track["A"].chairs == ("Carol",)
    assert instance.similar_tracks == {("A", "B"): 4, ("B", "A"): 4}
    assert instance.tracks_sessions["A", "Tue1"] == 100
    assert instance.parameters.weights.similar_tracks == 3
    assert (instance.required_slots, instance.available_slots) == (5, 12)
    # Dan attends a1 and presents b1; Carol attends b2 and chairs track A (b2 is in B)
    assert instance.attendee_conflicts == {
        "a1": {"b1", "b2"},
        "a2": {"b2"},
        "b1": {"a1"},
        "b2": {"a1", "a2"},
    }
    assert instance.presenter_conflicts == dict.fromkeys(["a1", "a2", "b1", "b2"], frozenset())  # as the checker
    # on the presenter's clock: Mon2 (11:00-12:00 GMT) is 03:00-04:00 in GMT-8, unsuitable; Mon1 (09:30-10:30) is
    # 07:30-08:30 in GMT-2, less suitable
    assert instance.timezone_penalty("a2", "Mon2") == 10
    assert instance.timezone_penalty("b2", "Mon1") == 1
    assert instance.timezone_penalty("a1", "Mon1") == 0


def test_a_good_schedule_of_the_small_instance(tmp_path):
    instance = small(tmp_path)
    solution = schedule(
        instance,
        {
            ("Mon1", "Hall"): ("A", ["a1", None]),
            ("Mon1", "Room"): ("B", ["b1", "b2"]),
            ("Mon2", "Hall"): ("A", ["a2", "a2"]),
        },
    )
    assert schedule_problems(instance, solution) == []
    assert score(instance, solution) == {
        "Tracks_Sessions|Penalty": 0,
        "Tracks_Rooms|Penalty": 0,
        "Sessions_Rooms|Penalty": 0,
        "Similar Tracks": 12,  # A and B in parallel in Mon1: 4, weight 3
        "Number of rooms per track": 0,
        "Parallel tracks": 0,
        "Consecutive tracks": 0,
        "Submissions timezones": 21,  # a2's two slots at 10 each, b2 at 1
        "Submissions order": 0,
        "Submissions_Sessions|Penalty": 14,  # a2 in Mon2, 7 per slot
        "Submissions_Rooms|Penalty": 0,
        "Presenters conflicts [Session Level]": 0,
        "Attendees conflicts [Session Level]": 2,  # a1 (Hall) with b1 and with b2 (Room)
        "Chairs conflicts": 0,
        "Presenters conflicts [Timeslot Level]": 0,
        "Attendees conflicts [Timeslot Level]": 1,  # a1 and b1 in slot 1 of Mon1
        MULTI_SLOT: 0,
        OBJECTIVE: 50,
    }


def conflicting_sheets() -> dict[str, list[list[object]]]:
    """The small instance with presenters and chairs in common: b2 is presented by Eve and Ann (who presents a1),
    Carol chairs track B as well as A and co-presents a2 (track A)."""
    workbook = copy.deepcopy(sheets())
    workbook["submissions"][2][5] = "Bob, Carol"  # a2
    workbook["submissions"][4][5] = "Eve, Ann"  # b2
    workbook["tracks"][2][1] = "Carol"  # B
    return workbook


def test_presenter_and_chair_conflicts_as_the_checker_derives_them(tmp_path):
    instance = read_instance(save(tmp_path / "conflicts.xlsx", conflicting_sheets()))
    # a shared presenter (Ann: a1, b2); a presenter chairing another track (Carol, a2's presenter, chairs B)
    assert instance.presenter_conflicts == {"a1": {"b2"}, "a2": {"b1", "b2"}, "b1": {"a2"}, "b2": {"a1", "a2"}}
    assert instance.chair_conflicts == {"A": {"B"}, "B": {"A"}}
    solution = schedule(
        instance,
        {
            ("Mon1", "Hall"): ("A", ["a2", "a2"]),
            ("Mon1", "Room"): ("B", ["b1", "b2"]),
            ("Mon2", "Hall"): ("A", ["a1", None]),
        },
    )
    terms = score(instance, solution)
    assert terms["Presenters conflicts [Session Level]"] == 2  # a2 (Hall) with b1 and with b2 (Room) in Mon1
    assert terms["Presenters conflicts [Timeslot Level]"] == 2  # a2 with b1 in slot 1, with b2 in slot 2
    assert terms["Chairs conflicts"] == 1  # A and B, both chaired by Carol, in Mon1
    apart = schedule(
        instance,
        {
            ("Mon1", "Hall"): ("A", ["a1", None]),
            ("Mon1", "Room"): ("B", ["b2", None]),
            ("Mon2", "Hall"): ("A", ["a2", "a2"]),
            ("Tue1", "Room"): ("B", ["b1", None]),
        },
    )
    terms = score(instance, apart)
    assert terms["Presenters conflicts [Session Level]"] == 1  # a1 and b2 share Ann in Mon1
    assert terms["Presenters conflicts [Timeslot Level]"] == 1
    assert terms["Chairs conflicts"] == 1


def test_a_bad_schedule_of_the_small_instance(tmp_path):
    instance = small(tmp_path)
    solution = schedule(
        instance,
        {
            ("Mon1", "Hall"): ("B", ["b1", None]),
            ("Mon2", "Hall"): ("A", ["a1", "a2"]),  # a2 split over two rooms, its slots in the wrong order
            ("Mon2", "Room"): ("A", ["a2", None]),
            ("Tue1", "Room"): ("B", ["b2", None]),
        },
    )
    assert score(instance, solution) == {
        "Tracks_Sessions|Penalty": 0,
        "Tracks_Rooms|Penalty": 10,  # B in Hall
        "Sessions_Rooms|Penalty": 1000,  # Tue1 in Room
        "Similar Tracks": 0,
        "Number of rooms per track": 2,  # A and B each use two rooms
        "Parallel tracks": 1,  # A twice in Mon2
        "Consecutive tracks": 10,  # B in Mon1 and Tue1, not Mon2
        "Submissions timezones": 21,
        "Submissions order": 1,  # a1 and a2 (both ordered, track A) in slot 1 of Mon2
        "Submissions_Sessions|Penalty": 14,
        "Submissions_Rooms|Penalty": 0,
        "Presenters conflicts [Session Level]": 0,
        "Attendees conflicts [Session Level]": 0,
        "Chairs conflicts": 0,
        "Presenters conflicts [Timeslot Level]": 0,
        "Attendees conflicts [Timeslot Level]": 0,
        # two (session, room) cells with one of a2's two slots each, and its slot indices 1 then 0
        MULTI_SLOT: 2 * 10_000_000 + 1_000_000_000,
        OBJECTIVE: 1_020_001_059,
    }


def test_an_unscheduled_submission(tmp_path):
    instance = small(tmp_path)
    solution = schedule(instance, {("Mon1", "Hall"): ("A", ["a1", "b1"])})
    assert score(instance, solution)[MULTI_SLOT] == 1_000_000_000  # a2 (two slots) is nowhere
    assert schedule_problems(instance, solution) == [
        "submission 'a2' fills 0 time slots; it needs 2",
        "submission 'b2' fills 0 time slots; it needs 1",
        "submission 'b1' (track 'B') is in session 'Mon1', room 'Hall', slot 2, which holds track 'A'",
    ]


def test_the_small_solution_written_and_read_back(tmp_path):
    instance = small(tmp_path)
    solution = schedule(instance, {("Mon2", "Room"): ("A", ["a2", "a2"]), ("Tue1", "Hall"): ("B", ["b1", None])})
    path = write_solution(tmp_path / "out" / "solution.xlsx", instance, solution)
    assert openpyxl.load_workbook(path).sheetnames == ["sol"]
    assert read_solution(path, instance) == solution
    assert_cosplib_reads(path, instance, solution)


def test_names_the_workbook_holds_as_numbers_are_written_as_numbers(tmp_path):
    workbook = sheets()
    workbook["submissions"][1][0] = 101  # a1 becomes the number 101
    instance = read_instance(save(tmp_path / "numbers.xlsx", workbook))
    assert "101" in instance.submission
    solution = schedule(instance, {("Mon1", "Hall"): ("A", ["101", None])})
    path = write_solution(tmp_path / "solution.xlsx", instance, solution)
    assert openpyxl.load_workbook(path)["sol"]["B6"].value == 101
    assert read_solution(path, instance) == solution
    assert_cosplib_reads(path, instance, solution)


def edit(cells: dict[str, dict[tuple[int, int], object]]):
    """A change to the small instance: {sheet: {(row, column): value}}, rows and columns counted from 1."""

    def change(workbook):
        for sheet, values in cells.items():
            rows = workbook[sheet]
            for (row, column), value in values.items():
                while len(rows) < row:
                    rows.append([])
                while len(rows[row - 1]) < column:
                    rows[row - 1].append(None)
                rows[row - 1][column - 1] = value

    return change


def drop(sheet):
    return lambda workbook: workbook.pop(sheet)


BAD_INSTANCES = {
    "missing sheet": (
        drop("similar tracks"),
        "no sheet named 'similar tracks' (sheets: parameters, submissions, tracks, sessions, rooms, "
        "tracks_sessions|penalty, tracks_rooms|penalty, sessions_rooms|penalty)",
    ),
    "unknown track": (
        edit({"submissions": {(3, 2): "Track A"}}),
        "sheet 'submissions' row 3, submission 'a2': track 'Track A' is not in the tracks sheet",
    ),
    "slots not a number": (
        edit({"submissions": {(2, 3): "two"}}),
        "sheet 'submissions' row 2, submission 'a1': Required Timeslots: expected a whole number >= 1, got 'two'",
    ),
    "empty order": (
        edit({"submissions": {(4, 4): None}}),
        "sheet 'submissions' row 4, submission 'b1': Order: the cell is empty",
    ),
    "duplicate submission": (
        edit({"submissions": {(5, 1): "a1"}}),
        "sheet 'submissions' row 5, submission 'a1': listed twice (first in row 2)",
    ),
    "unknown time zone": (
        edit({"submissions": {(3, 5): "GMT+14"}}),
        "sheet 'submissions' row 3, submission 'a2': Time Zone: unknown time zone 'GMT+14' (expected GMT-12 ... "
        "GMT+12 or an IANA zone name)",
    ),
    "a session column misspelt": (
        edit({"submissions": {(1, 9): "Mon 2"}}),
        "sheet 'submissions' row 1, column 9 'Mon 2': not a session; expected the 3 sessions of the sessions sheet; "
        "did you mean 'Mon2'?",
    ),
    "fractional penalty": (
        edit({"submissions": {(3, 9): 0.5}}),
        "sheet 'submissions' row 3, submission 'a2': column 'Mon2': expected a whole number or an empty cell, got 0.5",
    ),
    "weights moved": (
        edit({"parameters": {(10, 4): "Order:"}}),
        "sheet 'parameters' row 10: column D should say 'Submissions Order:', found 'Order:'",
    ),
    "regional local time zone": (
        edit({"parameters": {(2, 2): "Europe/London"}}),
        "sheet 'parameters' row 2, 'Local time zone:': 'Europe/London' is a regional zone; CoSPLib's checker would "
        "read session times at that zone's historical local mean time, so only a fixed offset is supported "
        "(GMT-12 ... GMT+12, UTC or Etc/GMT±N)",
    ),
    "bad start time": (
        edit({"sessions": {(2, 4): "9.30"}}),
        "sheet 'sessions' row 2, session 'Mon1': Start Time: expected a time as HH:MM, got '9.30'",
    ),
    "similar tracks columns out of order": (
        edit({"similar tracks": {(1, 2): "B", (1, 3): "A"}}),
        "sheet 'similar tracks' row 1, column 2: should be headed 'A' (the columns list the tracks in the order of "
        "the rows), found 'B'",
    ),
    "track without a row in a penalty sheet": (
        edit({"tracks_rooms|penalty": {(3, 1): None, (3, 2): None}}),
        "sheet 'tracks_rooms|penalty', track 'B': has no row (every track needs one)",
    ),
    "track without submissions": (
        edit({"tracks": {(4, 1): "C"}}),
        "sheet 'tracks' row 4, track 'C': no submission is in this track",
    ),
}


@pytest.mark.parametrize("case", BAD_INSTANCES)
def test_a_bad_instance_is_one_line_naming_the_sheet_row_and_item(tmp_path, case):
    change, expected = BAD_INSTANCES[case]
    workbook = copy.deepcopy(sheets())
    change(workbook)
    path = save(tmp_path / "bad.xlsx", workbook)
    with pytest.raises(DataError) as error:
        read_instance(path)
    assert str(error.value) == f"{path}: {expected}"


def test_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_instance(path)
    assert str(error.value) == f"{path}: cannot read the workbook (is it an .xlsx file?): File is not a zip file"


BAD_SOLUTIONS = {
    "unknown submission": (
        {(7, 2): "a22"},
        "sheet 'sol' row 7, room 'Hall': submission 'a22' is not in the instance; did you mean 'a2'?",
    ),
    "unknown track": ({(3, 3): "C"}, "sheet 'sol' row 3, room 'Room': track 'C' is not in the instance"),
    "sessions in another order": (
        {(2, 1): "Mon2"},
        "sheet 'sol' row 2: column A should name session 'Mon1', found 'Mon2'",
    ),
    "rooms in another order": (
        {(1, 2): "Room", (1, 3): "Hall"},
        "sheet 'sol' row 1, column 2: should be headed 'Hall' (the instance's rooms in order), found 'Room'",
    ),
    "a fourth room": ({(3, 4): "A"}, "sheet 'sol' row 3, column 4: content beyond the instance's 2 rooms"),
    "too few rows": ({(11, 1): None}, "sheet 'sol' row 11: the sheet ends before time slot 2 of session 'Tue1'"),
    "more rows": ({(14, 2): "a1"}, "sheet 'sol' row 14: unexpected content after the last session's time slots"),
}


@pytest.mark.parametrize("case", BAD_SOLUTIONS)
def test_a_bad_solution_is_one_line_naming_the_row_and_room(tmp_path, case):
    changes, expected = BAD_SOLUTIONS[case]
    instance = small(tmp_path)
    solution = schedule(instance, {("Mon1", "Hall"): ("A", ["a1", None]), ("Mon2", "Room"): ("B", ["b1", "b2"])})
    path = write_solution(tmp_path / "solution.xlsx", instance, solution)
    book = openpyxl.load_workbook(path)
    for (row, column), value in changes.items():
        book["sol"].cell(row, column).value = value
    book.save(path)
    with pytest.raises(DataError) as error:
        read_solution(path, instance)
    assert str(error.value) == f"{path}: {expected}"
