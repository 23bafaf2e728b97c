"""Independent scoring of a finished timetable against the soft rules, for the per-rule report.

Each registered rule scores itself (:attr:`SoftRule.score`) from the data file and the assignments only, like
:mod:`scheduler.checks.verify`, so the model's objective can be checked against it; this module adds up the weights.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..data import ConferenceData
from ..rules import RULES
from ..rules.base import FinishedTimetable, Offence, SoftRule, Weight, Weights
from ..schedule import Assignment


@dataclass
class RuleScore:
    rule: str
    weight: float | str
    violations: int
    penalty: float
    worst: list[tuple[str, int]]
    unit: str


def score(data: ConferenceData, assignments: list[Assignment]) -> list[RuleScore]:
    """Violations and weighted penalty of every active soft rule, with up to five worst offenders each."""
    done = FinishedTimetable(data, assignments)
    weights = Weights.of(data.weights)
    return [_rule_score(rule, weights[name], rule.score(done)) for name, rule in RULES.items() if weights.active(name)]


def _rule_score(rule: SoftRule, weight: Weight, offences: list[Offence]) -> RuleScore:
    """The rule's violations and penalty, and its five worst offenders (most violations first)."""
    violations = sum(amount for _, amount in offences)
    totals: dict[str, int] = defaultdict(int)
    for about, amount in offences:
        totals[about] += amount
    worst = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:5]
    penalty = 0.0 if weight == "hard" else violations * float(weight)
    return RuleScore(rule.name, weight, violations, penalty, worst, rule.unit)
