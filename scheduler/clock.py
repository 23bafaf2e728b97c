"""When the command started: `--time-limit` counts from here, start-up and loading included.

Imported first by scheduler/__main__.py, so the moment is the interpreter's first step in confsched (the
interpreter's own start before it takes a few hundredths of a second).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()


def spent() -> float:
    """Seconds since the command started."""
    return time.perf_counter() - STARTED
