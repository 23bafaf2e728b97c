"""frab/schedule.xml and frab/schedule.json: the frab "Fahrplan" format that pretalx and frab publish and that
conference apps (Giggity, EventFahrplan, ConfClerk) and c3voc tooling read.

Both files are rendered from one structure (:func:`fahrplan`), the frab JSON document, so they always agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from ..data import Speaker, Talk, format_clock, seats_known
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
    data_conference = schedule.data.conference
    for key, value in (("base_url", data_conference.base_url), ("url", data_conference.url)):
        if value and _HTTP.match(value):  # the XSD takes only http(s) addresses there
            _text(head, key, value)
    _text(head, "time_zone_name", data_conference.timezone)
    for track in conference["tracks"]:
        ET.SubElement(head, "track", name=_clean(track["name"]), slug=track["slug"], color=track["color"])
    room_guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    # frab XML readers expect the numeric person id that the JSON leaves out (see _Fahrplan.person)
    person_numbers = _person_numbers(schedule)
    codes: set[str] = set()  # the XSD wants codes unique; pretalx repeats one for a talk with two slots
    for day in conference["days"]:
        day_element = ET.SubElement(
            root, "day", index=str(day["index"]), date=day["date"], start=day["day_start"], end=day["day_end"]
        )
        for room_name, events in day["rooms"].items():
            room_element = ET.SubElement(day_element, "room", name=_clean(room_name), guid=room_guids[room_name])
            for event in events:
                _event_element(room_element, event, person_numbers, codes)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _event_element(parent: ET.Element, event: dict[str, Any], person_numbers: dict[str, int], codes: set[str]) -> None:
    attributes = {"guid": event["guid"], "id": str(event["id"])}
    if _XML_CODE.fullmatch(event.get("code", "")) and event["code"] not in codes:
        attributes["code"] = event["code"]
        codes.add(event["code"])
    element = ET.SubElement(parent, "event", attributes)
    for key in ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract", "slug", "track"):
        if key != "subtitle" or event[key]:
            _text(element, key, event[key] or "")
    persons = ET.SubElement(element, "persons")
    for person in event["persons"]:
        name = person.get("name", person.get("public_name"))
        _text(persons, "person", name, id=str(person_numbers[person["guid"]]), guid=person["guid"])
    for key in ("language", "description"):
        if event[key]:
            _text(element, key, event[key])
    if "recording_license" in event or "do_not_record" in event:
        recording = ET.SubElement(element, "recording")
        _text(recording, "license", event.get("recording_license", ""))
        _text(recording, "optout", "true" if event.get("do_not_record") else "false")
    links = ET.SubElement(element, "links")
    for link in event["links"]:
        _text(links, "link", link.get("title", ""), href=link["url"], **_link_type(link))
    if _HTTP.match(event["url"]):  # not confsched's urn:uuid: placeholder, nor an address the XSD refuses
        _text(element, "url", event["url"])


def _link_type(link: dict[str, Any]) -> dict[str, str]:
    return {"type": link["type"]} if link.get("type") else {}


# a pretalx submission code as frab XML's code attribute allows it
_XML_CODE = re.compile("[0-9A-Z]{6}")
_JSON_CODE = re.compile("[A-Z0-9]+")
_HTTP = re.compile("https?://")


def _text(parent: ET.Element, tag: str, text: object, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = _clean(str(text))
    return element


def _clean(text: str) -> str:
    return _NOT_XML_CHARACTERS.sub("", text)


def fahrplan(schedule: Schedule) -> dict[str, Any]:
    """The frab JSON document (valid against the frab schema.json); the XML is written from it."""
    head: dict[str, Any] = {"version": schedule_version(schedule)}
    if schedule.data.conference.base_url:
        head["base_url"] = schedule.data.conference.base_url
    return {
        "$schema": FRAB_JSON_SCHEMA,
        "generator": {"name": "confsched", "version": _confsched_version()},
        "schedule": head | {"conference": _Fahrplan.of(schedule).conference()},
    }


@dataclass(frozen=True)
class _Fahrplan:
    """A schedule with the guids, numbers, slugs and colours frab gives its talks, speakers, tracks and rooms."""

    schedule: Schedule
    acronym: str
    talks: dict[str, Talk]
    speakers: dict[str, Speaker]
    talk_guids: dict[str, str]
    talk_numbers: dict[str, int]
    speaker_guids: dict[str, str]
    talk_slugs: dict[str, str]
    track_colors: dict[str, str]
    track_slugs: dict[str, str]
    room_slugs: list[str]

    @classmethod
    def of(cls, schedule: Schedule) -> _Fahrplan:
        """Every identifier the document uses, derived from the data alone so that they stay stable across runs."""
        data = schedule.data
        acronym = data.conference.acronym or conference_acronym(data.conference.name)
        talks = {talk.id: talk for talk in data.talks}
        talk_guids = {talk.id: talk.guid or str(talk_guid(data.conference.name, talk.id)) for talk in data.talks}
        colors = track_colors(schedule)
        slugs = distinct(talk.slug or f"{acronym}-{_talk_slug(talk.id)}" for talk in talks.values())
        return cls(
            schedule=schedule,
            acronym=acronym,
            talks=talks,
            speakers={speaker.id: speaker for speaker in data.speakers},
            talk_guids=talk_guids,
            talk_numbers=kept_numbers(
                {talk.id: talk.number for talk in data.talks},
                {talk_id: _as_uuid(guid) for talk_id, guid in talk_guids.items()},
            ),
            speaker_guids=_speaker_guids(schedule),
            talk_slugs=dict(zip(talks, slugs, strict=True)),
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
        if conference.url:
            head["url"] = conference.url
        head["tracks"] = [
            {"name": track, "slug": self.track_slugs[track], "color": color}
            for track, color in self.track_colors.items()
        ]
        head["rooms"] = self.rooms()
        head["days"] = [self.day(index, date, spans) for index, (date, spans) in enumerate(self.frab_days(), start=1)]
        return head

    def frab_day_of(self, day: dt.date, start: int) -> dt.date:
        """The frab day a moment belongs to: with a day change (docs/format.md), a time before it belongs to the day
        before (a night talk at 01:00 is the previous evening's)."""
        day_change = self.schedule.data.conference.day_change
        if day_change is not None and start < day_change:
            return day - dt.timedelta(days=1)
        return day

    def frab_days(self) -> list[tuple[dt.date, list[tuple[dt.date, int, int]]]]:
        """The frab days in date order, each with its blocks as (date, start, end): without a day change the data
        file's days; with one, the night blocks join the day before."""
        spans: dict[dt.date, list[tuple[dt.date, int, int]]] = {}
        for day in self.schedule.data.conference.days:
            for block in day.blocks:
                spans.setdefault(self.frab_day_of(day.date, block.start), []).append((day.date, block.start, block.end))
        return sorted((date, sorted(blocks)) for date, blocks in spans.items())

    def rooms(self) -> list[dict[str, Any]]:
        """Every room with its slug, guid and capacity."""
        name = self.schedule.data.conference.name
        return [
            {
                "name": room.name,
                "slug": slug,
                "guid": str(room_guid(name, room.name)),
                "capacity": room.capacity if seats_known(room.capacity) else None,  # unknown stays unknown
            }
            for room, slug in zip(self.schedule.data.rooms, self.room_slugs, strict=True)
        ]

    def day(self, index: int, date: dt.date, spans: list[tuple[dt.date, int, int]]) -> dict[str, Any]:
        """One frab day: its span from the first block's start to the last block's end, and its events by room
        (rooms without events left out)."""
        zone = self.schedule.data.conference.zone
        assignments = [
            a for a in self.schedule.assignments if self.frab_day_of(a.day, a.start) == date and a.talk in self.talks
        ]
        rooms = {
            room.name: [self.event(a) for a in assignments if a.room == room.name] for room in self.schedule.data.rooms
        }
        first, last = spans[0], max(spans, key=lambda span: (span[0], span[2]))
        day_change = self.schedule.data.conference.day_change
        # with a day change a frab day ends at the next day's change, which tells a reader where the change is
        end = local_time(last[0], last[2], zone) if day_change is None else local_time(date, 1440 + day_change, zone)
        return {
            "index": index,
            "date": date.isoformat(),
            "day_start": local_time(first[0], first[1], zone).isoformat(),
            "day_end": end.isoformat(),
            "rooms": {name: events for name, events in rooms.items() if events},
        }

    def event(self, assignment: Assignment) -> dict[str, Any]:
        """One talk where the schedule puts it, with its frab ids and its speakers."""
        zone = self.schedule.data.conference.zone
        talk = self.talks[assignment.talk]
        guid = self.talk_guids[talk.id]
        day, start, end = assignment.day, assignment.start, assignment.end
        code = {"code": talk.code} if talk.code and _JSON_CODE.fullmatch(talk.code) else {}
        recording: dict[str, Any] = {}
        if talk.recording_license is not None:
            recording["recording_license"] = talk.recording_license
        if talk.do_not_record is not None:
            recording["do_not_record"] = talk.do_not_record
        return code | {
            "guid": guid,
            "id": self.talk_numbers[talk.id],
            "date": local_time(day, start, zone).isoformat(),
            "start": format_clock(start),
            "end": local_time(day, end, zone).isoformat(),
            "duration": format_clock(end - start),
            "room": assignment.room,
            "slug": self.talk_slugs[talk.id],
            # A talk without a web page of its own: the schema requires a URI, and the talk's guid as a URN is one.
            "url": talk.url or f"urn:uuid:{guid}",
            "title": talk.title,
            "subtitle": talk.subtitle,
            "track": talk.track,
            "type": talk.kind,
            "language": talk.language,
            "abstract": talk.abstract.strip() if talk.abstract else None,
            "description": talk.description,
            **recording,
            "persons": [self.person(speaker_id) for speaker_id in talk.speakers if speaker_id in self.speakers],
            "links": [link.model_dump(exclude_none=True) for link in talk.links],
        }

    def person(self, speaker_id: str) -> dict[str, Any]:
        """One speaker as an event's person."""
        speaker = self.speakers[speaker_id]
        guid = self.speaker_guids[speaker_id]
        # frab's schema accepts exactly one of its two person shapes: frab's (a numeric id and public_name, no name)
        # for a person the source gave a number and no code, else pretalx's (a name, no numeric id)
        if speaker.number is not None and not speaker.code:
            return {"guid": guid, "id": speaker.number, "public_name": speaker.display_name}
        person: dict[str, Any] = {"guid": guid, "name": speaker.display_name, "public_name": speaker.display_name}
        if speaker.code and _JSON_CODE.fullmatch(speaker.code):
            person["code"] = speaker.code
        if speaker.biography:
            person["biography"] = speaker.biography
        return person


def _speaker_guids(schedule: Schedule) -> dict[str, str]:
    name = schedule.data.conference.name
    return {speaker.id: speaker.guid or str(speaker_guid(name, speaker.id)) for speaker in schedule.data.speakers}


def _person_numbers(schedule: Schedule) -> dict[str, int]:
    """Each speaker guid's numeric frab id: the imported one, else one derived from the guid."""
    guids = _speaker_guids(schedule)
    given = {guids[speaker.id]: speaker.number for speaker in schedule.data.speakers}
    return kept_numbers(given, {guid: _as_uuid(guid) for guid in guids.values()})


def kept_numbers(given: dict[str, int | None], guids: dict[str, uuid.UUID]) -> dict[str, int]:
    """Each key's frab number: the one the source gave (kept verbatim; pretalx repeats one for a talk with two
    slots, and the later key in sorted order then gets its own), else a stable one derived from its guid that no
    given number takes."""
    numbers: dict[str, int] = {}
    taken: set[int] = set()
    for key in sorted(given):
        number = given[key]
        if number is not None and number not in taken:
            numbers[key] = number
            taken.add(number)
    derived = stable_numbers({key: guid for key, guid in guids.items() if key not in numbers})
    for key in sorted(derived):
        number = derived[key]
        while number in taken:
            number = number % (2**31 - 1) + 1
        taken.add(number)
        numbers[key] = number
    return numbers


def _as_uuid(guid: str) -> uuid.UUID:
    """A guid as a UUID; text that is none (a source's own guid scheme) becomes one derived from it."""
    return uuid.UUID(guid) if _is_uuid(guid) else uuid.uuid5(uuid.NAMESPACE_URL, guid)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


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
