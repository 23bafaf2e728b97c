"""The time limit of one solve, shared out between its phases."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .cpsat import SHORTEST_SEARCH


def _never() -> bool:
    return False


@dataclass(frozen=True)
class TimeBudget:
    """What a solve has spent of its time limit, what is left, and the share of it each search gets.

    Once `stop()` is true (Ctrl-C, see scheduler.interrupt) nothing is left: every later search gets the shortest
    time, so the solve ends within moments with the best timetable in hand. A phase that must leave time for later
    ones works with :meth:`leaving`, a view of the same clock with that time kept back.
    """

    limit: float
    stop: Callable[[], bool] = _never
    started: float = field(default_factory=time.perf_counter)
    kept: float = 0.0  # seconds this view keeps back for later phases
    # seconds of the limit that are not the solve's: spent before it (start-up, loading) or kept for after it (writing
    # the files), so that the user's time limit holds for the whole command
    reserved: float = 0.0

    @classmethod
    def start(cls, limit: float, stop: Callable[[], bool] | None = None, *, reserved: float = 0.0) -> TimeBudget:
        """A budget of `limit` seconds from now, `reserved` of them not for the solve."""
        return cls(limit, stop or _never, reserved=max(0.0, reserved))

    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.perf_counter() - self.started

    def remaining(self) -> float:
        """Seconds left (less what this view keeps back); 0 or less once stopped or overrun."""
        left = 0.0 if self.stop() else self.limit - self.reserved - self.elapsed()
        return left - self.kept

    def share(
        self, fraction: float = 1.0, *, among: int = 1, at_most: float | None = None, at_least: float = SHORTEST_SEARCH
    ) -> float:
        """Seconds for the next search: `fraction` of what remains, split evenly `among` that many searches, at most
        `at_most`, never less than `at_least`."""
        seconds = fraction * self.remaining() / among
        if at_most is not None:
            seconds = min(at_most, seconds)
        return max(at_least, seconds)

    def part_of_limit(self, fraction: float, *, at_most: float) -> float:
        """`fraction` of the whole time limit, at most `at_most` seconds: what a later phase is promised."""
        return min(at_most, fraction * max(self.limit - self.reserved, 0.0))

    def leaving(self, seconds: float) -> TimeBudget:
        """This budget with `seconds` more kept back for the phases after the current one."""
        return dataclasses.replace(self, kept=self.kept + seconds)
