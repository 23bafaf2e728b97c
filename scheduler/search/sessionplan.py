"""Session plan: when a room holds one track per block (`session-mix: hard`), plan sessions before minutes.

A session is a track's talks in one room during one block. When sessions are the rule, what matters most is decided
at their level: which track holds which (block, room) cell, and which block each talk is in. Costs of tracks in
rooms, rooms in blocks, split tracks and the rooms a track uses all depend on rooms, which the times-first path only
sees once the times are fixed, while the model of minutes and rooms together is far too big above a few hundred
(talk, room) pairs. The plan has one literal per (talk, block) and per (track, block, room) instead, so it holds the
rooms and every block-level rule at once: 556 talks in 16 blocks and 23 rooms are 9,000 talk literals and 26,000 cell
literals, against 12,800 interval choices each with a dozen starts.

The plan is solved in two steps: `build_plan` (cells and blocks, the rules that a block decides, exactly; those that
need minutes, by a same-block estimate), then `timetable_within` (the exact model of minutes and rooms, every talk
held to its block and its track's rooms there, which leaves it a few choices each).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..objective import Objective
from ..problem import Problem
from ..rules import RULES
from ..rules.base import SAME_ON_PLAN, SOLO_SESSION, Weights
from ..rules.sessions import SESSION_MIX
from ..rules.timing import block_literal, blocks_of
from .cpsat import run_cpsat

Cell = tuple[str, int, int]  # (session key, block, room)


def applies(problem: Problem, weights: Weights | dict) -> bool:
    """Whether sessions are a hard rule of this conference, so a plan of sessions loses no timetable worth having."""
    return Weights.of(weights).is_hard(SESSION_MIX.name) and bool(problem.talks)


def session_key(problem: Problem, talk: int) -> str:
    """The track whose sessions the talk belongs to; a talk without a track gets a session of its own."""
    return problem.talks[talk].track or f"{SOLO_SESSION}{problem.talks[talk].id}"


@dataclass
class Plan:
    """Each talk's block, and the rooms each (session key, block) holds."""

    blocks: dict[int, int]
    rooms: dict[tuple[str, int], list[int]]


@dataclass
class PlanModel:
    model: cp_model.CpModel
    problem: Problem  # the coarse problem: every talk starts at the start of a block
    starts: dict[int, cp_model.IntVar]
    cells: dict[Cell, cp_model.IntVar]
    objective: Objective

    def plan(self, solver: cp_model.CpSolver) -> Plan:
        """The solved plan."""
        blocks = {talk: self.problem.block_index(solver.value(var)) for talk, var in self.starts.items()}
        rooms: dict[tuple[str, int], list[int]] = defaultdict(list)
        for (key, block, room), literal in sorted(self.cells.items()):
            if solver.boolean_value(literal):
                rooms[(key, block)].append(room)
        return Plan(blocks, dict(rooms))

    def hint(self, plan: Plan, seconds: float = 10.0) -> None:
        """Start the search from `plan` (a timetable in hand, read with `plan_of`).

        CP-SAT only takes a shortcut from a complete hint, and the rules' helper literals are many (40,000
        variables for 556 talks): the plan, fixed, is solved first to fill them in.
        """
        fixed = self.model.clone()
        for talk, var in self.starts.items():
            fixed.add(fixed.get_int_var_from_proto_index(var.index) == self.problem.blocks[plan.blocks[talk]].start)
        for (key, block, room), literal in self.cells.items():
            held = room in plan.rooms.get((key, block), [])
            fixed.add(fixed.get_bool_var_from_proto_index(literal.index) == held)
        # the same hint every time: a budget of work, not time
        work = {"num_workers": 1, "max_deterministic_time": seconds, "max_time_in_seconds": 10 * seconds}
        outcome = run_cpsat(fixed, work)
        solver = outcome.solver
        if not outcome.found:
            return  # not a plan of this model (the timetable breaks a rule the plan makes hard): search from scratch
        self.model.clear_hints()
        for index in range(len(self.model.proto.variables)):
            var = self.model.get_int_var_from_proto_index(index)
            self.model.add_hint(var, solver.value(var))


def plan_of(problem: Problem, starts: dict[int, int], rooms: dict[int, int]) -> Plan:
    """The plan a complete timetable follows."""
    blocks = {talk: problem.block_index(start) for talk, start in starts.items()}
    held: dict[tuple[str, int], set[int]] = defaultdict(set)
    for talk, block in blocks.items():
        held[(session_key(problem, talk), block)].add(rooms[talk])
    return Plan(blocks, {key: sorted(value) for key, value in held.items()})


def coarse_problem(problem: Problem) -> Problem:
    """The problem with each talk starting only at the start of a block it can take place in."""
    starts = [
        sorted({problem.blocks[block].start for block in blocks_of(problem, talk)})
        for talk in range(len(problem.talks))
    ]
    return dataclasses.replace(problem, starts=starts)


def usable_rooms(problem: Problem, talk: int, block: int) -> list[int]:
    """The talk's rooms in which it has some start in `block` while the room is open."""
    span = problem.blocks[block]
    duration = problem.duration(talk)
    here = [start for start in problem.starts[talk] if span.start <= start < span.end]
    return [room for room in problem.rooms[talk] if any(problem.room_free(room, s, s + duration) for s in here)]


def build_plan(problem: Problem, weights: dict) -> PlanModel:
    """The plan model: a block per talk and a track per (block, room) cell, minimising the block-level rules."""
    coarse = coarse_problem(problem)
    model = cp_model.CpModel()
    starts = {
        talk: model.new_int_var_from_domain(cp_model.Domain.from_values(coarse.starts[talk]), f"block_of_{talk}")
        for talk in range(len(problem.talks))
    }
    for talk in starts:
        model.add_exactly_one(block_literal(model, coarse, starts, talk, block) for block in blocks_of(coarse, talk))
    cells = each_cell_holds_one_session(model, problem, coarse, starts)
    sessions_hold_their_talks(model, problem, coarse, starts, cells)
    speaker_minutes_fit_blocks(model, problem, coarse, starts)
    objective = Objective(model, weights)
    add_plan_rules(model, problem, coarse, starts, cells, objective)
    objective.minimise()
    return PlanModel(model, coarse, starts, cells, objective)


def add_plan_rules(model, problem: Problem, coarse: Problem, starts, cells, objective: Objective) -> None:
    """Every registered rule's session-plan form.

    A rule that a talk's block decides exactly runs unchanged on the coarse problem, where a talk starts at its
    block's start; the pairwise ones (attendees, similar tracks, exclusive tags, conflicts) then count two talks in one
    block as overlapping: an estimate, since two talks of one block in different rooms mostly do. Others have a form
    of their own over the plan's cells; the rest wait for the minutes.
    """
    for rule in RULES.values():
        if rule.plan == SAME_ON_PLAN:
            rule.encode(model, coarse, starts, objective)
    for rule in RULES.values():
        if callable(rule.plan):
            rule.plan(model, problem, coarse, starts, cells, objective)


def each_cell_holds_one_session(
    model: cp_model.CpModel, problem: Problem, coarse: Problem, starts: dict[int, cp_model.IntVar]
) -> dict[Cell, cp_model.IntVar]:
    """Forbids two tracks sharing a room during one block (one literal per track, block and room it could hold)."""
    cells: dict[Cell, cp_model.IntVar] = {}
    for talk in starts:
        key = session_key(problem, talk)
        for block in blocks_of(coarse, talk):
            for room in usable_rooms(problem, talk, block):
                if (key, block, room) not in cells:
                    cells[(key, block, room)] = model.new_bool_var(f"cell_{block}_{room}")
    per_cell: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (_, block, room), literal in sorted(cells.items()):
        per_cell[(block, room)].append(literal)
    for literals in per_cell.values():
        if len(literals) > 1:
            model.add_at_most_one(literals)
    return cells


def sessions_hold_their_talks(
    model: cp_model.CpModel,
    problem: Problem,
    coarse: Problem,
    starts: dict[int, cp_model.IntVar],
    cells: dict[Cell, cp_model.IntVar],
) -> None:
    """Forbids a talk in a block where its track holds no room it can use, or more talk minutes than rooms hold.

    A track holds a room in a block only when it has talks there. Minutes are counted per track and block, not per
    room: exact when a track holds one room of a block, as the track rules ask; the timetable step settles the rest.
    """
    by_session: dict[tuple[str, int], list[int]] = defaultdict(list)
    for talk in starts:
        key = session_key(problem, talk)
        for block in blocks_of(coarse, talk):
            by_session[(key, block)].append(talk)
            present = block_literal(model, coarse, starts, talk, block)
            usable = [cells[(key, block, room)] for room in usable_rooms(problem, talk, block)]
            model.add_bool_or([present.Not(), *usable])
    for (key, block), talks in sorted(by_session.items()):
        span = problem.blocks[block]
        held = {room: literal for (k, b, room), literal in cells.items() if k == key and b == block}
        presents = [block_literal(model, coarse, starts, talk, block) for talk in talks]
        for literal in held.values():
            model.add_bool_or([literal.Not(), *presents])
        durations = [problem.duration(talk) for talk in talks]
        open_minutes = {room: span.length - _closed_minutes(problem, room, span.start, span.end) for room in held}
        room_minutes = {room: fillable(minutes, durations) for room, minutes in open_minutes.items()}
        fill_with_lengths_present(model, durations, presents, open_minutes, held)
        # Hall's condition on the rooms the talks can use: the talks limited to rooms U fit into the rooms of U held
        usable = {talk: frozenset(usable_rooms(problem, talk, block)) for talk in talks}
        for rooms in sorted({*usable.values(), frozenset(held)}, key=sorted):
            inside = [(d, p) for talk, d, p in zip(talks, durations, presents, strict=True) if usable[talk] <= rooms]
            model.add(sum(d * p for d, p in inside) <= sum(room_minutes[room] * held[room] for room in rooms))
        if len(held) > 1:
            minutes = list(zip(durations, presents, strict=True))
            rooms_at_least(model, fillable(span.length, durations), minutes, sum(held.values()))


def fill_with_lengths_present(
    model: cp_model.CpModel,
    durations: list[int],
    presents: list[cp_model.IntVar],
    open_minutes: dict[int, int],
    held: dict[int, cp_model.IntVar],
) -> None:
    """Forbids more minutes than the talk lengths actually present can fill back to back in the rooms held.

    What a room can be filled with depends on which lengths are there: 40-minute talks with a 20-minute one fill
    80 of 90 minutes, with a 90-minute one all 90. So per set of lengths that fills less than all of them: if only
    those lengths are present, only that many minutes count.
    """
    lengths = sorted(set(durations))
    if not 1 < len(lengths) <= 5:
        return
    some = {}
    for length in lengths:
        some[length] = model.new_bool_var("")
        model.add_max_equality(some[length], [p for d, p in zip(durations, presents, strict=True) if d == length])
    full = {room: fillable(minutes, durations) for room, minutes in open_minutes.items()}
    for size in range(1, len(lengths)):
        for kept in itertools.combinations(lengths, size):
            limited = [d for d in durations if d in kept]
            fill = {room: fillable(minutes, limited) for room, minutes in open_minutes.items()}
            if fill == full:
                continue
            absent = [some[length].Not() for length in lengths if length not in kept]
            model.add(
                sum(d * p for d, p in zip(durations, presents, strict=True) if d in kept)
                <= sum(fill[room] * literal for room, literal in held.items())
            ).only_enforce_if(absent)


def fillable(length: int, durations: list[int]) -> int:
    """The most of `length` minutes that talks of these durations fill back to back (20-minute talks fill 80 of 90)."""
    reach, mask = 1, (1 << (length + 1)) - 1
    for duration in durations:
        reach |= (reach << duration) & mask
    return reach.bit_length() - 1


def rooms_at_least(model: cp_model.CpModel, length: int, minutes: list[tuple[int, cp_model.IntVar]], rooms) -> None:
    """Forbids fewer `rooms` than talks of these (minutes, present) need when each room holds `length` minutes.

    Minutes alone let four 45-minute and two 30-minute talks into four 60-minute rooms; these are the linear
    forms of Martello and Toth's bin-packing bound L2: a talk longer than half a room needs a room of its own, and
    for each p up to half a room, the talks longer than length - p fill a room each, while those from p to
    length - p fill at least their minutes.
    """
    model.add(rooms >= sum(present for d, present in minutes if 2 * d > length))
    for p in sorted({d for d, _ in minutes if 2 * d <= length}):
        whole = [present for d, present in minutes if d > length - p]
        part = [(d, present) for d, present in minutes if p <= d <= length - p]
        if whole or len(part) > 1:
            model.add(length * rooms >= length * sum(whole) + sum(d * present for d, present in part))


def _closed_minutes(problem: Problem, room: int, start: int, end: int) -> int:
    return sum(max(0, min(end, busy_end) - max(start, busy_start)) for busy_start, busy_end in problem.room_busy[room])


def speaker_minutes_fit_blocks(
    model: cp_model.CpModel, problem: Problem, coarse: Problem, starts: dict[int, cp_model.IntVar]
) -> None:
    """Forbids more of a speaker's talk minutes in one block than the block has (they give one talk at a time)."""
    for talks in problem.speaker_talks.values():
        if len(talks) < 2:
            continue
        for block in sorted({b for talk in talks for b in blocks_of(coarse, talk)}):
            here = [talk for talk in talks if block in blocks_of(coarse, talk)]
            if sum(problem.duration(talk) for talk in here) > problem.blocks[block].length:
                model.add(
                    sum(problem.duration(talk) * block_literal(model, coarse, starts, talk, block) for talk in here)
                    <= problem.blocks[block].length
                )


def within_plan(problem: Problem, plan: Plan, spare: bool = False) -> Problem | None:
    """The problem with every talk held to its planned block and its session's rooms there; None if one has no start.

    With `spare` a talk may also use the rooms no session holds in its block: the plan counts minutes, not
    where each talk fits, so a session may need one more room than it planned.
    """
    held: dict[int, set[int]] = defaultdict(set)
    for (_, block), rooms in plan.rooms.items():
        held[block].update(rooms)
    starts, rooms = [], []
    for talk in range(len(problem.talks)):
        block = plan.blocks[talk]
        span = problem.blocks[block]
        own = plan.rooms.get((session_key(problem, talk), block), [])
        allowed = [room for room in problem.rooms[talk] if room in own or (spare and room not in held[block])]
        duration = problem.duration(talk)
        here = [
            start
            for start in problem.starts[talk]
            if span.start <= start < span.end
            and any(problem.room_free(room, start, start + duration) for room in allowed)
        ]
        if not here:
            return None
        starts.append(here)
        rooms.append(allowed)
    return dataclasses.replace(problem, starts=starts, rooms=rooms)
