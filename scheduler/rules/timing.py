"""Literals about the relative timing of two talks (and whether they share a block in different rooms), shared by
the soft rules."""

from __future__ import annotations

import bisect

from ortools.sat.python import cp_model

from ..problem import MINUTES_PER_DAY


def overlap_literal(
    model: cp_model.CpModel,
    first: tuple[cp_model.IntVar, int],
    second: tuple[cp_model.IntVar, int],
    gap: int = 0,
) -> cp_model.IntVar:
    """A literal that must be true when the two talks (start, duration) come closer than `gap` minutes."""
    (start_a, length_a), (start_b, length_b) = first, second
    a_first, b_first, close = model.new_bool_var(""), model.new_bool_var(""), model.new_bool_var("")
    model.add(start_a + length_a + gap <= start_b).only_enforce_if(a_first)
    model.add(start_b + length_b + gap <= start_a).only_enforce_if(b_first)
    model.add_bool_or([a_first, b_first, close])
    return close


def could_meet(starts_a: list[int], length_a: int, starts_b: list[int], length_b: int, gap: int = 0) -> bool:
    """Whether some pair of feasible starts brings the two talks closer than `gap` minutes."""
    if not starts_a or not starts_b:
        return False
    return min(starts_a) < max(starts_b) + length_b + gap and min(starts_b) < max(starts_a) + length_a + gap


def day_literal(
    model: cp_model.CpModel, problem, starts: dict[int, cp_model.IntVar], talk: int, day: int
) -> cp_model.IntVar:
    """A literal that is true exactly when `talk` takes place on conference day `day` (cached per model)."""
    if not hasattr(model, "day_literals"):
        model.day_literals = {}  # lives and dies with the model
    cache = model.day_literals
    key = (talk, day)
    if key not in cache:
        literal = model.new_bool_var("")
        window = cp_model.Domain(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY - 1)
        model.add_linear_expression_in_domain(starts[talk], window).only_enforce_if(literal)
        model.add_linear_expression_in_domain(starts[talk], window.complement()).only_enforce_if(literal.Not())
        cache[key] = literal
    return cache[key]


def outside_literal(model: cp_model.CpModel, start: cp_model.IntVar, good: list[int]) -> cp_model.IntVar:
    """A literal that must be true when `start` takes a value outside `good`."""
    outside = model.new_bool_var("")
    if good:
        model.add_linear_expression_in_domain(start, cp_model.Domain.from_values(good)).only_enforce_if(outside.Not())
    else:
        model.add(outside == 1)
    return outside


def similar_track_pairs(data) -> list[tuple[str, str]]:
    """Pairs of distinct tracks that are declared similar (either way) or share a tag, in a stable order."""
    pairs = set()
    for track in data.tracks:
        for other in track.similar:
            if other != track.name:
                pairs.add(tuple(sorted((track.name, other))))
    for i, track in enumerate(data.tracks):
        for other in data.tracks[i + 1 :]:
            if set(track.tags) & set(other.tags):
                pairs.add(tuple(sorted((track.name, other.name))))
    return sorted(pairs)


def penalise_overlapping_pairs(model, problem, starts, objective, rule: str, groups: dict[str, list[int]]) -> None:
    """Under `rule`, penalise every pair of talks in one group that runs at the same time (groups in name order)."""
    for label, talks in sorted(groups.items()):
        for i, a in enumerate(talks):
            for b in talks[i + 1 :]:
                if could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b)):
                    clash = overlap_literal(model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)))
                    objective.penalise(rule, clash, label)


def penalise_overlapping_pairs_in_slots(model, slots, objective, rule: str, groups: dict[str, list[int]]) -> None:
    """Under `rule`, penalise every pair of talks in one group that runs at the same time, from the slot literals
    (scheduler.slots): a pair's literal is forced at any minute both cover, and a group's pairs are at least the
    pairs that start together, n * (n - 1) / 2 at a minute n of its talks start, which the model sees through its
    tangents k * n - k * (k + 1) / 2."""
    for label, talks in sorted(groups.items()):
        pairs = []
        for i, a in enumerate(talks):
            for b in talks[i + 1 :]:
                minutes = sorted(set(slots.at[a]) | set(slots.at[b]))
                both = [(slots.covering(a, m), slots.covering(b, m)) for m in minutes]
                both = [(in_a, in_b) for in_a, in_b in both if in_a and in_b]
                if not both:
                    continue
                clash = model.new_bool_var("")
                for in_a, in_b in both:
                    model.add(clash >= sum(in_a) + sum(in_b) - 1)
                objective.penalise(rule, clash, label)
                pairs.append(clash)
        together = []
        for minute in sorted({start for talk in talks for start in slots.at[talk]}):
            starting = [slots.at[talk][minute] for talk in talks if minute in slots.at[talk]]
            if len(starting) < 2:
                continue
            counted = model.new_int_var(0, len(starting) * (len(starting) - 1) // 2, "")
            for k in range(1, len(starting)):
                model.add(counted >= k * sum(starting) - k * (k + 1) // 2)
            together.append(counted)
        if pairs and together:
            model.add(sum(pairs) >= sum(together))


def blocks_of(problem, talk: int) -> list[int]:
    """The indices of the blocks `talk` could take place in."""
    if not hasattr(problem, "_talk_blocks"):
        starts_of_blocks = [block.start for block in problem.blocks]
        problem._talk_blocks = [
            sorted({bisect.bisect_right(starts_of_blocks, start) - 1 for start in starts}) for starts in problem.starts
        ]
    return problem._talk_blocks[talk]


def block_literal(
    model: cp_model.CpModel, problem, starts: dict[int, cp_model.IntVar], talk: int, block: int
) -> cp_model.IntVar:
    """A literal that is true exactly when `talk` takes place in block `block` (cached per model)."""
    if not hasattr(model, "block_literals"):
        model.block_literals = {}
    cache = model.block_literals
    key = (talk, block)
    if key not in cache:
        span = problem.blocks[block]
        literal = model.new_bool_var("")
        window = cp_model.Domain(span.start, span.end - 1)
        model.add_linear_expression_in_domain(starts[talk], window).only_enforce_if(literal)
        model.add_linear_expression_in_domain(starts[talk], window.complement()).only_enforce_if(literal.Not())
        cache[key] = literal
    return cache[key]


def track_session_literal(
    model: cp_model.CpModel, problem, starts: dict[int, cp_model.IntVar], track: str, talks: list[int], block: int
) -> cp_model.IntVar:
    """A literal that is true exactly when some of the track's `talks` take place in block `block` (cached)."""
    if not hasattr(model, "session_literals"):
        model.session_literals = {}
    cache = model.session_literals
    key = (track, block)
    if key not in cache:
        members = [
            block_literal(model, problem, starts, talk, block) for talk in talks if block in blocks_of(problem, talk)
        ]
        held = model.new_bool_var("")
        for member in members:
            model.add_implication(member, held)
        model.add_bool_or([*members, held.Not()])
        cache[key] = held
    return cache[key]


def apart_in_block(
    model: cp_model.CpModel,
    problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    a: int,
    b: int,
    block: int | None = None,
) -> list[tuple[int, cp_model.IntVar]]:
    """(block, literal) per block both talks could take place in: the literal must be true when both are in that
    block, in different rooms. `starts` None means both are already known to lie in block `block` (the room stage)."""
    rooms_b = dict(room_choices[b])
    if starts is None:
        assert block is not None
        shared = [(block, [])]
    else:
        common = sorted(set(blocks_of(problem, a)) & set(blocks_of(problem, b)))
        shared = [
            (k, [block_literal(model, problem, starts, a, k).Not(), block_literal(model, problem, starts, b, k).Not()])
            for k in common
        ]
    if len(room_choices[a]) == 1 and [room for room, _ in room_choices[a]] == list(rooms_b):
        return []  # one and the same room for both: never apart
    result = []
    for k, absent in shared:
        apart = model.new_bool_var("")
        for room, literal in room_choices[a]:
            same = [rooms_b[room]] if room in rooms_b else []
            model.add_bool_or([*absent, literal.Not(), *same, apart])
        result.append((k, apart))
    return result


def apart_on_plan(
    model: cp_model.CpModel, problem, coarse, starts: dict[int, cp_model.IntVar], a: int, b: int
) -> list[tuple[int, cp_model.IntVar]]:
    """(block, literal) per block two talks of different sessions could share on the session plan (scheduler.search.
    sessionplan): the literal must be true when both are in that block, where sessions of different tracks hold
    different rooms. Two talks of one track give nothing: the timetable within the sessions decides their rooms."""
    track_a, track_b = problem.talks[a].track, problem.talks[b].track
    if track_a and track_a == track_b:
        return []
    result = []
    for k in sorted(set(blocks_of(coarse, a)) & set(blocks_of(coarse, b))):
        both = model.new_bool_var("")
        model.add_bool_or(
            [block_literal(model, coarse, starts, a, k).Not(), block_literal(model, coarse, starts, b, k).Not(), both]
        )
        result.append((k, both))
    return result
