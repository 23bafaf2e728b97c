"""schedule.ics: one VEVENT per talk in the conference time zone, with stable UIDs."""

from __future__ import annotations

import datetime as dt
import uuid

import icalendar

from ..schedule import Schedule

UID_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-5b7e-9a54-0c0f5c4e2a91")


def talk_uid(conference: str, talk_id: str) -> str:
    """A UID that stays the same for a talk across re-solves, so calendar clients update events in place."""
    return f"{uuid.uuid5(UID_NAMESPACE, f'{conference}/{talk_id}')}@confsched"


def to_ics(schedule: Schedule) -> bytes:
    conference = schedule.data.conference
    zone = conference.zone
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//confsched//conference schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", conference.name)
    calendar.add("x-wr-timezone", conference.timezone)
    # A fixed DTSTAMP keeps the file identical for identical schedules (RFC 5545 only needs it to be a UTC time).
    stamp = dt.datetime.combine(conference.days[0].date, dt.time(0, 0), tzinfo=dt.UTC)
    for talk, assignment in schedule.rows():
        event = icalendar.Event()
        event.add("uid", talk_uid(conference.name, talk.id))
        event.add("dtstamp", stamp)
        event.add("dtstart", _local(assignment.day, assignment.start, zone))
        event.add("dtend", _local(assignment.day, assignment.end, zone))
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
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _local(day: dt.date, minutes: int, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone) + dt.timedelta(minutes=minutes)
