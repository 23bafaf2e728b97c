"""A CoSPLib instance as typed objects: parameters and weights, submissions, tracks, sessions, rooms and the penalty
matrices; and what the checker derives from them (the conflict relations and each submission's time-zone penalty
per session).

Names are kept exactly as the workbook writes them; :mod:`.reading` builds an instance from a workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .terms import Term
from .timezones import TIME_ZONE_REFERENCE_DATE, zone_of


@dataclass(frozen=True)
class CosplibWeights:
    """The weights in the parameters sheet's column E; a term with weight 0 is left out of the objective."""

    tracks_sessions: int
    tracks_rooms: int
    sessions_rooms: int
    similar_tracks: int
    rooms_per_track: int
    parallel_tracks: int
    consecutive_tracks: int
    submissions_timezones: int
    submissions_order: int
    submissions_sessions: int
    submissions_rooms: int
    presenters_conflicts: int
    attendees_conflicts: int
    chairs_conflicts: int
    presenters_conflicts_timeslot: int
    attendees_conflicts_timeslot: int

    def of(self, term: Term) -> int:
        return int(getattr(self, term.weight))


@dataclass(frozen=True)
class CosplibParameters:
    local_time_zone: str  # as written, e.g. 'GMT+2': the zone of every session's start and end time
    suitable: tuple[dt.time, dt.time]  # on a presenter's clock, a session inside these times costs nothing
    less_suitable: tuple[dt.time, dt.time]  # inside these (but not the suitable ones) it costs the small penalty
    small_timezone_penalty: int
    big_timezone_penalty: int  # outside the less suitable times
    weights: CosplibWeights


@dataclass(frozen=True)
class CosplibSubmission:
    """One row of the submissions sheet: a talk (paper, tutorial, ...) needing `slots` consecutive time slots."""

    name: str  # the Reference column
    track: str
    slots: int  # Required Timeslots
    order: int  # its 1-based position within its track; 0 = any position
    time_zone: str  # as written, e.g. 'GMT-5'
    presenters: tuple[str, ...]
    attendees: tuple[str, ...]  # people who want to attend it
    session_penalties: Mapping[str, int]  # session name -> penalty (every session; an empty cell is 0)
    room_penalties: Mapping[str, int]  # room name -> penalty (every room; an empty cell is 0)
    row: int  # its row in the submissions sheet


@dataclass(frozen=True)
class CosplibTrack:
    name: str
    chairs: tuple[str, ...]


@dataclass(frozen=True)
class CosplibSession:
    """A period of the conference holding `slots` time slots in every room (a confsched block)."""

    name: str
    slots: int  # Max Number of Timeslots
    date: dt.date | None  # the checker does not use it
    start: dt.time  # local time, in the parameters' local time zone
    end: dt.time


@dataclass(frozen=True)
class CosplibRoom:
    name: str


@dataclass(frozen=True)
class CosplibInstance:
    source: Path
    parameters: CosplibParameters
    submissions: tuple[CosplibSubmission, ...]
    tracks: tuple[CosplibTrack, ...]
    sessions: tuple[CosplibSession, ...]
    rooms: tuple[CosplibRoom, ...]
    tracks_sessions: Mapping[tuple[str, str], int]  # (track, session) -> penalty, every pair (empty cell = 0)
    tracks_rooms: Mapping[tuple[str, str], int]  # (track, room) -> penalty
    sessions_rooms: Mapping[tuple[str, str], int]  # (session, room) -> penalty
    # (track, other track) -> penalty for running them in parallel, both orders, for every pair of distinct tracks.
    # The checker reads only the sheet's upper triangle: the cell in the row of the track listed first and the column
    # of the one listed second; a value below the diagonal (or on it) is ignored.
    similar_tracks: Mapping[tuple[str, str], int]
    # submission and track names that the workbook holds as numbers: CoSPLib looks them up as numbers, so a solution
    # workbook must hold them as numbers too
    numbers: Mapping[str, int | float] = field(default_factory=dict)

    @cached_property
    def submission(self) -> Mapping[str, CosplibSubmission]:
        return {submission.name: submission for submission in self.submissions}

    @cached_property
    def track(self) -> Mapping[str, CosplibTrack]:
        return {track.name: track for track in self.tracks}

    @property
    def required_slots(self) -> int:
        """Time slots the submissions need, in total."""
        return sum(submission.slots for submission in self.submissions)

    @property
    def available_slots(self) -> int:
        """Time slots the conference offers: every session's slots in every room."""
        return sum(session.slots for session in self.sessions) * len(self.rooms)

    @cached_property
    def attendee_conflicts(self) -> Mapping[str, frozenset[str]]:
        """Submission -> the submissions it conflicts with for attendees, as the checker derives them: a and b
        conflict when an attendee of a also attends b, presents b, or chairs b's track (b in another track than a);
        the relation is symmetric."""
        attending = _by_person({submission.name: submission.attendees for submission in self.submissions})
        presenting = _by_person({submission.name: submission.presenters for submission in self.submissions})
        chairing = _by_person({track.name: track.chairs for track in self.tracks})
        conflicts: dict[str, set[str]] = {submission.name: set() for submission in self.submissions}
        for submission in self.submissions:
            for person in submission.attendees:
                others = attending.get(person, set()) | presenting.get(person, set())
                others |= {
                    other.name
                    for other in self.submissions
                    if other.track != submission.track and other.track in chairing.get(person, ())
                }
                for other in others - {submission.name}:
                    conflicts[submission.name].add(other)
                    conflicts[other].add(submission.name)
        return {name: frozenset(others) for name, others in conflicts.items()}

    @cached_property
    def presenter_conflicts(self) -> Mapping[str, frozenset[str]]:
        """Submission -> the submissions it conflicts with for presenters, as the checker's Problem.build derives
        them: a and b conflict when a presenter of a also presents b, or chairs b's track while a is in another
        track; the relation is symmetric."""
        presenting = _by_person({submission.name: submission.presenters for submission in self.submissions})
        chairing = _by_person({track.name: track.chairs for track in self.tracks})
        members: dict[str, set[str]] = {}  # track -> its submissions
        for submission in self.submissions:
            members.setdefault(submission.track, set()).add(submission.name)
        conflicts: dict[str, set[str]] = {submission.name: set() for submission in self.submissions}
        for submission in self.submissions:
            for person in submission.presenters:
                others = set(presenting.get(person, set()))
                for track in chairing.get(person, set()) - {submission.track}:
                    others |= members.get(track, set())
                for other in others - {submission.name}:
                    conflicts[submission.name].add(other)
                    conflicts[other].add(submission.name)
        return {name: frozenset(others) for name, others in conflicts.items()}

    @cached_property
    def chair_conflicts(self) -> Mapping[str, frozenset[str]]:
        """Track -> the other tracks that share a chair with it, as the checker derives them."""
        return _sharing({track.name: track.chairs for track in self.tracks})

    def timezone_penalty(self, submission: str, session: str) -> int:
        """The time-zone penalty (unweighted) of holding `submission` in `session`, as the checker computes it.

        The session's start and end, taken as local times on 2021-07-21 in the local time zone, are converted to the
        submission's time zone and compared as times of day (the date is dropped): the big penalty when the start is
        before the less suitable "from", or the end is after the less suitable "to" or before its "from"; else the
        small penalty when the start is before the suitable "from" or the end after the suitable "to"; else 0.
        """
        return self._timezone_penalties[submission, session]

    @cached_property
    def _timezone_penalties(self) -> Mapping[tuple[str, str], int]:
        parameters = self.parameters
        local = zone_of(parameters.local_time_zone)
        suitable_from, suitable_to = parameters.suitable
        less_from, less_to = parameters.less_suitable
        by_zone: dict[tuple[str, str], int] = {}  # (time zone label, session) -> penalty
        for label in {submission.time_zone for submission in self.submissions}:
            zone = zone_of(label)
            for session in self.sessions:
                start = dt.datetime.combine(TIME_ZONE_REFERENCE_DATE, session.start, local).astimezone(zone).time()
                end = dt.datetime.combine(TIME_ZONE_REFERENCE_DATE, session.end, local).astimezone(zone).time()
                if start < less_from or end > less_to or end < less_from:
                    by_zone[label, session.name] = parameters.big_timezone_penalty
                elif less_from <= start < suitable_from or suitable_to < end <= less_to:
                    by_zone[label, session.name] = parameters.small_timezone_penalty
                else:
                    by_zone[label, session.name] = 0
        penalties = {
            (submission.name, session.name): by_zone[submission.time_zone, session.name]
            for submission in self.submissions
            for session in self.sessions
        }
        return penalties


def _by_person(people: Mapping[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """person -> the items (submissions or tracks) that list them."""
    items: dict[str, set[str]] = {}
    for item, names in people.items():
        for person in names:
            items.setdefault(person, set()).add(item)
    return items


def _sharing(people: Mapping[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """item -> the other items that list one of the same people."""
    items = _by_person(people)
    return {
        item: frozenset(other for person in names for other in items[person] if other != item)
        for item, names in people.items()
    }
