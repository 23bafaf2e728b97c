"""Graded costs from the data file's `costs` list: what one placement costs, for preferences that are not yes/no.

Each kind of cost is one soft rule. Costs naming a block apply to every block of that name; a cost listed twice adds
up. Time-stage rules read block literals; room-stage rules read room literals, with `starts` None when every talk
in `room_choices` is already known to lie in block `block` (the room stage works one block at a time).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from ..objective import Objective
from ..problem import Problem
from .timing import block_literal, blocks_of, track_session_literal

RoomChoices = dict[int, list[tuple[int, cp_model.IntVar]]]


def cost_table(problem: Problem, rule: str) -> dict[tuple, int]:
    """The listed costs of `rule`, summed per key: (talk index | track, block index | room index) or (track, track)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, block in enumerate(problem.blocks):
        if block.name:
            blocks[block.name].append(index)
    talks = {talk.id: index for index, talk in enumerate(problem.talks)}
    rooms = {room.name: index for index, room in enumerate(problem.data.rooms)}
    table: dict[tuple, int] = defaultdict(int)
    for cost in problem.data.costs:
        if cost.rule != rule:
            continue
        if rule == "track-pair-cost":
            assert cost.tracks is not None
            table[tuple(sorted(cost.tracks))] += cost.cost
            continue
        first = talks[cost.talk] if cost.talk is not None else cost.track if cost.track is not None else None
        if cost.block is not None:
            for block in blocks[cost.block]:
                if first is None:  # room + block
                    table[(rooms[cost.room], block)] += cost.cost
                else:
                    table[(first, block)] += cost.cost
        else:
            table[(first, rooms[cost.room])] += cost.cost
    return dict(table)


def _block_name(problem: Problem, block: int) -> str:
    return problem.blocks[block].name or f"block {block + 1}"


def _track_talks(problem: Problem, talks) -> dict[str, list[int]]:
    by_track: dict[str, list[int]] = defaultdict(list)
    for talk in talks:
        if problem.talks[talk].track:
            by_track[problem.talks[talk].track].append(talk)
    return by_track


def talk_block_costs(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Charges a talk's listed cost for the block it takes place in."""
    if not objective.active("talk-block-cost"):
        return
    for (talk, block), cost in sorted(cost_table(problem, "talk-block-cost").items()):
        if talk in starts and block in blocks_of(problem, talk):
            objective.penalise(
                "talk-block-cost",
                cost * block_literal(model, problem, starts, talk, block),
                f"'{problem.talks[talk].id}' in {_block_name(problem, block)}",
            )


def track_block_costs(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Charges a track's listed cost for each block it has talks in."""
    if not objective.active("track-block-cost"):
        return
    by_track = _track_talks(problem, starts)
    for (track, block), cost in sorted(cost_table(problem, "track-block-cost").items()):
        talks = [talk for talk in by_track.get(track, []) if block in blocks_of(problem, talk)]
        if talks:
            held = track_session_literal(model, problem, starts, track, by_track[track], block)
            objective.penalise("track-block-cost", cost * held, f"track {track} in {_block_name(problem, block)}")


def track_pair_costs(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Charges a pair of tracks' listed cost for each block both have talks in."""
    if not objective.active("track-pair-cost"):
        return
    by_track = _track_talks(problem, starts)
    for (first, second), cost in sorted(cost_table(problem, "track-pair-cost").items()):
        if first == second or not by_track.get(first) or not by_track.get(second):
            continue
        shared = {b for t in by_track[first] for b in blocks_of(problem, t)}
        shared &= {b for t in by_track[second] for b in blocks_of(problem, t)}
        for block in sorted(shared):
            a = track_session_literal(model, problem, starts, first, by_track[first], block)
            b = track_session_literal(model, problem, starts, second, by_track[second], block)
            both = model.new_bool_var("")
            model.add(both >= a + b - 1)
            objective.penalise(
                "track-pair-cost", cost * both, f"tracks {first} + {second} in {_block_name(problem, block)}"
            )


def _placements(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: RoomChoices,
    block: int | None,
) -> list[tuple[int, int, int, cp_model.LinearExprT]]:
    """(talk, block, room, an expression that is 1 when the talk is in that room in that block, else <= 0)."""
    result = []
    for talk, options in sorted(room_choices.items()):
        if starts is None:
            assert block is not None
            result += [(talk, block, room, literal) for room, literal in options]
            continue
        for b in blocks_of(problem, talk):
            in_block = block_literal(model, problem, starts, talk, b)
            result += [(talk, b, room, literal + in_block - 1) for room, literal in options]
    return result


def talk_room_costs(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: RoomChoices,
    objective: Objective,
    block: int | None = None,
) -> None:
    """Charges a talk's listed cost for the room it takes place in."""
    if not objective.active("talk-room-cost"):
        return
    table = cost_table(problem, "talk-room-cost")
    for talk, options in sorted(room_choices.items()):
        for room, literal in options:
            if (talk, room) in table:
                where = f"'{problem.talks[talk].id}' in {problem.data.rooms[room].name}"
                objective.penalise("talk-room-cost", table[(talk, room)] * literal, where)


def track_room_costs(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: RoomChoices,
    objective: Objective,
    block: int | None = None,
) -> None:
    """Charges a track's listed cost for a room, once per block in which the track has talks in that room."""
    if not objective.active("track-room-cost"):
        return
    table = cost_table(problem, "track-room-cost")
    held: dict[tuple[str, int, int], cp_model.IntVar] = {}
    for talk, b, room, present in _placements(model, problem, starts, room_choices, block):
        track = problem.talks[talk].track
        if track and (track, room) in table:
            if (track, b, room) not in held:
                held[(track, b, room)] = model.new_bool_var("")
            model.add(held[(track, b, room)] >= present)
    for (track, b, room), flag in sorted(held.items()):
        where = f"track {track} in {problem.data.rooms[room].name} in {_block_name(problem, b)}"
        objective.penalise("track-room-cost", table[(track, room)] * flag, where)


def room_block_costs(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: RoomChoices,
    objective: Objective,
    block: int | None = None,
) -> None:
    """Charges a room's listed cost for a block in which it holds any talk."""
    if not objective.active("room-block-cost"):
        return
    table = cost_table(problem, "room-block-cost")
    used: dict[tuple[int, int], cp_model.IntVar] = {}
    for _, b, room, present in _placements(model, problem, starts, room_choices, block):
        if (room, b) in table:
            if (room, b) not in used:
                used[(room, b)] = model.new_bool_var("")
            model.add(used[(room, b)] >= present)
    for (room, b), flag in sorted(used.items()):
        where = f"{problem.data.rooms[room].name} in {_block_name(problem, b)}"
        objective.penalise("room-block-cost", table[(room, b)] * flag, where)
