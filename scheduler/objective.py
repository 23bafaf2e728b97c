"""The quality objective: the weighted sum of the terms the registered soft rules (:mod:`scheduler.rules`) add.

A rule adds *terms* (a 0/1 literal or a small integer expression, with the name of what it is about); the objective
is the weighted sum. A weight of 0 turns a rule off, the weight "hard" makes every term of the rule zero.
After solving, :meth:`Objective.breakdown` reports per rule: violations, penalty and the worst offenders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .rules import RULES
from .rules.base import Weight, Weights


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
    weights: Weights = field(default_factory=Weights)
    terms: list[Term] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.weights = Weights.of(self.weights)

    def weight(self, rule: str) -> Weight:
        return self.weights[rule]

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
        for name in RULES:
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
