"""The benchmark instance builders at a tiny size, so `python -m benchmarks` cannot rot unnoticed.

Not the benchmarks themselves (minutes of CPU): the Timefold ladder's instance builder and the side-by-side
instance, its two converters and the common scorer, each solved in a second or two and checked by the verifier.
The conference-scheduler part skips when that package (the `bench` extra) is absent.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from scheduler import parse, solve, verify
from scheduler.checks.score import score

if str(ROOT) not in sys.path:  # `pytest` run without `python -m` does not put the repository root on the path
    sys.path.insert(0, str(ROOT))

from benchmarks import ladder, sidebyside


def test_ladder_instance_has_timefolds_shape_and_solves():
    assert [ladder.cells(*ladder.LADDER[n]) for n in (18, 36, 72, 108, 216)] == [18, 36, 72, 108, 216]
    data = parse(ladder.build_yaml(1, 5), "timefold-18.yaml")
    assert len(data.talks) == 18
    assert sorted(t.duration for t in data.talks) == [45] * 16 + [120] * 2
    assert len(data.speakers) == 12
    assert sum(1 for t in data.talks if t.pin) == 1
    assert ladder.build_yaml(1, 5, seed=3) == ladder.build_yaml(1, 5, seed=3)

    schedule = solve(data, time_limit=5, seed=0, workers=1)
    assert verify(data, schedule.assignments) == []
    assert all(rule.violations == 0 for rule in score(data, schedule.assignments) if rule.weight == "hard")
    # Timefold's six timeslots: labs 10:15-12:15 / 13:00-15:00, breakouts at 10:15, 11:30, 15:30, 16:30
    starts = {(a.start, a.end) for a in schedule.assignments}
    allowed = {(ladder._minutes(start), ladder._minutes(end)) for start, end, _ in ladder.TIMESLOTS}
    assert starts <= allowed


def test_ladder_beyond_sizes_hit_the_round_number():
    document = ladder.build_instance(*ladder.shape(250), talks=250)
    assert len(document["talks"]) == 250


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP 3.x announcing its 4.0 API
def test_side_by_side_instance_converts_and_scores_like_confsched():
    # seed 16: 7 pairs of events share a speaker, 3 speakers are away for a while, and the optimum is 4, not 0
    instance = sidebyside.build_instance(14, rooms=3, days=1, periods=5, seed=16)
    assert instance.unavailable and instance.clashes()
    assert sidebyside.SharedInstance.from_json(instance.to_json()) == instance
    data = sidebyside.confsched_data(instance)
    assert len(data.talks) == 14
    schedule = solve(data, time_limit=5, seed=0, workers=1)
    assert verify(data, schedule.assignments) == []
    rooms = {a.talk: a.room for a in schedule.assignments}
    ours = sidebyside.room_size_penalty(instance, rooms)
    # the independent scorer agrees with confsched's own, which is the only active rule
    assert ours == schedule.stats.penalty == sum(r.violations for r in score(data, schedule.assignments))
    assert schedule.stats.status == "optimal" and ours == 4

    pytest.importorskip("conference_scheduler", reason="conference-scheduler is in the `bench` extra")
    from conference_scheduler import scheduler as cs

    events, slots = sidebyside.to_conference_scheduler(instance)
    assert len(events) == 14 and len(slots) == 15
    with tempfile.TemporaryDirectory() as scratch:
        solver = sidebyside._cbc_solver(10, 1, Path(scratch) / "cbc.log")
        scheduled = cs.schedule(
            events, slots, objective_function=sidebyside.room_size_objective(instance), solver=solver
        )
        log = sidebyside.parse_cbc_log((Path(scratch) / "cbc.log").read_text())
    assignments = sidebyside.cs_assignments(scheduled, instance)
    assert verify(data, assignments) == []
    theirs = sidebyside.room_size_penalty(instance, {a.talk: a.room for a in assignments})
    assert log["cbc_result"].startswith("Optimal")
    assert theirs == ours == log["cbc_objective"]


def test_cbc_log_parsing():
    text = "Result - Stopped on time\n\nObjective value:      51.00000000\nLower bound:          12.000\n"
    assert sidebyside.parse_cbc_log(text) == {"cbc_result": "Stopped on time", "cbc_objective": 51.0, "cbc_bound": 12.0}
    assert yaml.safe_load(yaml.safe_dump(sidebyside.to_confsched(sidebyside.build_instance(4, 2, 1, 3))))


def test_time_limit_benchmark_runs_the_real_command_and_prints_its_table(capsys):
    from benchmarks import timelimit

    assert timelimit.main(["--sizes", "20", "--time-limit", "5"]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("| generated-20 "))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[4] == "0" and cells[-1] in ("feasible", "optimal")
