"""confsched: conference schedule and room-allocation optimizer.

The library in four steps: ``load`` a data file, ``solve`` it, ``verify`` the result, export it::

    from scheduler import load, solve, verify
    data = load("data/neurips2024_tutorials.yaml")
    schedule = solve(data, time_limit=30, seed=0)
    assert not verify(data, schedule.assignments)

The names below are imported when first used, not with the package: `confsched` starts by importing this package,
and until the command line is imported, Ctrl-C can only be caught if importing the package itself is quick
(scheduler/__main__.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES = {
    "Violation": ".checks.verify",
    "verify": ".checks.verify",
    "ConferenceData": ".data",
    "ConfschedError": ".errors",
    "DataError": ".errors",
    "NoScheduleError": ".errors",
    "load": ".formats.loading",
    "parse": ".formats.loading",
    "Assignment": ".schedule",
    "Schedule": ".schedule",
    "read_schedule": ".schedule",
    "SolveParams": ".search.params",
    "solve": ".search.solve",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES})


if TYPE_CHECKING:
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
