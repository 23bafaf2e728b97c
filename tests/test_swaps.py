"""Swaps of sessions and talks across days (scheduler.search.swaps): each move keeps the hard rules, the change it
counts is the independent score's, and a solve keeps the result only when verified and better."""

from __future__ import annotations

import pytest
from conftest import conference, solved

from scheduler import SolveParams, parse, verify
from scheduler.checks.report import summary_lines
from scheduler.checks.score import score
from scheduler.generate import generate_yaml
from scheduler.problem import compile_problem
from scheduler.search.bound import room_prices
from scheduler.search.context import Timetable, assignments
from scheduler.search.swaps import Swaps, swappable
from scheduler.search.warmstart import HardPairs, track_first_timetable

ROOMS = [{"name": "Hall", "capacity": 100}, {"name": "Annex", "capacity": 100}]
TWO_BLOCKS = [{"start": "09:00", "end": "10:00"}, {"start": "10:00", "end": "11:00"}]
DAYS = [{"date": "2024-07-27", "blocks": TWO_BLOCKS}, {"date": "2024-07-28", "blocks": TWO_BLOCKS}]


def penalty(data, problem, starts, rooms) -> float:
    return sum(rule.penalty for rule in score(data, assignments(problem, Timetable(starts, rooms))))


def swaps_of(data, problem, starts, rooms, seed=0) -> Swaps:
    return Swaps(problem, starts, rooms, HardPairs(problem), room_prices(problem, data.weights), seed)


def laid_out(data):
    """data, problem, and the layout's starts and rooms, every talk placed."""
    problem = compile_problem(data)
    starts, rooms = track_first_timetable(problem)
    assert len(starts) == len(problem.talks)
    return data, problem, starts, rooms


@pytest.fixture(scope="module")
def generated():
    """Generated 300 talks, 10 rooms, 3 days (seed 1), laid out track by track: data, problem, starts, rooms."""
    return laid_out(parse(generate_yaml(talks=300, rooms=10, days=3, seed=1), "generated.yaml"))


def two_tracks(speakers=None, after=None, weights=None, wishes=None):
    """Tracks a and b, each a talk on both days, a in the first block and b in the second: each track spreads over
    two days in two runs of blocks. `speakers` gives talks their speakers (talk id -> list), `after` the talks they
    follow (talk id -> list), `weights` the data file's weights, `wishes` a speaker's days (id -> {"avoids": ...})."""
    speakers, after, wishes = speakers or {}, after or {}, wishes or {}
    people = sorted({person for names in speakers.values() for person in names})
    talks = [
        {"id": name, "title": name, "duration": 60, "track": name[0], "speakers": speakers.get(name, [])}
        | ({"after": after[name]} if name in after else {})
        for name in ("a1", "b1", "a2", "b2", "c1")
    ]
    data = conference(
        conference={"days": DAYS},
        rooms=ROOMS,
        speakers=[{"id": person, "name": person.title()} | wishes.get(person, {}) for person in people],
        talks=talks,
        weights=weights or {},
    )
    problem = compile_problem(data)
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    day, hour = 24 * 60, 60
    at = {"a1": 9 * hour, "b1": 10 * hour, "a2": day + 9 * hour, "b2": day + 10 * hour, "c1": 10 * hour}
    room = {"a1": 0, "b1": 0, "a2": 0, "b2": 0, "c1": 1}
    starts = {index[name]: start for name, start in at.items()}
    rooms = {index[name]: room[name] for name in at}
    return data, problem, index, starts, rooms


def test_a_session_swap_that_brings_each_track_onto_one_day_counts_what_the_score_says():
    # a1 and a2 together on the first day, b1 and b2 on the second: one extra day and one extra run of blocks less
    # for each track, 2 x (10 + 10) at the default weights
    data, problem, index, starts, rooms = two_tracks()
    swaps = swaps_of(data, problem, starts, rooms)
    a2, b1 = index["a2"], index["b1"]
    before = penalty(data, problem, swaps.starts, swaps.rooms)
    change = swaps._try({a2: (starts[b1], 0), b1: (starts[a2], 0)}, temperature=0.0)
    assert change == -40
    assert penalty(data, problem, swaps.starts, swaps.rooms) == before - 40
    after = score(data, assignments(problem, Timetable(swaps.starts, swaps.rooms)))
    assert {rule.rule for rule in after if rule.penalty} == {"room-size"}  # the rooms did not change
    assert verify(data, assignments(problem, Timetable(swaps.starts, swaps.rooms))) == []


def test_a_move_that_puts_a_speaker_in_two_places_at_once_is_refused():
    # ada gives a2 and c1; c1 runs in the Annex when b1 runs in the Hall, so a2 cannot take b1's place
    data, problem, index, starts, rooms = two_tracks({"a2": ["ada"], "c1": ["ada"]})
    swaps = swaps_of(data, problem, starts, rooms)
    a2, b1 = index["a2"], index["b1"]
    assert swaps._try({a2: (starts[b1], 0), b1: (starts[a2], 0)}, temperature=0.0) is None
    assert (swaps.starts, swaps.rooms) == (starts, rooms)  # nothing moved


def test_a_move_that_breaks_an_order_made_hard_is_refused():
    # b1 must follow a1: a1 and b1 cannot trade places, but b1 may go to the next day
    data, problem, index, starts, rooms = two_tracks(after={"b1": ["a1"]}, weights={"order": "hard"})
    swaps = swaps_of(data, problem, starts, rooms)
    a1, b1, a2 = index["a1"], index["b1"], index["a2"]
    assert swaps._try({a1: (starts[b1], 0), b1: (starts[a1], 0)}, temperature=0.0) is None
    assert (swaps.starts, swaps.rooms) == (starts, rooms)  # nothing moved
    assert swaps._try({a2: (starts[b1], 0), b1: (starts[a2], 0)}, temperature=0.0) == -40
    assert verify(data, assignments(problem, Timetable(swaps.starts, swaps.rooms))) == []


def test_a_swap_that_breaks_a_soft_order_is_counted_at_its_weight():
    # b1 should follow a1 (`order`, soft at 50): a1 and b1 trading places breaks it, and a1 then ends the first day
    # right before a2 begins the second, one run of blocks (`track-consecutive`, 10) as the score counts it
    data, problem, index, starts, rooms = two_tracks(after={"b1": ["a1"]})
    swaps = swaps_of(data, problem, starts, rooms)
    a1, b1 = index["a1"], index["b1"]
    before = penalty(data, problem, starts, rooms)
    assert swaps._try({a1: (starts[b1], 0), b1: (starts[a1], 0)}, temperature=0.0) is None  # worse: not taken
    assert swaps._try({a1: (starts[b1], 0), b1: (starts[a1], 0)}, temperature=1e9) == 50 - 10
    assert penalty(data, problem, swaps.starts, swaps.rooms) == before + 40
    assert [
        rule.violations
        for rule in score(data, assignments(problem, Timetable(swaps.starts, swaps.rooms)))
        if rule.rule == "order"
    ] == [1]


def test_a_day_a_speaker_avoids_is_counted_where_a_talk_moves_off_it():
    # ada avoids the second day, where a2 is: the swap that brings each track onto one day also brings her off it
    data, problem, index, starts, rooms = two_tracks(
        {"a2": ["ada"]}, wishes={"ada": {"avoids": {"days": ["2024-07-28"]}}}
    )
    swaps = swaps_of(data, problem, starts, rooms)
    a2, b1 = index["a2"], index["b1"]
    before = penalty(data, problem, starts, rooms)
    assert swaps._try({a2: (starts[b1], 0), b1: (starts[a2], 0)}, temperature=0.0) == -40 - 10
    assert penalty(data, problem, swaps.starts, swaps.rooms) == before - 50


@pytest.fixture(scope="module")
def timefold_shaped():
    """Timefold-shaped 216 talks (3 days, 20 rooms: every cell used), laid out: data, problem, starts, rooms."""
    from benchmarks.ladder import build_yaml

    return laid_out(parse(build_yaml(3, 20, 216), "ladder-216.yaml"))


def test_on_a_timefold_shaped_conference_the_count_matches_the_score_on_the_rules_between_talks(timefold_shaped):
    # `level-order` (pairs in order), `exclusive-tags` (pairs apart) and `speaker-preference` (a price per start)
    # are soft there, `order` and `content-conflict` hard: the moves count the first three and keep the others
    data, problem, starts, rooms = timefold_shaped
    before = penalty(data, problem, starts, rooms)
    first = {rule.rule: rule.penalty for rule in score(data, assignments(problem, Timetable(starts, rooms)))}
    assert all(first[name] > 0 for name in ("level-order", "exclusive-tags", "speaker-preference"))
    swaps = swaps_of(data, problem, starts, rooms, seed=3)
    for _ in range(5):
        change, _ = swaps.run(4_000)
        before += change
        placed = assignments(problem, Timetable(swaps.starts, swaps.rooms))
        assert verify(data, placed) == []
        assert sum(rule.penalty for rule in score(data, placed)) == pytest.approx(before)
    last = {rule.rule: rule.penalty for rule in score(data, placed)}
    assert last["level-order"] < first["level-order"]  # counted, so traded down from the layout's


@pytest.mark.parametrize("seed", [0, 1])
def test_on_a_generated_conference_every_move_keeps_the_hard_rules_and_the_count_matches_the_score(generated, seed):
    data, problem, starts, rooms = generated
    before = penalty(data, problem, starts, rooms)
    swaps = swaps_of(data, problem, starts, rooms, seed)
    change, tried = swaps.run(30_000)
    assert tried == 30_000
    assert verify(data, assignments(problem, Timetable(swaps.starts, swaps.rooms))) == []
    assert penalty(data, problem, swaps.starts, swaps.rooms) == pytest.approx(before + change)
    assert change < 0  # the layout's days leave much to gain: every track and speaker spread over three days
    again = swaps_of(data, problem, starts, rooms, seed)
    again.run(30_000)
    assert (again.starts, again.rooms) == (swaps.starts, swaps.rooms)  # same layout and seed, same moves


def test_a_soft_rule_made_hard_that_the_moves_cannot_check_turns_the_swaps_off():
    _, problem, *_ = two_tracks()
    assert swappable(problem)
    hard_days = conference(conference={"days": DAYS}, rooms=ROOMS, weights={"track-days": "hard"})
    assert not swappable(compile_problem(hard_days))
    hard_order = conference(conference={"days": DAYS}, rooms=ROOMS, weights={"order": "hard"})
    assert swappable(compile_problem(hard_order))  # the moves check it


def test_level_order_made_hard_is_a_rule_between_two_talks_the_moves_and_the_layout_keep():
    talks = [
        {"id": name, "title": name, "duration": 60, "topic": "llm", "level": level}
        for name, level in (("basics", "intro"), ("deep", "advanced"), ("mid", "intermediate"))
    ]
    data = conference(conference={"days": DAYS}, rooms=ROOMS, talks=talks, weights={"level-order": "hard"})
    problem = compile_problem(data)
    assert swappable(problem)
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    pairs = HardPairs(problem)
    assert pairs.before[index["deep"]] == {index["basics"], index["mid"]}
    assert pairs.before[index["mid"]] == {index["basics"]}
    starts, rooms = track_first_timetable(problem)
    assert len(starts) == 3
    assert verify(data, assignments(problem, Timetable(starts, rooms))) == []


@pytest.fixture(scope="module")
def chaired():
    """Generated 300 talks, 10 rooms, 3 days (seed 1), every other track chaired, three speakers chairing two tracks
    each, laid out."""
    import yaml

    from scheduler.generate import generate

    document = generate(talks=300, rooms=10, days=3, seed=1)
    names = sorted({talk["track"] for talk in document["talks"] if talk.get("track")})
    people = sorted(speaker["id"] for speaker in document["speakers"])
    document["tracks"] = [
        {"name": name, "chair": people[i // 2 % 3]} if i % 2 == 0 else {"name": name} for i, name in enumerate(names)
    ]
    return laid_out(parse(yaml.safe_dump(document), "chaired.yaml"))


def test_with_chairs_the_count_matches_the_score_on_their_rules_too(chaired):
    # chairs link talks for `speaker-room-change` and tracks for `chair-conflict`; the moves count both
    data, problem, starts, rooms = chaired
    before = penalty(data, problem, starts, rooms)
    swaps = swaps_of(data, problem, starts, rooms, seed=2)
    seen = {rule.rule for rule in score(data, assignments(problem, Timetable(starts, rooms))) if rule.penalty}
    for _ in range(10):
        change, _ = swaps.run(3_000)
        before += change
        placed = assignments(problem, Timetable(swaps.starts, swaps.rooms))
        assert verify(data, placed) == []
        quality = score(data, placed)
        assert sum(rule.penalty for rule in quality) == pytest.approx(before)
        seen |= {rule.rule for rule in quality if rule.penalty}
    assert {"chair-conflict", "speaker-room-change"} <= seen  # the chairs' rules were in play


def test_a_solve_above_the_size_of_whole_conference_neighbourhoods_swaps_and_keeps_a_verified_timetable(generated):
    data, problem, starts, rooms = generated
    laid_out = penalty(data, problem, starts, rooms)
    schedule = solved(data, time_limit=5, params=SolveParams(together_talks=100))
    stats = schedule.stats
    assert stats.swap_moves > 0
    assert stats.penalty < laid_out
    before, after = stats.swap_penalties
    assert stats.penalty <= after < before <= laid_out
    line = f"swaps across days: {stats.swap_moves:,} moves tried (penalty {before:g} -> {after:g})"
    assert line in summary_lines(schedule)


def test_with_deterministic_the_swaps_try_as_many_moves_as_the_limit_says(generated):
    # the same timetable from the same moves: test_on_a_generated_conference_every_move_keeps_the_hard_rules_...
    data, *_ = generated
    params = SolveParams(together_talks=100)
    schedule = solved(data, time_limit=3, deterministic=True, params=params)
    moves = int(params.swaps_moves_per_second * params.swaps_deterministic_share * 3)
    assert schedule.stats.swap_moves == moves


def test_ctrl_c_stops_the_swaps_after_the_moves_at_hand(generated):
    # with --deterministic the moves do not look at the clock; a stop (Ctrl-C) still ends them at the next chunk
    from scheduler.search.swaps import CHUNK

    data, problem, starts, rooms = generated
    assert swaps_of(data, problem, starts, rooms).run(30_000, stop=lambda: True) == (0.0, 0)
    asked = []
    swaps = swaps_of(data, problem, starts, rooms)
    _, tried = swaps.run(30_000, stop=lambda: asked.append(1) or len(asked) > 1)
    assert tried == CHUNK
    assert verify(data, assignments(problem, Timetable(swaps.starts, swaps.rooms))) == []
