"""What frab XML and frab JSON (pretalx's schedule.json) share: an event as an imported talk, and who its persons
are. The XML reader hands over each <event> as a mapping with the JSON's field names, so both read alike."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..formats.slugs import DistinctNames, slugify
from .programme import (
    ImportedSpeaker,
    ImportedTalk,
    check_count,
    local_span,
    parse_datetime,
    parse_duration,
    shown,
    text_field,
)


@dataclass
class FahrplanEvents:
    """Reads the events of one frab document; keeps speaker ids consistent across its events."""

    source: Path
    acronym: str
    zone: zoneinfo.ZoneInfo
    _speaker_ids: dict[str, str] = field(default_factory=dict)
    _names: DistinctNames = field(default_factory=DistinctNames)
    _talks: int = 0  # events read so far

    def talk(self, event: Mapping[str, Any], where: str, room: str, day: dt.date | None) -> ImportedTalk:
        """The talk an event describes; `day` is the enclosing day's date, used only when the event has no date."""
        self._talks += 1
        check_count(self.source, "talks", self._talks)  # before the work of another talk
        try:
            title = text_field(event, "title")
        except ValueError as error:
            raise DataError(self.source, None, where, str(error)) from None
        label = f"{where} '{title}'" if title else where
        if title is None:
            raise DataError(self.source, None, label, "the event has no title")
        try:
            start = self._start(event, day)
            day_date, first, last = local_span(start, self._minutes(event, start), self.zone)
            return ImportedTalk(
                id=self._talk_id(event),
                title=title,
                day=day_date,
                start=first,
                end=last,
                room=room,
                where=label,
                kind=text_field(event, "type"),
                track=text_field(event, "track"),
                speakers=self._speakers(event),
                abstract=text_field(event, "abstract"),
                extra=event_fields(event),
                listed_day=day,
            )
        except ValueError as error:
            raise DataError(self.source, None, label, str(error)) from None

    def _start(self, event: Mapping[str, Any], day: dt.date | None) -> dt.datetime:
        if event.get("date"):
            return parse_datetime(event["date"])
        # frab files from before 2013 have only the day's date and the event's "HH:MM"
        if day is None or not event.get("start"):
            raise ValueError("the event has no date (and no day date with a start time)")
        try:
            minutes = parse_duration(event["start"])  # "HH:MM" as minutes after midnight
        except ValueError:
            raise ValueError(f"start: expected a time as 'HH:MM', got {event['start']!r}") from None
        return dt.datetime.combine(day, dt.time(minutes // 60 % 24, minutes % 60))

    @staticmethod
    def _minutes(event: Mapping[str, Any], start: dt.datetime) -> int:
        if event.get("duration"):
            try:
                return parse_duration(event["duration"])
            except ValueError as error:
                raise ValueError(f"duration: {error}") from None
        if event.get("end"):
            end = parse_datetime(event["end"])
            if (end.tzinfo is None) != (start.tzinfo is None):
                raise ValueError("date and end must both have a UTC offset, or neither")
            return int((end - start).total_seconds() // 60)
        raise ValueError("the event has neither a duration nor an end")

    def _talk_id(self, event: Mapping[str, Any]) -> str | None:
        """pretalx's submission code; else the slug without the conference's acronym (frab slugs are
        '<acronym>-<id>-<title>', confsched's '<acronym>-<talk id>'); else the numeric id; else the guid."""
        if code := text_field(event, "code"):
            return code
        if slug := text_field(event, "slug"):
            stripped = slug.removeprefix(f"{self.acronym}-") if self.acronym else slug
            return stripped or slug
        return text_field(event, "id") or text_field(event, "guid")

    def _speakers(self, event: Mapping[str, Any]) -> tuple[ImportedSpeaker, ...]:
        persons = event.get("persons")
        if persons is None:
            return ()
        if not isinstance(persons, list):  # a text would be read letter by letter, an object key by key
            raise ValueError(f"persons: expected a list of people, got {shown(persons)}")
        return tuple(self._speaker(person, p) for p, person in enumerate(persons))

    def _speaker(self, person: Any, index: int) -> ImportedSpeaker:
        """A person as a speaker. pretalx's code is the id; otherwise the id is a slug of the name (frab's numeric
        person ids mean nothing to a chair), and frab's id or guid only tells people of the same name apart."""
        if not isinstance(person, Mapping):
            raise ValueError(f"persons[{index}]: expected an object with a name")
        prefix = f"persons[{index}]."
        name = text_field(person, "name", prefix) or text_field(person, "public_name", prefix)
        if name is None:
            raise ValueError(f"persons[{index}]: the person has no name")
        code = text_field(person, "code", prefix)
        guid = text_field(person, "guid", prefix)
        identity = code or guid or text_field(person, "id", prefix) or f"name:{name}"
        if identity not in self._speaker_ids:
            check_count(self.source, "speakers", len(self._speaker_ids) + 1)
            self._speaker_ids[identity] = self._names.name(code or slugify(name) or "speaker")
        extra = {"guid": guid, "number": _positive(person.get("id")), "code": code}
        extra["biography"] = text_or_none_quiet(person.get("biography"))
        return ImportedSpeaker(
            self._speaker_ids[identity], name, tuple((key, value) for key, value in extra.items() if value is not None)
        )


def _positive(value: Any) -> int | None:
    """frab's numeric id (an integer, or its digits in XML), None when missing or not a positive whole number."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def event_fields(event: Mapping[str, Any]) -> dict[str, Any]:
    """What a frab event says besides its title, place, type, track, abstract and persons, as the data file's talk
    keeps it (docs/format.md); missing and empty fields are left out. confsched's own placeholder url
    (`urn:uuid:<guid>`, for a talk without a page) is not a url."""
    fields: dict[str, Any] = {}
    for key in ("guid", "code", "slug", "url", "subtitle", "description", "language", "recording_license"):
        value = text_field(event, key)
        if value is not None:
            fields[key] = value
    if fields.get("url", "").startswith("urn:uuid:"):
        del fields["url"]
    if (number := _positive(event.get("id"))) is not None:
        fields["number"] = number
    if isinstance(event.get("do_not_record"), bool):
        fields["do_not_record"] = event["do_not_record"]
    links = event.get("links")
    if isinstance(links, list):
        kept = []
        for link in links:
            if isinstance(link, Mapping) and (url := text_or_none_quiet(link.get("url"))):
                kept.append(
                    {"url": url}
                    | {key: text for key in ("title", "type") if (text := text_or_none_quiet(link.get(key)))}
                )
        if kept:
            fields["links"] = kept
    return fields


def text_or_none_quiet(value: Any) -> str | None:
    """Stripped text, or None for anything that is not text (an optional field the source fills oddly)."""
    return value.strip() or None if isinstance(value, str) else None


def day_date(source: Path, where: str, value: Any) -> dt.date | None:
    """A frab day's date; None when the day has none (each event carries its own date anyway)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        message = f"date: expected an ISO date such as '2024-12-10', got {value!r}"
        raise DataError(source, None, where, message) from None


def day_change(value: Any, day_ends: list[Any]) -> str | None:
    """frab's day change as 'HH:MM': the conference's <day_change>, else the time a frab day ends at when that is
    after midnight (frab's day runs from its start to the day change the next morning); None when neither says."""
    if isinstance(value, str):
        try:
            minutes = parse_duration(value)
        except ValueError:
            minutes = None
        if minutes is not None and minutes < 24 * 60:
            return f"{minutes // 60:02d}:{minutes % 60:02d}"
    for end in day_ends:
        try:
            moment = parse_datetime(end)
        except ValueError:
            continue
        if (moment.hour or moment.minute) and moment.hour < 12:  # a day ending in the morning ended after midnight
            return f"{moment.hour:02d}:{moment.minute:02d}"
    return None


def timeslot_minutes(value: Any) -> int | None:
    """frab's timeslot_duration in minutes; None when missing or unreadable (the talks' times decide then)."""
    try:
        return parse_duration(value) or None
    except ValueError:
        return None
