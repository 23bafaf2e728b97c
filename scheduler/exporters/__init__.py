"""Exporters: each takes a :class:`~scheduler.schedule.Schedule` and returns the file's content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..files import write_atomic
from ..schedule import Schedule
from .csv import to_csv
from .ics import to_ics
from .json import to_json

EXPORTERS: dict[str, tuple[str, Callable[[Schedule], str | bytes]]] = {
    "csv": ("schedule.csv", to_csv),
    "ics": ("schedule.ics", to_ics),
    "json": ("schedule.json", to_json),
}


def export(schedule: Schedule, directory: str | Path, formats: list[str]) -> list[Path]:
    """Render every format first, then write each file atomically, so a failure leaves no partial output."""
    rendered = [(Path(directory) / EXPORTERS[name][0], EXPORTERS[name][1](schedule)) for name in formats]
    return [write_atomic(path, content) for path, content in rendered]
