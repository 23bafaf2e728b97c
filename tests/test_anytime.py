"""Times and rooms improved together until the limit or a proof (scheduler.search.anytime), and the counting
bounds (scheduler.search.bound): each bound equals a value worked out by hand on a constructed instance and never
exceeds an optimum CP-SAT proves; the search never ends worse than where it started, and everything is verified."""

from __future__ import annotations

import pytest
from conftest import conference, solved

from scheduler import SolveParams, parse
from scheduler.checks.score import score
from scheduler.problem import MINUTES_PER_DAY, compile_problem
from scheduler.search.bound import (
    lower_bound,
    room_assignment_bound,
    track_parallel_bound,
    track_room_bound,
    whole_model_bound,
)

# no one model: times first, rooms block by block, then times and rooms together
# times first, then rooms, then the search together; not the cheapest rooms' try, which reaches the optimum of these
# room-size instances at once (tested on its own in test_cheapest_rooms.py)
DECOMPOSED = SolveParams(coupled_options=0, cheapest_rooms=False)
ONLY_ROOM_SIZE = {"room-size": 1, "track-room": 0, "session-mix": 0, "speaker-room": 0, "track-parallel": 0}


def one_block(minutes: int = 30) -> list[dict]:
    end = f"{9 + (minutes // 60):02d}:{minutes % 60:02d}"
    return [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": end}]}]


def small_audiences(count: int, rooms: list[tuple[str, int]], minutes: int = 30):
    """`count` 30-minute talks of 10 people each, one block of `minutes`, only `room-size` weighed."""
    return conference(
        conference={"days": one_block(minutes)},
        rooms=[{"name": name, "capacity": seats} for name, seats in rooms],
        talks=[{"id": f"t{i}", "title": f"T{i}", "duration": 30, "attendance": 10} for i in range(count)],
        weights=ONLY_ROOM_SIZE,
    )


def test_room_assignment_bound_sees_that_a_full_small_room_sends_an_audience_to_the_big_one():
    # two talks of 10 at once, rooms of 500 and 50 seats: one must take the big room, (500 - 2 x 10) // 100 = 4;
    # each talk's cheapest room alone says 0
    data = small_audiences(2, [("Big", 500), ("Small", 50)])
    problem = compile_problem(data)
    assert room_assignment_bound(problem, data.weights, seconds=5) == 4
    assert lower_bound(problem, data.weights, seconds=5).parts["rooms"] == 4
    schedule = solved(data, params=DECOMPOSED, time_limit=10)
    assert schedule.stats.penalty == 4 and schedule.stats.bound == 4
    assert schedule.stats.status == "optimal"  # the search reached the bound: proven


def test_room_assignment_bound_counts_a_rooms_open_minutes():
    # one hour, three talks of 10, rooms of 300 and 50: the small room holds two talks back to back, so only one
    # goes to the big room: (300 - 20) // 100 = 2
    data = small_audiences(3, [("Big", 300), ("Small", 50)], minutes=60)
    assert room_assignment_bound(compile_problem(data), data.weights, seconds=5) == 2


def test_track_parallel_bound_sees_the_rooms_other_talks_fill():
    # two rooms, two half-hours; two untracked talks pinned to 09:00 fill it, so both talks of track ml run at 09:30:
    # one pair (weight 100). The track alone (the track group) could spread them: 0
    talks = [
        {"id": "x", "title": "X", "duration": 30, "pin": {"start": "09:00"}},
        {"id": "y", "title": "Y", "duration": 30, "pin": {"start": "09:00"}},
        {"id": "a1", "title": "A1", "duration": 30, "track": "ml"},
        {"id": "a2", "title": "A2", "duration": 30, "track": "ml"},
    ]
    rooms = [{"name": "R1", "capacity": 100}, {"name": "R2", "capacity": 100}]
    data = conference(conference={"days": one_block(60)}, rooms=rooms, talks=talks)
    problem = compile_problem(data)
    assert track_parallel_bound(problem, data.weights, seconds=5) == 100
    bound = lower_bound(problem, data.weights, seconds=5)
    assert bound.parts["tracks"] >= 100
    schedule = solved(data)
    assert schedule.stats.penalty >= bound.value


def test_track_parallel_bound_counts_tracks_against_parallel_slots():
    # three rooms, two half-hours, every cell used: tracks A (4 talks) and B (2); each half-hour holds three
    # talks of two tracks, so at best A, A, B twice: 2 pairs (weight 10)
    talks = [{"id": f"a{i}", "title": "A", "duration": 30, "track": "A"} for i in range(4)]
    talks += [{"id": f"b{i}", "title": "B", "duration": 30, "track": "B"} for i in range(2)]
    rooms = [{"name": f"R{i}", "capacity": 100} for i in range(3)]
    data = conference(conference={"days": one_block(60)}, rooms=rooms, talks=talks, weights={"track-parallel": 10})
    assert track_parallel_bound(compile_problem(data), data.weights, seconds=5) == 20


def test_track_room_bound_counts_talks_at_once_and_rooms_no_talk_shares():
    rooms = [{"name": "R1", "capacity": 100}, {"name": "R2", "capacity": 100}]
    # two talks of one track in one half-hour: two rooms that day, one extra (weight 20)
    at_once = [{"id": f"a{i}", "title": "A", "duration": 30, "track": "ml"} for i in range(2)]
    data = conference(conference={"days": one_block(30)}, rooms=rooms, talks=at_once)
    assert track_room_bound(compile_problem(data), data.weights, seconds=5) == 20
    # an hour, one talk that may only use R1 and one only R2: two rooms however they are timed
    apart = [{"id": f"a{i}", "title": "A", "duration": 30, "track": "ml", "rooms": [f"R{i + 1}"]} for i in range(2)]
    data = conference(conference={"days": one_block(60)}, rooms=rooms, talks=apart)
    problem = compile_problem(data)
    assert track_room_bound(problem, data.weights, seconds=5) == 20
    assert lower_bound(problem, data.weights, seconds=5).value >= 20
    assert solved(data).stats.penalty >= 20
    # the same talks free to use either room: one room is enough
    free = [{"id": f"a{i}", "title": "A", "duration": 30, "track": "ml"} for i in range(2)]
    data = conference(conference={"days": one_block(60)}, rooms=rooms, talks=free)
    assert track_room_bound(compile_problem(data), data.weights, seconds=5) == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_never_exceeds_an_optimum_cp_sat_proves(seed):
    from scheduler.generate import generate_yaml

    data = parse(generate_yaml(talks=10, rooms=3, days=1, seed=seed), "generated.yaml")
    optimum = solved(data, time_limit=60)
    if optimum.stats.status != "optimal":
        pytest.skip("the one model did not prove its optimum in time")
    bound = lower_bound(compile_problem(data), data.weights, seconds=10)
    assert bound.value <= optimum.stats.penalty + 1e-6


def side_by_side(events: int, seed: int = 0):
    from benchmarks.sidebyside import build_instance, confsched_data, shape

    return confsched_data(build_instance(events, *shape(events), seed=seed))


def test_times_and_rooms_together_improve_on_the_first_timetable_and_never_end_worse():
    # conference-scheduler's kind of instance: room size decides, times chosen first are blind to it
    data = side_by_side(40)
    first = solved(data, optimise=False, params=DECOMPOSED)
    first_penalty = sum(rule.penalty for rule in score(data, first.assignments))
    schedule = solved(data, time_limit=8, deterministic=True, params=DECOMPOSED)
    stats = schedule.stats
    assert stats.together_neighbourhoods > 0 and stats.together_start_penalty is not None
    assert stats.penalty <= stats.together_start_penalty
    assert stats.penalty <= first_penalty
    assert 0 <= stats.bound <= stats.penalty
    assert stats.found_by


def test_times_and_rooms_together_after_an_unproven_one_model():
    # the one model gets part of the time; what it leaves unproven is improved a neighbourhood at a time
    data = side_by_side(40, seed=1)
    params = SolveParams(coupled_options=10_000)
    schedule = solved(data, time_limit=6, deterministic=True, params=params)
    stats = schedule.stats
    assert stats.bound <= stats.penalty
    if stats.status != "optimal":
        assert stats.together_neighbourhoods > 0
        assert stats.penalty <= stats.together_start_penalty


def test_times_and_rooms_together_are_reproducible_with_deterministic():
    data = side_by_side(40, seed=2)
    runs = [solved(data, time_limit=4, deterministic=True, params=DECOMPOSED) for _ in range(2)]
    assert runs[0].assignments == runs[1].assignments


def test_bound_on_the_timefold_shape_never_exceeds_its_proven_optimum():
    # every cell of every timeslot used, themes as tracks: where the counting bounds bite
    from benchmarks.ladder import build_yaml

    data = parse(build_yaml(1, 5, 18), "ladder-18.yaml")
    optimum = solved(data, time_limit=60)
    if optimum.stats.status != "optimal":
        pytest.skip("the one model did not prove its optimum in time")
    bound = lower_bound(compile_problem(data), data.weights, seconds=10)
    assert 0 < bound.value <= optimum.stats.penalty + 1e-6


def test_whole_model_bound_reaches_the_optimum_of_a_small_programme():
    # 18 Timefold-shaped talks: the default search proves 86 optimal; the core-based bound alone reaches it
    from benchmarks.ladder import build_yaml

    data = parse(build_yaml(1, 5, 18), "ladder-18.yaml")
    optimum = solved(data, time_limit=60)
    assert optimum.stats.status == "optimal"
    problem = compile_problem(data)
    assert whole_model_bound(problem, data.weights, seconds=30) == optimum.stats.penalty
    whole = lower_bound(problem, data.weights, seconds=60, whole_model=True)
    assert whole.value == optimum.stats.penalty


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_whole_model_bound_never_exceeds_the_penalty_of_a_verified_timetable(seed):
    from scheduler.generate import generate_yaml

    data = parse(generate_yaml(talks=24, rooms=3, days=2, seed=seed), "generated.yaml")
    schedule = solved(data, time_limit=2)
    assert whole_model_bound(compile_problem(data), data.weights, seconds=3) <= schedule.stats.penalty + 1e-6


def test_summary_says_which_phase_found_the_timetable_and_what_the_search_together_did():
    from scheduler.checks.report import summary_lines

    schedule = solved(side_by_side(40, seed=3), time_limit=4, deterministic=True, params=DECOMPOSED)
    lines = summary_lines(schedule)
    assert any(line.startswith("best timetable found by ") for line in lines)
    if schedule.stats.together_neighbourhoods:
        assert any(line.startswith("times and rooms together: ") for line in lines)


def test_progress_lines_of_the_search_together_are_what_the_web_view_reads():
    from scheduler.web.workspace import SolveJob

    lines: list[str] = []
    solved(side_by_side(40, seed=4), time_limit=4, deterministic=True, params=DECOMPOSED, progress=lines.append)
    better = [line for line in lines if "neighbourhood" in line and line.startswith("penalty ")]
    assert better  # this instance's first timetable is not its optimum
    for line in better:
        job = SolveJob()
        job.progress(line)
        assert job.penalty is not None and job.bound is not None and job.bound <= job.penalty


def timefold_first_timetable(days: int, rooms: int, talks: int, params: SolveParams | None = None, seconds=30.0):
    """A Timefold-shaped conference's solve context (every cell used) and its first complete timetable."""
    from benchmarks.ladder import build_yaml
    from scheduler.search.budget import TimeBudget
    from scheduler.search.context import SolveContext
    from scheduler.search.first import compile_model, first_timetable
    from scheduler.search.placement import place_rooms

    data = parse(build_yaml(days, rooms, talks), f"ladder-{talks}.yaml")
    context = SolveContext.create(data, TimeBudget.start(seconds), params=params, workers=1)
    first = first_timetable(context, compile_model(context))
    return context, place_rooms(context, first).timetable


@pytest.mark.parametrize(("kind", "shape"), [("room-day", (2, 10, 72)), ("blocks", (3, 20, 216))])
def test_a_sub_problem_within_days_gains_exactly_what_the_whole_score_gains(kind, shape):
    # large programmes: freed talks trade cells within their day, and the model holds only those days' talks;
    # its objective is not the whole penalty, but what a trade gains there is what the independent score gains
    import random

    from scheduler.search.anytime import NEIGHBOURHOODS, _hinted_penalty, _sub_model_in_day, checked_penalty
    from scheduler.search.context import Timetable
    from scheduler.search.cpsat import run_cpsat

    context, current = timefold_first_timetable(*shape)
    start = checked_penalty(context, current)
    rng = random.Random(0)
    for _ in range(3):
        freed = NEIGHBOURHOODS[kind](context.problem, current, 12, rng)
        model, hints = _sub_model_in_day(context, current, freed)
        reference, _ = _hinted_penalty(context, model, hints)
        outcome = run_cpsat(model.model, context.parameters(20), hints=hints)
        assert outcome.optimal and reference is not None and outcome.penalty <= reference
        starts, rooms = model.starts(outcome.solver), model.rooms(outcome.solver)
        candidate = Timetable(current.starts | starts, current.rooms | rooms)
        assert all(candidate.starts[t] // MINUTES_PER_DAY == current.starts[t] // MINUTES_PER_DAY for t in freed)
        assert {(candidate.starts[t], candidate.rooms[t]) for t in freed} <= {
            (current.starts[t], current.rooms[t]) for t in freed
        }
        after = checked_penalty(context, candidate)  # None if the verifier found a broken hard rule
        assert after is not None and after - start == pytest.approx(outcome.penalty - reference)


def test_search_together_on_a_large_programme_keeps_days_and_never_ends_worse():
    # above `together_talks` talks the neighbourhoods keep each talk on its day (here forced on 72 talks)
    from scheduler.search.anytime import checked_penalty, improve_together
    from scheduler.search.budget import TimeBudget

    params = SolveParams(together_talks=10, coupled_options=0)
    context, first = timefold_first_timetable(2, 10, 72, params=params)
    start = checked_penalty(context, first)
    together = improve_together(context, first, TimeBudget.start(4.0))
    assert together.ran and together.tried > 0
    assert together.penalty <= start
    assert checked_penalty(context, together.timetable) == together.penalty  # verified, and scored independently
    after = together.timetable.starts
    assert all(after[t] // MINUTES_PER_DAY == first.starts[t] // MINUTES_PER_DAY for t in first.starts)
    assert not together.optimal  # trades within days prove nothing about the whole timetable


@pytest.mark.parametrize("kind", ["random", "room-day", "blocks", "speakers"])
def test_a_layered_sub_problem_keeps_the_optimum_of_the_plain_one_and_its_gain_is_the_scores(kind):
    # a sub-problem's freed talks only take starts and rooms the fixed talks leave open, and with the time-indexed
    # layer CP-SAT proves it far sooner; neither changes its optimum, which is the whole penalty
    import dataclasses
    import random

    from scheduler.model import build_model
    from scheduler.search.anytime import NEIGHBOURHOODS, SWAPS, _sub_model, checked_penalty
    from scheduler.search.context import Timetable
    from scheduler.search.cpsat import run_cpsat

    context, current = timefold_first_timetable(2, 10, 72)
    plain_context = dataclasses.replace(context, params=SolveParams(together_slots=False))
    start = checked_penalty(context, current)
    rng = random.Random(1)
    for _ in range(2):
        freed = NEIGHBOURHOODS[kind](context.problem, current, 10, rng)
        swap = kind in SWAPS
        layered, hints = _sub_model(context, current, freed, swap=swap)
        plain, plain_hints = _sub_model(plain_context, current, freed, swap=swap)
        assert layered.slots is not None and plain.slots is None
        # no talk pruned to any start or room: every other talk fixed where it is, nothing else left out
        problem = context.problem
        held = {current.starts[talk] for talk in freed}
        every = dataclasses.replace(
            problem,
            starts=[
                ([s for s in problem.starts[t] if not swap or s in held] if t in freed else [current.starts[t]])
                for t in range(len(problem.talks))
            ],
            rooms=[problem.rooms[t] if t in freed else [current.rooms[t]] for t in range(len(problem.talks))],
        )
        unpruned = build_model(every, with_rooms=True, weights=context.data.weights)
        outcomes = [
            run_cpsat(model.model, context.parameters(60), hints=model_hints)
            for model, model_hints in ((layered, hints), (plain, plain_hints), (unpruned, []))
        ]
        assert all(outcome.optimal for outcome in outcomes)
        optima = [outcome.penalty for outcome in outcomes]
        assert optima[0] == pytest.approx(optima[1]) == pytest.approx(optima[2])
        assert optima[0] <= start + 1e-6
        solver = outcomes[0].solver
        candidate = Timetable(current.starts | layered.starts(solver), current.rooms | layered.rooms(solver))
        assert checked_penalty(context, candidate) == pytest.approx(optima[0])  # verified, scored as the model


def test_a_freed_talk_keeps_the_starts_an_accepted_overlap_allows():
    # a1 and a2 share Ada and are accepted to overlap (a stream mirror); a3 is Ada's too, and not accepted
    from scheduler.search.anytime import _open_cells
    from scheduler.search.context import Timetable

    talks = [{"id": f"a{i}", "title": f"A{i}", "duration": 30, "speakers": ["ada"]} for i in (1, 2, 3)]
    data = conference(
        rooms=[{"name": "Hall", "capacity": 100}, {"name": "Side", "capacity": 100}, {"name": "Annex", "capacity": 9}],
        talks=talks,
        accepted=[{"talks": ["a1", "a2"]}],
    )
    problem = compile_problem(data)
    nine, half_past = 9 * 60, 9 * 60 + 30
    current = Timetable({0: nine, 1: nine, 2: half_past}, {0: 0, 1: 1, 2: 0})
    cells = _open_cells(problem, current, {0}, lambda talk: problem.starts[talk], lambda talk: problem.rooms[talk])
    # at 09:00 beside its accepted partner (Hall and Annex free), never at 09:30 with a3 (Ada is busy then)
    assert cells[0] == ([nine], [0, 2])


def test_rooms_that_miss_their_share_of_the_time_get_the_time_kept_for_later(monkeypatch):
    # with most of the limit kept for the search together, a big block's rooms can run out of their share (Timefold-
    # shaped 1,000 talks with that time kept: the blocks failed, and the whole-conference fallback found nothing);
    # here every first try fails, as if out of time, and the second, with the time kept for later, is what places
    from scheduler.search.context import SolveContext

    tries: list[bool] = []
    rooms_for = SolveContext.rooms_for

    def short_of_time(self, starts, *, keep_reserves=True, **options):
        tries.append(keep_reserves)
        return (
            None
            if keep_reserves and len(tries) == 1
            else rooms_for(self, starts, keep_reserves=keep_reserves, **options)
        )

    monkeypatch.setattr(SolveContext, "rooms_for", short_of_time)
    lines: list[str] = []
    schedule = solved(side_by_side(40), time_limit=4, params=DECOMPOSED, progress=lines.append)
    assert tries[:2] == [True, False]
    assert "rooms need more time; assigning them again with the time kept for later" in lines
    assert not schedule.stats.room_stage.startswith("coupled")  # rooms block by block, not the fallback
