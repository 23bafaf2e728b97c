"""CoSPLib's own checker is the judge: confsched's objective (scheduler.cosplib.score) must give its numbers, term by
term, on every solution it is shown: the published reference solutions, small hand-made ones with every kind of
conflict, and schedules confsched solves, exports and writes as a user would (`confsched import`, `solve`,
`export`). The checker is CoSPLib's unmodified Solver/ in ../shared/benchmarks/cosplib/checker, run as a subprocess
(benchmarks/cosplib.py, which the benchmark uses too)."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, run_cli
from test_cosplib import BENCHMARKS, REFERENCE, conflicting_sheets, save, schedule

from scheduler.cosplib import read_instance, read_solution, score, write_solution

if str(ROOT) not in sys.path:  # `pytest` run without `python -m` does not put the repository root on the path
    sys.path.insert(0, str(ROOT))

from benchmarks.cosplib import CHECKER, checker_score, differences, run_hyper_heuristic

needs_checker = pytest.mark.skipif(
    not CHECKER.is_file(), reason=f"CoSPLib's checker is not at {CHECKER} (../shared beside the repository)"
)


def judged_alike(instance_path, solution_path):
    """The checker's terms, after asserting confsched's own objective and feasibility check say the same."""
    instance = read_instance(instance_path)
    judged = checker_score(instance_path, solution_path)
    assert differences(judged, instance, read_solution(solution_path, instance)) == []
    return judged


@needs_checker
@pytest.mark.parametrize("name", REFERENCE)
def test_the_checker_scores_the_reference_solutions_as_confsched_does(name):
    judged = judged_alike(
        BENCHMARKS / "instances" / f"{name}.xlsx", BENCHMARKS / "reference-solutions" / f"{name}Solution.xlsx"
    )
    assert judged.terms == REFERENCE[name] and judged.feasible and judged.valid


@needs_checker
def test_the_checker_scores_presenter_chair_and_attendee_conflicts_as_confsched_does(tmp_path):
    path = save(tmp_path / "conflicts.xlsx", conflicting_sheets())
    instance = read_instance(path)
    layouts = [
        {
            ("Mon1", "Hall"): ("A", ["a2", "a2"]),
            ("Mon1", "Room"): ("B", ["b1", "b2"]),
            ("Mon2", "Hall"): ("A", ["a1", None]),
        },
        {
            ("Mon1", "Hall"): ("A", ["a1", None]),
            ("Mon1", "Room"): ("B", ["b2", None]),
            ("Mon2", "Hall"): ("A", ["a2", "a2"]),
            ("Tue1", "Room"): ("B", ["b1", None]),
        },
        # a2 split over two rooms, b1 missing: infeasible for both
        {
            ("Mon1", "Hall"): ("A", ["a2", "a1"]),
            ("Mon1", "Room"): ("A", ["a2", None]),
            ("Tue1", "Room"): ("B", ["b2", None]),
        },
    ]
    for number, cells in enumerate(layouts):
        solution_path = write_solution(tmp_path / f"solution{number}.xlsx", instance, schedule(instance, cells))
        judged = judged_alike(path, solution_path)
        assert judged.terms == score(instance, read_solution(solution_path, instance))
        if number < 2:
            assert judged.terms["Presenters conflicts [Session Level]"] > 0 and judged.terms["Chairs conflicts"] == 1
        else:
            assert not judged.feasible


@needs_checker
@pytest.mark.parametrize("name", ["N2OR", "GECCO20"])
def test_a_schedule_confsched_solves_and_exports_scores_as_the_checker_says(name, tmp_path):
    instance_path = BENCHMARKS / "instances" / f"{name}.xlsx"
    data, out = tmp_path / "data.yaml", tmp_path / "out"
    steps = [
        ("import", instance_path, "--format", "cosplib", "--out", data),
        # N2OR fills every slot: its first timetable takes seconds; GECCO20's comes in under one (one-off)
        ("solve", data, "--out", out, "--time-limit", "15" if name == "N2OR" else "5"),
        ("export", out / "schedule.json", "--data", data, "--format", "cosplib", "--out", out),
    ]
    for step in steps:
        result = run_cli(*step)
        assert result.returncode == 0, result.stderr
    judged = judged_alike(instance_path, out / "cosplib" / "solution.xlsx")
    assert judged.feasible and judged.valid
    assert set(judged.terms) == set(REFERENCE[name])  # the terms the instance weighs, and the multi-slot term


@needs_checker
def test_cosplibs_hyper_heuristic_runs_and_its_solution_scores_alike(tmp_path):
    """The benchmark's other column: CoSPLib's own hyper-heuristic, judged by the same checker (the `bench` extra)."""
    pytest.importorskip("scipy", reason="CoSPLib's hyper-heuristic needs scipy (the bench extra)")
    pytest.importorskip("pulp", reason="CoSPLib's hyper-heuristic needs pulp (the bench extra)")
    instance_path = BENCHMARKS / "instances" / "N2OR.xlsx"
    run_hyper_heuristic(instance_path, 2, tmp_path / "hh.xlsx")
    judged = judged_alike(instance_path, tmp_path / "hh.xlsx")
    assert judged.feasible and judged.valid
