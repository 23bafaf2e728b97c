"""CoSPLib workbooks of any size import: sessions that do not fit one synthetic day go on the next ones, and a schedule
maps back and scores as CoSPLib counts it across days. The workbooks come from scheduler.cosplib.generate (500 to
2,000 submissions, presenter, chair and attendee conflicts, every penalty matrix)."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from conftest import ROOT, run_cli

from scheduler import load
from scheduler.checks.score import score as confsched_score
from scheduler.cosplib import CosplibSolution, read_instance, read_solution, schedule_problems, score, write_solution
from scheduler.cosplib.generate import write_instance
from scheduler.cosplib.terms import OBJECTIVE
from scheduler.exporters.cosplib import to_cosplib
from scheduler.importers import import_file
from scheduler.importers.cosplib import BREAK_MINUTES, DAY_START, SLOT_MINUTES, solution_assignments, to_data
from scheduler.schedule import Schedule

if str(ROOT) not in sys.path:  # `pytest` run without `python -m` does not put the repository root on the path
    sys.path.insert(0, str(ROOT))

from benchmarks.cosplib import CHECKER, checker_score, differences

SIZES = [500, 1100, 2000]


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cosplib-large")
    return {size: write_instance(folder / f"generated-{size}.xlsx", size, seed=size) for size in SIZES}


def days_needed(instance) -> int:
    """Days of the synthetic timeline, counted independently of the importer: a session that would end after
    midnight starts the next day at DAY_START."""
    days, end = 1, DAY_START
    for session in instance.sessions:
        length = session.slots * SLOT_MINUTES
        if end + length > 24 * 60:
            days, end = days + 1, DAY_START
        end += length + BREAK_MINUTES
    return days


def greedy(instance) -> CosplibSolution:
    """A valid CoSPLib solution: each track in turn fills (session, room) cells room by room, longest submissions first,
    so a track holds one room per session."""
    solution = CosplibSolution.empty(instance)
    free = [(s, r) for r in range(len(instance.rooms)) for s in range(len(instance.sessions))]
    for track in instance.tracks:
        pending = sorted((sub for sub in instance.submissions if sub.track == track.name), key=lambda sub: -sub.slots)
        while pending:
            session, room = free.pop(0)
            cells, used = solution.submissions[session][room], 0
            for submission in list(pending):
                if used + submission.slots <= len(cells):
                    cells[used : used + submission.slots] = [submission.name] * submission.slots
                    used += submission.slots
                    pending.remove(submission)
            if used:
                solution.tracks[session][room] = track.name
    return solution


@pytest.mark.parametrize("size", [500, 2000])  # the command line imports the 1,100-submission workbook below
def test_any_number_of_sessions_imports_over_as_many_days_as_needed(size, workbooks, tmp_path):
    instance = read_instance(workbooks[size])
    assert len(instance.submissions) == size
    written = import_file(workbooks[size], "cosplib", tmp_path / "data.yaml")
    data = load(tmp_path / "data.yaml")
    assert data == written
    days = data.conference.days
    assert len(days) == days_needed(instance) > 1
    assert [day.date for day in days] == [days[0].date + dt.timedelta(days=n) for n in range(len(days))]
    blocks = [block for day in days for block in sorted(day.blocks, key=lambda block: block.start)]
    assert [block.name for block in blocks] == [session.name for session in instance.sessions]
    assert [(block.end - block.start) // SLOT_MINUTES for block in blocks] == [s.slots for s in instance.sessions]
    assert all(day.blocks[0].start == DAY_START and day.blocks[-1].end <= 24 * 60 for day in days)
    assert len(data.talks) == size


def test_the_command_line_imports_a_1100_submission_workbook(workbooks, tmp_path):
    result = run_cli("import", workbooks[1100], "--format", "cosplib", "--out", tmp_path / "data.yaml")
    assert result.returncode == 0, result.stderr
    assert len(load(tmp_path / "data.yaml").conference.days) > 1


@pytest.mark.parametrize("size", [1100, 2000])
def test_a_schedule_over_several_days_maps_back_and_scores_as_cosplib_counts(size, workbooks, tmp_path):
    instance = read_instance(workbooks[size])
    data = to_data(instance)
    solution = greedy(instance)
    assert schedule_problems(instance, solution) == []
    assignments = solution_assignments(data, solution)
    assert {a.day for a in assignments} == {day.date for day in data.conference.days}
    exported = tmp_path / "solution.xlsx"
    exported.write_bytes(to_cosplib(Schedule(data, assignments))["cosplib/solution.xlsx"])
    assert read_solution(exported, instance).submissions == solution.submissions
    # confsched's rules give CoSPLib's objective term for term (rooms per track over all days, consecutive sessions
    # across midnight, conflicts in each session), except order: per broken 'after', not per misplaced submission
    rules = {rule.rule: rule.penalty for rule in confsched_score(data, assignments)}
    theirs = score(instance, solution)
    assert theirs["Presenters conflicts [Session Level]"] == rules["speaker-room-change"] > 0
    assert theirs["Chairs conflicts"] == rules["chair-conflict"] > 0
    assert theirs["Number of rooms per track"] == rules["track-room-overall"] > 0
    assert theirs["Consecutive tracks"] == rules["track-split"]
    assert sum(rules.values()) - rules["order"] == theirs[OBJECTIVE] - theirs["Submissions order"]


def test_a_written_solution_of_a_large_instance_reads_back(workbooks, tmp_path):
    instance = read_instance(workbooks[2000])
    solution = greedy(instance)
    path = write_solution(tmp_path / "solution.xlsx", instance, solution)
    assert read_solution(path, instance) == solution


@pytest.mark.skipif(not CHECKER.is_file(), reason=f"CoSPLib's checker is not at {CHECKER} (../shared)")
def test_cosplibs_checker_reads_a_generated_workbook_and_scores_it_as_confsched(workbooks, tmp_path):
    instance = read_instance(workbooks[500])
    solution = greedy(instance)
    path = write_solution(tmp_path / "solution.xlsx", instance, solution)
    judged = checker_score(workbooks[500], path)
    assert differences(judged, instance, solution) == []
    assert judged.feasible and judged.valid
    assert judged.terms["Presenters conflicts [Session Level]"] > 0 and judged.terms["Chairs conflicts"] > 0
