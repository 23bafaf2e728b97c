"""frab XML: the "Fahrplan" schedule.xml of frab and pretalx, which `confsched export --format frab-xml` writes
(the c3voc schema, ../shared/schemas/schedule.xml.xsd).

Elements are named in messages by an XPath such as ``/schedule/day[1]/room[2]/event[3]`` (positions count from 1
among siblings of the same name), since the standard library's parser does not keep line numbers of elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zoneinfo
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..errors import DataError
from .fahrplan import FahrplanEvents, day_change, day_date, timeslot_minutes
from .programme import Programme, read_source, resolve_timezone, text_or_none

# expat appends the position to its message; it is reported as the line (and column) of the DataError instead
_POSITION_SUFFIX = re.compile(r": line \d+, column \d+$")


def read(source: Path, timezone: str | None = None) -> Programme:
    root = _parse(source)
    if root.tag != "schedule":
        raise DataError(source, None, None, f"not a frab schedule: the root element is <{root.tag}>, not <schedule>")
    conference = root.find("conference")
    if conference is None:
        raise DataError(source, None, "/schedule", "the <conference> element is missing")
    zone_name = resolve_timezone(
        source, conference.findtext("time_zone_name"), timezone, "/schedule/conference/time_zone_name"
    )
    acronym = text_or_none(conference.findtext("acronym"))
    events = FahrplanEvents(source, acronym or "", zoneinfo.ZoneInfo(zone_name))
    talks = []
    for d, day in enumerate(root.findall("day"), start=1):
        day_where = f"/schedule/day[{d}]"
        date = day_date(source, day_where, day.get("date"))
        for r, room in enumerate(day.findall("room"), start=1):
            room_name = text_or_none(room.get("name"))
            if room_name is None:
                raise DataError(source, None, f"{day_where}/room[{r}]", "the room has no name attribute")
            for e, event in enumerate(room.findall("event"), start=1):
                talks.append(events.talk(_fields(event), f"{day_where}/room[{r}]/event[{e}]", room_name, date))
    return Programme(
        source=source,
        format_name="frab XML",
        name=text_or_none(conference.findtext("title")) or source.stem,
        timezone=zone_name,
        talks=talks,
        granularity=timeslot_minutes(conference.findtext("timeslot_duration")),
        extra={
            "acronym": acronym,
            "url": text_or_none(conference.findtext("url")),
            "base_url": text_or_none(conference.findtext("base_url")),
            "day_change": day_change(
                conference.findtext("day_change"), [day.get("end") for day in root.findall("day")]
            ),
        },
        track_colors={
            name: color
            for track in conference.findall("track")
            if (name := text_or_none(track.get("name"))) and (color := text_or_none(track.get("color")))
        },
    )


def _parse(source: Path) -> ET.Element:
    # the standard library's expat refuses external entities, so a file cannot read local ones; it lets internal
    # entities expand a hundredfold, which would make a 50 MB file 5 GB, and a frab schedule declares none
    raw = read_source(source)
    _refuse_entities(source, raw)
    try:
        return ET.fromstring(raw)
    except ET.ParseError as error:
        line, column = error.position
        reason = _POSITION_SUFFIX.sub("", str(error))
        raise DataError(source, line, None, f"XML syntax error: {reason} (column {column + 1})") from None


class _Prolog(Exception):
    """Raised to stop reading the prolog: at the first element, or at an entity declaration (with its line)."""

    def __init__(self, line: int | None = None):
        self.line = line


def _refuse_entities(source: Path, raw: bytes) -> None:
    """A DataError if the file declares an entity (<!ENTITY ...> in its DOCTYPE). Only the prolog is read: entities
    are declared before the first element."""
    parser = expat.ParserCreate()

    def declared(*_: object) -> None:
        raise _Prolog(parser.CurrentLineNumber)

    def started(*_: object) -> None:
        raise _Prolog()

    parser.EntityDeclHandler = declared
    parser.StartElementHandler = started
    try:
        parser.Parse(raw, True)
    except _Prolog as stop:
        if stop.line is not None:
            raise DataError(
                source,
                stop.line,
                None,
                "the file declares an entity (<!ENTITY>); a frab schedule has none, and entities can expand a small "
                "file to gigabytes",
            ) from None
    except expat.ExpatError:
        pass  # the parse proper reports it, with its line and column


def _fields(event: ET.Element) -> dict[str, Any]:
    """An <event> as a mapping with the frab JSON's field names (what FahrplanEvents reads)."""
    fields: dict[str, Any] = {key: event.get(key) for key in ("guid", "code", "id")}
    for key in (
        "title", "type", "track", "date", "start", "duration", "abstract", "description", "slug", "url", "subtitle",
        "language",
    ):  # fmt: skip
        fields[key] = event.findtext(key)
    fields["recording_license"] = event.findtext("recording/license")
    optout = (event.findtext("recording/optout") or "").strip()
    if optout in ("true", "false", "1", "0"):
        fields["do_not_record"] = optout in ("true", "1")
    fields["links"] = [
        {"url": link.get("href"), "title": link.text, "type": link.get("type")} for link in event.findall("links/link")
    ]
    fields["persons"] = [
        {"id": person.get("id"), "guid": person.get("guid"), "code": person.get("code"), "name": person.text}
        for person in event.findall("persons/person")
    ]
    return fields
