"""schedule.ics: one VEVENT per talk in the conference time zone, with stable UIDs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar

from ..data import Talk
from ..schedule import Assignment, Schedule
from .stable_ids import talk_guid


def talk_uid(conference: str, talk_id: str) -> str:
    """A UID that stays the same for a talk across re-solves, so calendar clients update events in place."""
    return f"{talk_guid(conference, talk_id)}@confsched"


def to_ics(schedule: Schedule) -> bytes:
    return calendar_bytes(schedule, schedule.rows(), schedule.data.conference.name)


def calendar_bytes(
    schedule: Schedule,
    rows: Iterable[tuple[Talk, Assignment]],
    calendar_name: str,
    cancelled: Iterable[tuple[Talk, Assignment]] = (),
) -> bytes:
    """An iCalendar file named `calendar_name` holding one event per (talk, assignment) row.

    `cancelled` rows (withdrawn talks, at their last placement) become events with STATUS:CANCELLED, so calendar
    clients that hold them mark them cancelled instead of keeping a talk that will not happen.
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
    for talk, assignment in rows:
        calendar.add_component(talk_event(schedule, talk, assignment, stamp))
    for talk, assignment in cancelled:
        event = talk_event(schedule, talk, assignment, stamp)
        event.add("status", "CANCELLED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def talk_event(schedule: Schedule, talk: Talk, assignment: Assignment, stamp: dt.datetime) -> icalendar.Event:
    conference = schedule.data.conference
    zone = conference.zone
    event = icalendar.Event()
    event.add("uid", talk_uid(conference.name, talk.id))
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
    return event


def local_time(day: dt.date, minutes: int, zone: dt.tzinfo) -> dt.datetime:
    """`minutes` after midnight of `day` in the conference zone; 24:00 is midnight of the next day."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone) + dt.timedelta(minutes=minutes)
