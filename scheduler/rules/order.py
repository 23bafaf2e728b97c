"""Order and exclusion rules: some talks must follow others, some must never run together."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..problem import Problem
from .base import FinishedTimetable, Offence, SoftRule
from .timing import could_meet, overlap_literal, penalise_overlapping_pairs, penalise_overlapping_pairs_in_slots

if TYPE_CHECKING:
    from ..objective import Objective
    from ..slots import Slots


def talks_in_order(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a talk starting before a talk it is listed 'after' has ended."""
    if not objective.active("order"):
        return
    for earlier, later, _ in order_pairs(problem):
        if later in starts and earlier in starts:
            broken = model.new_bool_var("")
            model.add(starts[earlier] + problem.duration(earlier) <= starts[later]).only_enforce_if(broken.Not())
            objective.penalise("order", broken, f"'{problem.talks[earlier].id}' before '{problem.talks[later].id}'")


def talks_in_block_order(model, problem: Problem, coarse: Problem, starts, cells, objective: Objective) -> None:
    """Penalises (session plan) a talk in an earlier block than a talk it is listed 'after'."""
    if not objective.active("order"):
        return
    for earlier, later, _ in order_pairs(coarse):
        broken = model.new_bool_var("")
        model.add(starts[earlier] <= starts[later]).only_enforce_if(broken.Not())
        objective.penalise("order", broken, f"'{coarse.talks[earlier].id}' before '{coarse.talks[later].id}'")


def exclusive_tags_apart(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks that share an exclusive tag (e.g. two sponsor talks) running at the same time."""
    if not objective.active("exclusive-tags"):
        return
    penalise_overlapping_pairs(model, problem, starts, objective, "exclusive-tags", _exclusive_groups(problem, starts))


def exclusive_tags_apart_in_slots(
    model: cp_model.CpModel, problem: Problem, slots: Slots, objective: Objective
) -> None:
    """Penalises (slot form) two talks that share an exclusive tag running at the same time."""
    if not objective.active("exclusive-tags"):
        return
    penalise_overlapping_pairs_in_slots(model, slots, objective, "exclusive-tags", _exclusive_groups(problem, slots.at))


def _exclusive_groups(problem: Problem, talks) -> dict[str, list[int]]:
    """'tag T' -> the talks (among `talks`) carrying exclusive tag T, in talk order."""
    by_tag: dict[str, list[int]] = defaultdict(list)
    for talk in talks:
        for tag in set(problem.talks[talk].tags) & set(problem.data.exclusive_tags):
            by_tag[tag].append(talk)
    return {f"tag {tag}": talks for tag, talks in by_tag.items()}


def conflicting_talks_apart(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks marked as conflicting (same content, same audience) running at the same time."""
    if not objective.active("content-conflict"):
        return
    for a, b, _ in conflict_pairs(problem):
        if a not in starts or b not in starts:
            continue
        if could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b)):
            clash = overlap_literal(model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)))
            objective.penalise("content-conflict", clash, f"'{problem.talks[a].id}' + '{problem.talks[b].id}'")


def order_pairs(problem: Problem) -> list[tuple[int, int, bool]]:
    """(earlier, later, True) for each talk listed 'after' another: broken when later starts before earlier ends."""
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    return [
        (index[earlier], later, True)
        for later, talk in enumerate(problem.talks)
        for earlier in talk.after
        if earlier in index
    ]


def exclusive_tag_pairs(problem: Problem) -> list[tuple[int, int, bool]]:
    """(a, b, False) for each pair of talks sharing an exclusive tag, once per tag they share."""
    groups = _exclusive_groups(problem, range(len(problem.talks)))
    return [(a, b, False) for members in groups.values() for i, a in enumerate(members) for b in members[i + 1 :]]


def conflict_pairs(problem: Problem) -> list[tuple[int, int, bool]]:
    """(a, b, False), a < b, for each pair of talks marked as conflicting (either way or both), once, in the order
    the talks first name them."""
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    pairs = dict.fromkeys(
        (min(a, index[other]), max(a, index[other]))
        for a, talk in enumerate(problem.talks)
        for other in talk.conflicts
        if other in index
    )
    return [(a, b, False) for a, b in pairs]


def score_order(done: FinishedTimetable) -> list[Offence]:
    """Placed talks that start before a placed talk they are listed 'after' has ended."""
    found = []
    for talk in done.data.talks:
        for earlier in talk.after:
            if talk.id in done.where and earlier in done.where and done.span(talk.id)[0] < done.span(earlier)[1]:
                found.append((f"'{earlier}' before '{talk.id}'", 1))
    return found


def score_exclusive_tags(done: FinishedTimetable) -> list[Offence]:
    """Pairs of placed talks sharing an exclusive tag that overlap."""
    groups: dict[str, list[str]] = defaultdict(list)
    for talk in done.data.talks:
        for tag in sorted(set(talk.tags) & set(done.data.exclusive_tags)):
            groups[tag].append(talk.id)
    return done.close_pairs(groups, "tag")


def score_content_conflict(done: FinishedTimetable) -> list[Offence]:
    """Pairs of placed talks marked as conflicting (either way) that overlap."""
    pairs = {frozenset((talk.id, other)) for talk in done.data.talks for other in talk.conflicts}
    found = []
    for pair in sorted(pairs, key=sorted):
        a, b = sorted(pair)
        if a in done.where and b in done.where and done.close(a, b):
            found.append((f"'{a}' + '{b}'", 1))
    return found


ORDER = SoftRule(
    "order",
    50,
    "one 'after' relation broken: the talk starts before the one it must follow ends",
    "times",
    encode=talks_in_order,
    score=score_order,
    plan=talks_in_block_order,
    talk_pairs=order_pairs,
)
EXCLUSIVE_TAGS = SoftRule(
    "exclusive-tags",
    100,
    "one pair of talks sharing an exclusive tag that overlap in time",
    "times",
    encode=exclusive_tags_apart,
    slot_form=exclusive_tags_apart_in_slots,
    score=score_exclusive_tags,
    plan="same",
    talk_pairs=exclusive_tag_pairs,
)
CONTENT_CONFLICT = SoftRule(
    "content-conflict",
    100,
    "one pair of talks marked as conflicting that overlap in time",
    "times",
    encode=conflicting_talks_apart,
    score=score_content_conflict,
    plan="same",
    talk_pairs=conflict_pairs,
)
