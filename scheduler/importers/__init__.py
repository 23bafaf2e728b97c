"""Importers: turn an existing programme (frab XML or JSON, pretalx, CSV or XLSX tables) into a data file, so a
schedule made elsewhere can be re-optimised or changed with confsched. docs/import.md describes each format.

Each format has a reader (one module each) that parses the source into a :class:`Programme`; :func:`import_data`
builds the data file's model from it, and :func:`import_file` writes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..data import ConferenceData
from ..formats.atomic import write_files
from ..formats.writing import checked_yaml, write_data
from ..rules.audience import ROOM_SIZE
from ..schedule import Schedule, schedule_document
from . import cosplib, csv, frab_json, frab_xml, pretalx_json, xlsx
from .programme import Programme
from .to_data_file import (
    BREAK_MINUTES,
    PIN_MODES,
    UNKNOWN_CAPACITY,
    ControlCharactersRemoved,
    PinMode,
    SourceBreaksARule,
    build_data,
    build_programme,
)

Reader = Callable[[Path, str | None], Programme]

IMPORTERS: dict[str, Reader] = {
    "frab-xml": frab_xml.read,
    "frab-json": frab_json.read,
    "pretalx-json": pretalx_json.read,
    "csv": csv.read,
    "xlsx": xlsx.read,
}
# formats that hold the rules themselves (not a timetable to pin): the reader builds the whole data file and its header
DATA_IMPORTERS: dict[str, Callable[[Path], tuple[ConferenceData, str]]] = {"cosplib": cosplib.read}
IMPORT_FORMATS: tuple[str, ...] = (*IMPORTERS, *DATA_IMPORTERS)

_PIN_WORDS = {
    "all": "every talk is pinned to its current day, start and room (--pins all)",
    "room": "every talk is pinned to its current room; days and starts are free (--pins room)",
    "none": "nothing is pinned; the solver places every talk (--pins none)",
}


def baseline_path(out: str | Path) -> Path:
    """Where import writes the published timetable beside the data file `out`: a.yaml -> a.published.json."""
    out = Path(out)
    return out.with_name(f"{out.stem}.published.json")


def import_data(
    source: str | Path, format_name: str, *, timezone: str | None = None, pins: PinMode = "none"
) -> ConferenceData:
    """The data file for the programme in `source`. Raises DataError naming the file (and the row or element)."""
    if format_name in DATA_IMPORTERS:
        return DATA_IMPORTERS[format_name](Path(source))[0]
    return build_data(IMPORTERS[format_name](Path(source), timezone), pins)


def import_file(
    source: str | Path, format_name: str, out: str | Path, *, timezone: str | None = None, pins: PinMode = "none"
) -> ConferenceData:
    """Import `source` and write the data file `out` and, beside it, the published timetable as a baseline schedule
    (:func:`baseline_path`, the schedule.json format `solve` writes and `whatif --baseline` reads), both atomically
    as one unit; returns the data written.

    `timezone` and `pins` apply to programmes only (a CoSPLib instance has no timetable to pin, and no baseline).
    """
    if format_name in DATA_IMPORTERS:
        data, text = DATA_IMPORTERS[format_name](Path(source))
        write_data(out, data, text)
        return data
    programme = IMPORTERS[format_name](Path(source), timezone)
    data, published = build_programme(programme, pins)
    out = Path(out)
    baseline = baseline_path(out)
    document = schedule_document(Schedule(data, published)) | {"status": "published"}
    write_files(
        out.parent,
        {
            out.name: checked_yaml(
                data, header(programme, pins, baseline.name, data.weights.get(ROOM_SIZE.name) == 0), out
            ),
            baseline.name: json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        },
    )
    return data


def header(
    programme: Programme, pins: PinMode, baseline: str = "DATA.published.json", room_size_off: bool = False
) -> str:
    """The data file's opening comment: where it came from and which values were derived, not read."""
    return "\n".join(
        [
            f"Imported by `confsched import` from {programme.format_name}: {programme.source}",
            f"Placements: {_PIN_WORDS[pins]}.",
            f"The published timetable is {baseline} beside this file: `confsched whatif` with `--baseline {baseline}`",
            "  moves as little of it as a change needs.",
            "Derived, not read (check them before re-optimising; docs/import.md):",
            f"  - blocks: each day's talks, split where no room has a talk for {BREAK_MINUTES} minutes or more;",
            "  - room capacities the source does not give stay unknown (left out: no talk is kept out of the room);",
            "  - granularity: the largest step (at most 60 minutes) that every start and duration fits.",
            "Rules the source does not hold (kinds, attendance, availability) are left out; add them to re-optimise.",
        ]
        + (ROOM_SIZE_OFF if room_size_off else [])
    )


ROOM_SIZE_OFF = [
    f"{ROOM_SIZE.name} is off (weights: {ROOM_SIZE.name}: 0): the rooms have capacities but the talks no expected",
    "  audience, and without one the rule would favour the smallest rooms; add each talk's attendance and drop the",
    "  weight to use it.",
]


__all__ = [
    "BREAK_MINUTES",
    "DATA_IMPORTERS",
    "IMPORTERS",
    "IMPORT_FORMATS",
    "PIN_MODES",
    "UNKNOWN_CAPACITY",
    "ControlCharactersRemoved",
    "PinMode",
    "Programme",
    "SourceBreaksARule",
    "baseline_path",
    "build_data",
    "build_programme",
    "header",
    "import_data",
    "import_file",
]
