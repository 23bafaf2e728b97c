"""Which start choices make a talk run at a given moment: the shared index of the time-stage rules."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from ortools.sat.python import cp_model

from ..problem import Problem


class Timeline:
    """For each moment where something can begin, the (talk, start literal) pairs that make a talk run then.

    Overlap between half-open intervals can only begin at some interval's start, so checking the moments where a
    talk may start (and where a room closes) is exact.
    """

    def __init__(self, problem: Problem, choices: list[list[tuple[int, cp_model.IntVar]]]):
        moments = {start for options in choices for start, _ in options}
        moments |= {start for busy in problem.room_busy for start, _ in busy}
        self.moments = sorted(moments)
        self._running: dict[int, list[tuple[int, cp_model.IntVar]]] = {moment: [] for moment in self.moments}
        self._talk_moments: list[set[int]] = []
        for talk, options in enumerate(choices):
            duration = problem.duration(talk)
            covered: set[int] = set()
            for start, literal in options:
                first = bisect.bisect_left(self.moments, start)
                last = bisect.bisect_left(self.moments, start + duration)
                for moment in self.moments[first:last]:
                    self._running[moment].append((talk, literal))
                    covered.add(moment)
            self._talk_moments.append(covered)

    def moments_of(self, talks: Iterable[int]) -> list[int]:
        """Moments at which any of `talks` may be running, in order."""
        return sorted(set().union(*(self._talk_moments[talk] for talk in talks)))

    def running(self, moment: int, talks: Iterable[int] | None = None) -> list[tuple[int, cp_model.IntVar]]:
        """(talk, literal) pairs that make a talk run at `moment`, optionally only for `talks`."""
        pairs = self._running.get(moment, [])
        if talks is None:
            return pairs
        wanted = set(talks)
        return [(talk, literal) for talk, literal in pairs if talk in wanted]
