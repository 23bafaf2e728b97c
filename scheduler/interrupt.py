"""Ctrl-C during a solve: stop the search at once and keep the best timetable found so far.

CP-SAT catches SIGINT by itself during each search, ends that search, and then leaves SIGINT at the system default,
so a second Ctrl-C between two searches killed the process, and a first one only cut short whichever search was
running while the rest of the time limit was still spent. Inside :func:`interruptible`:

- CP-SAT leaves SIGINT alone (`catch_sigint_signal` off for every search started; every search runs through
  scheduler.search.cpsat.run_cpsat, which tells the :class:`Interrupt` when it starts and ends);
- the first Ctrl-C sets :attr:`Interrupt.requested` and stops every running search; a thread waiting on Python's
  signal wake-up descriptor does this at once, even while the main thread is inside a search. Stopped searches
  return their best solution as if their time limit had passed, and `solve(stop=...)` gives every later step no
  more time, so it finishes within moments with the best verified timetable it has (or says it has none);
- a second Ctrl-C raises KeyboardInterrupt, to quit without waiting.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Iterator

from ortools.sat.python import cp_model

from .search.cpsat import watched_by


class Interrupt:
    """Whether Ctrl-C was pressed, and the CP-SAT searches to stop when it is."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self._running: set[cp_model.CpSolver] = set()
        self._lock = threading.Lock()

    def request(self) -> None:
        with self._lock:
            self.requested.set()
            running = list(self._running)
        for solver in running:
            solver.stop_search()

    def started(self, solver: cp_model.CpSolver) -> None:
        solver.parameters.catch_sigint_signal = False
        with self._lock:
            self._running.add(solver)
            stop_now = self.requested.is_set()
        if stop_now:  # pressed between two searches: this one must not run its full time either
            solver.parameters.max_time_in_seconds = min(solver.parameters.max_time_in_seconds, 0.1)

    def finished(self, solver: cp_model.CpSolver) -> None:
        with self._lock:
            self._running.discard(solver)


@contextlib.contextmanager
def interruptible() -> Iterator[Interrupt]:
    """Inside the block Ctrl-C requests an :class:`Interrupt` instead of raising KeyboardInterrupt (main thread)."""
    interrupt = Interrupt()
    handled = 0

    def on_sigint(signum, frame) -> None:
        nonlocal handled
        handled += 1
        if handled > 1:
            raise KeyboardInterrupt
        interrupt.request()

    receiver, sender = socket.socketpair()
    sender.setblocking(False)

    def watch() -> None:
        # Python runs signal handlers in the main thread only once it is back in Python code, which a search can
        # delay by minutes; the wake-up descriptor is written from the C signal handler at once.
        while True:
            try:
                received = receiver.recv(64)
            except OSError:
                return
            if not received:
                return
            if signal.SIGINT in received:
                interrupt.request()

    previous_handler = signal.signal(signal.SIGINT, on_sigint)
    previous_fd = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    watcher = threading.Thread(target=watch, name="confsched-ctrl-c", daemon=True)
    watcher.start()
    try:
        with watched_by(interrupt):
            yield interrupt
    finally:
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGINT, previous_handler)
        sender.close()
        receiver.shutdown(socket.SHUT_RDWR)
        receiver.close()
        watcher.join(timeout=1)
