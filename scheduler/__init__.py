"""confsched: conference schedule and room-allocation optimizer.

The library in four steps: ``load`` a data file, ``solve`` it, ``verify`` the result, export it::

    from scheduler import load, solve, verify
    data = load("data/neurips2024_tutorials.yaml")
    schedule = solve(data, time_limit=30, seed=0)
    assert not verify(data, schedule.assignments)
"""

from .checks.verify import Violation, verify
from .data import ConferenceData
from .errors import ConfschedError, DataError, NoScheduleError
from .formats.loading import load, parse
from .schedule import Assignment, Schedule, read_schedule
from .search.params import SolveParams
from .search.solve import solve

__all__ = [
    "Assignment",
    "ConferenceData",
    "ConfschedError",
    "DataError",
    "NoScheduleError",
    "Schedule",
    "SolveParams",
    "Violation",
    "load",
    "parse",
    "read_schedule",
    "solve",
    "verify",
]
