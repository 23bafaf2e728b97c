"""schedule.ics: one VEVENT per talk in the conference time zone, with stable UIDs."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar

from ..data import Talk
from ..schedule import Assignment, Schedule
from .stable_ids import talk_guid


def talk_uid(conference: str, talk_id: str, guid: str | None = None) -> str:
    """A UID that stays the same for a talk across re-solves, so calendar clients update events in place: its
    imported guid where the source gave one, else one derived from the conference's name and the talk's id."""
    return f"{guid or talk_guid(conference, talk_id)}@confsched"


def to_ics(schedule: Schedule) -> bytes:
    return calendar_bytes(schedule, schedule.rows(), schedule.data.conference.name)


@dataclass(frozen=True)
class RenderedEvent:
    """A VEVENT as the bytes it is written as, and the time zones (TZID) it refers to."""

    ical: bytes
    tzids: frozenset[str]

    @classmethod
    def of(cls, event: icalendar.Event) -> RenderedEvent:
        used = {value.params.get("TZID") for _, value in event.property_items(sorted=False) if hasattr(value, "params")}
        return cls(event.to_ical(), frozenset(used - {None, "UTC"}))  # UTC is written as ...Z, without a VTIMEZONE


_END = b"END:VCALENDAR\r\n"


def calendar_bytes(
    schedule: Schedule,
    rows: Iterable[tuple[Talk, Assignment]],
    calendar_name: str,
    cancelled: Iterable[tuple[Talk, Assignment]] = (),
    events: dict[str, RenderedEvent] | None = None,
) -> bytes:
    """An iCalendar file named `calendar_name` holding one event per (talk, assignment) row.

    `cancelled` rows (withdrawn talks, at their last placement) become events with STATUS:CANCELLED, so calendar
    clients that hold them mark them cancelled instead of keeping a talk that will not happen. `events` (talk id ->
    rendered event) keeps each event written, for the next calendar that holds the same talk: ics-split writes a
    talk into its room's, its track's and each speaker's calendar, and makes and renders its event once.
    """
    conference = schedule.data.conference
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//confsched//conference schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # an X- property is written as given: a line break in a name would end the line and start a property of its own
    calendar.add("x-wr-calname", " ".join(calendar_name.splitlines()))
    calendar.add("x-wr-timezone", conference.timezone)
    # A fixed DTSTAMP keeps the file identical for identical schedules (RFC 5545 only needs it to be a UTC time).
    stamp = dt.datetime.combine(conference.days[0].date, dt.time(0, 0), tzinfo=dt.UTC)
    events = {} if events is None else events
    rendered = []
    for talk, assignment in rows:
        if talk.id not in events:
            events[talk.id] = RenderedEvent.of(talk_event(schedule, talk, assignment, stamp))
        rendered.append(events[talk.id])
    for talk, assignment in cancelled:
        event = talk_event(schedule, talk, assignment, stamp)
        event.add("status", "CANCELLED")
        rendered.append(RenderedEvent.of(event))
    # the calendar's own lines, the VTIMEZONE of every zone the events use, then the events: the file icalendar
    # writes with the events and add_missing_timezones, from parts each made once
    zones = sorted(frozenset().union(*(event.tzids for event in rendered)))
    head = calendar.to_ical().removesuffix(_END)
    return head + b"".join(_timezone(tzid) for tzid in zones) + b"".join(event.ical for event in rendered) + _END


@functools.lru_cache(maxsize=16)
def _timezone(tzid: str) -> bytes:
    """A zone's VTIMEZONE (the same in every calendar, and slow to make: icalendar advises caching it)."""
    try:
        return icalendar.Timezone.from_tzid(tzid).to_ical()
    except ValueError:  # a zone icalendar does not know is left out, as add_missing_timezones leaves it out
        return b""


def talk_event(schedule: Schedule, talk: Talk, assignment: Assignment, stamp: dt.datetime) -> icalendar.Event:
    conference = schedule.data.conference
    zone = conference.zone
    event = icalendar.Event()
    event.add("uid", talk_uid(conference.name, talk.id, talk.guid))
    event.add("dtstamp", stamp)
    if assignment.sequence:
        # RFC 5545: a client replaces its copy of an event when SEQUENCE grows; 0, the default, is left out
        event.add("sequence", assignment.sequence)
    event.add("dtstart", local_time(assignment.day, assignment.start, zone))
    event.add("dtend", local_time(assignment.day, assignment.end, zone))
    event.add("summary", talk.title)
    event.add("location", assignment.room)
    speakers = ", ".join(schedule.speaker_names(talk))
    description = [f"Speakers: {speakers}"] if speakers else []
    if talk.track:
        description.append(f"Track: {talk.track}")
    if talk.abstract:
        description.extend(["", talk.abstract.strip()] if description else [talk.abstract.strip()])
    if description:
        event.add("description", "\n".join(description))
    event.add("categories", [talk.kind] + ([talk.track] if talk.track else []))
    if talk.url:
        event.add("url", talk.url)
    return event


def local_time(day: dt.date, minutes: int, zone: dt.tzinfo) -> dt.datetime:
    """`minutes` after midnight of `day` in the conference zone; 24:00 is midnight of the next day."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone) + dt.timedelta(minutes=minutes)
