"""pretalx's REST API: the talks (`/api/events/<event>/talks/`, paginated: `{"count", "next", "previous",
"results": [...]}`) with each talk's slot, and the rooms (`/api/events/<event>/rooms/`) with their capacities and
availabilities. The source is one talks page, a JSON list of pages, or a directory holding `talks*.json` (pages),
and if present `rooms*.json` (pages) and `event.json` (the event: its name and time zone).

Talks without a slot in a room (not scheduled) are left out; a room's availabilities become its unavailable windows
on the conference's days (scheduler.importers.to_data_file)."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any

from ..errors import DataError
from .fahrplan import FahrplanEvents, text_or_none_quiet
from .frab_json import read_json, seats
from .programme import ImportedRoom, Programme, parse_datetime, resolve_timezone, shown


def is_api_page(document: Any) -> bool:
    """Whether a parsed JSON document is a page of pretalx's API (or a list of pages, or a list of its talks)."""
    if isinstance(document, dict):
        return isinstance(document.get("results"), list)
    return isinstance(document, list) and all(isinstance(item, dict) for item in document) and bool(document)


def read(source: Path, timezone: str | None, document: Any = None) -> Programme:
    """The programme in pretalx API pages: `source` is a directory of them, or one file (already parsed as
    `document`)."""
    event: dict[str, Any] = {}
    if source.is_dir():
        talk_pages = [(path, read_json(path)) for path in sorted(source.glob("talks*.json"))]
        room_pages = [(path, read_json(path)) for path in sorted(source.glob("rooms*.json"))]
        if not talk_pages:
            raise DataError(source, None, None, "no talks*.json in the directory (pages of /api/events/<event>/talks/)")
        if (source / "event.json").is_file():
            loaded = read_json(source / "event.json")
            event = loaded if isinstance(loaded, dict) else {}
    else:
        talk_pages, room_pages = [(source, document)], []
    talks = [(path, where, item) for path, page in talk_pages for where, item in _results(path, page)]
    rooms = [(path, where, item) for path, page in room_pages for where, item in _results(path, page)]
    zone_name = resolve_timezone(source, text_or_none_quiet(event.get("timezone")), timezone, None)
    events = FahrplanEvents(source, "", zoneinfo.ZoneInfo(zone_name))
    imported = []
    for path, where, talk in talks:
        if (fields := _event(path, where, talk)) is not None:
            imported.append(events.talk(fields[0], where, fields[1], None))
    return Programme(
        source=source,
        format_name="pretalx API",
        name=_translated(event.get("name")) or (source.name if source.is_dir() else source.stem),
        timezone=zone_name,
        talks=imported,
        rooms=[_room(path, where, room) for path, where, room in rooms],
    )


def _results(path: Path, page: Any) -> list[tuple[str, dict[str, Any]]]:
    """The items of one page (`results`), of a list of pages, or of a plain list of items, with where each is."""
    if isinstance(page, dict) and isinstance(page.get("results"), list):
        items = [(f"results[{i}]", item) for i, item in enumerate(page["results"])]
    elif isinstance(page, list) and all(isinstance(item, dict) and "results" in item for item in page):
        items = [(f"[{p}].results[{i}]", item) for p, sub in enumerate(page) for i, item in enumerate(sub["results"])]
    elif isinstance(page, list):
        items = [(f"[{i}]", item) for i, item in enumerate(page)]
    else:
        raise DataError(path, None, None, "expected a pretalx API page (an object with 'results') or a list of them")
    for where, item in items:
        if not isinstance(item, dict):
            raise DataError(path, None, where, f"expected an object, got {shown(item)}")
    return items


def _translated(value: Any) -> str | None:
    """pretalx's translatable text ({"en": "...", "de": "..."}): the English text, else the first; or plain text."""
    if isinstance(value, dict):
        value = value.get("en") or next((text for text in value.values() if isinstance(text, str) and text), None)
    return text_or_none_quiet(value)


def _event(path: Path, where: str, talk: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """A talk as a frab event and its room; None when it has no slot in a room."""
    slots = talk.get("slots")
    slot = talk.get("slot") if "slot" in talk else (slots[0] if isinstance(slots, list) and slots else None)
    if not isinstance(slot, dict) or not slot.get("start"):
        return None
    room = _translated(slot.get("room"))
    if room is None and isinstance(slot.get("room"), dict):
        room = _translated(slot["room"].get("name"))
    if room is None:
        return None
    speakers = talk.get("speakers") or []
    if not isinstance(speakers, list):
        raise DataError(path, None, where, f"speakers: expected a list of speakers, got {shown(speakers)}")
    persons = []
    for s, speaker in enumerate(speakers):
        if isinstance(speaker, str):  # an API answer without expanded speakers lists their codes
            persons.append({"code": speaker, "name": speaker})
        elif isinstance(speaker, dict):
            persons.append(
                {"code": speaker.get("code"), "name": speaker.get("name"), "biography": speaker.get("biography")}
            )
        else:
            raise DataError(path, None, where, f"speakers[{s}]: expected a speaker, got {shown(speaker)}")
    event = {
        "code": talk.get("code"),
        "title": _translated(talk.get("title")),
        "type": _translated(talk.get("submission_type")),
        "track": _translated(talk.get("track")),
        "abstract": _translated(talk.get("abstract")),
        "description": _translated(talk.get("description")),
        "language": text_or_none_quiet(talk.get("content_locale")),
        "do_not_record": talk.get("do_not_record"),
        "date": slot.get("start"),
        "end": slot.get("end"),
        "persons": persons,
    }
    return event, room


def _room(path: Path, where: str, room: dict[str, Any]) -> ImportedRoom:
    name = _translated(room.get("name"))
    if name is None:
        raise DataError(path, None, where, "the room has no name")
    try:
        capacity = seats(room.get("capacity"))
    except ValueError as error:
        raise DataError(path, None, f"{where} '{name}'", f"capacity: {error}") from None
    availabilities = room.get("availabilities")
    spans = None
    if isinstance(availabilities, list):
        spans = []
        for a, item in enumerate(availabilities):
            try:
                start, end = parse_datetime(item.get("start")), parse_datetime(item.get("end"))
            except (ValueError, AttributeError) as error:
                raise DataError(path, None, f"{where} '{name}'", f"availabilities[{a}]: {error}") from None
            spans.append((start, end))
    return ImportedRoom(name, capacity, available=tuple(spans) if spans else None)  # none given: always open
