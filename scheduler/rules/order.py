"""Order and exclusion rules: some talks must follow others, some must never run together."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from ..objective import Objective
from ..problem import Problem
from .timing import could_meet, overlap_literal, penalise_overlapping_pairs


def talks_in_order(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a talk starting before a talk it is listed 'after' has ended."""
    if not objective.active("order"):
        return
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    for later, talk in enumerate(problem.talks):
        for earlier_id in talk.after:
            earlier = index[earlier_id]
            if later in starts and earlier in starts:
                broken = model.new_bool_var("")
                model.add(starts[earlier] + problem.duration(earlier) <= starts[later]).only_enforce_if(broken.Not())
                objective.penalise("order", broken, f"'{earlier_id}' before '{talk.id}'")


def exclusive_tags_apart(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks that share an exclusive tag (e.g. two sponsor talks) running at the same time."""
    if not objective.active("exclusive-tags"):
        return
    by_tag: dict[str, list[int]] = defaultdict(list)
    for talk in starts:
        for tag in set(problem.talks[talk].tags) & set(problem.data.exclusive_tags):
            by_tag[tag].append(talk)
    penalise_overlapping_pairs(
        model, problem, starts, objective, "exclusive-tags", {f"tag {tag}": talks for tag, talks in by_tag.items()}
    )


def conflicting_talks_apart(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks marked as conflicting (same content, same audience) running at the same time."""
    if not objective.active("content-conflict"):
        return
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    seen: set[tuple[int, int]] = set()
    for a, talk in enumerate(problem.talks):
        for other in talk.conflicts:
            b = index[other]
            pair = (min(a, b), max(a, b))
            if pair in seen or a not in starts or b not in starts:
                continue
            seen.add(pair)
            if could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b)):
                clash = overlap_literal(model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)))
                objective.penalise(
                    "content-conflict", clash, f"'{problem.talks[pair[0]].id}' + '{problem.talks[pair[1]].id}'"
                )
