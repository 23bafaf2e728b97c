"""Every CP-SAT search of the package runs through :func:`run_cpsat`: one place that builds the solver, sets its
parameters and hints, lets Ctrl-C stop it (scheduler.interrupt) and reports what it found.

:func:`solver_parameters` gives the settings the solve pipeline and the what-if use (a fixed seed and worker count,
a wall-clock or deterministic time limit); other callers pass their own few parameters.

CP-SAT's interleaved search (``interleave_search``), the only parallel search of CP-SAT that gives the same answer
every time, can corrupt CP-SAT's heap from OR-Tools 9.13 on (google/or-tools#5048: ``free(): invalid next
size``, a segmentation fault; the Timefold ladder's 36-talk instance died of it in about one run in five on
2026-11-23; benchmarks/cpsat_crash/ holds that search). Where it is unsafe
(:data:`INTERLEAVE_IS_SAFE`) no search here runs it: several workers race as CP-SAT's portfolio, and a search
that must be reproducible (``--deterministic``, the what-if) gets one worker, which is reproducible without it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import ortools
from ortools.sat.python import cp_model

from ..errors import ConfschedError


def _release(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


# google/or-tools#5048 came with 9.13 and is fixed on OR-Tools' main branch after 9.15; no later release has been
# measured with benchmarks/cpsat_crash/run.py yet, so every release from 9.13 on counts as affected until one is
INTERLEAVE_IS_SAFE = _release(ortools.__version__) < (9, 13)
# why a search that must be reproducible runs one worker (the summary line and SolveStats.workers_note)
INTERLEAVE_UNSAFE_NOTE = (
    f"one worker, as several give the same answer twice only in CP-SAT's interleaved search, which can crash on "
    f"OR-Tools {ortools.__version__} (google/or-tools#5048)"
)

# CP-SAT needs a moment even when no time is left, to return the hint or first solution it was given
SHORTEST_SEARCH = 0.1


class Watcher(Protocol):
    """Told when each search starts and ends (scheduler.interrupt stops running searches on Ctrl-C)."""

    def started(self, solver: cp_model.CpSolver) -> None: ...

    def finished(self, solver: cp_model.CpSolver) -> None: ...


_watchers: list[Watcher] = []


@contextlib.contextmanager
def watched_by(watcher: Watcher) -> Iterator[None]:
    """Inside the block every search started by :func:`run_cpsat` is reported to `watcher`."""
    _watchers.append(watcher)
    try:
        yield
    finally:
        _watchers.remove(watcher)


@dataclass(frozen=True)
class Outcome:
    """How one search ended: its status, the solver to read the solution from, when the first solution came."""

    status: int
    solver: cp_model.CpSolver
    first_solution: float | None = None

    @property
    def found(self) -> bool:
        return self.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)

    @property
    def optimal(self) -> bool:
        return self.status == cp_model.OPTIMAL

    @property
    def penalty(self) -> float:
        """The objective in penalty units (the models count tenths)."""
        return self.solver.objective_value / 10

    @property
    def penalty_bound(self) -> float:
        return self.solver.best_objective_bound / 10


class SolutionLog(cp_model.CpSolverSolutionCallback):
    """Records when the first solution appeared and reports progress: the first feasible timetable of a search
    without objective, or every improvement (penalty and bound) of an optimising one."""

    def __init__(self, started: float, progress: Callable[[str], None] | None, optimising: bool):
        super().__init__()
        self.started = started
        self.first: float | None = None
        self.last: float | None = None  # when the latest (for an optimising search: the best) solution appeared
        self.progress = progress
        self.optimising = optimising

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.started
        self.last = now
        if self.first is None:
            self.first = now
        if not self.progress:
            return
        if self.optimising:
            self.progress(
                f"penalty {self.objective_value / 10:g}, bound {self.best_objective_bound / 10:g} after {now:.1f} s"
            )
        elif now == self.first:
            self.progress(f"first feasible timetable after {now:.1f} s")


def run_cpsat(
    model: cp_model.CpModel,
    parameters: Mapping[str, Any],
    *,
    hints: Iterable[tuple[Any, int]] = (),
    log: SolutionLog | None = None,
) -> Outcome:
    """Solve `model` with a fresh CpSolver set to exactly `parameters` (CP-SAT's defaults for the rest).

    `hints` are (variable, value) pairs added to the model first. While a watcher is registered (Ctrl-C handling,
    scheduler.interrupt.interruptible) it is told when the search starts and ends, so it can stop it.
    """
    for var, value in hints:
        model.add_hint(var, value)
    solver = cp_model.CpSolver()
    for name, value in parameters.items():
        if isinstance(value, list | tuple):  # a repeated field (subsolvers) has no setter
            field = getattr(solver.parameters, name)
            for item in value:
                field.append(item)
        else:
            setattr(solver.parameters, name, value)
    if solver.parameters.interleave_search and not INTERLEAVE_IS_SAFE:
        # never the interleaved search where it can crash; even one worker runs it (chunked, on one thread), and
        # one worker is reproducible without it
        solver.parameters.interleave_search = False
    watchers = list(_watchers)
    for watcher in watchers:
        watcher.started(solver)
    try:
        status = solver.solve(model, log)
    finally:
        for watcher in watchers:
            watcher.finished(solver)
    if status == cp_model.MODEL_INVALID:
        # every number the data file and a change file may hold is bounded (scheduler.data.MAX_NUMBER), but products
        # of the largest ones (a cost times a factor times many talks) can still pass CP-SAT's 64-bit integers: say
        # so, instead of reporting the refused model as a search that found nothing
        reason = model.validate().splitlines()[0] if model.validate() else "the model is invalid"
        raise ConfschedError(f"CP-SAT refused the model ({reason}); the weights, costs or attendance are too large")
    return Outcome(status, solver, log.first if log is not None else None)


# CP-SAT's random_seed is a 32-bit signed integer; a larger seed would fail inside OR-Tools' bindings
SEEDS = range(-(2**31), 2**31)


def check_seed(seed: int) -> int:
    """`seed`, or ValueError naming the range CP-SAT accepts (`confsched --seed` refuses the rest with one line)."""
    if seed not in SEEDS:
        raise ValueError(f"seed {seed:,} is outside {SEEDS.start:,}..{SEEDS.stop - 1:,} (CP-SAT's 32-bit seed)")
    return seed


def reproducible_workers(workers: int, reproducible: bool = True) -> int:
    """The workers a search that must be `reproducible` gets: one where CP-SAT's interleaved search is unsafe."""
    return 1 if reproducible and not INTERLEAVE_IS_SAFE else workers


def solver_parameters(
    seed: int, workers: int, time_limit: float, *, first_only: bool = True, deterministic: bool = False
) -> dict:
    """CP-SAT settings: a fixed seed, and a worker count that keeps the same input on the same schedule if it can.

    One worker, or several interleaved ones (OR-Tools before 9.13), give the same answer whenever the search
    finishes or stops at its first solution; several workers in CP-SAT's portfolio (9.13 on, see the module's
    docstring) race and may not. A search cut short by a wall-clock limit can end anywhere; with `deterministic`
    the optimisation budget is CP-SAT's deterministic time instead (work done, roughly seconds) and the workers
    are ones whose answer is reproducible (:func:`reproducible_workers`), so the same input always gives the same
    timetable, at the price of not keeping to the wall clock exactly.
    """
    workers = reproducible_workers(workers, deterministic)
    budget = max(time_limit, SHORTEST_SEARCH)
    parameters = {
        "random_seed": seed,
        "num_workers": workers,
        "max_time_in_seconds": budget,
        # without an objective the first schedule that satisfies every hard rule is the answer
        "stop_after_first_solution": first_only,
    }
    if deterministic and not first_only:
        parameters["max_deterministic_time"] = budget
        parameters["max_time_in_seconds"] = 100 * budget + 60  # a safety net only
    if workers > 1 and INTERLEAVE_IS_SAFE:
        parameters["interleave_search"] = True  # reproducible with several workers (where it is safe)
    return parameters
