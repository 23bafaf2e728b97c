"""The closed-form bounds (scheduler.search.bound): each equals a value worked out by hand on a constructed instance,
and none exceeds what the independent scorer counts on a verified timetable (generated conferences, the Timefold
shape, and small instances solved to a proven optimum)."""

from __future__ import annotations

import pytest
from conftest import conference, solved

from scheduler import parse
from scheduler.checks.score import score
from scheduler.problem import compile_problem
from scheduler.search.bound import (
    lower_bound,
    speaker_block_bound,
    speaker_days_bound,
    track_days_rooms_bound,
    track_parallel_pigeonhole_bound,
    track_parallel_within_bound,
)

SPREAD_RULES = ("track-days", "track-consecutive", "track-room")
TWO_ROOMS = [{"name": "R1", "capacity": 100}, {"name": "R2", "capacity": 100}]


def penalties(data, schedule) -> dict[str, float]:
    """Rule -> the scorer's weighted penalty of a timetable."""
    return {rule.rule: rule.penalty for rule in score(data, schedule.assignments)}


def track_talks(count: int, minutes: int, **fields) -> list[dict]:
    return [{"id": f"a{i}", "title": f"A{i}", "duration": minutes, "track": "ml", **fields} for i in range(count)]


def three_split_days():
    """Three days of an hour the track may use and a later half hour it may not (so no run crosses a night); two
    rooms; five half-hour talks of one track."""
    days = [
        {
            "date": f"2024-07-2{d}",
            "blocks": [
                {"start": "09:00", "end": "10:00", "type": "talks"},
                {"start": "10:30", "end": "11:00", "type": "other"},
            ],
        }
        for d in range(3)
    ]
    return conference(conference={"days": days}, rooms=TWO_ROOMS, talks=track_talks(5, 30, block_types=["talks"]))


def test_track_spread_weighs_extra_days_against_extra_rooms():
    # 150 minutes, a room holds 60 a day: three room-days. On two days: one room beyond a day's first (20) plus a
    # day (10) and a run (10) = 40; on three days: two days and two runs = 40 (one day cannot hold three rooms)
    data = three_split_days()
    problem = compile_problem(data)
    assert track_days_rooms_bound(problem, data.weights) == {"ml": 40}
    bound = lower_bound(problem, data.weights, seconds=5)
    assert bound.value >= 40
    schedule = solved(data, time_limit=10)
    paid = penalties(data, schedule)
    assert sum(paid.get(rule, 0) for rule in SPREAD_RULES) >= 40
    assert bound.value <= schedule.stats.penalty


def test_track_spread_counts_only_whole_talks_in_a_block():
    # two 50-minute blocks hold two 20-minute talks each, not 50 minutes' worth: five talks (100 minutes, exactly
    # one room's open minutes) need a second room, 20
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "09:50"}, {"start": "10:00", "end": "10:50"}]}]
    data = conference(conference={"days": days}, rooms=TWO_ROOMS, talks=track_talks(5, 20))
    problem = compile_problem(data)
    assert track_days_rooms_bound(problem, data.weights) == {"ml": 20}
    schedule = solved(data, time_limit=10)
    assert penalties(data, schedule).get("track-room", 0) >= 20


def test_track_spread_is_off_when_its_rules_are():
    data = three_split_days()
    off = dict.fromkeys(SPREAD_RULES, 0)
    assert track_days_rooms_bound(compile_problem(data), off) == {}
    # only the rooms weighed: three room-days on at most three days, no room beyond a day's first is forced
    assert track_days_rooms_bound(compile_problem(data), {**off, "track-room": 20}) == {"ml": 0}


def test_track_parallel_pigeonhole_counts_talks_against_the_rooms_at_each_start():
    # three rooms, an hour: six half-hour talks start at 09:00 or 09:30, three each. Tracks A (4) and B (2): at
    # best A, A, B at both starts, two pairs (weight 10)
    talks = [{"id": f"a{i}", "title": "A", "duration": 30, "track": "A"} for i in range(4)]
    talks += [{"id": f"b{i}", "title": "B", "duration": 30, "track": "B"} for i in range(2)]
    rooms = [{"name": f"R{i}", "capacity": 100} for i in range(3)]
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "10:00"}]}]
    data = conference(conference={"days": days}, rooms=rooms, talks=talks, weights={"track-parallel": 10})
    problem = compile_problem(data)
    assert track_parallel_pigeonhole_bound(problem, data.weights) == 20
    assert track_parallel_pigeonhole_bound(problem, {"track-parallel": 0}) == 0
    schedule = solved(data, time_limit=10)
    assert penalties(data, schedule)["track-parallel"] >= 20


def test_track_parallel_pigeonhole_lets_untracked_talks_fill_seats_for_free():
    # two rooms, an hour: two talks of track A and two without a track; the untracked talks take
    # one seat at each start, so the A talks need not meet
    talks = track_talks(2, 30) + [{"id": f"x{i}", "title": "X", "duration": 30} for i in range(2)]
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "10:00"}]}]
    data = conference(conference={"days": days}, rooms=TWO_ROOMS, talks=talks)
    assert track_parallel_pigeonhole_bound(compile_problem(data), data.weights) == 0
    # one half hour only: both A talks start at 09:00 with no other choice, one pair (weight 100)
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "09:30"}]}]
    data = conference(conference={"days": days}, rooms=TWO_ROOMS, talks=track_talks(2, 30))
    assert track_parallel_pigeonhole_bound(compile_problem(data), data.weights) == 100


def test_track_parallel_within_counts_the_talks_a_block_runs_one_after_another():
    # an hour, three rooms, talks of 30, 30, 20 and 20 minutes of one track: no three follow one another (20 + 20
    # + 30 > 60), so four talks make two cliques of two at best: 2 pairs (weight 100). Their starts are many
    # minutes apart (packed starts 09:00, 09:20, 09:30, 09:40), so the start-minute count sees nothing
    talks = [
        {"id": f"a{i}", "title": "A", "duration": minutes, "track": "ml"} for i, minutes in enumerate((30, 30, 20, 20))
    ]
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "10:00"}]}]
    rooms = [{"name": f"R{i}", "capacity": 100} for i in range(3)]
    data = conference(conference={"days": days}, rooms=rooms, talks=talks)
    problem = compile_problem(data)
    assert track_parallel_within_bound(problem, data.weights) == {"ml": 200}
    assert track_parallel_pigeonhole_bound(problem, data.weights) == 0
    assert track_parallel_within_bound(problem, {"track-parallel": 0}) == {}
    assert lower_bound(problem, data.weights, seconds=5).parts["tracks"] >= 200
    schedule = solved(data, time_limit=10)
    assert penalties(data, schedule)["track-parallel"] >= 200


def test_speaker_days_counts_a_speakers_minutes_against_one_day():
    # three days of one 50-minute block; Ada gives five 20-minute talks, two a day at most: three days, two beyond
    # the first (weight 20 each). Bob's two talks fit one day
    days = [{"date": f"2024-07-2{d}", "blocks": [{"start": "09:00", "end": "09:50"}]} for d in range(3)]
    talks = [{"id": f"a{i}", "title": "A", "duration": 20, "speakers": ["ada"]} for i in range(5)]
    talks += [{"id": f"b{i}", "title": "B", "duration": 20, "speakers": ["bob"]} for i in range(2)]
    data = conference(conference={"days": days}, rooms=TWO_ROOMS, talks=talks)
    problem = compile_problem(data)
    assert speaker_days_bound(problem, data.weights) == {"ada": 40}
    assert speaker_days_bound(problem, {"speaker-days": 0}) == {}
    assert lower_bound(problem, data.weights, seconds=5).parts["speakers"] >= 40
    schedule = solved(data, time_limit=10)
    assert penalties(data, schedule)["speaker-days"] >= 40


def test_speaker_block_bound_counts_a_persons_tracks_against_their_blocks():
    # two hour blocks, Ada's three half-hour talks of three tracks: one block holds two of them, in one room (another
    # track in that session, 20) or two (Ada leaves one for the other, 50): at least 20
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "10:00"}, {"start": "10:30", "end": "11:30"}]}]
    talks = [{"id": f"a{i}", "title": "A", "duration": 30, "speakers": ["ada"], "track": f"t{i}"} for i in range(3)]
    data = conference(conference={"days": days}, rooms=TWO_ROOMS, talks=talks)
    problem = compile_problem(data)
    assert speaker_block_bound(problem, data.weights) == 20
    assert speaker_block_bound(problem, {"session-mix": 0}) == 0
    assert lower_bound(problem, data.weights, seconds=5).parts["speaker sessions"] == 20
    schedule = solved(data, time_limit=10)
    paid = penalties(data, schedule)
    assert paid.get("session-mix", 0) + paid.get("speaker-room-change", 0) >= 20
    # Bob speaks in Ada's first talk and in talks of two more tracks: he too has three tracks in two blocks, but
    # sharing a talk (and its track) with Ada, the two of them are counted as one
    talks[0]["speakers"] = ["ada", "bob"]
    talks += [{"id": f"b{i}", "title": "B", "duration": 30, "speakers": ["bob"], "track": f"u{i}"} for i in range(2)]
    data = conference(conference={"days": days}, rooms=TWO_ROOMS, talks=talks)
    assert speaker_block_bound(compile_problem(data), data.weights) == 20


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closed_forms_never_exceed_what_the_scorer_counts_on_generated_conferences(seed):
    from scheduler.generate import generate_yaml

    data = parse(generate_yaml(talks=60, rooms=3, days=2, seed=seed), "generated.yaml")
    problem = compile_problem(data)
    spread = sum(track_days_rooms_bound(problem, data.weights).values())
    pigeonhole = track_parallel_pigeonhole_bound(problem, data.weights)
    within = sum(track_parallel_within_bound(problem, data.weights).values())
    days = sum(speaker_days_bound(problem, data.weights).values())
    sessions = speaker_block_bound(problem, data.weights)
    bound = lower_bound(problem, data.weights, seconds=2)
    schedule = solved(data, time_limit=4)
    paid = penalties(data, schedule)
    assert spread > 0  # about 1,500 minutes of two tracks in 3 rooms: more than one room a day
    assert spread <= sum(paid.get(rule, 0) for rule in SPREAD_RULES)
    assert pigeonhole <= paid.get("track-parallel", 0)
    assert within <= paid.get("track-parallel", 0)
    assert days <= paid.get("speaker-days", 0)
    assert sessions <= paid.get("session-mix", 0) + paid.get("speaker-room-change", 0)
    assert bound.value <= sum(paid.values()) + 1e-6


def test_track_parallel_pigeonhole_on_the_timefold_shape_never_exceeds_what_the_scorer_counts():
    # every breakout cell used, nine themes over ten rooms at once: pairs are forced
    from benchmarks.ladder import build_yaml

    data = parse(build_yaml(2, 10, 72), "ladder-72.yaml")
    pigeonhole = track_parallel_pigeonhole_bound(compile_problem(data), data.weights)
    assert pigeonhole > 0
    schedule = solved(data, time_limit=5)
    assert pigeonhole <= penalties(data, schedule).get("track-parallel", 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_closed_forms_never_exceed_an_optimum_cp_sat_proves(seed):
    from scheduler.generate import generate_yaml

    data = parse(generate_yaml(talks=12, rooms=2, days=1, seed=seed), "generated.yaml")
    optimum = solved(data, time_limit=30)
    if optimum.stats.status != "optimal":
        pytest.skip("the one model did not prove its optimum in time")
    problem = compile_problem(data)
    paid = penalties(data, optimum)
    assert sum(track_days_rooms_bound(problem, data.weights).values()) <= optimum.stats.penalty + 1e-6
    assert track_parallel_pigeonhole_bound(problem, data.weights) <= optimum.stats.penalty + 1e-6
    assert sum(track_parallel_within_bound(problem, data.weights).values()) <= optimum.stats.penalty + 1e-6
    assert sum(speaker_days_bound(problem, data.weights).values()) <= optimum.stats.penalty + 1e-6
    assert speaker_block_bound(problem, data.weights) <= optimum.stats.penalty + 1e-6
    assert lower_bound(problem, data.weights, seconds=5).value <= sum(paid.values()) + 1e-6
