"""A lower bound on the total penalty of any timetable, from small independent relaxations.

The whole-conference model's own bound is weak: a pair of talks may overlap or not, and the linear relaxation of
those pairwise literals is almost free. Many penalties are forced inside one group of talks, though: a track with
more talk-minutes than its days hold must run in parallel with itself; a speaker with talks on every day must come
on several days. So the talks are split into groups (each track; each set of talks linked by shared speakers), and
one small model per group holds the group's talks, the hard rules among them and only that group's rules. Each
term of the objective belongs to at most one group, and dropping talks and rules only lowers an optimum, so the
sum of the groups' optima (or their proven bounds, when a group is cut short) bounds the whole. Room-stage rules
add, per talk, the cheapest of its rooms.

Two counting relaxations see what the groups cannot, competition between talks for rooms:

- *seats against audiences* (:func:`room_assignment_bound`): every talk needs a room and a room holds no more
  talk-minutes than it is open, so the rooms' costs are at least those of the cheapest assignment of talks to rooms
  within each room's open minutes (a transportation problem, solved by CP-SAT). When the small rooms are full, some
  small audiences must go to big rooms, which the cheapest room of each talk alone never shows.
- *talks of a track against parallel slots* (:func:`track_parallel_bound`): two talks of one track that start at the
  same minute overlap. Each talk starts at one of its feasible starts, and at any start time no more talks can run
  than there are open rooms that suit them; the fewest same-track pairs starting together under those counts (one
  boolean per talk and start, no rooms, no speakers) bounds `track-parallel`. When every room of every slot is
  used, the tracks cannot all be spread out.

Closed forms count at thousands of talks, where the models above run out of time:

- *a track's minutes against a room's day* (:func:`track_days_rooms_bound`): a room holds a track's talks one after
  another, whole talks inside each block's open minutes, so the track needs some number of room-days; spread over
  d days that is need - d rooms beyond each day's first, and d - 1 extra days (and runs of blocks, when no usable
  block of one day is next to one of the next), the cheapest d taken.
- *talks against the rooms at each start minute* (:func:`track_parallel_pigeonhole_bound`): talks starting at one
  minute need a room each, so with every talk given a start and no more at a minute than rooms open then, some
  same-track talks start together; the fewest such pairs, when every minute is filled as evenly as the tracks allow.
- *a track's talks against what a block runs one after another* (:func:`track_parallel_within_bound`): the rest
  overlap, at least as Turan's theorem counts pairs.
- *a person's minutes and tracks against their days and blocks* (:func:`speaker_days_bound`,
  :func:`speaker_block_bound`): one person's talks follow one another, so more minutes than a day holds force
  `speaker-days`; talks of more tracks than blocks put two tracks of one person in one block, in one session
  (`session-mix`) or in two rooms (`speaker-room-change`).

The tracks' part of the bound is the best combination of these that never counts one rule of one track twice
(:func:`_track_parts`).
"""

from __future__ import annotations

import bisect
import itertools
import math
import time
from collections import Counter
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..model import build_model
from ..problem import MINUTES_PER_DAY, Problem
from ..rules import RULES
from ..rules.base import Weights
from ..rules.sessions import SESSION_MIX, TRACK_CONSECUTIVE
from ..rules.speakers import SPEAKER_DAYS, SPEAKER_ROOM_CHANGE
from ..rules.tracks import TRACK_DAYS, TRACK_PARALLEL, TRACK_ROOM, talks_by_track
from .cpsat import run_cpsat

# the track counting model has one boolean per (talk, feasible start); beyond this many it is not built
MAX_COUNTED_STARTS = 200_000


@dataclass
class Bound:
    """The bound (in penalty units), what each family of rules contributes, and whether every group finished."""

    value: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    complete: bool = True
    seconds: float = 0.0
    # talk -> room of the cheapest assignment of talks to rooms that the rooms' bound found ({} if none): a plan of
    # rooms the search may try to find times for (scheduler.search.cheapest_rooms)
    room_plan: dict[int, int] = field(default_factory=dict)


def lower_bound(
    problem: Problem, weights: Weights | dict, seconds: float, seed: int = 0, *, whole_model: bool = False
) -> Bound:
    """Sum of per-group relaxation bounds (a speaker group's at least its speakers' forced days), the rooms' bound,
    the speakers' forced sessions and the tracks' best combination of their bounds (see :func:`_track_parts`),
    within about `seconds`; with `whole_model` (a programme small enough for times and rooms in one model) the
    core-based bound of that model instead, if higher."""
    started = time.perf_counter()
    weights = Weights.of(weights)
    result = Bound()
    whole = whole_model_bound(problem, weights, seconds / 2, seed) if whole_model else 0.0
    # the closed forms first (well under a second at thousands of talks), then the counting relaxations (a third
    # of the time, then half of what is left each): they see what the groups cannot, and are mostly solved in a
    # second; the groups get the rest
    spread = track_days_rooms_bound(problem, weights)
    pigeonhole = track_parallel_pigeonhole_bound(problem, weights)
    within = track_parallel_within_bound(problem, weights)
    days = speaker_days_bound(problem, weights)
    sessions = speaker_block_bound(problem, weights)
    prices = room_prices(problem, weights)
    left = seconds - (time.perf_counter() - started)
    assigned, result.room_plan = cheapest_room_assignment(problem, weights, left / 3, seed, prices)
    rooms = max(_room_bound(prices), assigned)
    counted = track_parallel_bound(problem, weights, (seconds - (time.perf_counter() - started)) / 2, seed)
    track_rooms = track_room_bound(problem, weights, (seconds - (time.perf_counter() - started)) / 2, seed)
    tracks, speakers = _track_groups(problem), _speaker_groups(problem)
    families = [("tracks", list(tracks.values())), ("speakers", speakers)]
    per_group: dict[str, list[float]] = {}
    for family, groups in families:
        rules = {name for name, rule in RULES.items() if rule.relaxation == family}
        only = weights.only(rules)
        if not any(only.number(name) for name in rules):
            continue
        values = per_group.setdefault(family, [])
        for position, talks in enumerate(groups):
            left = seconds - (time.perf_counter() - started)
            if left <= 0:
                result.complete = False
                break
            share = left / (sum(len(g) for _, g in families) - position)
            values.append(_group_bound(problem, talks, only, max(0.05, share), seed, result))
    if "speakers" in per_group or days:
        result.parts["speakers"] = _speaker_part(problem, speakers, per_group.get("speakers", []), days)
    result.parts["rooms"] = rooms
    if sessions:
        result.parts["speaker sessions"] = sessions
    groups_by_track = dict(zip(tracks, per_group.get("tracks", []), strict=False))
    result.parts.update(_track_parts(groups_by_track, max(counted, pigeonhole), track_rooms, spread, within))
    result.value = sum(result.parts.values())
    if whole > result.value:
        result.parts = {"whole model": whole}
        result.value = whole
    result.seconds = time.perf_counter() - started
    return result


def whole_model_bound(problem: Problem, weights: Weights, seconds: float, seed: int = 0) -> float:
    """The bound CP-SAT's core-based search proves on the whole times-and-rooms model within `seconds`.

    The unsatisfiable cores of the objective's terms raise the bound where the LP relaxation cannot: Timefold-shaped
    36 talks, 6 s on one worker: 88 (the default search's bound after 60 s: 18); 15 s: 108 (one-off measurements).
    """
    built = build_model(problem, with_rooms=True, weights=weights)
    if built.objective is None or not built.objective.terms:
        return 0.0
    parameters = {"random_seed": seed, "num_workers": 1, "subsolvers": ["core"], "max_time_in_seconds": seconds}
    outcome = run_cpsat(built.model, parameters)
    if outcome.status == cp_model.OPTIMAL:
        return outcome.solver.objective_value / 10
    if outcome.status == cp_model.FEASIBLE:
        return max(0.0, outcome.solver.best_objective_bound / 10)
    return 0.0


def _track_parts(
    groups: dict[str, float],
    parallel: float,
    track_rooms: float,
    spread: dict[str, float],
    within: dict[str, float],
) -> dict[str, float]:
    """The largest sum of track bounds that never counts one rule of one track twice: the track groups (or the
    track-parallel bounds) with the track-room counting; the track-parallel bounds with each track's spread
    (:func:`track_days_rooms_bound`); or per track the larger of its group and its spread plus its pairs within
    blocks (:func:`track_parallel_within_bound`). Empty parts are left out.

    A group bounds its track's `relaxation="tracks"` rules, the spread its `track-days`, `track-consecutive` and
    `track-room`, the pairs within blocks its `track-parallel`; the countings (`parallel`, and the sum of the pairs
    within blocks) bound `track-parallel` and `track-room` over all tracks.
    """
    everywhere = sorted(set(groups) | set(spread) | set(within))
    parallel = max(parallel, sum(within.values()))
    options = [
        {"tracks": max(sum(groups.values()), parallel), "track rooms": track_rooms},
        {"tracks": parallel, "track spread": sum(spread.values())},
        {
            "tracks": sum(
                max(groups.get(track, 0.0), spread.get(track, 0.0) + within.get(track, 0.0)) for track in everywhere
            )
        },
    ]
    best = max(options, key=lambda parts: sum(parts.values()))  # the first of equals: the long-standing split
    return {name: value for name, value in best.items() if value or name == "tracks"}


def _speaker_part(problem: Problem, groups: list[list[int]], values: list[float], days: dict[str, float]) -> float:
    """Per group of talks linked by speakers, the larger of its model's bound (`values`, in group order, cut short
    when time ran out) and the days its speakers' minutes force (:func:`speaker_days_bound`)."""
    group_of = {talk: position for position, talks in enumerate(groups) for talk in talks}
    forced: dict[int, float] = {}
    for speaker, value in days.items():
        # a speaker outside every group (none is, with two talks) counts alone: it shares no rule with a group
        position = group_of.get(problem.speaker_talks[speaker][0], len(groups) + len(forced))
        forced[position] = forced.get(position, 0.0) + value
    modelled = dict(enumerate(values))
    return float(sum(max(modelled.get(g, 0.0), forced.get(g, 0.0)) for g in set(modelled) | set(forced)))


def _group_bound(problem: Problem, talks: list[int], weights, seconds: float, seed: int, result: Bound) -> float:
    built = build_model(problem, talks=talks, weights=weights)
    if built.objective is None or not built.objective.terms:
        return 0.0
    outcome = run_cpsat(built.model, {"random_seed": seed, "num_workers": 1, "max_time_in_seconds": seconds})
    solver, status = outcome.solver, outcome.status
    if status == cp_model.OPTIMAL:
        return solver.objective_value / 10
    result.complete = False
    if status == cp_model.FEASIBLE:
        return max(0.0, solver.best_objective_bound / 10)
    return 0.0  # nothing proven: the group adds nothing


def _track_groups(problem: Problem) -> dict[str, list[int]]:
    """Each track of several talks -> its talks, tracks in name order."""
    by_track = talks_by_track(problem, range(len(problem.talks)))
    return {track: talks for track, talks in sorted(by_track.items()) if len(talks) > 1}


def _speaker_groups(problem: Problem) -> list[list[int]]:
    """Talks linked by shared speakers (connected components), for talks whose speakers have rules to keep."""
    parent = list(range(len(problem.talks)))

    def root(talk: int) -> int:
        while parent[talk] != talk:
            parent[talk] = parent[parent[talk]]
            talk = parent[talk]
        return talk

    for talks in problem.speaker_talks.values():
        for other in talks[1:]:
            parent[root(other)] = root(talks[0])
    wishes = {
        speaker.id
        for speaker in problem.data.speakers
        if speaker.prefers is not None or speaker.avoids is not None or speaker.timezone is not None
    }
    groups: dict[int, list[int]] = {}
    for talks in problem.speaker_talks.values():
        for talk in talks:
            groups.setdefault(root(talk), [])
    for index, talk in enumerate(problem.talks):
        if talk.speakers:
            groups[root(index)].append(index)
    return [
        talks
        for _, talks in sorted(groups.items())
        if len(talks) > 1 or any(speaker in wishes for speaker in problem.talks[talks[0]].speakers)
    ]


def room_prices(problem: Problem, weights: Weights | dict) -> dict[int, dict[int, float]]:
    """Talk -> room -> what the rules that price a talk in a room charge there (weighted); {} if none is active."""
    weights = Weights.of(weights)
    priced = [(weights.number(rule.name), rule.room_cost) for rule in RULES.values() if rule.room_cost is not None]
    priced = [(weight, cost) for weight, cost in priced if weight]
    if not priced:
        return {}
    return {
        talk: {room: sum(weight * cost(problem, talk, room) for weight, cost in priced) for room in rooms}
        for talk, rooms in enumerate(problem.rooms)
        if rooms
    }


def _room_bound(prices: dict[int, dict[int, float]]) -> float:
    """Each talk's cheapest room under the rules that price a talk in a room."""
    return sum(min(price.values()) for price in prices.values())


def room_assignment_bound(
    problem: Problem,
    weights: Weights | dict,
    seconds: float,
    seed: int = 0,
    prices: dict[int, dict[int, float]] | None = None,
) -> float:
    """The cheapest assignment of talks to rooms, each room holding at most its open minutes of talks, under the
    rules that price a talk in a room (a lower bound on those rules' penalty); 0 if none is active. `prices` are
    :func:`room_prices`, if already computed."""
    return cheapest_room_assignment(problem, weights, seconds, seed, prices)[0]


def cheapest_room_assignment(
    problem: Problem,
    weights: Weights | dict,
    seconds: float,
    seed: int = 0,
    prices: dict[int, dict[int, float]] | None = None,
) -> tuple[float, dict[int, int]]:
    """(:func:`room_assignment_bound`, the best assignment found: talk -> room, {} if none)."""
    prices = room_prices(problem, weights) if prices is None else prices
    if not prices:
        return 0.0, {}
    model = cp_model.CpModel()
    by_room: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    choices: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    terms = []
    for talk, price in prices.items():
        options = choices.setdefault(talk, [])
        for room, charge in price.items():
            literal = model.new_bool_var("")
            options.append((room, literal))
            by_room.setdefault(room, []).append((problem.duration(talk), literal))
            # tenths of a penalty unit, rounded down: the bound stays a bound whatever the weights
            tenths = math.floor(10 * charge + 1e-9)
            if tenths:
                terms.append(tenths * literal)
        model.add_exactly_one(literal for _, literal in options)
    for room, members in sorted(by_room.items()):
        model.add(sum(minutes * literal for minutes, literal in members) <= _open_minutes(problem, room))
    if not terms:
        return 0.0, {}
    model.minimize(sum(terms))
    outcome = run_cpsat(model, {"random_seed": seed, "num_workers": 1, "max_time_in_seconds": max(0.05, seconds)})
    if not outcome.found:
        return 0.0, {}
    plan = {
        talk: next(room for room, literal in options if outcome.solver.boolean_value(literal))
        for talk, options in choices.items()
    }
    if outcome.status == cp_model.OPTIMAL:
        return outcome.solver.objective_value / 10, plan
    return max(0.0, outcome.solver.best_objective_bound / 10), plan


def _open_minutes(problem: Problem, room: int) -> int:
    """Minutes of the conference's blocks during which `room` is open."""
    total = 0
    for block in problem.blocks:
        closed = sum(max(0, min(end, block.end) - max(start, block.start)) for start, end in problem.room_busy[room])
        total += block.length - closed
    return total


@dataclass
class _Counting:
    """The counting relaxation: one boolean per (talk, feasible start), room counts at every start time."""

    model: cp_model.CpModel
    at: dict[int, dict[int, cp_model.IntVar]]  # talk -> start -> literal
    moments: list[int]
    running: dict[int, list[tuple[int, cp_model.IntVar]]]  # moment -> (talk, literal of a start running then)


def _counting_model(problem: Problem, deadline: float) -> _Counting | None:
    """Each talk at one of its feasible starts; at every start time, the talks running then whose suitable rooms all
    lie in one talk's suitable set (or anywhere) are at most the open rooms of that set. No rooms, no speakers.
    None if building it would run past `deadline` (time.perf_counter())."""
    model = cp_model.CpModel()
    at: dict[int, dict[int, cp_model.IntVar]] = {}
    for talk in range(len(problem.talks)):
        if not problem.starts[talk]:
            continue
        at[talk] = {start: model.new_bool_var("") for start in problem.starts[talk]}
        model.add_exactly_one(at[talk].values())
    moments = sorted({start for starts in at.values() for start in starts})
    running: dict[int, list[tuple[int, cp_model.IntVar]]] = {moment: [] for moment in moments}
    for talk, starts in at.items():
        for start, literal in starts.items():
            first = bisect.bisect_left(moments, start)
            last = bisect.bisect_left(moments, start + problem.duration(talk))
            for moment in moments[first:last]:
                running[moment].append((talk, literal))
        if time.perf_counter() > deadline:
            return None
    sets = sorted({tuple(problem.rooms[talk]) for talk in at} | {tuple(range(len(problem.data.rooms)))})
    index = {rooms: position for position, rooms in enumerate(sets)}
    within = [[j for j, other in enumerate(sets) if set(rooms) <= set(other)] for rooms in sets]  # supersets
    talk_set = {talk: index[tuple(problem.rooms[talk])] for talk in at}
    for moment in moments:
        members: dict[int, list[cp_model.IntVar]] = {}
        for talk, literal in running[moment]:
            for j in within[talk_set[talk]]:
                members.setdefault(j, []).append(literal)
        for j, literals in sorted(members.items()):
            open_rooms = sum(problem.room_free(room, moment, moment + 1) for room in sets[j])
            if len(literals) > open_rooms:
                model.add(sum(literals) <= open_rooms)
        if time.perf_counter() > deadline:
            return None
    return _Counting(model, at, moments, running)


def _counted(problem: Problem, rule: str, weights: Weights | dict) -> bool:
    """Whether the counting relaxation is worth building for `rule`: weighed, tracks of several talks, not huge."""
    by_track = talks_by_track(problem, range(len(problem.talks)))
    return (
        bool(Weights.of(weights).number(rule))
        and any(len(talks) > 1 for talks in by_track.values())
        and sum(len(starts) for starts in problem.starts) <= MAX_COUNTED_STARTS
    )


def _least(model: cp_model.CpModel, terms: list, seconds: float, seed: int) -> float:
    """The least value of the (integer) sum of `terms`, or CP-SAT's proven bound on it; 0 if nothing is proven."""
    if not terms:
        return 0.0
    model.minimize(sum(terms))
    outcome = run_cpsat(model, {"random_seed": seed, "num_workers": 1, "max_time_in_seconds": max(0.05, seconds)})
    if outcome.status == cp_model.OPTIMAL:
        return round(outcome.solver.objective_value)
    if outcome.status == cp_model.FEASIBLE:
        return max(0, math.ceil(outcome.solver.best_objective_bound - 1e-6))
    return 0.0


def track_parallel_bound(problem: Problem, weights: Weights | dict, seconds: float, seed: int = 0) -> float:
    """The fewest pairs of same-track talks starting at the same minute, times the weight of `track-parallel`.

    On the counting relaxation (:func:`_counting_model`). Same-track pairs starting together overlap, so the
    optimum (or CP-SAT's proven bound) is at most the rule's penalty in any timetable.
    """
    if not _counted(problem, TRACK_PARALLEL.name, weights):
        return 0.0
    started = time.perf_counter()
    counting = _counting_model(problem, started + seconds / 2)
    if counting is None:
        return 0.0
    at, model = counting.at, counting.model
    pairs = []
    for _, talks in sorted(talks_by_track(problem, range(len(problem.talks))).items()):
        for moment in counting.moments:
            here = [at[talk][moment] for talk in talks if talk in at and moment in at[talk]]
            if len(here) < 2:
                continue
            count = sum(here)
            paired = model.new_int_var(0, len(here) * (len(here) - 1) // 2, "")
            # y(y-1)/2 at integer y is the largest of the lines k*y - k(k+1)/2, k = 1 .. len-1
            for k in range(1, len(here)):
                model.add(paired >= k * count - k * (k + 1) // 2)
            pairs.append(paired)
    left = seconds - (time.perf_counter() - started)
    return _least(model, pairs, left, seed) * Weights.of(weights).number(TRACK_PARALLEL.name)


def track_room_bound(problem: Problem, weights: Weights | dict, seconds: float, seed: int = 0) -> float:
    """The fewest extra rooms tracks use per day, times the weight of `track-room`.

    On the counting relaxation: talks running at one moment are in different rooms, and so are talks whose suitable
    rooms lie in different parts of the rooms (parts: rooms linked by some talk that may use both), so a track uses
    on a day at least, summed over the parts, the most of its talks of that part running at once.
    """
    if not _counted(problem, TRACK_ROOM.name, weights):
        return 0.0
    started = time.perf_counter()
    part = _room_parts(problem)
    counting = _counting_model(problem, started + seconds / 2)
    if counting is None:
        return 0.0
    model = counting.model
    running_by_talk: dict[int, dict[int, list[cp_model.IntVar]]] = {}  # moment -> talk -> literals running then
    for moment, members in counting.running.items():
        for talk, literal in members:
            running_by_talk.setdefault(moment, {}).setdefault(talk, []).append(literal)
    extras = []
    for _, talks in sorted(talks_by_track(problem, range(len(problem.talks))).items()):
        if len(talks) < 2:
            continue
        for day in sorted({moment // MINUTES_PER_DAY for moment in counting.moments}):
            most = []
            for piece in sorted({part[talk] for talk in talks if problem.rooms[talk]}):
                members = [talk for talk in talks if problem.rooms[talk] and part[talk] == piece]
                peak = model.new_int_var(0, len(members), "")
                for moment in counting.moments:
                    if moment // MINUTES_PER_DAY != day:
                        continue
                    here = [lit for talk in members for lit in running_by_talk.get(moment, {}).get(talk, [])]
                    if here:
                        model.add(peak >= sum(here))
                most.append(peak)
            extra = model.new_int_var(0, len(talks), "")
            model.add(extra >= sum(most) - 1)
            extras.append(extra)
    left = seconds - (time.perf_counter() - started)
    return _least(model, extras, left, seed) * Weights.of(weights).number(TRACK_ROOM.name)


def _room_parts(problem: Problem) -> dict[int, int]:
    """Talk -> the part of the rooms its suitable rooms lie in (rooms linked by a talk that may use both)."""
    parent = list(range(len(problem.data.rooms)))

    def root(room: int) -> int:
        while parent[room] != room:
            parent[room] = parent[parent[room]]
            room = parent[room]
        return room

    for rooms in problem.rooms:
        for other in rooms[1:]:
            parent[root(other)] = root(rooms[0])
    return {talk: root(rooms[0]) for talk, rooms in enumerate(problem.rooms) if rooms}


def minutes_in_block(problem: Problem, room: int, block: int) -> int:
    """Minutes of `block` during which `room` is open."""
    span = problem.blocks[block]
    closed = sum(max(0, min(end, span.end) - max(start, span.start)) for start, end in problem.room_busy[room])
    return span.length - closed


def _placeable(problem: Problem, talks: list[int]) -> list[int]:
    """The talks that have a start and a room (a talk that has none is never placed, so it forces nothing)."""
    return [talk for talk in talks if problem.starts[talk] and problem.rooms[talk]]


def _tracks_of_several(problem: Problem) -> list[tuple[str, list[int]]]:
    """Each track with two placeable talks or more, and those talks (one talk alone forces no track rule)."""
    by_track = sorted(talks_by_track(problem, range(len(problem.talks))).items())
    return [(track, placeable) for track, talks in by_track if len(placeable := _placeable(problem, talks)) >= 2]


def _track_room_days(problem: Problem, talks: list[int]) -> tuple[int, list[int], bool]:
    """(fewest room-days the talks' minutes need, the days they may use, whether their usable blocks on different
    days are never next to each other in the conference's block order)."""
    step = math.gcd(*(problem.duration(talk) for talk in talks))
    blocks = sorted({problem.block_index(start) for talk in talks for start in problem.starts[talk]})
    rooms = sorted({room for talk in talks for room in problem.rooms[talk]})
    days = sorted({problem.blocks[block].day for block in blocks})
    # one room holds a track's talks one after another inside each block's open minutes; their minutes add up to a
    # multiple of the durations' greatest common divisor, so a block holds that rounded down
    most = max(
        sum(
            minutes_in_block(problem, room, block) // step * step
            for block in blocks
            if problem.blocks[block].day == day
        )
        for day in days
        for room in rooms
    )
    minutes = sum(problem.duration(talk) for talk in talks)
    need = -(-minutes // most) if most else 0
    usable = set(blocks)
    apart = not any(
        block + 1 in usable and problem.blocks[block + 1].day != problem.blocks[block].day for block in blocks
    )
    return need, days, apart


def track_days_rooms_bound(problem: Problem, weights: Weights | dict) -> dict[str, float]:
    """Per track, the least weighted `track-days` + `track-consecutive` + `track-room` its talk-minutes force."""
    weights = Weights.of(weights)
    per_day, per_run, per_room = (weights.number(rule.name) for rule in (TRACK_DAYS, TRACK_CONSECUTIVE, TRACK_ROOM))
    if not (per_day or per_run or per_room):
        return {}
    result = {}
    for track, talks in _tracks_of_several(problem):
        need, days, apart = _track_room_days(problem, talks)
        rooms = len({room for talk in talks for room in problem.rooms[talk]})
        # on d days the track holds at least `need` room-days, so at least need - d rooms beyond each day's first;
        # each day beyond the first is an extra day and, when no block of one day runs on into the next, a new run
        extra_day = per_day + (per_run if apart else 0)
        result[track] = min(
            extra_day * (used - 1) + per_room * max(0, need - used)
            for used in range(max(1, -(-need // rooms)), len(days) + 1)
        )
    return result


def track_parallel_pigeonhole_bound(problem: Problem, weights: Weights | dict) -> float:
    """Talks starting at one minute need a room each, so however every talk is given a start (at most as many at a
    minute as rooms open then), at least this many same-track pairs start together, times the weight."""
    weight = Weights.of(weights).number(TRACK_PARALLEL.name)
    talks = _placeable(problem, list(range(len(problem.talks))))
    if not weight or not talks:
        return 0.0
    starting: dict[int, list[int]] = {}
    for talk in talks:
        for start in problem.starts[talk]:
            starting.setdefault(start, []).append(talk)
    room_sets = {talk: tuple(problem.rooms[talk]) for talk in talks}
    seats = []  # per start minute, how many talks can start then
    for start, here in starting.items():
        rooms = set().union(*{room_sets[talk] for talk in here})
        seats.append(min(len(here), sum(problem.room_free(room, start, start + 1) for room in rooms)))
    # the k-th talk starting at one minute adds at least the k-th smallest of the group-wise additions (a group of
    # n talks adds 0, 1, ..., n - 1 pairs as its talks join; a talk without a track is a group of one), whatever
    # the minute, and these grow with k: so filling every minute's first seat, then every second, is cheapest
    sizes = Counter(problem.talks[talk].track or f"\0{talk}" for talk in talks)
    adds = sorted(added for size in sizes.values() for added in range(size))
    left, pairs, seat = len(talks), 0, 0
    while left > 0 and seat < len(adds):
        taken = min(left, sum(1 for count in seats if count > seat))
        if not taken:
            break
        pairs += taken * adds[seat]
        left -= taken
        seat += 1
    return pairs * weight


def speaker_days_bound(problem: Problem, weights: Weights | dict) -> dict[str, float]:
    """Per speaker, the weighted `speaker-days` their talk-minutes force: more than one day's blocks hold."""
    weight = Weights.of(weights).number(SPEAKER_DAYS.name)
    if not weight:
        return {}
    accepted = problem.data.accepted_overlaps()
    result = {}
    for speaker, talks in sorted(problem.speaker_talks.items()):
        talks = _placeable(problem, talks)
        ids = [problem.talks[talk].id for talk in talks]
        # talks the data file lets overlap could share minutes: their speaker is left out
        if len(talks) < 2 or any(frozenset(pair) in accepted for pair in itertools.combinations(ids, 2)):
            continue
        step = math.gcd(*(problem.duration(talk) for talk in talks))
        blocks = {problem.block_index(start) for talk in talks for start in problem.starts[talk]}
        # one person's talks follow one another, whole talks inside each block
        per_day: dict[int, int] = {}
        for block in blocks:
            span = problem.blocks[block]
            per_day[span.day] = per_day.get(span.day, 0) + span.length // step * step
        need = -(-sum(problem.duration(talk) for talk in talks) // max(per_day.values()))
        if need > 1:
            result[speaker] = weight * (need - 1)
    return result


def speaker_block_bound(problem: Problem, weights: Weights | dict) -> float:
    """Speakers' talks of more tracks than blocks they may use: in some block one person's talks of two tracks share
    a room (`session-mix`) or not (`speaker-room-change`); the most over speakers sharing no talk and no track."""
    weights = Weights.of(weights)
    weight = min(weights.number(SESSION_MIX.name), weights.number(SPEAKER_ROOM_CHANGE.name))
    if not weight:
        return 0.0
    forced = []
    for speaker, talks in sorted(problem.speaker_talks.items()):
        talks = [talk for talk in _placeable(problem, talks) if problem.talks[talk].track]
        tracks = {problem.talks[talk].track for talk in talks}
        blocks = {problem.block_index(start) for talk in talks for start in problem.starts[talk]}
        # in a block the person's talks of k tracks sit in m rooms: at least m - 1 pairs apart and k - m extra
        # tracks in those rooms' sessions, so at least k - 1 of the cheaper; over the blocks, tracks less blocks
        if len(tracks) > len(blocks):
            forced.append((len(tracks) - len(blocks), speaker, set(talks), tracks))
    # speakers with no talk and no track in common never meet in one offence: another track in a session is
    # another speaker's only if it is not the first's, and a pair of talks is one person's
    total, taken_talks, taken_tracks = 0, set(), set()
    for extra, _, talks, tracks in sorted(forced, key=lambda entry: (-entry[0], entry[1])):
        if not (talks & taken_talks or tracks & taken_tracks):
            total += extra
            taken_talks |= talks
            taken_tracks |= tracks
    return total * weight


def track_parallel_within_bound(problem: Problem, weights: Weights | dict) -> dict[str, float]:
    """Per track, the fewest overlapping pairs of its talks when each block holds at most so many of them one after
    another (times the weight of `track-parallel`)."""
    weight = Weights.of(weights).number(TRACK_PARALLEL.name)
    if not weight:
        return {}
    result = {}
    for track, talks in _tracks_of_several(problem):
        durations: dict[int, list[int]] = {}  # block -> durations of the track's talks that may start in it
        for talk in talks:
            for block in {problem.block_index(start) for start in problem.starts[talk]}:
                durations.setdefault(block, []).append(problem.duration(talk))
        # talks of a block none of which overlap follow one another within it, so they are at most as many as its
        # shortest ones that fit; k talks with at most a such make at least the pairs of a cliques as even as can
        # be (Turan), the j-th talk adding j // a: a seats of a block at each price, the cheapest n taken
        seats = sum(_fitting(sorted(lengths), problem.blocks[block].length) for block, lengths in durations.items())
        left, price, pairs = len(talks), 0, 0
        while left > 0 and seats:
            taken = min(left, seats)
            pairs += taken * price
            left -= taken
            price += 1
        if pairs:
            result[track] = pairs * weight
    return result


def _fitting(durations: list[int], minutes: int) -> int:
    """How many of the (sorted) durations, shortest first, fit one after another into `minutes`."""
    used = count = 0
    for duration in durations:
        if used + duration > minutes:
            break
        used += duration
        count += 1
    return count
