"""What moving a published talk costs: the move classes, their configurable costs and the per-talk factor.

A move is classed by the largest thing that changed: another day, another block the same day, another start in the
same block; another room adds its own cost on top (alone it is the smallest move). The cost of moving a talk is

    (time cost of its class + room cost if the room changed) x factor
    factor = 1 + per_extra_speaker x (speakers - 1) + per_100_attendees x attendance / 100

so a panel of four or a tutorial for 1,500 people costs more to move than a talk for 30. The model works in tenths
(integer coefficients), like the quality objective.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from ..data import ConferenceData, Strict, Talk, out_of_range
from ..schedule import Assignment

# move classes, from the largest to the smallest; "end" is a talk that stays put but ends at another time
DAY, BLOCK, START, ROOM, END, NONE = "day", "block", "start", "room", "end", "none"
CLASS_WORDS = {
    DAY: "another day",
    BLOCK: "another block",
    START: "another start",
    ROOM: "another room",
    END: "new end time",
    NONE: "unchanged",
}


class DisruptionCosts(Strict):
    """Costs of the move classes (another day >= another block >= another start >= another room) and the factor."""

    day: float = Field(default=20, ge=0)
    block: float = Field(default=10, ge=0)
    start: float = Field(default=4, ge=0)
    room: float = Field(default=1, ge=0)
    per_extra_speaker: float = Field(default=0.5, ge=0)
    per_100_attendees: float = Field(default=0.1, ge=0)

    @field_validator("*")
    @classmethod
    def _in_range(cls, value: float) -> float:
        # as in a data file: text such as '1e308' (YAML 1.1 reads it as text) becomes a number only here, and such a
        # cost would overflow the model's integer coefficients
        if out_of_range(value):
            raise ValueError(out_of_range(value))
        return value

    @model_validator(mode="after")
    def _ordered(self) -> DisruptionCosts:
        if not self.day >= self.block >= self.start:
            raise ValueError("costs must satisfy day >= block >= start (a bigger move never costs less)")
        return self


def talk_factor(talk: Talk, costs: DisruptionCosts) -> float:
    """How much more than a one-speaker talk with no audience this talk costs to move."""
    return (
        1 + costs.per_extra_speaker * max(0, len(talk.speakers) - 1) + costs.per_100_attendees * talk.attendance / 100
    )


def tenths(talk: Talk, costs: DisruptionCosts) -> dict[str, int]:
    """The integer model coefficients (tenths) of each move class for this talk."""
    factor = talk_factor(talk, costs)
    return {name: round(10 * getattr(costs, name) * factor) for name in (DAY, BLOCK, START, ROOM)}


def block_of(data: ConferenceData, placed: Assignment) -> tuple[object, int] | None:
    """(day, block start) of the block that holds the assignment's start, or None if no block does."""
    day = next((day for day in data.conference.days if day.date == placed.day), None)
    if day is None:
        return None
    block = next((block for block in day.blocks if block.start <= placed.start < block.end), None)
    return None if block is None else (placed.day, block.start)


def move_class(data: ConferenceData, old: Assignment, new: Assignment) -> str:
    """The largest change between two placements of a talk: day, block, start, room, end or none."""
    if old.day != new.day:
        return DAY
    if block_of(data, old) != block_of(data, new):
        return BLOCK
    if old.start != new.start:
        return START
    if old.room != new.room:
        return ROOM
    return END if old.end != new.end else NONE


def move_cost(data: ConferenceData, talk: Talk, old: Assignment, new: Assignment, costs: DisruptionCosts) -> int:
    """The cost, in tenths, of moving `talk` from `old` to `new` (what the model minimises)."""
    coefficient = tenths(talk, costs)
    moved = move_class(data, old, new)
    time_cost = coefficient[moved] if moved in (DAY, BLOCK, START) else 0
    return time_cost + (coefficient[ROOM] if old.room != new.room else 0)


def describe_move(data: ConferenceData, old: Assignment, new: Assignment) -> str:
    """The move in words: 'another block', 'another start and room', 'another room'."""
    moved = move_class(data, old, new)
    if moved in (DAY, BLOCK, START) and old.room != new.room:
        return f"{CLASS_WORDS[moved]} and room"
    return CLASS_WORDS[moved]
