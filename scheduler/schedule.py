"""The result object every exporter takes: a timetable (talk -> day, start, end, room) plus how it was found."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .data import Clock, ConferenceData, Talk, Whole
from .errors import DataError
from .formats.atomic import read_source
from .formats.spreadsheet_cells import restore

SCHEDULE_FORMAT = "confsched-schedule"
SCHEDULE_VERSION = 1
# Limit (docs/format.md, "Limits") on a schedule read by check, export, diff and whatif --baseline: a 2,000-talk
# schedule.json is about 250 KB; the file is read whole and every assignment validated
MAX_SCHEDULE_BYTES = 20 * 1024 * 1024


class Assignment(BaseModel):
    """Where and when one talk happens (local conference time)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    talk: str
    day: dt.date
    start: Clock
    end: Clock
    room: str
    # the iCalendar SEQUENCE of the talk's event: bumped each time a what-if moves the talk, so calendar clients
    # replace the event they hold; written to schedule.json only once it is above 0
    sequence: Whole = Field(default=0, ge=0)


@dataclass
class SolveStats:
    """How the schedule was found."""

    status: str
    variables: int = 0
    constraints: int = 0
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    first_feasible_seconds: float | None = None
    room_stage: str = "decomposed"
    seed: int = 0
    workers: int = 1
    workers_note: str = ""  # why fewer workers ran than asked for (--deterministic or a what-if, OR-Tools 9.13+)
    time_objective: float | None = None
    time_bound: float | None = None
    time_stage_optimal: bool = False
    improvement_ran: bool = False
    improved_day_by_day: bool = False
    time_stage_skipped: str = ""  # why phase 2 did not improve the times, when it gave its time to a later phase
    penalty: float = 0.0
    bound: float | None = None
    neighbourhoods: int = 0
    quality: list = field(default_factory=list)
    together_neighbourhoods: int = 0  # sub-problems of times and rooms together (scheduler.search.anytime)
    together_improved: int = 0  # how many of them gave a better verified timetable
    together_start_penalty: float | None = None  # the penalty that search started from
    found_by: str = ""  # the phase that found the final timetable, in words
    swap_moves: int = 0  # moves tried by the swaps across days (scheduler.search.swaps)
    swap_penalties: tuple[float | None, float | None] = (None, None)  # the penalty before and after them

    @property
    def gap(self) -> float | None:
        """Relative gap of the time stage: (objective - bound) / objective; 0 when proven optimal."""
        if self.time_objective is None or self.time_bound is None:
            return None
        if self.time_objective <= 0:
            return 0.0
        return max(0.0, (self.time_objective - self.time_bound) / self.time_objective)

    @property
    def penalty_gap(self) -> float | None:
        """Relative gap of the whole penalty to the proven lower bound: (penalty - bound) / penalty."""
        if self.bound is None:
            return None
        if self.penalty <= 0:
            return 0.0
        return max(0.0, (self.penalty - self.bound) / self.penalty)


@dataclass
class Schedule:
    """A timetable for a conference: the data it was made for and one assignment per talk, in time order."""

    data: ConferenceData
    assignments: list[Assignment]
    stats: SolveStats | None = None
    _by_talk: dict[str, Assignment] = field(init=False, repr=False)
    _speaker_names: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        room_order = {room.name: index for index, room in enumerate(self.data.rooms)}
        self.assignments = sorted(
            self.assignments, key=lambda a: (a.day, a.start, room_order.get(a.room, len(room_order)), a.talk)
        )
        self._by_talk = {assignment.talk: assignment for assignment in self.assignments}
        # built once: every exporter asks for each talk's speakers, which must not cost a pass over all speakers
        self._speaker_names = {speaker.id: speaker.display_name for speaker in self.data.speakers}

    def assignment(self, talk_id: str) -> Assignment | None:
        return self._by_talk.get(talk_id)

    def rows(self) -> list[tuple[Talk, Assignment]]:
        """(talk, assignment) pairs in time order, skipping assignments for unknown talks."""
        talks = {talk.id: talk for talk in self.data.talks}
        return [(talks[a.talk], a) for a in self.assignments if a.talk in talks]

    def speaker_names(self, talk: Talk) -> list[str]:
        return [self._speaker_names.get(speaker, speaker) for speaker in talk.speakers]


def schedule_document(schedule: Schedule) -> dict:
    """The JSON-ready form of a schedule (re-loadable with :func:`read_schedule`)."""
    stats = schedule.stats
    return {
        "format": SCHEDULE_FORMAT,
        "version": SCHEDULE_VERSION,
        "conference": schedule.data.conference.name,
        "timezone": schedule.data.conference.timezone,
        "status": stats.status if stats else "unknown",
        "seed": stats.seed if stats else None,
        "assignments": [
            assignment.model_dump(mode="json", exclude_defaults=True) for assignment in schedule.assignments
        ],
    }


def read_schedule(path: str | Path, data: ConferenceData) -> Schedule:
    """Read a schedule written by confsched (schedule.json, or schedule.csv) for the given data file."""
    path = Path(path)
    raw = read_source(path, MAX_SCHEDULE_BYTES)
    if path.suffix.lower() == ".csv":
        return Schedule(data, _read_csv(path, raw))
    return Schedule(data, _read_json(path, raw))


def _read_json(path: Path, raw: bytes) -> list[Assignment]:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except json.JSONDecodeError as error:
        raise DataError(path, error.lineno, None, f"invalid JSON: {error.msg}") from None
    except UnicodeDecodeError:
        raise DataError(path, None, None, "file is not UTF-8 text") from None
    except RecursionError:  # the decoder nests one call per level of [ or {
        raise DataError(path, None, None, "invalid JSON: nested too deep") from None
    if not isinstance(document, dict) or not isinstance(document.get("assignments"), list):
        raise DataError(path, None, None, "not a confsched schedule: expected an object with 'assignments'")
    return [_assignment(path, None, f"assignments[{i}]", item) for i, item in enumerate(document["assignments"])]


CSV_COLUMNS = ["talk_id", "title", "kind", "track", "speakers", "day", "start", "end", "room"]


def _read_csv(path: Path, raw: bytes) -> list[Assignment]:
    try:
        table = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise DataError(path, None, None, f"cannot read CSV: {error}") from None
    missing = [column for column in ("talk_id", "day", "start", "end", "room") if column not in table.columns]
    if missing:
        raise DataError(path, 1, None, f"missing column(s): {', '.join(missing)}")
    return [
        _assignment(
            path,
            row + 2,
            f"row {row + 2}",
            {"talk": restore(r.talk_id), "day": r.day, "start": r.start, "end": r.end, "room": restore(r.room)},
        )
        for row, r in enumerate(table.itertuples(index=False))
    ]


def _assignment(path: Path, line: int | None, label: str, item: object) -> Assignment:
    try:
        return Assignment.model_validate(item)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        field_name = ".".join(str(step) for step in detail["loc"])
        talk = item.get("talk") if isinstance(item, dict) else None
        where = f"{label} '{talk}'" if talk else label
        raise DataError(path, line, where, f"{field_name}: {detail['msg'].removeprefix('Value error, ')}") from None
