"""Graded costs from the data file's `costs` list: what one placement costs, for preferences that are not yes/no.

Each kind of cost is one soft rule. Costs naming a block apply to every block of that name; a cost listed twice adds
up. Time-stage rules read block literals; room-stage rules read room literals, with `starts` None when every talk
in `room_choices` is already known to lie in block `block` (the room stage works one block at a time).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..problem import Problem
from .base import FinishedTimetable, Offence, SoftRule
from .timing import block_literal, blocks_of, track_session_literal

if TYPE_CHECKING:
    from ..objective import Objective

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


def track_room_costs_per_session(model, problem: Problem, coarse: Problem, starts, cells, objective: Objective) -> None:
    """Charges (session plan) a track's listed cost for a room, per block in which its session holds that room."""
    table = cost_table(problem, "track-room-cost") if objective.active("track-room-cost") else {}
    for (key, block, room), literal in sorted(cells.items()):
        if (key, room) in table:
            where = f"{problem.data.rooms[room].name} in {_block_name(problem, block)}"
            objective.penalise("track-room-cost", table[(key, room)] * literal, f"track {key} in {where}")


def room_block_costs_per_session(model, problem: Problem, coarse: Problem, starts, cells, objective: Objective) -> None:
    """Charges (session plan) a room's listed cost for a block, per session holding it then."""
    table = cost_table(problem, "room-block-cost") if objective.active("room-block-cost") else {}
    for (_, block, room), literal in sorted(cells.items()):
        if (room, block) in table:
            where = f"{problem.data.rooms[room].name} in {_block_name(problem, block)}"
            objective.penalise("room-block-cost", table[(room, block)] * literal, where)


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


def _costs(done: FinishedTimetable, rule: str) -> list:
    return [cost for cost in done.data.costs if cost.rule == rule]


def _track_blocks(done: FinishedTimetable) -> dict[str, set[int]]:
    return {track: blocks for track, blocks in done.sessions.items() if blocks}


def score_talk_block_cost(done: FinishedTimetable) -> list[Offence]:
    """A talk's listed cost when it is placed in a block of the listed name."""
    return [
        (f"'{cost.talk}' in {cost.block}", cost.cost)
        for cost in _costs(done, "talk-block-cost")
        if cost.talk in done.where and done.blocks[done.block[cost.talk]][3] == cost.block
    ]


def score_talk_room_cost(done: FinishedTimetable) -> list[Offence]:
    """A talk's listed cost when it is placed in the listed room."""
    return [
        (f"'{cost.talk}' in {cost.room}", cost.cost)
        for cost in _costs(done, "talk-room-cost")
        if cost.talk in done.where and done.where[cost.talk].room == cost.room
    ]


def score_track_block_cost(done: FinishedTimetable) -> list[Offence]:
    """A track's listed cost for each block of the listed name it has placed talks in."""
    blocks = _track_blocks(done)
    return [
        (f"track {cost.track} in {cost.block}", cost.cost)
        for cost in _costs(done, "track-block-cost")
        for block in sorted(blocks.get(cost.track, ()))
        if done.blocks[block][3] == cost.block
    ]


def score_track_room_cost(done: FinishedTimetable) -> list[Offence]:
    """A track's listed cost for a room, once per block in which the track has placed talks in that room."""
    cells: dict[tuple[str, str], set[int]] = defaultdict(set)
    for talk_id, a in done.where.items():
        if done.talks[talk_id].track:
            cells[(done.talks[talk_id].track, a.room)].add(done.block[talk_id])
    return [
        (f"track {cost.track} in {cost.room} in {done.block_title(block)}", cost.cost)
        for cost in _costs(done, "track-room-cost")
        for block in sorted(cells.get((cost.track, cost.room), ()))
    ]


def score_room_block_cost(done: FinishedTimetable) -> list[Offence]:
    """A room's listed cost for each block of the listed name in which it holds a placed talk."""
    used: dict[str, set[int]] = defaultdict(set)
    for talk_id, a in done.where.items():
        used[a.room].add(done.block[talk_id])
    return [
        (f"{cost.room} in {cost.block}", cost.cost)
        for cost in _costs(done, "room-block-cost")
        for block in sorted(used.get(cost.room, ()))
        if done.blocks[block][3] == cost.block
    ]


def score_track_pair_cost(done: FinishedTimetable) -> list[Offence]:
    """A pair of tracks' listed cost for each block both have placed talks in."""
    blocks = _track_blocks(done)
    found = []
    for cost in _costs(done, "track-pair-cost"):
        first, second = sorted(cost.tracks or [])
        if first != second:
            shared = blocks.get(first, set()) & blocks.get(second, set())
            found += [(f"tracks {first} + {second} in {done.block_title(b)}", cost.cost) for b in sorted(shared)]
    return found


TALK_BLOCK_COST = SoftRule(
    "talk-block-cost",
    1,
    "one unit of a listed cost for a talk in a block",
    "times",
    encode=talk_block_costs,
    score=score_talk_block_cost,
    plan="same",
    cost_fields=("talk", "block"),
)
TRACK_BLOCK_COST = SoftRule(
    "track-block-cost",
    1,
    "one unit of a listed cost for a block a track has talks in",
    "times",
    encode=track_block_costs,
    score=score_track_block_cost,
    plan="same",
    cost_fields=("track", "block"),
)
TRACK_PAIR_COST = SoftRule(
    "track-pair-cost",
    1,
    "one unit of a listed cost for a block both tracks of a pair have talks in",
    "times",
    encode=track_pair_costs,
    score=score_track_pair_cost,
    plan="same",
    cost_fields=("tracks",),
)
TALK_ROOM_COST = SoftRule(
    "talk-room-cost",
    1,
    "one unit of a listed cost for a talk in a room",
    "rooms",
    encode=talk_room_costs,
    score=score_talk_room_cost,
    cost_fields=("talk", "room"),
)
TRACK_ROOM_COST = SoftRule(
    "track-room-cost",
    1,
    "one unit of a listed cost for a block in which a track has talks in a room",
    "rooms",
    encode=track_room_costs,
    score=score_track_room_cost,
    plan=track_room_costs_per_session,
    cost_fields=("track", "room"),
)
ROOM_BLOCK_COST = SoftRule(
    "room-block-cost",
    1,
    "one unit of a listed cost for a room holding talks in a block",
    "rooms",
    encode=room_block_costs,
    score=score_room_block_cost,
    plan=room_block_costs_per_session,
    cost_fields=("block", "room"),
)
