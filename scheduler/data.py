"""The conference data file, as typed pydantic models.

These models are the single description of the input format (docs/format.md explains it in words). Each model checks
what can be checked inside one item; :class:`ConferenceData` also checks the rules between items (a talk naming a
speaker, ids that must be unique, times on the grid), so data built by the loader, an importer or a library caller is
checked alike. A broken cross-item rule is a pydantic error of type :data:`CROSS_CHECK` whose context carries the path
of the item it is about, which :mod:`scheduler.formats.loading` turns into the file's line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .formats.text import refusal

_CLOCK = re.compile(r"([0-9]+):([0-9]{2})")  # ASCII digits: Python's \d and int() also take other scripts' digits
_ANY_CLOCK = re.compile(r"\s*\d+:\d+\s*")


def parse_clock(value: object) -> int:
    """Turn 'HH:MM' into minutes after midnight."""
    if isinstance(value, bool | int | float):
        # 930 could mean 09:30 or 930 minutes; refuse rather than guess
        raise ValueError(f"expected a time as 'HH:MM' in quotes, got the number {value!r}")
    if isinstance(value, dt.time):  # a spreadsheet's time cell
        if value.second or value.microsecond:
            raise ValueError(f"expected a time in whole minutes, got {value.isoformat()}")
        minutes = value.hour * 60 + value.minute
    elif isinstance(value, str):
        match = _CLOCK.fullmatch(value)
        if not match:
            if value != value.strip() and _CLOCK.fullmatch(value.strip()):
                raise ValueError(f"expected a time as 'HH:MM' without spaces around it, got {value!r}")
            if _ANY_CLOCK.fullmatch(value):  # digits of another script, such as Arabic-Indic '٠٩:٣٠'
                raise ValueError(f"expected a time as 'HH:MM' in the digits 0-9, got {value!r}")
            raise ValueError(f"expected a time as 'HH:MM', got {value!r}")
        hours, mins = int(match.group(1)), int(match.group(2))
        if mins >= 60:
            raise ValueError(f"expected a time as 'HH:MM', got {value!r}")
        minutes = hours * 60 + mins
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


def plain_number(value: object) -> object:
    """Refuses what pydantic would quietly read as a number: true and false (as 1 and 0), and text with spaces around
    it or underscores in it (' 30 ', '3_0'); anything else is left to the field's type."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {'true' if value else 'false'}")
    if isinstance(value, str) and (value != value.strip() or "_" in value):
        raise ValueError(f"expected a number, got {value!r}")
    return value


Whole = Annotated[int, BeforeValidator(plain_number)]
"""A whole number (minutes, seats, counts) as the file writes it: never true, false or padded text."""


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


# Conference days lie in these years: every output can write them (a calendar's event that ends at 24:00 on
# 9999-12-31 would end in a year Python cannot hold, a time zone's offset can move year 1 into year 0, a workbook's
# dates start in 1900), and a year such as 0225 or 20250 is a typo.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def check_date(value: dt.date) -> dt.date:
    """`value`, or ValueError if it lies outside FIRST_DATE..LAST_DATE."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"{value.isoformat()} is outside the years {FIRST_DATE.year}-{LAST_DATE.year}")
    return value


class Day(Strict):
    date: dt.date
    blocks: list[Block] = Field(min_length=1)

    @field_validator("date")
    @classmethod
    def _plausible(cls, value: dt.date) -> dt.date:
        return check_date(value)

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
    granularity: Whole = Field(default=5, gt=0, le=240)
    starts: Literal["packed", "grid"] = "packed"
    days: list[Day] = Field(min_length=1)
    # what a frab/pretalx source said about itself, written back verbatim by the frab exporters (docs/format.md)
    acronym: str | None = None
    url: str | None = None
    base_url: str | None = None
    day_change: Clock | None = Field(default=None, description="frab's day change: earlier talks are night talks")

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


class UnknownSeats(int):
    """The capacity of a room whose seats nobody counted (left out, or null, in the data file): more than any
    attendance (so no talk is kept out of it), no empty seats for `room-size`, and written as null or left out,
    never as a number."""

    def __repr__(self) -> str:
        return "UNKNOWN_SEATS"


UNKNOWN_SEATS = UnknownSeats(1_000_001)  # above the largest attendance a data file holds (MAX_NUMBER)


def seats_known(capacity: int) -> bool:
    """Whether a room's capacity was given (not UNKNOWN_SEATS)."""
    return not isinstance(capacity, UnknownSeats)


def _unknown_if_none(value: int | None) -> int:
    return UNKNOWN_SEATS if value is None or isinstance(value, UnknownSeats) else value


Capacity = Annotated[
    Whole | None,
    Field(ge=0),
    AfterValidator(_unknown_if_none),
    PlainSerializer(lambda value: value if seats_known(value) else None),
]
"""Seats: a whole number, or unknown (null or left out): see UnknownSeats."""


class Room(Strict):
    name: Identifier
    capacity: Capacity = UNKNOWN_SEATS
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
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None


class Link(Strict):
    """A link of a talk (slides, recording, its page elsewhere) as frab lists it."""

    url: str = Field(min_length=1)
    title: str | None = None
    type: str | None = None


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
    # the source's identity of the person (frab guid and numeric id, pretalx code) and biography, kept verbatim
    guid: str | None = None
    number: Annotated[int, Field(ge=1)] | None = None
    code: str | None = None
    biography: str | None = None

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
    duration: Whole = Field(gt=0, description="minutes")
    speakers: list[str] = []
    track: str | None = None
    attendance: Whole = Field(default=0, ge=0)
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
    # what a frab/pretalx source says about the talk besides its place, kept verbatim and written back by the frab
    # exporters (guid and number are its calendar UID and frab id)
    guid: str | None = None
    number: Annotated[int, Field(ge=1)] | None = None
    code: str | None = None
    slug: str | None = None
    url: str | None = None
    subtitle: str | None = None
    description: str | None = None
    language: str | None = None
    links: list[Link] = []
    recording_license: str | None = None
    do_not_record: bool | None = None


class Accepted(Strict):
    """A break of a hard rule the organisers made on purpose (a speaker in two places at once: a stream mirror of a
    show), accepted so that solve, whatif and check allow these two talks to overlap."""

    rule: Literal["speaker-conflict"] = "speaker-conflict"
    talks: list[str] = Field(min_length=2, max_length=2)
    note: str | None = None


class Interest(Strict):
    """How many attendees want to see both talks (from bookmarks or votes)."""

    talks: list[str] = Field(min_length=2, max_length=2)
    count: Whole = Field(gt=0)


class Cost(Strict):
    """A graded penalty for one placement: a talk or a track in a block or room, a room used in a block, or two
    tracks running in the same block. Exactly one pair of fields names what it is about (docs/format.md, costs)."""

    talk: str | None = None
    track: str | None = None
    tracks: list[str] | None = Field(default=None, min_length=2, max_length=2)
    block: str | None = None
    room: str | None = None
    cost: Whole = Field(gt=0)

    @model_validator(mode="after")
    def _one_pair(self) -> Cost:
        given = tuple(name for name in COST_FIELDS if getattr(self, name) is not None)
        if given not in _cost_rules():
            pairs = ", ".join("+".join(pair) for pair in _cost_rules())
            raise ValueError(f"a cost names {'+'.join(given) or 'nothing'}; it needs exactly one of: {pairs}")
        return self

    @property
    def rule(self) -> str:
        """The soft rule that charges this cost."""
        return _cost_rules()[tuple(name for name in COST_FIELDS if getattr(self, name) is not None)]


def _cost_rules() -> dict[tuple[str, ...], str]:
    """The soft rule charging a cost, by the fields the cost names (the rule registry's cost rules)."""
    # imported here, not at the top: the data model (and verify, which reads it) stays free of the model code
    from .rules import COST_RULES

    return COST_RULES


COST_FIELDS = ("talk", "track", "tracks", "block", "room")


Weight = Annotated[float, BeforeValidator(plain_number)] | Literal["hard"]


class ConferenceData(Strict):
    """The whole data file."""

    conference: Conference
    weights: dict[str, Weight] = {}
    exclusive_tags: list[str] = []
    min_pause: Whole = Field(default=0, ge=0, description="minutes between a speaker's talks")
    interest: list[Interest] = []
    costs: list[Cost] = []
    tracks: list[Track] = []
    waking_hours: WakingHours = WakingHours()
    kinds: dict[str, KindRule] = {}
    rooms: list[Room] = Field(min_length=1)
    speakers: list[Speaker] = []
    talks: list[Talk] = Field(min_length=1)
    accepted: list[Accepted] = []

    @model_validator(mode="after")
    def _cross_checked(self) -> ConferenceData:
        """The rules between items, in the order of CROSS_CHECKS; the first broken one is the error."""
        problem = next((problem for check in CROSS_CHECKS for problem in check(self)), None)
        if problem is not None:
            raise _cross_check_error(self, *problem)
        return self

    def kind_rule(self, kind: str) -> KindRule:
        return self.kinds.get(kind, KindRule())

    def accepted_overlaps(self) -> set[frozenset[str]]:
        """The pairs of talks that may overlap though they share a speaker (the `accepted` list)."""
        return {frozenset(item.talks) for item in self.accepted if item.rule == "speaker-conflict"}


# ---------------------------------------------------------------------------------------------------------------
# Cross-item rules: each check yields (path, message) for every item that breaks its rule, the path in the data
# file's own terms (("talks", 12, "speakers", 0)) so the loader can name the line.

Where = tuple[str | int, ...]
Problem = tuple[Where, str]

CROSS_CHECK = "cross_check"
"""The pydantic error type of a broken cross-item rule; its context holds `where` (the path) and `message`."""

MAX_NUMBER = 1_000_000  # larger numbers (or .nan, .inf) would overflow the solver's integer arithmetic
# characters the talks take in an export: each talk's title, abstract and track, the longest room name, and the name
# of each of its speakers (a name is written again with every talk of its speaker, so a file well under the size
# limit could still make gigabytes of schedule.csv, schedule.ics or HTML)
MAX_TALK_TEXT = 20_000_000


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the choice closest to a misspelt name, or '' when none is close."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def out_of_range(value: Any) -> str:
    """Why a number is refused (not a number, or too large for the solver), or '' for any other value."""
    if not isinstance(value, int | float) or isinstance(value, bool) or -MAX_NUMBER <= value <= MAX_NUMBER:
        return ""
    if value != value:  # NaN
        return f"{value} is not a number"
    return f"{value:{',' if isinstance(value, int) else 'g'}} is outside -{MAX_NUMBER:,}..{MAX_NUMBER:,}"


def split_path(where: Sequence[str | int], data: Any = None) -> tuple[str | None, str]:
    """Split a path into the item a chair recognises (talks[12] 'causal-llm') and the field inside it (pin.room).

    `data` is the file's plain data (mappings and lists) the path points into; an item is named by its id, name or
    date."""
    item, node = "", data
    for position, step in enumerate(where):
        if isinstance(step, int):
            item += f"[{step}]"
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            name = node.get("id", node.get("name", node.get("date"))) if isinstance(node, dict) else None
            if isinstance(name, str | int) or hasattr(name, "isoformat"):
                shown = name.isoformat() if hasattr(name, "isoformat") else name
                return f"{item} '{shown}'", _dotted(where[position + 1 :])
        else:
            item += f".{step}" if item else str(step)
            node = node.get(step) if isinstance(node, dict) else None
    return item or None, ""


def _dotted(where: Sequence[str | int]) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in where).lstrip(".")


def _cross_check_error(data: ConferenceData, where: Where, message: str) -> PydanticCustomError:
    """A broken cross-item rule as a pydantic error: 'item: message' to read, the path and message to locate it."""
    item = split_path(where, data.model_dump())[0]
    context = {"item": item, "message": message, "where": where}
    return PydanticCustomError(CROSS_CHECK, "{item}: {message}" if item else "{message}", context)


def _leaves(value: Any, where: Where = ()) -> Iterator[tuple[Where, Any]]:
    """Every value inside nested mappings and lists that is neither, with its path."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*where, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, (*where, index))
    else:
        yield where, value


def exported_text(data: ConferenceData) -> list[int]:
    """The characters each talk takes in an export: its title, abstract and track, the longest room name (it may be
    placed in any), and each of its speakers' names. In talk order; linear in the talks and their speakers."""
    names = {speaker.id: len(speaker.display_name) for speaker in data.speakers}
    room = max((len(room.name) for room in data.rooms), default=0)
    return [
        len(talk.title)
        + len(talk.abstract or "")
        + len(talk.track or "")
        + room
        + sum(names.get(speaker, len(speaker)) for speaker in talk.speakers)
        for talk in data.talks
    ]


def _talk_text_bounded(data: ConferenceData) -> Iterator[Problem]:
    """Forbids talks whose text, as every export writes it, adds up to more than MAX_TALK_TEXT characters."""
    total = 0
    for t, size in enumerate(exported_text(data)):
        total += size
        if total > MAX_TALK_TEXT:
            yield (
                ("talks", t),
                "the talks' text as the exports write it (with each speaker's name again for every talk of theirs) "
                f"adds up to more than {MAX_TALK_TEXT:,} characters; shorten the abstracts or names",
            )
            return


def _numbers_in_range(data: ConferenceData) -> Iterator[Problem]:
    """Forbids numbers outside -MAX_NUMBER..MAX_NUMBER, NaN and infinity: the solver's integers would overflow."""
    # the loader refuses such numbers as it reads them, but text such as '1e300' becomes a number only here
    plain = data.model_dump()
    for where, value in _leaves(plain):
        if where and where[-1] == "number":  # a frab id (an identifier, up to 2**31), never a solver's number
            continue
        if out_of_range(value):
            field = split_path(where, plain)[1]
            yield where, f"{field}: {out_of_range(value)}" if field else out_of_range(value)


def _texts_printable(data: ConferenceData) -> Iterator[Problem]:
    """Forbids control characters other than tab and line breaks, and U+FFFE/U+FFFF, in any text (keys included):
    they act in a terminal, a calendar or Markdown, or cannot be written to XML and XLSX (scheduler.formats.text)."""
    plain = data.model_dump()
    for where, value in _texts(plain):
        if refusal(value):
            field = split_path(where, plain)[1]
            yield where, f"{field}: {refusal(value)}" if field else refusal(value)


def _texts(value: Any, where: Where = ()) -> Iterator[tuple[Where, str]]:
    """Every text inside nested mappings and lists, mapping keys included (a key at the path of its value)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str):
                yield (*where, key), key
            yield from _texts(inner, (*where, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _texts(inner, (*where, index))
    elif isinstance(value, str):
        yield where, value


def _blocks_on_grid(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a block that starts or ends off the conference's time grid (conference.granularity)."""
    granularity = data.conference.granularity
    for d, day in enumerate(data.conference.days):
        for b, block in enumerate(day.blocks):
            for field, minutes in (("start", block.start), ("end", block.end)):
                if minutes % granularity:
                    yield (
                        ("conference", "days", d, "blocks", b, field),
                        f"{format_clock(minutes)} is not on the {granularity}-minute grid (conference.granularity)",
                    )


def _ids_unique(data: ConferenceData) -> Iterator[Problem]:
    """Forbids two rooms with one name, or two speakers or two talks with one id."""
    sections = (
        ("rooms", "room", [room.name for room in data.rooms]),
        ("speakers", "speaker", [speaker.id for speaker in data.speakers]),
        ("talks", "talk", [talk.id for talk in data.talks]),
    )
    for section, what, ids in sections:
        first: dict[str, int] = {}
        for index, item_id in enumerate(ids):
            if item_id in first:
                yield (section, index), f"duplicate {what} '{item_id}' (first defined at {section}[{first[item_id]}])"
            first.setdefault(item_id, index)


def _weights_known(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a weight for a soft rule that does not exist, and a negative weight."""
    # imported here, not at the top: the data model (and verify, which reads it) stays free of the model code
    from .rules import RULES

    for name, weight in data.weights.items():
        if name not in RULES:
            yield ("weights", name), f"unknown soft rule '{name}'{did_you_mean(name, RULES)}"
        if weight != "hard" and weight < 0:
            yield ("weights", name), f"weight {weight} is negative; use 0 to turn the rule off"


def _talks_defined(data: ConferenceData) -> Iterator[Problem]:
    """Forbids interest, costs, 'after' and 'conflicts' naming an undefined talk, or a talk naming itself."""
    talk_ids = {talk.id for talk in data.talks}
    named: list[tuple[Where, str]] = [
        (("interest", i, "talks", j), talk_id)
        for i, interest in enumerate(data.interest)
        for j, talk_id in enumerate(interest.talks)
    ]
    named += [
        (("accepted", i, "talks", j), talk_id)
        for i, item in enumerate(data.accepted)
        for j, talk_id in enumerate(item.talks)
    ]
    named += [(("costs", c, "talk"), cost.talk) for c, cost in enumerate(data.costs) if cost.talk is not None]
    for where, talk_id in named:
        if talk_id not in talk_ids:
            yield where, f"talk '{talk_id}' is not defined{did_you_mean(talk_id, talk_ids)}"
    for t, talk in enumerate(data.talks):
        for field in ("after", "conflicts"):
            for i, other in enumerate(getattr(talk, field)):
                if other == talk.id:
                    what = "come after" if field == "after" else "conflict with"
                    yield ("talks", t, field, i), f"a talk cannot {what} itself"
                elif other not in talk_ids:
                    yield ("talks", t, field, i), f"talk '{other}' is not defined{did_you_mean(other, talk_ids)}"


def _tracks_defined(data: ConferenceData) -> Iterator[Problem]:
    """Forbids 'similar' and costs naming a track that neither the tracks list nor any talk uses."""
    track_names = {track.name for track in data.tracks} | {talk.track for talk in data.talks if talk.track}
    named: list[tuple[Where, str]] = [
        (("tracks", t, "similar", i), other)
        for t, track in enumerate(data.tracks)
        for i, other in enumerate(track.similar)
    ]
    for c, cost in enumerate(data.costs):
        if cost.track is not None:
            named.append((("costs", c, "track"), cost.track))
        named += [(("costs", c, "tracks", i), track) for i, track in enumerate(cost.tracks or [])]
    for where, name in named:
        if name not in track_names:
            yield where, f"track '{name}' is not used{did_you_mean(name, track_names)}"


def _speakers_defined(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a track chair or a talk's speaker that is not listed under speakers."""
    speaker_ids = {speaker.id for speaker in data.speakers}
    for t, track in enumerate(data.tracks):
        if track.chair is not None and track.chair not in speaker_ids:
            chair = track.chair
            yield (
                ("tracks", t, "chair"),
                f"chair '{chair}' is not defined under speakers{did_you_mean(chair, speaker_ids)}",
            )
    for t, talk in enumerate(data.talks):
        for i, speaker in enumerate(talk.speakers):
            if speaker not in speaker_ids:
                yield (
                    ("talks", t, "speakers", i),
                    f"speaker '{speaker}' is not defined{did_you_mean(speaker, speaker_ids)}",
                )


def _speakers_listed_once(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a talk that lists one speaker twice."""
    for t, talk in enumerate(data.talks):
        if len(set(talk.speakers)) != len(talk.speakers):
            yield ("talks", t, "speakers"), "a speaker is listed twice"


def _block_names_defined(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a cost naming a block that no day has."""
    block_names = {block.name for day in data.conference.days for block in day.blocks if block.name}
    for c, cost in enumerate(data.costs):
        if cost.block is not None and cost.block not in block_names:
            yield ("costs", c, "block"), f"no block is named '{cost.block}'{did_you_mean(cost.block, block_names)}"


def _listed(data: ConferenceData, field: str) -> Iterator[tuple[Where, str]]:
    """Every entry of the kinds' and the talks' list `field` (rooms, block_types or requires), with its path."""
    for kind, rule in data.kinds.items():
        for i, value in enumerate(getattr(rule, field) or []):
            yield ("kinds", kind, field, i), value
    for t, talk in enumerate(data.talks):
        for i, value in enumerate(getattr(talk, field) or []):
            yield ("talks", t, field, i), value


def _rooms_defined(data: ConferenceData) -> Iterator[Problem]:
    """Forbids costs, speakers' preferences, kinds, talks and pins naming an undefined room."""
    room_names = {room.name for room in data.rooms}
    named = [(("costs", c, "room"), cost.room) for c, cost in enumerate(data.costs) if cost.room is not None]
    for s, speaker in enumerate(data.speakers):
        for field in ("prefers", "avoids"):
            preference = getattr(speaker, field)
            named += [
                (("speakers", s, field, "rooms", i), name)
                for i, name in enumerate(preference.rooms if preference else [])
            ]
    named += list(_listed(data, "rooms"))
    named += [
        (("talks", t, "pin", "room"), talk.pin.room)
        for t, talk in enumerate(data.talks)
        if talk.pin and talk.pin.room is not None
    ]
    for where, name in named:
        if name not in room_names:
            yield where, f"room '{name}' is not defined{did_you_mean(name, room_names)}"


def _kinds_listed(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a talk of a kind missing from 'kinds', once that section exists."""
    for t, talk in enumerate(data.talks):
        if data.kinds and talk.kind not in data.kinds:
            yield (
                ("talks", t, "kind"),
                f"kind '{talk.kind}' is not listed under 'kinds'{did_you_mean(talk.kind, data.kinds)} "
                "(once that section exists it lists every kind, e.g. 'talk: {}')",
            )


def _allow_lists_not_empty(data: ConferenceData) -> Iterator[Problem]:
    """Forbids an empty 'rooms' or 'block_types' list in a kind or a talk: it would allow nothing."""
    owners: list[tuple[Where, KindRule | Talk]] = [(("kinds", kind), rule) for kind, rule in data.kinds.items()]
    owners += [(("talks", t), talk) for t, talk in enumerate(data.talks)]
    for where, owner in owners:
        for field in ("rooms", "block_types"):
            if getattr(owner, field) == []:
                yield (*where, field), f"an empty '{field}' list allows nothing; leave it out to allow every one"


def _block_types_defined(data: ConferenceData) -> Iterator[Problem]:
    """Forbids kinds and talks naming a block type that no block has."""
    block_types = {block.type for day in data.conference.days for block in day.blocks if block.type}
    listed = ", ".join(sorted(block_types)) or "none"
    for where, name in _listed(data, "block_types"):
        if name not in block_types:
            yield where, f"no block has the type '{name}' (block types: {listed}){did_you_mean(name, block_types)}"


def _room_tags_defined(data: ConferenceData) -> Iterator[Problem]:
    """Forbids kinds and talks requiring a room tag that no room has."""
    room_tags = {tag for room in data.rooms for tag in room.tags}
    for where, tag in _listed(data, "requires"):
        if tag not in room_tags:
            yield where, f"no room has the tag '{tag}'{did_you_mean(tag, room_tags)}"


def _durations_on_grid(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a talk whose duration is not a multiple of the conference's granularity."""
    granularity = data.conference.granularity
    for t, talk in enumerate(data.talks):
        if talk.duration % granularity:
            yield (
                ("talks", t, "duration"),
                f"duration {talk.duration} minutes is not a multiple of the {granularity}-minute granularity",
            )


def _pins_possible(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a pin to a day that is not a conference day, or to a start off the time grid."""
    granularity = data.conference.granularity
    day_dates = {day.date for day in data.conference.days}
    for t, talk in enumerate(data.talks):
        pin = talk.pin
        if pin is not None and pin.day is not None and pin.day not in day_dates:
            yield ("talks", t, "pin", "day"), f"pinned to {pin.day.isoformat()}, which is not a conference day"
        if pin is not None and pin.start is not None and pin.start % granularity:
            yield ("talks", t, "pin", "start"), f"pinned start is not on the {granularity}-minute grid"


def _talks_fit_some_block(data: ConferenceData) -> Iterator[Problem]:
    """Forbids a talk longer than every block of an allowed type on an allowed day, or with no such block."""
    for t, talk in enumerate(data.talks):
        allowed_types = talk.block_types if talk.block_types is not None else data.kind_rule(talk.kind).block_types
        usable = [
            block
            for day in data.conference.days
            if talk.pin is None or talk.pin.day is None or talk.pin.day == day.date
            for block in day.blocks
            if allowed_types is None or block.type in allowed_types
        ]
        if not usable:
            yield ("talks", t), f"no block of an allowed type ({', '.join(allowed_types or [])}) on the allowed days"
            continue
        longest = max(block.end - block.start for block in usable)
        if talk.duration > longest:
            yield (
                ("talks", t),
                f"duration {talk.duration} minutes is longer than every block it may use (longest: {longest} minutes)",
            )


CROSS_CHECKS: tuple[Callable[[ConferenceData], Iterator[Problem]], ...] = (
    _talk_text_bounded,
    _texts_printable,
    _numbers_in_range,
    _blocks_on_grid,
    _ids_unique,
    _weights_known,
    _talks_defined,
    _tracks_defined,
    _speakers_defined,
    _block_names_defined,
    _rooms_defined,
    _kinds_listed,
    _speakers_listed_once,
    _allow_lists_not_empty,
    _block_types_defined,
    _room_tags_defined,
    _durations_on_grid,
    _pins_possible,
    _talks_fit_some_block,
)
"""The cross-item rules in the order they are checked (and so reported): the size of the talks' text first (it
bounds the work of the rest), then text that could act in an output, numbers and ids before the names that refer to
them, and whether a talk fits some block last, as the rules before it narrow the blocks it may use."""
