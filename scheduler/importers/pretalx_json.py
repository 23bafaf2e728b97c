"""pretalx's JSON: the frab-compatible schedule.json every pretalx event publishes (`/<event>/schedule/export/
schedule.json`), with pretalx's submission and speaker codes as ids; and the schedule widget's data
(`/<event>/schedule/widgets/schedule.json`), which lists talks, rooms and speakers separately."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any

from ..errors import DataError
from . import pretalx_api
from .fahrplan import FahrplanEvents
from .frab_json import from_document, read_json
from .programme import ImportedRoom, Programme, resolve_timezone, shown, text_field, text_or_none


def read(source: Path, timezone: str | None = None) -> Programme:
    if source.is_dir():
        return pretalx_api.read(source, timezone)
    document = read_json(source)
    if isinstance(document, dict) and "schedule" in document:
        return from_document(source, document, timezone, "pretalx schedule.json (frab JSON)")
    if isinstance(document, dict) and isinstance(document.get("talks"), list):
        return _from_widget(source, document, timezone)
    if pretalx_api.is_api_page(document):
        return pretalx_api.read(source, timezone, document)
    raise DataError(source, None, None, NOT_PRETALX)


NOT_PRETALX = (
    "not a pretalx schedule; pretalx-json reads frab JSON (an object with 'schedule', /schedule/export/"
    "schedule.json), the schedule widget's data (an object with 'talks'), or pretalx API pages (objects with "
    "'results', /api/events/<event>/talks/, or a directory of talks*.json and rooms*.json)"
)


def _from_widget(source: Path, document: dict[str, Any], timezone: str | None) -> Programme:
    """The widget's talks, rooms (by id) and speakers (by code), read as frab events; breaks (items without a
    submission code) are not talks and are left out."""
    try:
        zone_text = text_field(document, "timezone")
    except ValueError as error:
        raise DataError(source, None, None, str(error)) from None
    zone_name = resolve_timezone(source, zone_text, timezone, "timezone")
    rooms = _names_by_id(source, document, "rooms")
    tracks = _names_by_id(source, document, "tracks")
    speakers = {}
    for s, speaker in enumerate(_list(source, document, "speakers")):
        if isinstance(speaker, dict) and speaker.get("code") is not None:
            speakers[_key(speaker.get("code"))] = _text(source, f"speakers[{s}]", speaker, "name")
    events = FahrplanEvents(source, "", zoneinfo.ZoneInfo(zone_name))
    talks = []
    for t, talk in enumerate(document["talks"]):
        where = f"talks[{t}]"
        if not isinstance(talk, dict):
            raise DataError(source, None, where, "expected a talk object")
        if not talk.get("code"):
            continue
        room = rooms.get(_key(talk.get("room")))
        if room is None:
            raise DataError(source, None, where, f"room {shown(talk.get('room'))} is not in 'rooms'")
        codes = talk.get("speakers")
        if codes is None:
            codes = []
        if not isinstance(codes, list):  # "ADA" would be read letter by letter: speakers A and D
            raise DataError(source, None, where, f"speakers: expected a list of speaker codes, got {shown(codes)}")
        for c, code in enumerate(codes):
            if _key(code) is None:
                raise DataError(source, None, where, f"speakers[{c}]: expected a speaker code, got {shown(code)}")
        event = {
            "code": talk["code"],
            "title": _text(source, where, talk, "title"),
            "date": talk.get("start"),
            "end": talk.get("end"),
            "track": tracks.get(_key(talk.get("track"))),
            "abstract": _text(source, where, talk, "abstract"),
            "persons": [{"code": code, "name": speakers.get(_key(code)) or code} for code in codes],
        }
        talks.append(events.talk(event, where, room, None))
    return Programme(
        source=source,
        format_name="pretalx schedule widget data",
        name=source.stem,  # the widget data does not carry the event's name
        timezone=zone_name,
        talks=talks,
        rooms=[ImportedRoom(name) for name in rooms.values()],  # the rooms in use, in pretalx's room order
    )


def _list(source: Path, document: dict[str, Any], key: str) -> list[Any]:
    """The widget's list `key`; missing or null is empty, anything but a list is refused."""
    items = document.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise DataError(source, None, key, f"expected a list, got {shown(items)}")
    return items


def _key(value: Any) -> str | None:
    """An id the widget's items refer to each other by (a number or text), as a dictionary key; None for anything
    else, which then matches nothing rather than its Python text."""
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _names_by_id(source: Path, document: dict[str, Any], key: str) -> dict[str | None, str]:
    """{id: name} of the widget's rooms or tracks (`key`)."""
    names = {}
    for i, item in enumerate(_list(source, document, key)):
        if isinstance(item, dict) and (name := _text(source, f"{key}[{i}]", item, "name")):
            names[_key(item.get("id"))] = name
    names.pop(None, None)
    return names


def _text(source: Path, where: str, item: dict[str, Any], key: str) -> str | None:
    """pretalx writes translatable fields as {"en": "...", "de": "..."}: the English text, else the first."""
    value = item.get(key)
    if isinstance(value, dict):
        value = value.get("en") or next(iter(value.values()), None)
    try:
        return text_or_none(value)
    except ValueError as error:
        raise DataError(source, None, where, f"{key}: {error}") from None
