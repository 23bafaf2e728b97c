"""Audience rules: attendees should be able to see what they want to see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..data import seats_known
from ..problem import Problem
from .base import FinishedTimetable, Offence, SoftRule
from .timing import apart_in_block, apart_on_plan, could_meet, overlap_literal

if TYPE_CHECKING:
    from ..objective import Objective
    from ..slots import Slots


def attendees_can_see_both(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises, per interested attendee, two wanted talks running at the same time."""
    if not objective.active("attendee-conflict"):
        return
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    for interest in problem.data.interest:
        a, b = (index[talk_id] for talk_id in interest.talks)
        if (
            a in starts
            and b in starts
            and could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b))
        ):
            clash = overlap_literal(model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)))
            objective.penalise(
                "attendee-conflict", interest.count * clash, f"'{interest.talks[0]}' + '{interest.talks[1]}'"
            )


def attendees_stay_in_one_room(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int | None = None,
) -> None:
    """Penalises, per interested attendee, two wanted talks in one block but different rooms (whatever the minutes:
    the attendee has to leave one session for the other). Like `speaker-room-change`, seen by the session plan, the
    room stage and every model with rooms, not by the time stage."""
    if not objective.active("attendee-room-change"):
        return
    for a, b, count, about in _interest_pairs(problem, room_choices):
        if starts is not None and (a not in starts or b not in starts):
            continue
        for _, apart in apart_in_block(model, problem, starts, room_choices, a, b, block):
            objective.penalise("attendee-room-change", count * apart, about)


def attendees_stay_in_one_session(model, problem: Problem, coarse: Problem, starts, cells, objective) -> None:
    """Penalises (session plan), per interested attendee, two wanted talks in one block in sessions of different
    tracks."""
    if not objective.active("attendee-room-change"):
        return
    for a, b, count, about in _interest_pairs(problem, starts):
        for _, both in apart_on_plan(model, problem, coarse, starts, a, b):
            objective.penalise("attendee-room-change", count * both, about)


def _interest_pairs(problem: Problem, talks) -> list[tuple[int, int, int, str]]:
    """(a, b, attendees, label) for each interest entry whose two talks are among `talks`."""
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    pairs = []
    for interest in problem.data.interest:
        a, b = (index[talk_id] for talk_id in interest.talks)
        if a in talks and b in talks:
            pairs.append((a, b, interest.count, f"'{interest.talks[0]}' + '{interest.talks[1]}'"))
    return pairs


def room_fits_audience(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int | None = None,
) -> None:
    """Penalises every 100 empty seats beyond twice a talk's expected audience (a 3,000-seat hall for 30 people)."""
    if not objective.active("room-size"):
        return
    for talk, options in room_choices.items():
        for room, literal in options:
            cost = room_size_cost(problem, talk, room)
            if cost:
                objective.penalise(
                    "room-size", cost * literal, f"'{problem.talks[talk].id}' in {problem.data.rooms[room].name}"
                )


def room_size_cost(problem: Problem, talk: int, room: int) -> int:
    """Hundreds of empty seats beyond twice the talk's expected audience (none in a room of unknown size)."""
    capacity = problem.data.rooms[room].capacity
    if not seats_known(capacity):
        return 0
    return max(0, capacity - 2 * problem.talks[talk].attendance) // 100


LEVELS = {"intro": 0, "intermediate": 1, "advanced": 2}


def introductory_before_advanced(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises, within a topic, a more advanced talk starting before a more basic one has ended."""
    if not objective.active("level-order"):
        return
    for basic, advanced, topic in level_pairs(problem, starts):
        early = model.new_bool_var("")
        model.add(starts[basic] + problem.duration(basic) <= starts[advanced]).only_enforce_if(early.Not())
        objective.penalise("level-order", early, f"topic {topic}")


def introductory_before_advanced_in_slots(
    model: cp_model.CpModel, problem: Problem, slots: Slots, objective: Objective
) -> None:
    """Penalises (slot form), within a topic, a more advanced talk starting before a more basic one has ended: it is
    broken if the advanced talk has started by some minute at which the basic one cannot have ended."""
    if not objective.active("level-order"):
        return
    for basic, advanced, topic in level_pairs(problem, slots.at):
        early = model.new_bool_var("")
        for minute in slots.at[advanced]:
            ended = slots.started_by(basic, minute - problem.duration(basic))
            model.add(early >= sum(slots.started_by(advanced, minute)) - sum(ended))
        objective.penalise("level-order", early, f"topic {topic}")


def levels_in_block_order(model, problem: Problem, coarse: Problem, starts, cells, objective: Objective) -> None:
    """Penalises (session plan), within a topic, a more advanced talk in an earlier block than a more basic one."""
    if not objective.active("level-order"):
        return
    for basic, advanced, topic in level_pairs(coarse, starts):
        broken = model.new_bool_var("")
        model.add(starts[basic] <= starts[advanced]).only_enforce_if(broken.Not())
        objective.penalise("level-order", broken, f"topic {topic}")


def level_pairs(problem: Problem, talks) -> list[tuple[int, int, str]]:
    """(more basic talk, more advanced talk, topic) for every such pair among `talks` sharing a topic."""
    by_topic: dict[str, list[int]] = {}
    for talk in talks:
        details = problem.talks[talk]
        if details.topic and details.level:
            by_topic.setdefault(details.topic, []).append(talk)
    return [
        (basic, advanced, topic)
        for topic, members in sorted(by_topic.items())
        for basic in members
        for advanced in members
        if LEVELS[problem.talks[basic].level] < LEVELS[problem.talks[advanced].level]
    ]


def level_order_pairs(problem: Problem) -> list[tuple[int, int, bool]]:
    """(more basic talk, more advanced talk, True) for each such pair sharing a topic."""
    return [(basic, advanced, True) for basic, advanced, _ in level_pairs(problem, range(len(problem.talks)))]


def score_attendee_conflict(done: FinishedTimetable) -> list[Offence]:
    """Per pair of talks attendees want to see both of, the interested attendees when the two overlap."""
    found = []
    for interest in done.data.interest:
        a, b = interest.talks
        if a in done.where and b in done.where and done.close(a, b):
            found.append((f"'{a}' + '{b}'", interest.count))
    return found


def score_attendee_room_change(done: FinishedTimetable) -> list[Offence]:
    """Per pair of talks attendees want to see both of, the interested attendees when the two are in one block but
    in different rooms."""
    found = []
    for interest in done.data.interest:
        a, b = interest.talks
        if (
            a in done.where
            and b in done.where
            and done.block[a] == done.block[b]
            and done.where[a].room != done.where[b].room
        ):
            found.append((f"'{a}' + '{b}'", interest.count))
    return found


def score_room_size(done: FinishedTimetable) -> list[Offence]:
    """Per placed talk, whole hundreds of empty seats beyond twice its expected audience."""
    capacity = {room.name: room.capacity for room in done.data.rooms if seats_known(room.capacity)}
    found = []
    for talk_id, a in done.where.items():
        empty = capacity.get(a.room, 0) - 2 * done.talks[talk_id].attendance
        if empty >= 100:
            found.append((f"'{talk_id}' in {a.room}", empty // 100))
    return found


def score_level_order(done: FinishedTimetable) -> list[Offence]:
    """Within a topic, pairs where the more advanced placed talk starts before the more basic one ends."""
    rank = {"intro": 0, "intermediate": 1, "advanced": 2}
    # each topic's placed, levelled talks in data-file order: pairs within a topic only (Timefold-shaped 2,000
    # talks: 4 million pairs of the whole programme against about 200,000 within its 20 topics)
    by_topic: dict[str, list] = {}
    for talk in done.data.talks:
        if talk.topic and talk.level and talk.id in done.where:
            by_topic.setdefault(talk.topic, []).append(talk)
    found = []
    for basic in done.data.talks:
        if not (basic.topic and basic.level and basic.id in done.where):
            continue
        basic_end = done.span(basic.id)[1]
        for advanced in by_topic[basic.topic]:
            if rank[basic.level] < rank[advanced.level] and done.span(advanced.id)[0] < basic_end:
                found.append((f"topic {basic.topic}", 1))
    return found


ATTENDEE_CONFLICT = SoftRule(
    "attendee-conflict",
    1,
    "one attendee who wants two talks that overlap (interest counts)",
    "times",
    encode=attendees_can_see_both,
    score=score_attendee_conflict,
    plan="same",
)
ATTENDEE_ROOM_CHANGE = SoftRule(
    "attendee-room-change",
    0,
    "one attendee who wants two talks in one block that are in different rooms (interest counts)",
    "rooms",
    note="session hopping, whatever the minutes; off by default (`attendee-conflict` counts wanted talks that overlap)",
    encode=attendees_stay_in_one_room,
    score=score_attendee_room_change,
    plan=attendees_stay_in_one_session,
)
LEVEL_ORDER = SoftRule(
    "level-order",
    20,
    "one pair in a topic where a more advanced talk starts before a more basic one ends",
    "times",
    encode=introductory_before_advanced,
    slot_form=introductory_before_advanced_in_slots,
    score=score_level_order,
    plan=levels_in_block_order,
    talk_pairs=level_order_pairs,
)
ROOM_SIZE = SoftRule(
    "room-size",
    1,
    "100 empty seats beyond twice the expected audience",
    "rooms",
    encode=room_fits_audience,
    score=score_room_size,
    room_cost=room_size_cost,
)
