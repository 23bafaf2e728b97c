"""Stage two: give every talk a room, block by block.

Talks never cross a block boundary and blocks never overlap, so the room problem splits into one small problem per
block. Per block: a best-fit greedy pass; if some talks find no room, an exact CP-SAT assignment with the times
fixed; if that is infeasible, a repair that keeps the greedy placements far from the stuck talks and re-times and
re-rooms the rest with the exact coupled model, widening the freed window until it succeeds or covers the block
(speakers only meet talks of the same block, so this cannot break anything elsewhere). Only if the whole block
fails does the caller fall back to the global coupled model.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable

from ortools.sat.python import cp_model

from ..model import build_model
from ..objective import Objective
from ..problem import Problem
from ..rules import ROOM_RULES
from ..rules.base import Weights
from .cpsat import run_cpsat

PARTIAL_REPAIR_SECONDS = 2.0


def assign_rooms(
    problem: Problem,
    starts: dict[int, int],
    every_block_parameters: Callable[..., dict],
    weights: Weights | dict | None = None,
    hard: Weights | dict | None = None,
    suggested: dict[int, int] | None = None,
) -> tuple[dict[int, int], dict[int, int], int] | None:
    """(starts, rooms, blocks re-timed) with every talk in a suitable open room and no room double-booked.

    None if some block cannot be done without moving talks to other blocks.

    `every_block_parameters(among=N)` returns fresh CP-SAT parameters for each sub-solve (a share of the remaining
    time limit, split among the N blocks still to do). With
    `weights`, each block's rooms also minimise the room-stage soft rules (room size; a track keeping its room),
    blocks in time order so a track's earlier rooms of the day are known. Soft rules weighted "hard" (in
    `weights`, or in `hard` when there are no weights) hold in every block, re-timed or not. `suggested` rooms
    (talk -> room, from a timetable in hand) are the greedy's first choice, and so the exact step's hint.
    """
    preferences = _RoomPreferences(problem, Weights.of(weights)) if weights is not None else None
    hard = Weights.of(weights).hard_only() if weights is not None else Weights.of(hard).hard_only()
    room_rules_hard = any(hard.is_hard(rule.name) for rule in ROOM_RULES)
    enforce = _RoomPreferences(problem, hard) if room_rules_hard else None
    block_starts = [block.start for block in problem.blocks]
    by_block: dict[int, list[int]] = {}
    for talk, start in starts.items():
        by_block.setdefault(bisect.bisect_right(block_starts, start) - 1, []).append(talk)

    starts = dict(starts)
    rooms: dict[int, int] = {}
    repaired_blocks = 0
    usual_room: dict[tuple[str, int], int] = {}  # (track, day) -> the room the track last had that day
    order = sorted(by_block)
    for position, block_index in enumerate(order):
        # the blocks still to do share what is left, so one slow block cannot take the time of all the others
        parameters = functools.partial(every_block_parameters, among=len(order) - position)
        talks = sorted(by_block[block_index])
        day = problem.blocks[block_index].day
        # first any valid rooms (fast), so preferences can never cost a schedule
        usual = {track: room for (track, d), room in usual_room.items() if d == day}
        greedy = _best_fit(problem, talks, starts, usual, suggested)
        chosen = greedy if len(greedy) == len(talks) else _fixed_times(problem, talks, starts, parameters())
        if chosen is not None and enforce is not None:
            chosen = _fixed_times(problem, talks, starts, parameters(), enforce, chosen)
        if chosen is None:
            repaired = _repair_block(problem, block_index, talks, starts, greedy, parameters, hard)
            if repaired is None:
                return None
            new_starts, chosen = repaired
            starts.update(new_starts)
            repaired_blocks += 1
        if preferences is not None and preferences.active:
            better = _fixed_times(problem, talks, starts, parameters(), preferences, chosen)
            chosen = better or chosen
        rooms.update(chosen)
        for talk in sorted(talks, key=lambda t: starts[t]):
            if problem.talks[talk].track:
                usual_room[(problem.talks[talk].track, day)] = chosen[talk]
        for keeper in (preferences, enforce):
            if keeper is not None:
                keeper.record(talks, chosen, block_index)
    return starts, rooms, repaired_blocks


def _best_fit(
    problem: Problem,
    talks: list[int],
    starts: dict[int, int],
    usual_room: dict[str, int] | None = None,
    suggested: dict[int, int] | None = None,
) -> dict[int, int]:
    """Greedy by start time: each talk takes the free suitable room that the fewest other talks could use.

    A talk first takes its `suggested` room if it is free, and no other talk takes a room suggested to a talk that
    starts while it would run there. A talk of a track then tries the room its track already has (from
    `usual_room`, or earlier in this block), then a room no other track has taken in this block, so sessions stay
    whole even when the exact room stage has no time left. Talks that find no free room are left out of the result.
    """
    usual_room = dict(usual_room or {})
    suggested = suggested or {}
    taken_by: dict[int, str] = {}
    demand: dict[int, int] = {}
    for talk in talks:
        for room in problem.rooms[talk]:
            demand[room] = demand.get(room, 0) + 1
    # a room suggested to a talk later in the block is kept for it from this minute on: a talk without a
    # suggestion that took it would push the suggested talk (a session of a layout) out of its room
    promised: dict[int, list[int]] = {}
    for talk in talks:
        room = suggested.get(talk)
        if room is not None and room in problem.rooms[talk]:
            promised.setdefault(room, []).append(starts[talk])
    free_from: dict[int, int] = {}
    chosen = {}
    for talk in sorted(talks, key=lambda t: (starts[t], len(problem.rooms[t]), t)):
        start, end = starts[talk], starts[talk] + problem.duration(talk)
        options = [
            room
            for room in problem.rooms[talk]
            if free_from.get(room, start) <= start and problem.room_free(room, start, end)
        ]
        if not options:
            continue
        mine = suggested.get(talk)
        kept_for_another = {
            room for room in options if room != mine and any(start <= other < end for other in promised.get(room, ()))
        }
        track = problem.talks[talk].track
        room = min(
            options,
            key=lambda r: (
                r != mine,
                r in kept_for_another,
                track is not None and usual_room.get(track) != r,
                track is not None and taken_by.get(r, track) != track,
                demand[r],
                problem.data.rooms[r].capacity,
                r,
            ),
        )
        chosen[talk] = room
        free_from[room] = end
        if track is not None:
            usual_room[track] = room
            taken_by.setdefault(room, track)
    return chosen


class _RoomPreferences:
    """The room-stage soft rules, block by block; a track keeping its room remembers the day's earlier blocks."""

    def __init__(self, problem: Problem, weights: Weights):
        self.problem = problem
        self.weights = weights
        self.active = any(weights.active(rule.name) for rule in ROOM_RULES)
        self.track_rooms: dict[tuple[str, int], set[int]] = {}

    def add_to(self, model: cp_model.CpModel, options: dict, block_index: int) -> None:
        objective = Objective(model, self.weights)
        for rule in ROOM_RULES:
            if rule.block_form is not None:
                rule.block_form(model, self.problem, options, objective, block_index, self.track_rooms)
            else:
                rule.encode(model, self.problem, None, options, objective, block_index)
        if objective.terms:
            model.minimize(objective.expression())

    def record(self, talks: list[int], chosen: dict[int, int], block_index: int) -> None:
        day = self.problem.blocks[block_index].day
        for talk in talks:
            track = self.problem.talks[talk].track
            if track:
                self.track_rooms.setdefault((track, day), set()).add(chosen[talk])


def _fixed_times(
    problem: Problem,
    talks: list[int],
    starts: dict[int, int],
    parameters: dict,
    preferences: _RoomPreferences | None = None,
    hint: dict[int, int] | None = None,
) -> dict[int, int] | None:
    """Exact room assignment with the block's times fixed (the best one, when there are room preferences)."""
    model = cp_model.CpModel()
    options: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    for talk in talks:
        start, end = starts[talk], starts[talk] + problem.duration(talk)
        usable = [room for room in problem.rooms[talk] if problem.room_free(room, start, end)]
        options[talk] = [(room, model.new_bool_var("")) for room in usable]
        model.add_exactly_one(literal for _, literal in options[talk])
        for room, literal in options[talk]:
            if hint and talk in hint:
                model.add_hint(literal, hint[talk] == room)
    for moment in sorted({starts[talk] for talk in talks}):
        per_room: dict[int, list[cp_model.IntVar]] = {}
        for talk in talks:
            if starts[talk] <= moment < starts[talk] + problem.duration(talk):
                for room, literal in options[talk]:
                    per_room.setdefault(room, []).append(literal)
        for literals in per_room.values():
            if len(literals) > 1:
                model.add_at_most_one(literals)
    if preferences is not None and preferences.active:
        preferences.add_to(model, options, _block_index(problem, starts[talks[0]]))
    outcome = run_cpsat(model, parameters)
    solver = outcome.solver
    if not outcome.found:
        return None
    return {
        talk: next(room for room, literal in talk_options if solver.boolean_value(literal))
        for talk, talk_options in options.items()
    }


def _repair_block(
    problem: Problem,
    block_index: int,
    talks: list[int],
    starts: dict[int, int],
    greedy: dict[int, int],
    parameters: Callable[[], dict],
    hard: dict | None = None,
) -> tuple[dict[int, int], dict[int, int]] | None:
    """Free the talks near the ones without a room and solve them exactly; widen the window until it works."""
    block = problem.blocks[block_index]
    # every talk has a room but a hard room-stage rule is broken: the whole block is the window
    stuck = [talk for talk in talks if talk not in greedy] or talks
    low = min(starts[talk] for talk in stuck)
    high = max(starts[talk] + problem.duration(talk) for talk in stuck)
    tried: set[int] = set()
    for margin in (0, 30, 90, None):
        free = set(talks)
        if margin is not None:
            free = {
                talk
                for talk in talks
                if talk not in greedy
                or (starts[talk] < high + margin and low - margin < starts[talk] + problem.duration(talk))
            }
            if 2 * len(free) > len(talks) or len(free) == len(tried):
                continue  # freeing most of the block: solve the whole block instead
        tried = free
        allowed_starts = {
            talk: [s for s in problem.starts[talk] if block.start <= s < block.end] if talk in free else [starts[talk]]
            for talk in talks
        }
        fixed_rooms = {talk: [greedy[talk]] for talk in talks if talk not in free}
        coupled = build_model(
            problem, with_rooms=True, talks=talks, starts=allowed_starts, rooms=fixed_rooms, weights=hard or None
        )
        for talk, var in coupled.start_vars.items():
            coupled.model.add_hint(var, starts[talk])
        settings = parameters()
        if margin is not None:
            # a partial repair may be infeasible and slow to prove so; the wider window comes next anyway
            settings["max_time_in_seconds"] = min(settings["max_time_in_seconds"], PARTIAL_REPAIR_SECONDS)
        outcome = run_cpsat(coupled.model, settings)
        if outcome.found:
            return coupled.starts(outcome.solver), coupled.rooms(outcome.solver)
    return None


def _block_index(problem: Problem, start: int) -> int:
    return bisect.bisect_right([block.start for block in problem.blocks], start) - 1
