"""Times for the cheapest rooms (scheduler.search.cheapest_rooms): the rooms' bound's assignment of talks to rooms,
with times solved for it, tried before the search of times and rooms together."""

from __future__ import annotations

import pytest
from conftest import conference, solved
from test_anytime import ONLY_ROOM_SIZE, one_block, side_by_side

from scheduler import SolveParams, parse
from scheduler.checks.score import score
from scheduler.checks.verify import verify
from scheduler.generate import generate_yaml
from scheduler.problem import compile_problem
from scheduler.rules import RULES
from scheduler.search.bound import cheapest_room_assignment, room_assignment_bound
from scheduler.search.budget import TimeBudget
from scheduler.search.cheapest_rooms import times_for_cheapest_rooms
from scheduler.search.context import SolveContext, Timetable, assignments

NINE = 9 * 60


def two_slots_one_speaker_each():
    """One hour, rooms Big (500 seats) and Small (50), three 30-minute talks of 10 people; t0's and t1's speakers
    are there only 09:00-09:30. Small holds two talks back to back, so one talk must take Big: (500 - 20) // 100 = 4
    is the least penalty, met by t0 and t1 at 09:00 in different rooms and t2 at 09:30 in Small."""
    speakers = [
        {"id": f"s{i}", "name": f"S{i}", "unavailable": [{"day": "2024-07-27", "start": "09:30", "end": "10:00"}]}
        for i in range(2)
    ]
    talks = [{"id": f"t{i}", "title": f"T{i}", "duration": 30, "attendance": 10} for i in range(3)]
    for i in range(2):
        talks[i]["speakers"] = [f"s{i}"]
    return conference(
        conference={"days": one_block(60)},
        rooms=[{"name": "Big", "capacity": 500}, {"name": "Small", "capacity": 50}],
        speakers=speakers,
        talks=talks,
        weights=ONLY_ROOM_SIZE,
    )


def context_of(data, seconds: float = 10.0) -> SolveContext:
    return SolveContext.create(data, TimeBudget.start(seconds), workers=1)


def penalty(data, context: SolveContext, timetable: Timetable) -> float:
    placed = assignments(context.problem, timetable)
    assert verify(data, placed) == []
    return sum(rule.penalty for rule in score(data, placed))


def test_the_cheapest_rooms_with_their_times_meet_the_rooms_bound():
    data = two_slots_one_speaker_each()
    context = context_of(data)
    big, small = 0, 1
    # a valid but poor timetable: t0 and t1 at 09:00, t2 at 09:30, two of them in Big
    poor = Timetable({0: NINE, 1: NINE, 2: NINE + 30}, {0: big, 1: small, 2: big})
    assert penalty(data, context, poor) == 8
    bound, plan = cheapest_room_assignment(context.problem, data.weights, seconds=5)
    assert bound == room_assignment_bound(context.problem, data.weights, seconds=5) == 4
    assert sorted(plan.values()) == [big, small, small]  # which talk takes Big is the relaxation's free choice
    plan = {0: big, 1: small, 2: small}  # one of those plans that has times
    tried = times_for_cheapest_rooms(context, poor, plan)
    assert tried.tried and tried.improved
    assert tried.penalty == penalty(data, context, tried.timetable) == 4
    assert tried.timetable.rooms == plan


def test_a_plan_with_no_times_leaves_the_timetable_in_hand():
    data = two_slots_one_speaker_each()
    context = context_of(data)
    big, small = 0, 1
    poor = Timetable({0: NINE, 1: NINE, 2: NINE + 30}, {0: big, 1: small, 2: big})
    # t0 and t1 both in Small: their speakers leave them only 09:00, and Small holds one talk at a time
    tried = times_for_cheapest_rooms(context, poor, {0: small, 1: small, 2: big})
    assert tried.tried and not tried.improved
    assert tried.timetable == poor and tried.penalty == 8


def test_not_tried_where_rooms_are_a_small_part_of_the_penalty():
    from scheduler.search.first import compile_model, first_timetable
    from scheduler.search.placement import place_rooms

    data = parse(generate_yaml(talks=60, rooms=5, days=2, seed=3), "generated.yaml")
    context = context_of(data)
    timetable = place_rooms(context, first_timetable(context, compile_model(context))).timetable
    quality = score(data, assignments(context.problem, timetable))
    priced = sum(rule.penalty for rule in quality if RULES[rule.rule].room_cost is not None)
    assert 0 < priced <= context.params.cheapest_rooms_share * sum(rule.penalty for rule in quality)
    _, plan = cheapest_room_assignment(context.problem, data.weights, seconds=5)
    assert plan
    tried = times_for_cheapest_rooms(context, timetable, plan)
    assert not tried.tried and tried.timetable == timetable


@pytest.mark.parametrize("events", [100, 200])
def test_side_by_side_instances_are_solved_to_the_rooms_bound(events):
    # conference-scheduler's kind of instance: the room-size objective alone, every period nearly full
    data = side_by_side(events)
    schedule = solved(data, time_limit=30)
    stats = schedule.stats
    assert stats.status == "optimal" and stats.penalty == stats.bound
    assert stats.penalty == room_assignment_bound(compile_problem(data), data.weights, seconds=10)
    without = solved(data, optimise=False)
    assert sum(rule.penalty for rule in score(data, without.assignments)) > stats.penalty


def test_switched_off_it_is_not_tried():
    data = two_slots_one_speaker_each()
    context = SolveContext.create(data, TimeBudget.start(10.0), workers=1, params=SolveParams(cheapest_rooms=False))
    poor = Timetable({0: NINE, 1: NINE, 2: NINE + 30}, {0: 0, 1: 1, 2: 0})
    _, plan = cheapest_room_assignment(context.problem, data.weights, seconds=5)
    assert not times_for_cheapest_rooms(context, poor, plan).tried


def test_with_deterministic_the_same_input_gives_the_same_timetable():
    # 8 s: 80% of it is kept for the search together, more than the try's 5 s, so the try runs in both
    data = side_by_side(40, seed=2)
    runs = [solved(data, time_limit=8, deterministic=True) for _ in range(2)]
    assert runs[0].assignments == runs[1].assignments
