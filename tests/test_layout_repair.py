"""The layout's repair of stranded talks (scheduler.search.warmstart): a talk the greedy could not place is placed by
a chain of moves, or by placing a talk it must follow again, before phase 1 has to repair it."""

from __future__ import annotations

import pytest
from conftest import conference

from scheduler import parse, verify
from scheduler.problem import compile_problem
from scheduler.search.context import Timetable, assignments
from scheduler.search.warmstart import HardPairs, _Layout, track_first_timetable

HOUR = 60
BLOCKS = [{"start": "09:00", "end": "10:00"}, {"start": "10:00", "end": "11:00"}, {"start": "11:00", "end": "12:00"}]


def one_room(away: tuple[str, str]):
    """One room, three one-hour blocks, talks x, a and c (c follows a, `order` hard), a's speaker away during `away`.
    Laid out by hand as a greedy may leave it: x at 9:00, a at 11:00, 10:00 free, c stranded."""
    data = conference(
        conference={"days": [{"date": "2024-07-27", "blocks": BLOCKS}]},
        rooms=[{"name": "Hall", "capacity": 100}],
        speakers=[{"id": "ann", "name": "Ann", "unavailable": [{"start": away[0], "end": away[1]}]}],
        talks=[
            {"id": "x", "title": "x", "duration": 60},
            {"id": "a", "title": "a", "duration": 60, "speakers": ["ann"]},
            {"id": "c", "title": "c", "duration": 60, "after": ["a"]},
        ],
        weights={"order": "hard"},
    )
    problem = compile_problem(data)
    x, a, c = (next(i for i, talk in enumerate(problem.talks) if talk.id == name) for name in ("x", "a", "c"))
    layout = _Layout(problem, HardPairs(problem))
    layout.take(x, 9 * HOUR, 0)
    layout.take(a, 11 * HOUR, 0)
    return data, problem, layout, (x, a, c)


def busy_times(layout: _Layout):
    return [list(room.spans) for room in layout.rooms], {who: list(t.spans) for who, t in layout.speakers.items()}


def test_a_talk_stranded_after_the_talk_it_follows_is_placed_by_moving_that_one_earlier():
    # c can only take 11:00, a's place; a cannot go to the free 10:00 (Ann is away then) but can take x's 9:00 if x
    # moves to 10:00: two moves beyond c's own, which moving one talk cannot find
    data, problem, layout, (x, a, c) = one_room(away=("10:00", "11:00"))
    assert not layout.place_by_moving_one(c)
    assert layout.place_by_a_chain(c)
    assert layout.starts == {x: 10 * HOUR, a: 9 * HOUR, c: 11 * HOUR}
    assert verify(data, assignments(problem, Timetable(layout.starts, layout.chosen))) == []


def test_a_chain_that_finds_no_place_moves_nothing():
    # Ann is away until 11:00, so a can only run last and c, which follows it, nowhere
    _, _, layout, (x, a, c) = one_room(away=("09:00", "11:00"))
    before = busy_times(layout)
    assert not layout.place_by_a_chain(c)
    assert (layout.starts, layout.chosen) == ({x: 9 * HOUR, a: 11 * HOUR}, {x: 0, a: 0})
    assert busy_times(layout) == before


@pytest.mark.parametrize("days, rooms, talks", [(5, 56, 1000), (3, 10, 108)])
def test_the_timefold_shaped_layout_places_every_talk(days, rooms, talks):
    # every cell used and `order` hard. 1,000 talks: moving one talk left three talks that follow others stranded,
    # which phase 1 then had to place. 108 talks: six stranded, more than one in 30, which phase 1 repaired with a
    # search of the whole model; a few moves place them
    from benchmarks.ladder import build_yaml

    data = parse(build_yaml(days, rooms, talks), f"ladder-{talks}.yaml")
    problem = compile_problem(data)
    starts, chosen = track_first_timetable(problem)
    assert len(starts) == len(problem.talks)
    assert verify(data, assignments(problem, Timetable(starts, chosen))) == []
