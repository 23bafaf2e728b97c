"""Exporters: each format renders a :class:`~scheduler.schedule.Schedule` into one or more files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..data import ConferenceData
from ..formats.atomic import relative_path, write_files
from ..schedule import Schedule
from .cosplib import to_cosplib
from .csv import to_csv
from .frab import to_frab_json, to_frab_xml
from .html import to_html
from .ics import to_ics
from .ics_split import SPLIT_DIRECTORIES, to_split_ics
from .ics_split import size_problem as split_size_problem
from .json import to_json
from .xlsx import to_xlsx

Files = Mapping[str, str | bytes]
"""Path relative to the output directory ('/'-separated) -> content."""


@dataclass(frozen=True)
class Exporter:
    render: Callable[[Schedule], Files]
    # glob patterns (relative to the output directory) of files only this format writes: a matching file that a
    # new export did not write is stale (a renamed room's calendar) and is removed, so nobody subscribes to an
    # outdated timetable
    owned_files: tuple[str, ...] = ()


def _one_file(path: str, render: Callable[[Schedule], str | bytes]) -> Callable[[Schedule], Files]:
    return lambda schedule: {path: render(schedule)}


EXPORTERS: dict[str, Exporter] = {
    "csv": Exporter(_one_file("schedule.csv", to_csv)),
    "ics": Exporter(_one_file("schedule.ics", to_ics)),
    "json": Exporter(_one_file("schedule.json", to_json)),
    "frab-xml": Exporter(_one_file("frab/schedule.xml", to_frab_xml)),
    "frab-json": Exporter(_one_file("frab/schedule.json", to_frab_json)),
    "ics-split": Exporter(to_split_ics, owned_files=tuple(f"{folder}/*.ics" for folder in SPLIT_DIRECTORIES)),
    "xlsx": Exporter(_one_file("schedule.xlsx", to_xlsx)),
    "html": Exporter(_one_file("schedule.html", to_html)),
    "cosplib": Exporter(to_cosplib),
}
DEFAULT_FORMATS = ["csv", "ics", "json"]
# formats whose files repeat a talk, with what they would refuse for size (from the data alone, before a solve)
SIZE_CHECKS: dict[str, Callable[[ConferenceData], str | None]] = {"ics-split": split_size_problem}


def size_problem(data: ConferenceData, formats: list[str]) -> str | None:
    """Why exporting `formats` of this data would be refused for its size (docs/format.md, Limits), or None."""
    return next((problem for name in formats if name in SIZE_CHECKS and (problem := SIZE_CHECKS[name](data))), None)


# Seconds per talk to render one format, measured at 2,000 generated talks (40 rooms, 5 days) on the 2-core
# development machine (2026-11-25): CSV 0.024 s, ICS 0.39 s, JSON 0.013 s, frab XML 0.21 s, frab JSON 0.12 s,
# split ICS 0.55 s, XLSX 2.8 s, HTML 0.07-0.15 s. A format not measured gets the slowest text format's figure.
RENDER_SECONDS_PER_TALK = {
    "csv": 0.000012,
    "ics": 0.000195,
    "json": 0.0000065,
    "frab-xml": 0.00011,
    "frab-json": 0.00006,
    "ics-split": 0.000275,
    "xlsx": 0.0014,
    "html": 0.000075,
}
UNMEASURED_SECONDS_PER_TALK = 0.000275
# writing the set and swapping it in (0.1 s of the 0.52 s CSV, ICS, JSON and the report took at 2,000 talks)
WRITING_SECONDS_PER_TALK = 0.00005
WRITING_SECONDS_FLOOR = 0.2
# a slower disk or a busier machine than the one measured
WRITING_MARGIN = 1.5


def writing_seconds(data: ConferenceData, formats: list[str]) -> float:
    """About how long rendering and writing `formats` (and the report) takes: the command keeps it out of the
    search's time so that `--time-limit` holds for the whole command."""
    per_talk = WRITING_SECONDS_PER_TALK + sum(
        RENDER_SECONDS_PER_TALK.get(name, UNMEASURED_SECONDS_PER_TALK) for name in formats
    )
    return WRITING_SECONDS_FLOOR + WRITING_MARGIN * per_talk * len(data.talks)


def render(schedule: Schedule, formats: list[str]) -> dict[str, str | bytes]:
    """Every file of the chosen formats, path relative to the output directory -> content; nothing is written.

    Raises KeyError for an unknown format name and ValueError for a path that is not plain and relative.
    """
    rendered: dict[str, str | bytes] = {}
    for name in formats:
        for relative, content in EXPORTERS[name].render(schedule).items():
            rendered[relative_path(relative).as_posix()] = content
    return rendered


def owned_files(formats: list[str]) -> list[str]:
    """Glob patterns of the files only these formats write (stale ones are removed with the new set)."""
    return [pattern for name in formats for pattern in EXPORTERS[name].owned_files]


def export(
    schedule: Schedule, directory: str | Path, formats: list[str], extra: Mapping[str, str | bytes] | None = None
) -> list[Path]:
    """Write the chosen formats (and `extra` files, e.g. the report) into `directory` as one unit.

    Every file is rendered first, so a failure while rendering writes nothing; then the whole set replaces the old
    one (scheduler.formats.atomic.write_files): after any failure the directory holds the old set, never a mix, and
    stale calendars of a split export go with the old set. Raises KeyError for an unknown format name, ValueError
    for a path that would leave `directory`, OutputError when the directory cannot be written.
    """
    rendered = render(schedule, formats)
    for relative, content in (extra or {}).items():
        rendered[relative_path(relative).as_posix()] = content
    return write_files(directory, rendered, owned=owned_files(formats))
