"""Why no schedule exists, in the chair's words.

Two passes. Quick counting checks (scheduler.checks.counting: a talk with no possible place; more talks, or more
talk-minutes, than a set of rooms can hold; a speaker with more talks or minutes than available time; two pins on one
room and time) say the obvious things fast, and each is a proof. Then a diagnostic CP-SAT model in which every
restriction a chair wrote (a pin, an unavailability window, a speaker's talks, a talk's room needs, a kind's rules,
the talk itself) is a named group switched on by an assumption literal; CP-SAT returns a set of assumptions that
cannot hold together, which is shrunk by deletion to a small conflict and printed with what relaxing each member
would take.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..data import ConferenceData, Talk, format_clock
from ..errors import NoScheduleError
from ..problem import MINUTES_PER_DAY, compile_problem
from ..rules.speakers import no_overlap_groups
from ..search.cpsat import run_cpsat
from ..search.solve import solve
from .counting import quick_checks, windows

CORE_SECONDS = 20.0
SHRINK_SECONDS = 5.0
# once a count has proven that no schedule exists, the conflicting restrictions are a bonus: at most this long
AFTER_COUNT_SECONDS = 5.0


@dataclass(frozen=True)
class Culprit:
    """One named restriction from the data file that takes part in a conflict."""

    kind: str  # talk | pin | speaker-conflict | speaker-window | room-window | talk-rooms | talk-blocks | kind-rules
    subject: str  # talk id, speaker id, room name or kind name
    index: int | None  # which unavailability window
    text: str
    relax: str

    def __str__(self) -> str:
        return f"{self.text} (to relax: {self.relax})"


@dataclass
class Explanation:
    feasible: bool | None  # None: undecided within the time limit
    findings: list[str] = field(default_factory=list)
    culprits: list[Culprit] = field(default_factory=list)
    minimal: bool = False

    def render(self) -> str:
        if self.feasible:
            return "a schedule exists: every hard rule can be satisfied (try a longer --time-limit if solve gave up)"
        return "\n".join([*self.verdict_lines(), *self.conflict_lines()])

    def verdict_lines(self) -> list[str]:
        """Whether a schedule exists, and the quick checks' findings."""
        if self.feasible is None:
            lines = ["could not decide within the time limit whether a schedule exists."]
        else:
            lines = ["no schedule exists."]
        if self.findings:
            lines.append("Quick checks found:")
            lines.extend(f"  - {finding}" for finding in self.findings)
        return lines

    def conflict_lines(self) -> list[str]:
        """The conflicting restrictions, numbered, with what relaxing each takes (none if none were found)."""
        if not self.culprits:
            return []
        note = "" if self.minimal else " (the solver could not shrink this set further in time)"
        return [
            f"These {len(self.culprits)} restrictions cannot all hold{note}; relaxing any one of them helps:",
            *(f"  {number}. {culprit}" for number, culprit in enumerate(self.culprits, 1)),
        ]


def explain(
    data: ConferenceData,
    time_limit: float = CORE_SECONDS,
    proven: Callable[[Explanation], None] | None = None,
) -> Explanation:
    """Find out whether the data has a schedule and, if not, why not.

    A quick check's finding is a proof (scheduler.checks.counting): the answer is then 'no schedule' at once (handed
    to `proven`, if given, before the diagnosis starts), and the diagnosis that names conflicting restrictions gets at
    most AFTER_COUNT_SECONDS for its searches.
    """
    problem = compile_problem(data)
    findings = quick_checks(data, problem)
    if findings:
        time_limit = min(time_limit, AFTER_COUNT_SECONDS)
        if proven is not None:
            proven(Explanation(False, findings))
    deadline = time.perf_counter() + time_limit
    if not findings:
        # the ordinary solver decides feasibility far faster than the diagnostic model
        try:
            solve(data, time_limit=time_limit, optimise=False)
            return Explanation(feasible=True)
        except NoScheduleError as error:
            if not error.proven:
                return Explanation(feasible=None)
    diagnosis = _Diagnosis(data)
    status = diagnosis.solve(diagnosis.all_groups(), time_limit)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Explanation(feasible=True)
    if status != cp_model.INFEASIBLE:
        return Explanation(feasible=None if not findings else False, findings=findings)
    core, minimal = diagnosis.shrink(diagnosis.core(), deadline if findings else None)
    return Explanation(False, findings, [diagnosis.culprits[literal] for literal in core], minimal)


# ---------------------------------------------------------------------------------------------------------------
# diagnostic model


class _Diagnosis:
    """A model of the data with every chair-written restriction behind its own assumption literal."""

    def __init__(self, data: ConferenceData):
        self.data = data
        self.model = cp_model.CpModel()
        self.culprits: dict[int, Culprit] = {}
        self._literals: dict[tuple, cp_model.IntVar] = {}
        self._by_index: dict[int, cp_model.IntVar] = {}
        relaxed = _without_restrictions(data)
        self.problem = compile_problem(relaxed)
        self._build()

    def group(self, key: tuple, make: Callable[[], Culprit]) -> cp_model.IntVar:
        if key not in self._literals:
            literal = self.model.new_bool_var(":".join(map(str, key)))
            self._literals[key] = literal
            self._by_index[literal.index] = literal
            self.culprits[literal.index] = make()
        return self._literals[key]

    def _build(self) -> None:
        data, problem, model = self.data, self.problem, self.model
        speakers = {speaker.id: speaker for speaker in data.speakers}
        by_room: dict[int, list[cp_model.IntervalVar]] = {room: [] for room in range(len(data.rooms))}
        by_speaker: dict[str, list[tuple[str, cp_model.IntervalVar]]] = {}
        for index, talk in enumerate(data.talks):
            starts = problem.starts[index]
            placed = self.group(("talk", talk.id), lambda talk=talk: _talk_culprit(talk))
            start = model.new_int_var_from_domain(cp_model.Domain.from_values(starts), "")
            room_literals = []
            for room in range(len(data.rooms)):
                literal = model.new_bool_var("")
                room_literals.append(literal)
                by_room[room].append(model.new_optional_fixed_size_interval_var(start, talk.duration, literal, ""))
                for key, make in self._room_restrictions(talk, room):
                    model.add_implication(literal, self.group(key, make).Not())
            model.add(sum(room_literals) == placed)
            for key, make, allowed in self._start_restrictions(talk, starts, speakers):
                literal = self.group(key, make)
                if allowed:
                    model.add_linear_expression_in_domain(start, cp_model.Domain.from_values(allowed)).only_enforce_if(
                        [literal, placed]
                    )
                else:
                    model.add_bool_or([literal.Not(), placed.Not()])
            for speaker_id in talk.speakers:
                conflict = self.group(
                    ("speaker-conflict", speaker_id),
                    lambda speaker_id=speaker_id: _speaker_culprit(data, speakers[speaker_id]),
                )
                both = model.new_bool_var("")
                model.add_bool_and([conflict, placed]).only_enforce_if(both)
                model.add_bool_or([conflict.Not(), placed.Not(), both])
                copy = model.new_optional_fixed_size_interval_var(start, talk.duration, both, "")
                by_speaker.setdefault(speaker_id, []).append((talk.id, copy))
        for room, intervals in by_room.items():
            for window_index, (begin, end) in self._room_windows(room):
                closed = self.group(
                    ("room-window", data.rooms[room].name, window_index),
                    lambda room=room, window_index=window_index: _room_window_culprit(data, room, window_index),
                )
                intervals.append(model.new_optional_fixed_size_interval_var(begin, end - begin, closed, ""))
            model.add_no_overlap(intervals)
        accepted = data.accepted_overlaps()
        for given in by_speaker.values():
            for group in no_overlap_groups([talk_id for talk_id, _ in given], accepted):
                model.add_no_overlap([given[position][1] for position in group])

    def _room_windows(self, room: int) -> list[tuple[int, tuple[int, int]]]:
        closures = self.data.rooms[room].unavailable
        return [(i, span) for i, window in enumerate(closures) for span in windows(self.data, [window])]

    def _room_restrictions(self, talk: Talk, room: int) -> list[tuple[tuple, Callable[[], Culprit]]]:
        """The groups that forbid `talk` in `room` (all must be relaxed to allow it)."""
        data = self.data
        details = data.rooms[room]
        rule = data.kind_rule(talk.kind)
        restrictions = []
        own_rooms = talk.rooms is not None and details.name not in talk.rooms
        pinned_elsewhere = talk.pin is not None and talk.pin.room not in (None, details.name)
        if details.capacity < talk.attendance or not set(talk.requires) <= set(details.tags) or own_rooms:
            restrictions.append((("talk-rooms", talk.id), lambda: _talk_rooms_culprit(data, talk)))
        if not set(rule.requires) <= set(details.tags) or (
            talk.rooms is None and rule.rooms is not None and details.name not in rule.rooms
        ):
            restrictions.append((("kind-rules", talk.kind), lambda: _kind_culprit(data, talk.kind)))
        if pinned_elsewhere:
            restrictions.append((("pin", talk.id), lambda: _pin_culprit(talk)))
        return restrictions

    def _start_restrictions(self, talk: Talk, starts: list[int], speakers: dict) -> list[tuple]:
        """(group key, culprit maker, allowed starts) for each restriction on when `talk` may start."""
        data, problem = self.data, self.problem
        days = data.conference.days
        block_type = {index: block.type for index, block in enumerate(problem.blocks)}
        result = []
        if talk.block_types is not None:
            allowed = [s for s in starts if block_type[problem.block_index(s)] in talk.block_types]
            result.append((("talk-blocks", talk.id), lambda: _talk_blocks_culprit(talk), allowed))
        elif data.kind_rule(talk.kind).block_types is not None:
            types = data.kind_rule(talk.kind).block_types
            allowed = [s for s in starts if block_type[problem.block_index(s)] in types]
            result.append((("kind-rules", talk.kind), lambda: _kind_culprit(data, talk.kind), allowed))
        if talk.pin and (talk.pin.day is not None or talk.pin.start is not None):
            allowed = [
                s
                for s in starts
                if (talk.pin.day is None or days[s // MINUTES_PER_DAY].date == talk.pin.day)
                and (talk.pin.start is None or s % MINUTES_PER_DAY == talk.pin.start)
            ]
            result.append((("pin", talk.id), lambda: _pin_culprit(talk), allowed))
        for speaker_id in talk.speakers:
            for index, window in enumerate(speakers[speaker_id].unavailable):
                spans = windows(data, [window])
                allowed = [s for s in starts if all(s + talk.duration <= a or b <= s for a, b in spans)]
                if len(allowed) < len(starts):
                    result.append(
                        (
                            ("speaker-window", speaker_id, index),
                            lambda speaker_id=speaker_id, index=index: _speaker_window_culprit(
                                speakers[speaker_id], index
                            ),
                            allowed,
                        )
                    )
        return result

    def all_groups(self) -> list[int]:
        return [literal.index for literal in self._literals.values()]

    def solve(self, assumptions: list[int], time_limit: float) -> int:
        self.model.clear_assumptions()
        self.model.add_assumptions([self._by_index[index] for index in assumptions])
        # one worker and no objective: the only setting in which CP-SAT's core is meaningful
        outcome = run_cpsat(self.model, {"num_workers": 1, "max_time_in_seconds": time_limit})
        self.solver = outcome.solver
        return outcome.status

    def core(self) -> list[int]:
        return list(self.solver.sufficient_assumptions_for_infeasibility())

    def shrink(self, core: list[int], deadline: float | None = None) -> tuple[list[int], bool]:
        """Deletion filter: drop each member whose removal keeps the rest infeasible (talks tried first), until
        `deadline` (a time.perf_counter() value) if one is given."""
        order = sorted(core, key=lambda literal: (self.culprits[literal].kind != "talk", literal))
        kept = list(order)
        minimal = True
        for literal in order:
            if literal not in kept:
                continue  # a smaller core found earlier left it out
            seconds = SHRINK_SECONDS if deadline is None else min(SHRINK_SECONDS, deadline - time.perf_counter())
            if seconds <= 0:
                minimal = False
                break
            trial = [other for other in kept if other != literal]
            status = self.solve(trial, seconds)
            if status == cp_model.INFEASIBLE:
                smaller = set(self.core()) & set(trial)
                kept = [other for other in trial if other in smaller] if smaller else trial
            elif status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                minimal = False
        return sorted(kept, key=lambda literal: (self.culprits[literal].kind == "talk", literal)), minimal


def _without_restrictions(data: ConferenceData) -> ConferenceData:
    """The same conference with every relaxable restriction removed (the diagnosis adds them back as groups)."""
    return data.model_copy(
        update={
            "conference": data.conference.model_copy(update={"starts": "grid"}),
            "kinds": {},
            "rooms": [room.model_copy(update={"unavailable": []}) for room in data.rooms],
            "speakers": [speaker.model_copy(update={"unavailable": []}) for speaker in data.speakers],
            "talks": [
                talk.model_copy(
                    update={"pin": None, "block_types": None, "rooms": None, "requires": [], "attendance": 0}
                )
                for talk in data.talks
            ],
        }
    )


def _talk_culprit(talk: Talk) -> Culprit:
    return Culprit(
        "talk",
        talk.id,
        None,
        f"talk '{talk.id}' ({talk.duration} min) is on the programme",
        "withdraw it, shorten it, or add a block or room",
    )


def _pin_culprit(talk: Talk) -> Culprit:
    pin = talk.pin
    parts = [
        pin.day.isoformat() if pin.day else None,
        f"at {format_clock(pin.start)}" if pin.start is not None else None,
        f"in {pin.room}" if pin.room else None,
    ]
    return Culprit(
        "pin",
        talk.id,
        None,
        f"talk '{talk.id}' is pinned {' '.join(p for p in parts if p)}",
        f"remove or move the pin of '{talk.id}'",
    )


def _speaker_culprit(data: ConferenceData, speaker) -> Culprit:
    talks = [f"'{talk.id}'" for talk in data.talks if speaker.id in talk.speakers]
    return Culprit(
        "speaker-conflict",
        speaker.id,
        None,
        f"speaker {speaker.display_name} can be in one place at a time and gives {', '.join(talks)}",
        f"let someone else present all but one of {', '.join(talks)}",
    )


def _speaker_window_culprit(speaker, index: int) -> Culprit:
    window = speaker.unavailable[index]
    return Culprit(
        "speaker-window",
        speaker.id,
        index,
        f"speaker {speaker.display_name} is unavailable {window.describe()}",
        f"ask whether {speaker.display_name} can come {window.describe()} after all",
    )


def _room_window_culprit(data: ConferenceData, room: int, index: int) -> Culprit:
    details = data.rooms[room]
    window = details.unavailable[index]
    return Culprit(
        "room-window",
        details.name,
        index,
        f"room {details.name} is closed {window.describe()}",
        f"open {details.name} {window.describe()}",
    )


def _talk_rooms_culprit(data: ConferenceData, talk: Talk) -> Culprit:
    needs = []
    if talk.attendance:
        needs.append(f">= {talk.attendance} seats")
    if talk.requires:
        needs.append("tags " + ", ".join(talk.requires))
    if talk.rooms is not None:
        needs.append("one of " + ", ".join(talk.rooms))
    return Culprit(
        "talk-rooms",
        talk.id,
        None,
        f"talk '{talk.id}' needs a room with {'; '.join(needs)}",
        f"relax the room needs of '{talk.id}'",
    )


def _talk_blocks_culprit(talk: Talk) -> Culprit:
    return Culprit(
        "talk-blocks",
        talk.id,
        None,
        f"talk '{talk.id}' may only use blocks of type {', '.join(talk.block_types or [])}",
        f"allow '{talk.id}' more block types",
    )


def _kind_culprit(data: ConferenceData, kind: str) -> Culprit:
    rule = data.kind_rule(kind)
    parts = []
    if rule.block_types is not None:
        parts.append("blocks of type " + ", ".join(rule.block_types))
    if rule.rooms is not None:
        parts.append("rooms " + ", ".join(rule.rooms))
    if rule.requires:
        parts.append("rooms tagged " + ", ".join(rule.requires))
    return Culprit(
        "kind-rules", kind, None, f"every '{kind}' must use {' and '.join(parts)}", f"loosen the rules of kind '{kind}'"
    )
