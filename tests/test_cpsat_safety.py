"""CP-SAT's interleaved search with several workers can corrupt its heap from OR-Tools 9.13 on (google/or-tools#5048,
benchmarks/cpsat_crash/): no search of confsched runs it there, and what must be reproducible gets one worker."""

from __future__ import annotations

import pytest
from conftest import conference, solved
from ortools.sat.python import cp_model

from scheduler.search import cpsat
from scheduler.search.cpsat import run_cpsat, solver_parameters

UNSAFE = not cpsat.INTERLEAVE_IS_SAFE


def test_the_affected_releases_are_the_ones_from_9_13():
    assert cpsat._release("9.12.4544") < (9, 13) <= cpsat._release("9.13.4784") <= cpsat._release("9.15.6755")


@pytest.mark.parametrize("safe", [False, True])
@pytest.mark.parametrize("first_only", [False, True])
@pytest.mark.parametrize("deterministic", [False, True])
def test_several_workers_are_interleaved_only_where_it_is_safe(monkeypatch, safe, first_only, deterministic):
    monkeypatch.setattr(cpsat, "INTERLEAVE_IS_SAFE", safe)
    parameters = solver_parameters(0, 4, 10.0, first_only=first_only, deterministic=deterministic)
    if safe:
        assert parameters["num_workers"] == 4 and parameters["interleave_search"] is True
    else:
        assert not parameters.get("interleave_search")
        # a reproducible answer needs one worker when the workers cannot be interleaved
        assert parameters["num_workers"] == (1 if deterministic else 4)
    assert solver_parameters(0, 1, 10.0, deterministic=deterministic)["num_workers"] == 1


@pytest.mark.parametrize("safe", [False, True])
def test_run_cpsat_never_runs_the_interleaved_search_where_it_is_unsafe(monkeypatch, safe):
    monkeypatch.setattr(cpsat, "INTERLEAVE_IS_SAFE", safe)
    model = cp_model.CpModel()
    x = model.new_int_var(0, 3, "x")
    model.maximize(x)
    # 0: CP-SAT picks how many; 1: CP-SAT still runs the interleaved (chunked) search, on one thread
    for workers in (0, 1, 2):
        outcome = run_cpsat(model, {"num_workers": workers, "interleave_search": True, "max_time_in_seconds": 5})
        assert outcome.optimal and outcome.solver.value(x) == 3
        assert outcome.solver.parameters.interleave_search is safe


@pytest.mark.skipif(not UNSAFE, reason="this OR-Tools runs several interleaved workers with --deterministic")
def test_deterministic_solve_runs_one_worker_and_says_why():
    talks = [{"id": f"t{i}", "title": f"T{i}", "duration": 30, "speakers": ["ada"]} for i in range(2)]
    data = conference(talks=talks, rooms=[{"name": "Hall", "capacity": 100}])
    stats = solved(data, time_limit=5, workers=2, deterministic=True).stats
    assert stats.workers == 1 and "google/or-tools#5048" in stats.workers_note
    stats = solved(data, time_limit=5, workers=2).stats
    assert stats.workers == 2 and stats.workers_note == ""
