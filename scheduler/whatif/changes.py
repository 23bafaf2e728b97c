"""The what-if change file: what changed since a schedule was published, applied to the data file.

A change file (docs/whatif.md) is YAML with a list under ``changes:``; each item has a ``kind``. It is read with the
data file's machinery (:mod:`scheduler.formats.loading`), so every problem is one line, ``file:line: item: message``.
:func:`apply_changes` returns the data file as it is after the changes, checked again like a loaded file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from ..data import CROSS_CHECK, Clock, ConferenceData, Identifier, Pin, Strict, Talk, Window, format_clock
from ..errors import DataError
from ..formats.loading import YamlDocument, did_you_mean, first_error, read_text, validation_error_at
from ..schedule import Assignment
from .disruption import DisruptionCosts

KINDS = ("speaker-unavailable", "room-closed", "withdraw", "add", "pin", "move", "duration")


class _TimeRange(Strict):
    """A day, and optionally a time range on it (without one: the whole day)."""

    day: dt.date
    start: Clock | None = None
    end: Clock | None = None

    @model_validator(mode="after")
    def _complete(self) -> _TimeRange:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end, or neither (the whole day)")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValueError(f"the range ends ({format_clock(self.end)}) before it starts ({format_clock(self.start)})")
        return self

    @property
    def window(self) -> Window:
        return Window.model_validate(self.model_dump(include={"day", "start", "end"}))

    def hits(self, placed: Assignment) -> bool:
        """Whether the range overlaps the placement."""
        if placed.day != self.day:
            return False
        return self.start is None or self.end is None or (placed.start < self.end and self.start < placed.end)


class SpeakerUnavailable(_TimeRange):
    """A speaker cannot speak on a day, or in a time range on it."""

    kind: Literal["speaker-unavailable"]
    speaker: Identifier

    def apply(self, data: ConferenceData) -> ConferenceData:
        speaker_id = find_speaker(data, self.speaker)
        speakers = [
            s.model_copy(update={"unavailable": [*s.unavailable, self.window]}) if s.id == speaker_id else s
            for s in data.speakers
        ]
        _check_day(data, self.day)
        return data.model_copy(update={"speakers": speakers})

    def reason(self, data: ConferenceData) -> str:
        speaker_id = find_speaker(data, self.speaker)
        name = next(s.display_name for s in data.speakers if s.id == speaker_id)
        return f"speaker {name} unavailable {self.window.describe()}"

    def forces(self, data: ConferenceData, talk: Talk, placed: Assignment) -> bool:
        return find_speaker(data, self.speaker) in talk.speakers and self.hits(placed)


class RoomClosed(_TimeRange):
    """A room is closed on a day, or in a time range on it."""

    kind: Literal["room-closed"]
    room: Identifier

    def apply(self, data: ConferenceData) -> ConferenceData:
        _known(self.room, [room.name for room in data.rooms], "room")
        rooms = [
            r.model_copy(update={"unavailable": [*r.unavailable, self.window]}) if r.name == self.room else r
            for r in data.rooms
        ]
        _check_day(data, self.day)
        return data.model_copy(update={"rooms": rooms})

    def reason(self, data: ConferenceData) -> str:
        return f"room {self.room} closed {self.window.describe()}"

    def forces(self, data: ConferenceData, talk: Talk, placed: Assignment) -> bool:
        return placed.room == self.room and self.hits(placed)


class Withdraw(Strict):
    """A talk is withdrawn: it leaves the programme, and so do references to it (interest, after, conflicts)."""

    kind: Literal["withdraw"]
    talk: Identifier

    def apply(self, data: ConferenceData) -> ConferenceData:
        _known(self.talk, [talk.id for talk in data.talks], "talk")
        talks = [
            talk.model_copy(
                update={
                    "after": [other for other in talk.after if other != self.talk],
                    "conflicts": [other for other in talk.conflicts if other != self.talk],
                }
            )
            for talk in data.talks
            if talk.id != self.talk
        ]
        interest = [item for item in data.interest if self.talk not in item.talks]
        return data.model_copy(update={"talks": talks, "interest": interest})

    def reason(self, data: ConferenceData) -> str:
        return f"talk '{self.talk}' withdrawn"

    def forces(self, data: ConferenceData, talk: Talk, placed: Assignment) -> bool:
        return talk.id == self.talk


class Add(Strict):
    """A new talk, written exactly as in the data file's `talks` list."""

    kind: Literal["add"]
    talk: Talk

    def apply(self, data: ConferenceData) -> ConferenceData:
        if any(talk.id == self.talk.id for talk in data.talks):
            raise ValueError(f"talk '{self.talk.id}' already exists; give the new talk another id")
        return data.model_copy(update={"talks": [*data.talks, self.talk]})

    def reason(self, data: ConferenceData) -> str:
        return f"talk '{self.talk.id}' added"

    def forces(self, data: ConferenceData, talk: Talk, placed: Assignment) -> bool:
        return talk.id == self.talk.id


class PinTalk(Strict):
    """A talk is pinned (or moved) to a day, start and/or room; fields left out keep the talk's own pin."""

    kind: Literal["pin", "move"]
    talk: Identifier
    day: dt.date | None = None
    start: Clock | None = None
    room: str | None = None

    @model_validator(mode="after")
    def _something(self) -> PinTalk:
        if self.day is None and self.start is None and self.room is None:
            raise ValueError(f"a {self.kind} needs a day, a start or a room")
        return self

    def apply(self, data: ConferenceData) -> ConferenceData:
        _known(self.talk, [talk.id for talk in data.talks], "talk")
        if self.room is not None:
            _known(self.room, [room.name for room in data.rooms], "room")
        if self.day is not None:
            _check_day(data, self.day)
        update = {name: getattr(self, name) for name in ("day", "start", "room") if getattr(self, name) is not None}
        talks = [
            talk.model_copy(update={"pin": (talk.pin or Pin()).model_copy(update=update)})
            if talk.id == self.talk
            else talk
            for talk in data.talks
        ]
        return data.model_copy(update={"talks": talks})

    def reason(self, data: ConferenceData) -> str:
        where = [
            self.day.isoformat() if self.day else "",
            format_clock(self.start) if self.start is not None else "",
            self.room or "",
        ]
        verb = "pinned to" if self.kind == "pin" else "moved to"
        return f"talk '{self.talk}' {verb} {' '.join(part for part in where if part)}"

    def forces(self, data: ConferenceData, talk: Talk, placed: Assignment) -> bool:
        return talk.id == self.talk


class Duration(Strict):
    """A talk gets a new length in minutes."""

    kind: Literal["duration"]
    talk: Identifier
    minutes: int = Field(gt=0)

    def apply(self, data: ConferenceData) -> ConferenceData:
        _known(self.talk, [talk.id for talk in data.talks], "talk")
        talks = [
            talk.model_copy(update={"duration": self.minutes}) if talk.id == self.talk else talk for talk in data.talks
        ]
        return data.model_copy(update={"talks": talks})

    def reason(self, data: ConferenceData) -> str:
        return f"talk '{self.talk}' now lasts {self.minutes} minutes"

    def forces(self, data: ConferenceData, talk: Talk, placed: Assignment) -> bool:
        return talk.id == self.talk


Change = Annotated[SpeakerUnavailable | RoomClosed | Withdraw | Add | PinTalk | Duration, Field(discriminator="kind")]


class ChangeFile(Strict):
    changes: list[Change] = Field(min_length=1)
    costs: DisruptionCosts = DisruptionCosts()


class Changes:
    """The changes of a change file (or of command-line flags), each with where it was written."""

    def __init__(self, items: Sequence[Change], costs: DisruptionCosts | None = None, origins: Sequence = ()):
        self.items = list(items)
        self.costs = costs or DisruptionCosts()
        # (path, line, item label) per change, for messages; command-line changes name their flag instead
        self.origins = list(origins) or [(Path("<changes>"), None, f"changes[{i}]") for i in range(len(self.items))]

    def __add__(self, other: Changes) -> Changes:
        return Changes(self.items + other.items, self.costs, self.origins + other.origins)

    def __len__(self) -> int:
        return len(self.items)

    def words(self, data: ConferenceData) -> list[str]:
        """Each change in words, for the changelog ('speaker Ada Lovelace unavailable 2024-12-10 09:00-12:00')."""
        return [change.reason(data) for change in self.items]


def load_changes(path: str | Path) -> Changes:
    """Read and validate a change file."""
    path = Path(path)
    document = YamlDocument(path, read_text(path))
    if document.data is None:
        raise DataError(path, None, None, "the file is empty; expected the key changes (and optionally costs)")
    if not isinstance(document.data, dict):
        raise DataError(path, 1, None, "expected a mapping with the key changes (and optionally costs)")
    for index, item in enumerate(document.data.get("changes") or []):
        _check_kind(document, index, item)
    try:
        parsed = ChangeFile.model_validate(document.data)
    except ValidationError as error:
        detail = dict(first_error(error.errors(include_url=False)))
        loc = list(detail["loc"])
        if len(loc) > 2 and loc[0] == "changes" and loc[2] in KINDS:
            del loc[2]  # pydantic names the union member it tried; the file has no such level
        detail["loc"] = tuple(loc)
        raise validation_error_at(document, detail, ChangeFile) from None
    origins = [
        (path, document.line(("changes", i)), f"changes[{i}] {change.kind}") for i, change in enumerate(parsed.changes)
    ]
    return Changes(parsed.changes, parsed.costs, origins)


def _check_kind(document: YamlDocument, index: int, item: Any) -> None:
    """A missing or unknown kind, said plainly (pydantic would list every union member's errors)."""
    where = ("changes", index)
    if not isinstance(item, dict):
        raise DataError(document.path, document.line(where), f"changes[{index}]", "expected a mapping with a kind")
    kind = item.get("kind")
    if kind is None:
        raise DataError(
            document.path, document.line(where), f"changes[{index}]", f"'kind' is missing; one of: {', '.join(KINDS)}"
        )
    if kind not in KINDS:
        raise DataError(
            document.path,
            document.line((*where, "kind")),
            f"changes[{index}]",
            f"unknown kind '{kind}'{did_you_mean(str(kind), KINDS)} (kinds: {', '.join(KINDS)})",
        )


def apply_changes(data: ConferenceData, changes: Changes) -> ConferenceData:
    """The data file after the changes, in order; each is checked like a loaded file, errors name the change."""
    for change, (path, line, label) in zip(changes.items, changes.origins, strict=True):
        try:
            data = _revalidated(change.apply(data), path)
        except (ValueError, DataError) as error:
            message = error.message if isinstance(error, DataError) else _plain(error)
            item = f"{error.item}: " if isinstance(error, DataError) and error.item else ""
            raise DataError(path, line, label, f"{item}{message}") from None
    return data


def forcing_change(changes: Changes, data: ConferenceData, talk: Talk, placed: Assignment) -> str | None:
    """The first change that makes the talk's published placement impossible, in words; None if none does."""
    for change in changes.items:
        if change.forces(data, talk, placed):
            return change.reason(data)
    return None


def _revalidated(changed: ConferenceData, path: Path) -> ConferenceData:
    """The changed data validated again (the model copies of apply skip pydantic's checks, the cross-item rules
    among them); a broken cross-item rule is a DataError naming the item, as in a loaded file."""
    try:
        return ConferenceData.model_validate(changed.model_dump())
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        if detail["type"] != CROSS_CHECK:
            raise
        raise validation_error_at(_ChangedData(path, changed), detail) from None


class _ChangedData:
    """Stands in for the YAML document when naming a cross-item problem: changed data has no lines of its own."""

    def __init__(self, path: Path, data: ConferenceData):
        self.path = path
        self.data = data.model_dump(mode="json")

    def line(self, where: Sequence[str | int]) -> None:
        return None


def find_speaker(data: ConferenceData, name: str) -> str:
    """A speaker's id, from the id or the exact display name."""
    for speaker in data.speakers:
        if name == speaker.id:
            return speaker.id
    matches = [speaker.id for speaker in data.speakers if speaker.name == name]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValueError(f"{len(matches)} speakers are called '{name}'; use the id ({', '.join(matches)})")
    choices = [speaker.id for speaker in data.speakers] + [s.name for s in data.speakers if s.name]
    raise ValueError(f"speaker '{name}' is not defined{did_you_mean(name, choices)}")


def _known(name: str, choices: list[str], what: str) -> None:
    if name not in choices:
        raise ValueError(f"{what} '{name}' is not defined{did_you_mean(name, choices)}")


def _check_day(data: ConferenceData, day: dt.date) -> None:
    dates = [d.date for d in data.conference.days]
    if day not in dates:
        raise ValueError(f"{day.isoformat()} is not a conference day (days: {', '.join(d.isoformat() for d in dates)})")


def _plain(error: ValueError) -> str:
    if isinstance(error, ValidationError):
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(step) for step in detail["loc"])
        message = detail["msg"].removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(error)


# ---------------------------------------------------------------------------------------------------------------
# Command-line flags: the common changes without a file.

_RANGE = re.compile(r"^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")
INLINE_SYNTAX = {
    "--speaker-unavailable": "SPEAKER@DAY[@HH:MM-HH:MM]",
    "--room-closed": "ROOM@DAY[@HH:MM-HH:MM]",
    "--withdraw": "TALK",
    "--pin": "TALK@[DAY]@[HH:MM][@ROOM]",
    "--duration": "TALK=MINUTES",
}


def inline_change(flag: str, text: str) -> Changes:
    """One change from a command-line flag (see INLINE_SYNTAX); a DataError naming the flag if it does not parse."""
    origin = (Path(flag), None, repr(text))
    try:
        change = _inline(flag, text)
    except ValueError as error:
        message = _plain(error)
        raise DataError(Path(flag), None, repr(text), f"{message}; expected {INLINE_SYNTAX[flag]}") from None
    return Changes([change], None, [origin])


def _inline(flag: str, text: str) -> Change:
    if flag in ("--speaker-unavailable", "--room-closed"):
        # split from the right: speaker ids may be e-mail addresses, and room names may contain '@'
        parts = text.rsplit("@", 2)
        window: dict[str, Any] = {}
        if len(parts) == 3 and _RANGE.match(parts[2]):
            start, end = _RANGE.match(parts[2]).groups()
            window = {"start": start, "end": end}
            parts = parts[:2]
        else:
            parts = text.rsplit("@", 1)
        if len(parts) != 2 or not parts[0]:
            raise ValueError("expected a name and a day")
        field = "speaker" if flag == "--speaker-unavailable" else "room"
        kind = flag.removeprefix("--")
        model = SpeakerUnavailable if field == "speaker" else RoomClosed
        return model.model_validate({"kind": kind, field: parts[0], "day": parts[1], **window})
    if flag == "--withdraw":
        return Withdraw(kind="withdraw", talk=text)
    if flag == "--pin":
        parts = text.split("@", 3)
        talk, day, start, room = parts + [""] * (4 - len(parts))
        fields = {"day": day or None, "start": start or None, "room": room or None}
        return PinTalk.model_validate({"kind": flag.removeprefix("--"), "talk": talk, **fields})
    if flag == "--duration":
        talk, separator, minutes = text.rpartition("=")
        if not separator or not talk:
            raise ValueError("expected TALK=MINUTES")
        return Duration.model_validate({"kind": "duration", "talk": talk, "minutes": minutes})
    raise ValueError(f"unknown flag {flag}")
