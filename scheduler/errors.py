"""Errors a chair can act on: each renders as one line naming the file, line and item."""

from __future__ import annotations

from pathlib import Path


class ConfschedError(Exception):
    """Base class: the CLI prints str(error) and exits non-zero, never a traceback."""


class DataError(ConfschedError):
    """A data file (or schedule file) is malformed or inconsistent."""

    def __init__(self, path: Path | str, line: int | None, item: str | None, message: str):
        self.path = Path(path)
        self.line = line
        self.item = item
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        what = f"{self.item}: " if self.item else ""
        return f"{where}: {what}{self.message}"


class NoScheduleError(ConfschedError):
    """No schedule satisfies every hard rule (proven, or none found within the time limit)."""

    def __init__(self, message: str, proven: bool):
        self.proven = proven
        super().__init__(message)
