"""pretalx's JSON: the frab-compatible schedule.json every pretalx event publishes (`/<event>/schedule/export/
schedule.json`), with pretalx's submission and speaker codes as ids; and the schedule widget's data
(`/<event>/schedule/widgets/schedule.json`), which lists talks, rooms and speakers separately."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any

from ..errors import DataError
from .fahrplan import FahrplanEvents
from .frab_json import from_document, read_json
from .programme import ImportedRoom, Programme, resolve_timezone, text_or_none


def read(source: Path, timezone: str | None = None) -> Programme:
    document = read_json(source)
    if isinstance(document, dict) and "schedule" in document:
        return from_document(source, document, timezone, "pretalx schedule.json (frab JSON)")
    if isinstance(document, dict) and isinstance(document.get("talks"), list):
        return _from_widget(source, document, timezone)
    raise DataError(
        source,
        None,
        None,
        "not a pretalx schedule: expected frab JSON (an object with 'schedule') or the schedule widget's data "
        "(an object with 'talks')",
    )


def _from_widget(source: Path, document: dict[str, Any], timezone: str | None) -> Programme:
    """The widget's talks, rooms (by id) and speakers (by code), read as frab events; breaks (items without a
    submission code) are not talks and are left out."""
    zone_name = resolve_timezone(source, text_or_none(document.get("timezone")), timezone, "timezone")
    rooms = _names_by_id(document.get("rooms"))
    tracks = _names_by_id(document.get("tracks"))
    speakers = {
        str(speaker.get("code")): _text(speaker.get("name"))
        for speaker in document.get("speakers") or []
        if isinstance(speaker, dict)
    }
    events = FahrplanEvents(source, "", zoneinfo.ZoneInfo(zone_name))
    talks = []
    for t, talk in enumerate(document["talks"]):
        where = f"talks[{t}]"
        if not isinstance(talk, dict):
            raise DataError(source, None, where, "expected a talk object")
        if not talk.get("code"):
            continue
        room = rooms.get(str(talk.get("room")))
        if room is None:
            raise DataError(source, None, where, f"room {talk.get('room')!r} is not in 'rooms'")
        event = {
            "code": talk["code"],
            "title": _text(talk.get("title")),
            "date": talk.get("start"),
            "end": talk.get("end"),
            "track": tracks.get(str(talk.get("track"))),
            "abstract": _text(talk.get("abstract")),
            "persons": [{"code": code, "name": speakers.get(str(code)) or code} for code in talk.get("speakers") or []],
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


def _names_by_id(items: Any) -> dict[str, str]:
    """{id: name} of the widget's rooms or tracks."""
    names = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and (name := _text(item.get("name"))):
            names[str(item.get("id"))] = name
    return names


def _text(value: Any) -> str | None:
    """pretalx writes translatable fields as {"en": "...", "de": "..."}: the English text, else the first."""
    if isinstance(value, dict):
        value = value.get("en") or next(iter(value.values()), None)
    return text_or_none(value)
