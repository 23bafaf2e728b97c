"""What a soft rule is: one object holding its name, default weight, unit, encoding and independent score.

A rule is decided by the start times (``times``: which talks overlap, which day or block a talk is in) or by the
rooms (``rooms``: which room a talk is in, alone or with its block). Its ``encode`` adds CP-SAT terms to an
:class:`~scheduler.objective.Objective`; its ``score`` counts the same violations on a finished timetable from the
data file alone, without any model code, so the two check each other (tests/test_rule_registry.py). Where a rule
has them, ``relaxation`` names the group of talks the lower bound (:mod:`scheduler.search.bound`) solves it in,
``room_cost`` is its price of one talk in one room (the bound adds each talk's cheapest room), ``plan`` is its form
in the session plan (:mod:`scheduler.search.sessionplan`), ``times_form`` what the time stage adds when the rule is
hard, ``block_form`` its form in the room stage, which fills one block after another
(:mod:`scheduler.search.room_stage`), ``slot_form`` its exact form over the literals per start and per cell of
the time-indexed layer (:mod:`scheduler.slots`), and ``cost_fields`` the fields of the `costs` entries it charges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..data import ConferenceData
    from ..schedule import Assignment

Weight = float | str  # a number of penalty units per violation, or "hard"
Offence = tuple[str, int]  # (what it is about, how many violations)

#: the rule runs unchanged on the session plan, where every talk starts at its block's start
SAME_ON_PLAN = "same"
#: a session-plan cell key starting with this holds one talk without a track (its id follows)
SOLO_SESSION = "\0"
# A session-plan form is called as form(model, problem, coarse, starts, cells, objective): `coarse` is the problem
# with each talk starting at a block's start, `starts` its talks' start variables, `cells` one literal per
# (session key, block, room) that is true when the session holds that room in that block.


@dataclass(frozen=True)
class SoftRule:
    """One soft rule: what it penalises and every form it takes in the model, the bound, the plan and the scorer."""

    name: str
    weight: float
    unit: str
    decided_by: Literal["times", "rooms"]
    encode: Callable[..., None]
    score: Callable[[FinishedTimetable], list[Offence]]
    relaxation: Literal["tracks", "speakers"] | None = None
    room_cost: Callable[..., int] | None = None
    # its form where it prices one talk at one start minute alone: (problem, talk, start) -> violations
    start_cost: Callable[..., int] | None = None
    # its form where it is about pairs of talks alone: problem -> [(a, b, ordered)], one per violation it can count;
    # ordered: broken when b starts before a ends; else broken when the two overlap
    talk_pairs: Callable[..., list[tuple[int, int, bool]]] | None = None
    plan: Callable[..., None] | str | None = None
    times_form: Callable[..., None] | None = None  # what the time stage adds when the rule is hard
    block_form: Callable[..., None] | None = None  # its form when the room stage fills one block after another
    slot_form: Callable[..., None] | None = None  # its form over the time-indexed layer (scheduler.slots)
    cost_fields: tuple[str, ...] = ()  # a `costs` entry naming exactly these fields is charged by this rule
    note: str = ""  # more for the docs table: why a default, what making it hard changes


class Weights(Mapping[str, Weight]):
    """The data file's weights over the registered rules' defaults; 0 turns a rule off, "hard" forbids it."""

    def __init__(self, overrides: Mapping[str, Weight] | None = None):
        self._overrides = dict(overrides or {})

    @staticmethod
    def of(weights: Mapping[str, Weight] | None) -> Weights:
        """`weights` as a Weights object (a raw mapping is taken as the data file's overrides)."""
        return weights if isinstance(weights, Weights) else Weights(weights)

    def __getitem__(self, name: str) -> Weight:
        if name in self._overrides:
            return self._overrides[name]
        return _registry()[name].weight

    def __iter__(self) -> Iterator[str]:
        return iter(_registry())

    def __len__(self) -> int:
        return len(_registry())

    def __repr__(self) -> str:
        return f"Weights({self._overrides!r})"

    def is_hard(self, name: str) -> bool:
        return self[name] == "hard"

    def active(self, name: str) -> bool:
        """Whether the rule adds anything: a positive weight or "hard"."""
        return self[name] != 0

    def number(self, name: str) -> float:
        """The weight as penalty units per violation (a hard rule costs nothing: it is never broken)."""
        weight = self[name]
        return 0.0 if weight == "hard" else float(weight)

    def hard_only(self) -> Weights:
        """Every hard rule kept hard, every other rule off: the rules a feasible timetable must honour."""
        return Weights({name: "hard" if self.is_hard(name) else 0 for name in self})

    def only(self, names: set[str] | tuple[str, ...]) -> Weights:
        """These rules at their weights, every other rule off."""
        return Weights({name: self[name] if name in names else 0 for name in self})


def _registry() -> dict[str, SoftRule]:
    from . import RULES  # the registry imports every rule module, each of which imports this one

    return RULES


class FinishedTimetable:
    """A finished timetable as the scorers read it: the data file and each placed talk's day, minutes and room.

    Everything here is computed from the data file and the assignments only, never from the model's compiled
    problem, so a scorer is an independent second implementation of its rule.
    """

    def __init__(self, data: ConferenceData, assignments: list[Assignment]):
        self.data = data
        self.talks = {talk.id: talk for talk in data.talks}
        self.where: dict[str, Assignment] = {a.talk: a for a in assignments if a.talk in self.talks}
        self._day_index = {day.date: i for i, day in enumerate(data.conference.days)}

    def placed(self, talk_ids) -> list[str]:
        return [talk_id for talk_id in talk_ids if talk_id in self.where]

    def span(self, talk_id: str) -> tuple[int, int]:
        """The talk's [start, end) in minutes from the first day's midnight."""
        a = self.where[talk_id]
        base = self._day_index[a.day] * 24 * 60
        return base + a.start, base + a.end

    def close(self, a: str, b: str, gap: int = 0) -> bool:
        """Whether two placed talks come closer than `gap` minutes (0: overlap)."""
        (start_a, end_a), (start_b, end_b) = self.span(a), self.span(b)
        return start_a < end_b + gap and start_b < end_a + gap

    def close_pairs(
        self, groups: dict[str, list[str]], label: str, gap: int = 0, names: Mapping[str, str] | None = None
    ) -> list[Offence]:
        """One offence per pair of placed talks of one group that come closer than `gap` minutes (each group called
        by its name in `names`, if it has one there)."""
        found = []
        for name, members in sorted(groups.items()):
            members = self.placed(members)
            called = (names or {}).get(name, name)
            for i, a in enumerate(members):
                found += [(f"{label} {called}", 1) for b in members[i + 1 :] if self.close(a, b, gap)]
        return found

    @cached_property
    def person(self) -> dict[str, str]:
        """Each speaker as the reports name them: by name where they have one, with the id too where two speakers
        share a name (so that their offences are not added up as one person's)."""
        names = {speaker.id: speaker.display_name for speaker in self.data.speakers}
        shared = {name for name in names.values() if list(names.values()).count(name) > 1}
        return {key: f"{name} ({key})" if name in shared else name for key, name in names.items()}

    def who(self, speaker_id: str) -> str:
        """A speaker (or chair) as the reports name them (the id of someone the data file does not define)."""
        return self.person.get(speaker_id, speaker_id)

    @cached_property
    def by_track(self) -> dict[str, list[str]]:
        """Every talk of each track (placed or not), in data-file order."""
        groups: dict[str, list[str]] = defaultdict(list)
        for talk in self.data.talks:
            if talk.track:
                groups[talk.track].append(talk.id)
        return dict(groups)

    @cached_property
    def by_speaker(self) -> dict[str, list[str]]:
        """Every talk of each speaker (placed or not), in data-file order."""
        groups: dict[str, list[str]] = defaultdict(list)
        for talk in self.data.talks:
            for speaker in talk.speakers:
                groups[speaker].append(talk.id)
        return dict(groups)

    @cached_property
    def blocks(self) -> list[tuple[Any, int, int, str | None]]:
        """Every block as (date, start, end, name or None), days in file order and each day's blocks by start."""
        return [
            (day.date, block.start, block.end, block.name)
            for day in self.data.conference.days
            for block in sorted(day.blocks, key=lambda block: block.start)
        ]

    @cached_property
    def block(self) -> dict[str, int]:
        """The index (in :attr:`blocks`) of the block each placed talk starts in."""
        per_day: dict[Any, list[tuple[int, int, int]]] = defaultdict(list)
        for index, (date, start, end, _) in enumerate(self.blocks):
            per_day[date].append((start, end, index))
        return {
            talk_id: next(index for start, end, index in per_day[a.day] if start <= a.start < end)
            for talk_id, a in self.where.items()
        }

    def block_title(self, index: int) -> str:
        """The block's name, or '<date> block <n>' (n counted within its day) for a block without one."""
        date, _, _, name = self.blocks[index]
        return name or f"{date} block {sum(b[0] == date for b in self.blocks[:index]) + 1}"

    @cached_property
    def sessions(self) -> dict[str, set[int]]:
        """The blocks each track has placed talks in."""
        return {track: {self.block[t] for t in self.placed(members)} for track, members in self.by_track.items()}

    def block_labels(self, talk_id: str) -> set[str]:
        """The name and type of the block a placed talk is in, as a speaker's preferences name blocks."""
        a = self.where[talk_id]
        day = next(day for day in self.data.conference.days if day.date == a.day)
        block = next((b for b in day.blocks if b.start <= a.start < b.end), None)
        return {label for label in (block.name, block.type) if label} if block else set()
