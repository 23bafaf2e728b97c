"""The time-indexed layer (scheduler.slots): it keeps the optimum, and its bound holds where it is known by hand.

Each rule's slot form is checked against the rule's independent score in tests/test_rule_registry.py, as every
other form is.
"""

from __future__ import annotations

import pytest
import yaml
from test_rule_registry import SEEDS, random_conference, solve_exactly, timetable

from scheduler import parse, verify
from scheduler.checks.score import score
from scheduler.model import build_model
from scheduler.problem import compile_problem
from scheduler.rules import RULES


@pytest.mark.parametrize("seed", SEEDS)
def test_the_layer_keeps_the_optimum_of_every_rule_together(seed):
    data = random_conference(seed, {})
    problem = compile_problem(data)
    plain = build_model(problem, with_rooms=True, weights=data.weights)
    layered = build_model(problem, with_rooms=True, weights=data.weights, slots=True)
    assert layered.slots is not None and plain.slots is None
    expected = solve_exactly(plain.model).objective_value
    solver = solve_exactly(layered.model)
    assert solver.objective_value == expected
    placed = timetable(problem, layered, solver)
    assert verify(data, placed) == []
    assert 10 * sum(rule.penalty for rule in score(data, placed)) == pytest.approx(expected)


def full_grid(talks: int, track_of, rooms: int = 2, slots: int = 2) -> str:
    """One day of `slots` 45-minute slots and `rooms` rooms, exactly one talk per cell, each 45 minutes long."""
    blocks = [{"start": f"{9 + i}:00", "end": f"{9 + i}:45", "type": "talk"} for i in range(slots)]
    document = {
        "conference": {"name": "Grid", "timezone": "UTC", "days": [{"date": "2025-05-05", "blocks": blocks}]},
        "weights": {"track-room": 0},
        "rooms": [{"name": f"Room {i}", "capacity": 100} for i in range(rooms)],
        "talks": [
            {"id": f"t{i}", "title": f"Talk {i}", "duration": 45, "track": track_of(i), "attendance": 40}
            for i in range(talks)
        ],
    }
    return yaml.safe_dump(document, sort_keys=False)


@pytest.mark.parametrize("slots", [False, True])
def test_a_track_that_fills_two_thirds_of_every_slot_runs_three_pairs_in_parallel(slots):
    # six talks of one track and three of another in a 3 x 3 grid, every cell used: the six take two cells of
    # every slot at best, three pairs in parallel (by hand); the three others one cell each, none
    data = parse(full_grid(9, lambda i: "ml" if i < 6 else "cv", rooms=3, slots=3))
    built = build_model(compile_problem(data), with_rooms=True, weights=data.weights, slots=slots)
    per_pair = 10 * RULES["track-parallel"].weight
    assert solve_exactly(built.model).objective_value == 3 * per_pair


def test_the_layer_lets_a_speakers_accepted_pair_overlap():
    # Ada gives three half-hour talks in one hour: only because a1 and a2 are accepted to overlap (a stream mirror)
    # is there a timetable; the layer's one talk per speaker and minute must leave that pair out, as the plain model
    # does
    from conftest import conference, solved

    talks = [{"id": f"a{i}", "title": f"A{i}", "duration": 30, "speakers": ["ada"]} for i in (1, 2, 3)]
    data = conference(
        rooms=[{"name": "Hall", "capacity": 100}, {"name": "Side", "capacity": 100}],
        talks=talks,
        accepted=[{"talks": ["a1", "a2"]}],
    )
    problem = compile_problem(data)
    plain = build_model(problem, with_rooms=True, weights=data.weights)
    layered = build_model(problem, with_rooms=True, weights=data.weights, slots=True)
    assert solve_exactly(layered.model).objective_value == solve_exactly(plain.model).objective_value
    schedule = solved(data, time_limit=10)
    assert schedule.stats.status == "optimal"


def test_the_small_layered_one_model_proves_its_optimum_with_two_whole_searches():
    # up to SolveParams.prove_cells the layered one model runs CP-SAT's core-based and LP searches as two whole
    # workers (with two workers CP-SAT otherwise runs one beside its neighbourhoods); with them CP-SAT proves the
    # optimum of Timefold-shaped 18 talks, the one the whole solve proves, and the timetable keeps every hard rule
    from conftest import solved

    from benchmarks.ladder import build_yaml
    from scheduler.search.budget import TimeBudget
    from scheduler.search.context import SolveContext
    from scheduler.search.coupled import fits_the_layer, proves_in_one_model, searches_on_the_layer
    from scheduler.search.cpsat import run_cpsat

    data = parse(build_yaml(1, 5, 18), "ladder-18.yaml")
    context = SolveContext.create(data, TimeBudget.start(60), workers=2)
    problem = context.problem
    assert fits_the_layer(context, problem) and proves_in_one_model(context)
    # one worker (or --deterministic) cannot run both searches: that one model keeps to the neighbourhoods' path
    assert not proves_in_one_model(SolveContext.create(data, TimeBudget.start(60), workers=1))
    assert not proves_in_one_model(SolveContext.create(data, TimeBudget.start(60), deterministic=True))
    overrides = searches_on_the_layer(context, True, proving=True)
    assert overrides == {"subsolvers": ["core", "max_lp"], "num_full_subsolvers": 2}
    assert searches_on_the_layer(context, True) == {"subsolvers": ["max_lp"]}
    layered = build_model(problem, with_rooms=True, weights=data.weights, slots=True)
    outcome = run_cpsat(layered.model, context.parameters(60) | overrides)
    assert outcome.optimal
    assert outcome.penalty == solved(data, time_limit=60).stats.penalty
    placed = timetable(problem, layered, outcome.solver)
    assert verify(data, placed) == []
    assert sum(rule.penalty for rule in score(data, placed)) == pytest.approx(outcome.penalty)


def test_the_one_model_that_searches_for_a_proof_leaves_the_bound_only_its_least_time():
    # its core-based bound is the one that counts there, so the relaxations' share of the limit goes to the proof;
    # a layered one model that does not prove keeps the bound's and a fifth of the neighbourhoods' time back
    from benchmarks.ladder import build_yaml
    from scheduler.search.budget import TimeBudget
    from scheduler.search.context import SolveContext
    from scheduler.search.coupled import LAYERED_LEAVES, kept_back

    data = parse(build_yaml(1, 5, 18), "ladder-18.yaml")
    context = SolveContext.create(data, TimeBudget.start(60), workers=2)
    assert kept_back(context, True, proving=True) == context.params.bound_min_seconds == 0.5
    assert context.bound_reserve == 6.0
    assert kept_back(context, True) == pytest.approx(6.0 + context.together_reserve * LAYERED_LEAVES)
    assert kept_back(context, False) == pytest.approx(6.0 + context.together_reserve)
