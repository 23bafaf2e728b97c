"""Exporters: each format renders a :class:`~scheduler.schedule.Schedule` into one or more files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..data import ConferenceData
from ..formats.atomic import write_atomic
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


def export(schedule: Schedule, directory: str | Path, formats: list[str]) -> list[Path]:
    """Render every format first, then write each file atomically, so a failure while rendering writes nothing.

    Raises KeyError for an unknown format name and ValueError for a path that would leave `directory`.
    """
    directory = Path(directory)
    rendered: dict[Path, str | bytes] = {}
    for name in formats:
        for relative, content in EXPORTERS[name].render(schedule).items():
            rendered[_inside(directory, relative)] = content
    written = [write_atomic(path, content) for path, content in rendered.items()]
    for name in formats:
        for pattern in EXPORTERS[name].owned_files:
            for stale in sorted(set(directory.glob(pattern)) - set(written)):
                if stale.is_file():
                    stale.unlink()
    return written


def _inside(directory: Path, relative: str) -> Path:
    """`directory / relative`, refusing anything that could land outside `directory`."""
    parts = PurePosixPath(relative).parts
    if (
        not parts
        or PurePosixPath(relative).is_absolute()
        or any(part in ("", ".", "..") or "\\" in part for part in parts)
    ):
        raise ValueError(f"refusing to write {relative!r}: not a plain path inside the output directory")
    path = directory.joinpath(*parts)
    if not path.resolve().is_relative_to(directory.resolve()):
        raise ValueError(f"refusing to write {relative!r}: it resolves outside {directory}")
    return path
