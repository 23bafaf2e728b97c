"""The quality objective: named soft rules, each with a default weight the data file can override.

A rule adds *terms* (a 0/1 literal or a small integer expression, with the name of what it is about); the objective
is the weighted sum. A weight of 0 turns a rule off, the weight "hard" makes every term of the rule zero.
After solving, :meth:`Objective.breakdown` reports per rule: violations, penalty and the worst offenders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class SoftRule:
    name: str
    weight: float
    unit: str
    stage: str  # "time" (decided with the start times) or "room" (decided with the rooms)


SOFT_RULES: dict[str, SoftRule] = {
    rule.name: rule
    for rule in [
        SoftRule("track-parallel", 100, "one pair of talks of the same track that overlap in time", "time"),
        SoftRule("attendee-conflict", 1, "one attendee who wants two talks that overlap (interest counts)", "time"),
        SoftRule(
            "order", 50, "one 'after' relation broken: the talk starts before the one it must follow ends", "time"
        ),
        SoftRule("exclusive-tags", 100, "one pair of talks sharing an exclusive tag that overlap in time", "time"),
        SoftRule("speaker-days", 20, "one extra day a speaker must attend beyond the first", "time"),
        SoftRule("speaker-pause", 30, "one pair of a speaker's talks closer than min_pause minutes", "time"),
        SoftRule(
            "speaker-preference", 10, "one talk on a day or in a block its speaker avoids or does not prefer", "time"
        ),
        SoftRule("similar-tracks", 30, "one pair of talks from two similar tracks that overlap in time", "time"),
        SoftRule("track-days", 10, "one extra day a track's talks spread over beyond the first", "time"),
        SoftRule(
            "level-order",
            20,
            "one pair in a topic where a more advanced talk starts before a more basic one ends",
            "time",
        ),
        SoftRule("content-conflict", 100, "one pair of talks marked as conflicting that overlap in time", "time"),
        SoftRule("remote-hours", 10, "one talk outside its remote speaker's waking hours, in their time zone", "time"),
        SoftRule(
            "chair-conflict",
            50,
            "one session whose chair presents a talk of another track, or chairs another session, in the same block",
            "time",
        ),
        SoftRule("track-gaps", 0, "one break in a track's run of back-to-back talks within a block", "time"),
        SoftRule("track-consecutive", 10, "one extra run of blocks a track is split into", "time"),
        SoftRule("track-split", 0, "one track whose blocks do not all follow one another (however many runs)", "time"),
        SoftRule("room-size", 1, "100 empty seats beyond twice the expected audience", "room"),
        SoftRule("track-room", 20, "one extra room a track uses on a day", "room"),
        SoftRule("session-mix", 20, "one extra track sharing a room during one block", "room"),
        SoftRule("speaker-room", 10, "one speaker in a room they avoid, or outside the rooms they prefer", "room"),
        SoftRule("talk-block-cost", 1, "one unit of a listed cost for a talk in a block", "time"),
        SoftRule("track-block-cost", 1, "one unit of a listed cost for a block a track has talks in", "time"),
        SoftRule(
            "track-pair-cost", 1, "one unit of a listed cost for a block both tracks of a pair have talks in", "time"
        ),
        SoftRule("talk-room-cost", 1, "one unit of a listed cost for a talk in a room", "room"),
        SoftRule(
            "track-room-cost", 1, "one unit of a listed cost for a block in which a track has talks in a room", "room"
        ),
        SoftRule("room-block-cost", 1, "one unit of a listed cost for a room holding talks in a block", "room"),
    ]
}


@dataclass
class Term:
    rule: str
    value: cp_model.LinearExprT
    about: str


@dataclass
class RuleReport:
    rule: str
    weight: float
    violations: int
    penalty: float
    worst: list[tuple[str, int]]


@dataclass
class Objective:
    """Collects weighted terms for one CP-SAT model."""

    model: cp_model.CpModel
    weights: dict[str, float | str] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)

    def weight(self, rule: str) -> float | str:
        return self.weights.get(rule, SOFT_RULES[rule].weight)

    def active(self, rule: str) -> bool:
        return self.weight(rule) != 0

    def penalise(self, rule: str, value: cp_model.LinearExprT, about: str) -> None:
        """Add a term: `value` (>= 0) counts violations of `rule` concerning `about`."""
        weight = self.weight(rule)
        if weight == "hard":
            self.model.add(value == 0)
        elif weight:
            self.terms.append(Term(rule, value, about))

    def expression(self) -> cp_model.LinearExprT:
        # integer coefficients: weights are scaled by 10 so one decimal place is kept
        return sum(round(float(self.weight(term.rule)) * 10) * term.value for term in self.terms)

    def minimise(self) -> bool:
        """Set the objective on the model; False when there is nothing to minimise."""
        if not self.terms:
            return False
        self.model.minimize(self.expression())
        return True

    def breakdown(self, value_of) -> list[RuleReport]:
        """Per rule: violations, penalty and up to five worst offenders, given a function reading term values."""
        per_rule: dict[str, list[tuple[str, int]]] = {}
        for term in self.terms:
            amount = int(value_of(term.value))
            if amount:
                per_rule.setdefault(term.rule, []).append((term.about, amount))
        reports = []
        for name in SOFT_RULES:
            weight = self.weight(name)
            if weight in (0, "hard"):
                continue
            offenders = per_rule.get(name, [])
            violations = sum(amount for _, amount in offenders)
            worst: dict[str, int] = {}
            for about, amount in offenders:
                worst[about] = worst.get(about, 0) + amount
            ranked = sorted(worst.items(), key=lambda item: (-item[1], item[0]))[:5]
            reports.append(RuleReport(name, float(weight), violations, violations * float(weight), ranked))
        return reports
