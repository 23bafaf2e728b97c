"""frab/schedule.xml and frab/schedule.json: the frab "Fahrplan" format that pretalx and frab publish and that
conference apps (Giggity, EventFahrplan, ConfClerk) and c3voc tooling read.

Both files are rendered from one structure (:func:`fahrplan`), the frab JSON document, so they always agree.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from ..data import Day, Speaker, Talk, format_clock
from ..formats.slugs import distinct, prefixed_slug, slugify
from ..schedule import Assignment, Schedule, schedule_document
from .ics import local_time
from .stable_ids import room_guid, speaker_guid, stable_numbers, talk_guid
from .track_colours import track_colors

FRAB_JSON_SCHEMA = "https://c3voc.de/schedule/schema.json"

# The frab JSON schema accepts only zone names of this shape; others (US/Pacific, Etc/GMT+5) are left out of the
# JSON, where every time still carries its UTC offset.
_SCHEMA_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# Characters XML 1.0 cannot hold at all (most C0 controls); a title pasted with one would make the file unreadable.
_NOT_XML_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_frab_json(schedule: Schedule) -> str:
    return json.dumps(fahrplan(schedule), indent=2, ensure_ascii=False) + "\n"


def to_frab_xml(schedule: Schedule) -> bytes:
    document = fahrplan(schedule)
    conference = document["schedule"]["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=document["generator"]["name"], version=document["generator"]["version"])
    _text(root, "version", document["schedule"]["version"])
    head = ET.SubElement(root, "conference")
    for key in ("title", "acronym", "start", "end"):
        _text(head, key, conference[key])
    _text(head, "days", conference["daysCount"])
    _text(head, "timeslot_duration", conference["timeslot_duration"])
    _text(head, "time_zone_name", schedule.data.conference.timezone)
    for track in conference["tracks"]:
        ET.SubElement(head, "track", name=_clean(track["name"]), slug=track["slug"], color=track["color"])
    room_guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    # frab XML readers expect the numeric person id that the JSON leaves out (see _Fahrplan.person)
    person_numbers = stable_numbers({str(guid): guid for guid in _speaker_guids(schedule).values()})
    for day in conference["days"]:
        day_element = ET.SubElement(
            root, "day", index=str(day["index"]), date=day["date"], start=day["day_start"], end=day["day_end"]
        )
        for room_name, events in day["rooms"].items():
            room_element = ET.SubElement(day_element, "room", name=_clean(room_name), guid=room_guids[room_name])
            for event in events:
                _event_element(room_element, event, person_numbers)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _event_element(parent: ET.Element, event: dict[str, Any], person_numbers: dict[str, int]) -> None:
    element = ET.SubElement(parent, "event", guid=event["guid"], id=str(event["id"]))
    for key in ("room", "title", "type", "date", "start", "duration", "abstract", "slug", "track"):
        _text(element, key, event[key] or "")
    persons = ET.SubElement(element, "persons")
    for person in event["persons"]:
        _text(persons, "person", person["name"], id=str(person_numbers[person["guid"]]), guid=person["guid"])
    ET.SubElement(element, "links")


def _text(parent: ET.Element, tag: str, text: object, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = _clean(str(text))
    return element


def _clean(text: str) -> str:
    return _NOT_XML_CHARACTERS.sub("", text)


def fahrplan(schedule: Schedule) -> dict[str, Any]:
    """The frab JSON document (valid against the frab schema.json); the XML is written from it."""
    return {
        "$schema": FRAB_JSON_SCHEMA,
        "generator": {"name": "confsched", "version": _confsched_version()},
        "schedule": {"version": schedule_version(schedule), "conference": _Fahrplan.of(schedule).conference()},
    }


@dataclass(frozen=True)
class _Fahrplan:
    """A schedule with the guids, numbers, slugs and colours frab gives its talks, speakers, tracks and rooms."""

    schedule: Schedule
    acronym: str
    talks: dict[str, Talk]
    speakers: dict[str, Speaker]
    talk_guids: dict[str, uuid.UUID]
    talk_numbers: dict[str, int]
    speaker_guids: dict[str, uuid.UUID]
    talk_slugs: dict[str, str]
    track_colors: dict[str, str]
    track_slugs: dict[str, str]
    room_slugs: list[str]

    @classmethod
    def of(cls, schedule: Schedule) -> _Fahrplan:
        """Every identifier the document uses, derived from the data alone so that they stay stable across runs."""
        data = schedule.data
        acronym = conference_acronym(data.conference.name)
        talks = {talk.id: talk for talk in data.talks}
        talk_guids = {talk.id: talk_guid(data.conference.name, talk.id) for talk in data.talks}
        colors = track_colors(schedule)
        return cls(
            schedule=schedule,
            acronym=acronym,
            talks=talks,
            speakers={speaker.id: speaker for speaker in data.speakers},
            talk_guids=talk_guids,
            talk_numbers=stable_numbers(talk_guids),
            speaker_guids=_speaker_guids(schedule),
            talk_slugs=dict(zip(talks, distinct(f"{acronym}-{_talk_slug(talk_id)}" for talk_id in talks), strict=True)),
            track_colors=colors,
            track_slugs=dict(zip(colors, distinct(prefixed_slug(track, "track") for track in colors), strict=True)),
            room_slugs=distinct(prefixed_slug(room.name, "room") for room in data.rooms),
        )

    def conference(self) -> dict[str, Any]:
        """The conference object: its dates and time slot, tracks, rooms, and each day's events room by room."""
        conference = self.schedule.data.conference
        dates = sorted(day.date for day in conference.days)
        head: dict[str, Any] = {
            "acronym": self.acronym,
            "title": conference.name,
            "start": dates[0].isoformat(),
            "end": dates[-1].isoformat(),
            "daysCount": len(dates),
            "timeslot_duration": format_clock(conference.granularity),
        }
        if _SCHEMA_ZONE_NAME.search(conference.timezone):
            head["time_zone_name"] = conference.timezone
        head["tracks"] = [
            {"name": track, "slug": self.track_slugs[track], "color": color}
            for track, color in self.track_colors.items()
        ]
        head["rooms"] = self.rooms()
        days = sorted(conference.days, key=lambda day: day.date)
        head["days"] = [self.day(index, day) for index, day in enumerate(days, start=1)]
        return head

    def rooms(self) -> list[dict[str, Any]]:
        """Every room with its slug, guid and capacity."""
        name = self.schedule.data.conference.name
        return [
            {
                "name": room.name,
                "slug": slug,
                "guid": str(room_guid(name, room.name)),
                "capacity": room.capacity,
            }
            for room, slug in zip(self.schedule.data.rooms, self.room_slugs, strict=True)
        ]

    def day(self, index: int, day: Day) -> dict[str, Any]:
        """One day: its span from the first block's start to the last block's end, and its events by room (rooms
        without events left out)."""
        zone = self.schedule.data.conference.zone
        assignments = [a for a in self.schedule.assignments if a.day == day.date and a.talk in self.talks]
        rooms = {
            room.name: [self.event(a) for a in assignments if a.room == room.name] for room in self.schedule.data.rooms
        }
        return {
            "index": index,
            "date": day.date.isoformat(),
            "day_start": local_time(day.date, min(block.start for block in day.blocks), zone).isoformat(),
            "day_end": local_time(day.date, max(block.end for block in day.blocks), zone).isoformat(),
            "rooms": {name: events for name, events in rooms.items() if events},
        }

    def event(self, assignment: Assignment) -> dict[str, Any]:
        """One talk where the schedule puts it, with its frab ids and its speakers."""
        zone = self.schedule.data.conference.zone
        talk = self.talks[assignment.talk]
        guid = str(self.talk_guids[talk.id])
        day, start, end = assignment.day, assignment.start, assignment.end
        return {
            "guid": guid,
            "id": self.talk_numbers[talk.id],
            "date": local_time(day, start, zone).isoformat(),
            "start": format_clock(start),
            "end": local_time(day, end, zone).isoformat(),
            "duration": format_clock(end - start),
            "room": assignment.room,
            "slug": self.talk_slugs[talk.id],
            # No talk has a web page of its own; the schema requires a URI, and the talk's guid as a URN is one.
            "url": f"urn:uuid:{guid}",
            "title": talk.title,
            "subtitle": None,
            "track": talk.track,
            "type": talk.kind,
            "language": None,
            "abstract": talk.abstract.strip() if talk.abstract else None,
            "description": None,
            "persons": [self.person(speaker_id) for speaker_id in talk.speakers if speaker_id in self.speakers],
            "links": [],
        }

    def person(self, speaker_id: str) -> dict[str, Any]:
        """One speaker as an event's person."""
        speaker = self.speakers[speaker_id]
        # pretalx's person shape (name, no numeric id): frab's schema accepts exactly one of the two person shapes
        return {
            "guid": str(self.speaker_guids[speaker_id]),
            "name": speaker.display_name,
            "public_name": speaker.display_name,
        }


def _speaker_guids(schedule: Schedule) -> dict[str, uuid.UUID]:
    name = schedule.data.conference.name
    return {speaker.id: speaker_guid(name, speaker.id) for speaker in schedule.data.speakers}


def conference_acronym(name: str) -> str:
    """The conference name as frab's acronym: lower-case letters, digits and underscores, at least four of them
    (frab slugs are '<acronym>-<talk>', so the acronym itself must not contain a hyphen)."""
    acronym = slugify(name, separator="_")
    # long names make unwieldy slugs: keep whole words up to 32 characters
    while len(acronym) > 32 and "_" in acronym:
        acronym = acronym.rsplit("_", 1)[0]
    return acronym if len(acronym) >= 4 else f"conf_{acronym}".rstrip("_")


def _talk_slug(talk_id: str) -> str:
    # frab's slug pattern needs at least four characters after the acronym
    slug = slugify(talk_id)
    return slug if len(slug) >= 4 else f"talk-{slug}".rstrip("-")


def schedule_version(schedule: Schedule) -> str:
    """A digest of the timetable: apps compare versions to tell attendees that the schedule changed, and this one
    changes exactly when a talk moves."""
    assignments = json.dumps(schedule_document(schedule)["assignments"], sort_keys=True)
    return hashlib.sha256(assignments.encode("utf-8")).hexdigest()[:12]


def _confsched_version() -> str:
    try:
        return metadata.version("confsched")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"
