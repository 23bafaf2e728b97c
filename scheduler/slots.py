"""The time-indexed layer of the times-and-rooms model: a literal per (talk, start) and per (talk, start, room).

A start variable and a room literal per talk decide a timetable, but their linear relaxation is almost free: two
talks of a track may overlap "by half", a track may use "a little" of every room, so the whole model's bound stays
far below its optimum. With one literal per start and one per cell (start and room) the relaxation has to put each
talk's one unit of presence somewhere; the rooms and speakers hold at most one unit at every minute, and the rules
that have a slot form (``SoftRule.slot_form``) count from those literals what that presence forces: pairs of a
track that start together, a track's talks against what one room holds in a day. The layer only adds literals
linked to the start variables and room literals, so the model's optimum is unchanged. The search builds it for
programmes up to ``SolveParams.slot_cells`` cells whose every weighted rule it sees (:func:`sees_every_rule`).
Timefold-shaped 36 talks, 2 workers, one-off runs of a prototype (these literals and rule forms, speaker-preference
in its plain form): bound 96 after 60 s (the ladder's at b0d4c54: 68), and the optimum, 156, proven after 138 s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .problem import MINUTES_PER_DAY, Problem
from .rules import RULES
from .rules.base import Weights
from .rules.speakers import no_overlap_groups


@dataclass
class Slots:
    """The layer's literals: `at[talk][start]` is true when the talk starts then, `cells[talk][(start, room)]` when
    it starts then in that room."""

    problem: Problem
    at: dict[int, dict[int, cp_model.IntVar]] = field(default_factory=dict)
    cells: dict[int, dict[tuple[int, int], cp_model.IntVar]] = field(default_factory=dict)

    _covering: dict[tuple[int, int], list[cp_model.IntVar]] = field(default_factory=dict, repr=False)

    def covering(self, talk: int, minute: int) -> list[cp_model.IntVar]:
        """The talk's start literals under which it runs at `minute` (kept: a pair form asks once per pair)."""
        key = (talk, minute)
        if key not in self._covering:
            duration = self.problem.duration(talk)
            self._covering[key] = [
                literal for start, literal in self.at[talk].items() if start <= minute < start + duration
            ]
        return self._covering[key]

    def started_by(self, talk: int, minute: int) -> list[cp_model.IntVar]:
        """The talk's start literals at or before `minute`."""
        return [literal for start, literal in self.at[talk].items() if start <= minute]

    def on_day(self, talk: int, day: int) -> list[cp_model.IntVar]:
        """The talk's start literals on conference day `day`."""
        return [literal for start, literal in self.at[talk].items() if start // MINUTES_PER_DAY == day]

    def days(self, talk: int) -> set[int]:
        return {start // MINUTES_PER_DAY for start in self.at[talk]}


def sees_every_rule(weights: Weights) -> bool:
    """Whether every rule with a weight has a slot form or is a price of one talk in one room: where other rules
    count (sessions, a track's rooms over the conference) the layer sees nothing of them and its literals only slow
    the search (CoSPLib's N2OR, 35 talks, one-off: proven optimal in 6 s without the layer, not with it)."""
    return all(
        rule.slot_form is not None or rule.room_cost is not None
        for name, rule in RULES.items()
        if weights.number(name) > 0
    )


def slot_cells(problem: Problem) -> int:
    """How many cell literals the layer would have (an upper estimate: rooms closed at a start are counted)."""
    return sum(len(starts) * len(rooms) for starts, rooms in zip(problem.starts, problem.rooms, strict=True))


def add_slots(
    model: cp_model.CpModel,
    problem: Problem,
    start_vars: dict[int, cp_model.IntVar],
    allowed: dict[int, list[int]],
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
) -> Slots:
    """Adds the layer, linked to the start variables and room literals, and each room's and speaker's one talk at a
    time over its literals."""
    slots = Slots(problem)
    for talk, start_var in start_vars.items():
        duration = problem.duration(talk)
        slots.at[talk] = {start: model.new_bool_var("") for start in allowed[talk]}
        model.add_exactly_one(slots.at[talk].values())
        model.add(start_var == sum(start * literal for start, literal in slots.at[talk].items()))
        for start, literal in slots.at[talk].items():
            model.add(start_var == start).only_enforce_if(literal)
        rooms = dict(room_choices[talk])
        slots.cells[talk] = {
            (start, room): model.new_bool_var("")
            for start in slots.at[talk]
            for room in rooms
            if problem.room_free(room, start, start + duration)
        }
        for start, literal in slots.at[talk].items():
            model.add(sum(cell for (when, _), cell in slots.cells[talk].items() if when == start) == literal)
        for room, literal in rooms.items():
            model.add(sum(cell for (_, where), cell in slots.cells[talk].items() if where == room) == literal)
    _rooms_hold_one_talk_at_every_minute(model, problem, slots)
    _speakers_give_one_talk_at_every_minute(model, slots)
    return slots


def _rooms_hold_one_talk_at_every_minute(model: cp_model.CpModel, problem: Problem, slots: Slots) -> None:
    """Forbids two cells of one room that cover one minute (each start in the room is such a minute)."""
    by_room: dict[int, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
    for talk, cells in slots.cells.items():
        for (start, room), literal in cells.items():
            by_room[room].append((start, start + problem.duration(talk), literal))
    for _, cells in sorted(by_room.items()):
        for minute in sorted({start for start, _, _ in cells}):
            covering = [literal for start, end, literal in cells if start <= minute < end]
            if len(covering) > 1:
                model.add_at_most_one(covering)


def _speakers_give_one_talk_at_every_minute(model: cp_model.CpModel, slots: Slots) -> None:
    """Forbids two talks of one speaker that cover one minute, except the pairs the data file accepts."""
    problem = slots.problem
    accepted = problem.data.accepted_overlaps()
    for _, talks in sorted(problem.speaker_talks.items()):
        talks = [talk for talk in talks if talk in slots.at]
        for group in no_overlap_groups([problem.talks[talk].id for talk in talks], accepted):
            members = [talks[position] for position in group]
            for minute in sorted({start for talk in members for start in slots.at[talk]}):
                covering = [literal for talk in members for literal in slots.covering(talk, minute)]
                if len(covering) > 1:
                    model.add_at_most_one(covering)
