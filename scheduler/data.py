"""The conference data file, as typed pydantic models.

These models are the single description of the input format (docs/format.md explains it in words). They check
everything that can be checked inside one item; cross-references between items (a talk naming a speaker) are checked
by :mod:`scheduler.loading`, which knows the file and line of every item.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator, model_validator


def parse_clock(value: object) -> int:
    """Turn 'HH:MM' into minutes after midnight."""
    if isinstance(value, bool | int | float):
        # 930 could mean 09:30 or 930 minutes; refuse rather than guess
        raise ValueError(f"expected a time as 'HH:MM' in quotes, got the number {value!r}")
    if isinstance(value, dt.time):
        minutes = value.hour * 60 + value.minute
    elif isinstance(value, str):
        text = value.strip()
        hours, sep, mins = text.partition(":")
        if not sep or not hours.isdigit() or not mins.isdigit() or len(mins) != 2:
            raise ValueError(f"expected a time as 'HH:MM', got {value!r}")
        minutes = int(hours) * 60 + int(mins)
        if int(mins) >= 60:
            raise ValueError(f"expected a time as 'HH:MM', got {value!r}")
    else:
        raise ValueError(f"expected a time as 'HH:MM', got {value!r}")
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(f"time {value!r} is outside 00:00-24:00")
    return minutes


def format_clock(minutes: int) -> str:
    """Minutes after midnight as 'HH:MM'."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


Clock = Annotated[int, BeforeValidator(parse_clock), PlainSerializer(format_clock, return_type=str)]
"""A local time of day, written 'HH:MM' in files and held as minutes after midnight."""

Identifier = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base for all file models: unknown keys are errors (they are almost always typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(Strict):
    """A time range on one day, a whole day (no start/end), or a time range on every day (no day)."""

    day: dt.date | None = None
    start: Clock | None = None
    end: Clock | None = None

    @model_validator(mode="after")
    def _complete(self) -> Window:
        if (self.start is None) != (self.end is None):
            raise ValueError("a window needs both start and end, or neither (a whole day)")
        if self.start is None and self.day is None:
            raise ValueError("a window needs a day, a start and end, or both")
        if self.start is not None and self.end is not None and self.start == self.end:
            raise ValueError(f"the window is empty (it starts and ends at {format_clock(self.start)})")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"window ends ({format_clock(self.end)}) before it starts ({format_clock(self.start)})")
        return self

    def describe(self) -> str:
        when = "every day" if self.day is None else self.day.isoformat()
        if self.start is None or self.end is None:
            return when
        return f"{when} {format_clock(self.start)}-{format_clock(self.end)}"


class Block(Strict):
    """A window between breaks on one day; talks never cross a block boundary."""

    start: Clock
    end: Clock
    type: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Block:
        if self.start == self.end:
            raise ValueError(f"the block is empty (it starts and ends at {format_clock(self.start)})")
        if self.start > self.end:
            raise ValueError(f"block ends ({format_clock(self.end)}) before it starts ({format_clock(self.start)})")
        return self

    @property
    def label(self) -> str:
        span = f"{format_clock(self.start)}-{format_clock(self.end)}"
        return f"{self.name} ({span})" if self.name else span


class Day(Strict):
    date: dt.date
    blocks: list[Block] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> Day:
        ordered = sorted(self.blocks, key=lambda block: block.start)
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise ValueError(f"blocks {before.label} and {after.label} overlap")
        return self


class Conference(Strict):
    name: str = Field(min_length=1)
    timezone: str
    granularity: int = Field(default=5, gt=0, le=240)
    starts: Literal["packed", "grid"] = "packed"
    days: list[Day] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'America/Vancouver'") from None
        return value

    @model_validator(mode="after")
    def _distinct_days(self) -> Conference:
        seen: set[dt.date] = set()
        for day in self.days:
            if day.date in seen:
                raise ValueError(f"day {day.date.isoformat()} is listed twice")
            seen.add(day.date)
        return self

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class KindRule(Strict):
    """What a talk kind may use: rooms, block types, and room tags it requires."""

    rooms: list[str] | None = None
    block_types: list[str] | None = None
    requires: list[str] = []


class Room(Strict):
    name: Identifier
    capacity: int = Field(ge=0)
    tags: list[str] = []
    unavailable: list[Window] = []


class Preference(Strict):
    """Days, blocks (by name or type) and rooms a speaker would rather (or rather not) speak in."""

    days: list[dt.date] = []
    blocks: list[str] = []
    rooms: list[str] = []


class Track(Strict):
    """A track; tracks that are declared similar, or share a tag, should not run in parallel.

    Its talks in one room during one block form a session, run by the track's chair (a speaker id).
    """

    name: Identifier
    similar: list[str] = []
    tags: list[str] = []
    chair: str | None = None


class WakingHours(Strict):
    start: Clock = 8 * 60
    end: Clock = 22 * 60


class Speaker(Strict):
    id: Identifier
    name: str | None = None
    unavailable: list[Window] = []
    prefers: Preference | None = None
    avoids: Preference | None = None
    timezone: str | None = Field(default=None, description="IANA zone of a remote speaker")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
                raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Asia/Tokyo'") from None
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.id


class Pin(Strict):
    """Fixes any subset of a talk's day, start and room."""

    day: dt.date | None = None
    start: Clock | None = None
    room: str | None = None


class Talk(Strict):
    id: Identifier
    title: str = Field(min_length=1)
    kind: str = "talk"
    duration: int = Field(gt=0, description="minutes")
    speakers: list[str] = []
    track: str | None = None
    attendance: int = Field(default=0, ge=0)
    requires: list[str] = []
    rooms: list[str] | None = None
    block_types: list[str] | None = None
    pin: Pin | None = None
    abstract: str | None = None
    tags: list[str] = []
    after: list[str] = []
    conflicts: list[str] = []
    level: Literal["intro", "intermediate", "advanced"] | None = None
    topic: str | None = None


class Interest(Strict):
    """How many attendees want to see both talks (from bookmarks or votes)."""

    talks: list[str] = Field(min_length=2, max_length=2)
    count: int = Field(gt=0)


class Cost(Strict):
    """A graded penalty for one placement: a talk or a track in a block or room, a room used in a block, or two
    tracks running in the same block. Exactly one pair of fields names what it is about (docs/format.md, costs)."""

    talk: str | None = None
    track: str | None = None
    tracks: list[str] | None = Field(default=None, min_length=2, max_length=2)
    block: str | None = None
    room: str | None = None
    cost: int = Field(gt=0)

    @model_validator(mode="after")
    def _one_pair(self) -> Cost:
        given = tuple(name for name in COST_FIELDS if getattr(self, name) is not None)
        if given not in COST_RULES:
            pairs = ", ".join("+".join(pair) for pair in COST_RULES)
            raise ValueError(f"a cost names {'+'.join(given) or 'nothing'}; it needs exactly one of: {pairs}")
        return self

    @property
    def rule(self) -> str:
        """The soft rule that charges this cost."""
        return COST_RULES[tuple(name for name in COST_FIELDS if getattr(self, name) is not None)]


COST_FIELDS = ("talk", "track", "tracks", "block", "room")
COST_RULES: dict[tuple[str, ...], str] = {
    ("talk", "block"): "talk-block-cost",
    ("talk", "room"): "talk-room-cost",
    ("track", "block"): "track-block-cost",
    ("track", "room"): "track-room-cost",
    ("block", "room"): "room-block-cost",
    ("tracks",): "track-pair-cost",
}


Weight = float | Literal["hard"]


class ConferenceData(Strict):
    """The whole data file."""

    conference: Conference
    weights: dict[str, Weight] = {}
    exclusive_tags: list[str] = []
    min_pause: int = Field(default=0, ge=0, description="minutes between a speaker's talks")
    interest: list[Interest] = []
    costs: list[Cost] = []
    tracks: list[Track] = []
    waking_hours: WakingHours = WakingHours()
    kinds: dict[str, KindRule] = {}
    rooms: list[Room] = Field(min_length=1)
    speakers: list[Speaker] = []
    talks: list[Talk] = Field(min_length=1)

    def kind_rule(self, kind: str) -> KindRule:
        return self.kinds.get(kind, KindRule())
