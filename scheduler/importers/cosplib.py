"""CoSPLib instances (docs/cosplib.md) as confsched data files: every concept mapped onto confsched's own rules.

A session becomes a block named after it (on a synthetic timeline: sessions in sheet order, SLOT_MINUTES per time
slot, as many days as they need), a submission a talk whose id is its Reference, lasting k slots. CoSPLib's penalty
matrices become `costs` entries already multiplied by their weights, so every cost rule keeps weight 1; the other
terms become weights of the matching rules, and every confsched rule CoSPLib does not have is turned off. The exporter
(scheduler/exporters/cosplib.py) maps a schedule back through the block names and talk ids alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

from pydantic import ValidationError

from ..cosplib import CosplibInstance, CosplibSolution, read_instance
from ..data import ConferenceData, format_clock
from ..errors import DataError
from ..rules import COST_RULES, RULES
from ..rules.audience import ATTENDEE_CONFLICT, ATTENDEE_ROOM_CHANGE
from ..rules.order import ORDER
from ..rules.sessions import CHAIR_CONFLICT, CHAIR_TALK_OVERLAP, SESSION_MIX, TRACK_SPLIT
from ..rules.speakers import SPEAKER_ROOM_CHANGE
from ..rules.tracks import TRACK_PARALLEL, TRACK_ROOM_OVERALL
from ..schedule import Assignment
from .to_data_file import import_error, without_control_characters

SLOT_MINUTES = 15  # the length of one CoSPLib time slot on the synthetic timeline (CoSPLib never uses it)
BREAK_MINUTES = 15  # between two sessions, so blocks read as separate
DAY_START = 6 * 60  # the first session starts at 06:00
SYNTHETIC_DATE = dt.date(2021, 7, 21)  # used when the sessions sheet gives no date
_GMT = re.compile(r"^GMT([+-])(\d{1,2})$", re.ASCII)
MINUTES_PER_DAY = 24 * 60
MAX_COST = 1_000_000  # a data file's numbers stay within this (docs/format.md, Limits); larger costs are split
# Limits (docs/format.md, "Limits"): every submission is priced in every session and room, every track in every
# session and room, every session in every room; and a cost above MAX_COST becomes several entries. The published
# instances price at most a few tens of thousands of combinations and need a few thousand entries.
MAX_PAIRS = 2_000_000
MAX_COSTS = 200_000


def read(path: Path) -> tuple[ConferenceData, str]:
    """The data file for the CoSPLib instance at `path`, and the header comment saying what is synthetic."""
    instance = read_instance(path)
    return to_data(instance), header(instance)


def to_data(instance: CosplibInstance) -> ConferenceData:
    """The instance as a data file: blocks, rooms, tracks, speakers, talks, order, interest, costs and weights."""
    weights = instance.parameters.weights
    document = {
        "conference": {
            "name": instance.source.stem,
            "timezone": _iana_zone(instance.parameters.local_time_zone),
            "granularity": SLOT_MINUTES,
            "days": _days(instance),
        },
        "weights": _weights(instance),
        "interest": _interest(instance) if weights.attendees_conflicts or weights.attendees_conflicts_timeslot else [],
        "costs": _costs(instance),
        "tracks": [
            {"name": track.name, **({"chair": track.chairs[0]} if track.chairs else {})} for track in instance.tracks
        ],
        # CoSPLib rooms have no capacity: 0 seats, and every talk expects an audience of 0
        "rooms": [{"name": room.name, "capacity": 0} for room in instance.rooms],
        "speakers": [{"id": person} for person in _people(instance)],
        "talks": _talks(instance),
    }
    try:
        return ConferenceData.model_validate(without_control_characters(document, instance.source))
    except ValidationError as error:
        raise import_error(instance.source, error) from None


def header(instance: CosplibInstance) -> str:
    """The data file's opening comment: the source, and which values are synthetic."""
    return "\n".join(
        [
            f"Imported by `confsched import` from cosplib: {instance.source}",
            "Synthetic, not read (CoSPLib's scoring never uses clock times; docs/import.md, cosplib):",
            f"  - days: each session is a block named after it, in sheet order, {SLOT_MINUTES} minutes per time",
            f"    slot, {BREAK_MINUTES} minutes apart from {format_clock(DAY_START)}, a new day when one is full (real",
            "    sessions may overlap);",
            "  - room capacities 0 (CoSPLib has none); a track's chair is its first chair.",
            "Costs are CoSPLib's penalties already multiplied by their weights (time-zone penalties precomputed per",
            "session); talk ids are Reference values and block names session names, which `export --format cosplib`",
            "needs to map a schedule back.",
        ]
    )


def _iana_zone(label: str) -> str:
    """'GMT+2' as the IANA zone with that fixed offset ('Etc/GMT-2': IANA's sign is reversed)."""
    match = _GMT.match(label)
    if match is None:
        return label
    hours = int(match[2])
    return "UTC" if hours == 0 else f"Etc/GMT{'-' if match[1] == '+' else '+'}{hours}"


def _date(instance: CosplibInstance) -> dt.date:
    return next((session.date for session in instance.sessions if session.date), SYNTHETIC_DATE)


def _days(instance: CosplibInstance) -> list[dict]:
    """The sessions in sheet order as blocks on synthetic days: from DAY_START, SLOT_MINUTES per time slot and
    BREAK_MINUTES apart; a session that would run past midnight opens the next day (consecutive dates from the
    first session's), so an instance of any number of sessions imports."""
    days: list[list[dict]] = [[]]
    start = DAY_START
    for session in instance.sessions:
        length = session.slots * SLOT_MINUTES
        if DAY_START + length > MINUTES_PER_DAY:
            most = (MINUTES_PER_DAY - DAY_START) // SLOT_MINUTES
            raise DataError(
                instance.source,
                None,
                None,
                f"cannot import: session '{session.name}' has {session.slots} time slots; a synthetic day holds "
                f"{most} at most",
            )
        if start + length > MINUTES_PER_DAY:
            days.append([])
            start = DAY_START
        days[-1].append({"start": format_clock(start), "end": format_clock(start + length), "name": session.name})
        start += length + BREAK_MINUTES
    first = _date(instance)
    return [{"date": first + dt.timedelta(days=index), "blocks": blocks} for index, blocks in enumerate(days)]


def _weights(instance: CosplibInstance) -> dict[str, float | str]:
    """Every soft rule's weight: CoSPLib's weight where a rule counts the same thing, 0 for the rest.

    The cost rules keep 1 (their costs are weighted already); a session holds one track (CoSPLib's hard rule).
    CoSPLib's session-level conflicts count pairs in one session in different rooms, whatever their slots
    (`speaker-room-change`: a shared presenter, or a presenter chairing the other's track; `attendee-room-change`);
    its timeslot-level ones count pairs in one time slot, which is confsched's overlap (`attendee-conflict`;
    `chair-talk-overlap`, since two talks sharing a presenter never overlap in confsched).
    """
    w = instance.parameters.weights
    weights: dict[str, float | str] = {name: 0 for name in RULES}
    weights.update(
        {
            TRACK_PARALLEL.name: w.parallel_tracks,
            SPEAKER_ROOM_CHANGE.name: w.presenters_conflicts,
            CHAIR_TALK_OVERLAP.name: w.presenters_conflicts_timeslot,
            CHAIR_CONFLICT.name: w.chairs_conflicts,
            ATTENDEE_ROOM_CHANGE.name: w.attendees_conflicts,
            ATTENDEE_CONFLICT.name: w.attendees_conflicts_timeslot,
            ORDER.name: w.submissions_order,
            TRACK_SPLIT.name: w.consecutive_tracks,
            TRACK_ROOM_OVERALL.name: w.rooms_per_track,  # over the whole conference, whatever its days
            SESSION_MIX.name: "hard",
        }
    )
    weights.update({name: 1 for name in COST_RULES.values()})
    return weights


def _people(instance: CosplibInstance) -> list[str]:
    """Every presenter and chair, in order of first appearance."""
    people = [person for submission in instance.submissions for person in submission.presenters]
    people += [person for track in instance.tracks for person in track.chairs]
    return list(dict.fromkeys(people))


def _talks(instance: CosplibInstance) -> list[dict]:
    """One talk per submission; ordered submissions follow the one before them, unordered ones the last ordered one."""
    order_weight = instance.parameters.weights.submissions_order
    follows: dict[str, list[str]] = {}
    if order_weight:
        for track in instance.tracks:
            members = [s for s in instance.submissions if s.track == track.name]
            ordered = sorted((s for s in members if s.order), key=lambda s: (s.order, s.row))
            for before, after in itertools.pairwise(ordered):
                follows[after.name] = [before.name]
            if ordered:
                for submission in members:
                    if not submission.order:
                        follows[submission.name] = [ordered[-1].name]
    return [
        {
            "id": submission.name,
            "title": submission.name,
            "duration": submission.slots * SLOT_MINUTES,
            "track": submission.track,
            "speakers": list(dict.fromkeys(submission.presenters)),
            "after": follows.get(submission.name, []),
        }
        for submission in instance.submissions
    ]


def _interest(instance: CosplibInstance) -> list[dict]:
    """One attendee for every pair of submissions that conflict for attendees (CoSPLib counts pairs, not people)."""
    position = {submission.name: index for index, submission in enumerate(instance.submissions)}
    pairs = {
        tuple(sorted((a, b), key=position.__getitem__))
        for a, others in instance.attendee_conflicts.items()
        for b in others
        if a != b
    }
    return [{"talks": list(pair), "count": 1} for pair in sorted(pairs, key=lambda p: (position[p[0]], position[p[1]]))]


def _costs(instance: CosplibInstance) -> list[dict]:
    """CoSPLib's penalty matrices as weighted costs (a submission's per-slot penalties times its slots)."""
    submissions, tracks = len(instance.submissions), len(instance.tracks)
    sessions, rooms = len(instance.sessions), len(instance.rooms)
    pairs = (submissions + tracks) * (sessions + rooms) + sessions * rooms + tracks * tracks
    if pairs > MAX_PAIRS:
        raise DataError(
            instance.source,
            None,
            None,
            f"{submissions:,} submissions, {tracks:,} tracks, {sessions:,} sessions and {rooms:,} rooms make "
            f"{pairs:,} combinations to price, more than the {MAX_PAIRS:,} confsched imports",
        )
    w = instance.parameters.weights
    costs: list[dict] = []
    for submission in instance.submissions:
        for session in instance.sessions:
            value = w.submissions_sessions * submission.session_penalties.get(session.name, 0)
            value += w.submissions_timezones * instance.timezone_penalty(submission.name, session.name)
            if value:
                costs.append({"talk": submission.name, "block": session.name, "cost": submission.slots * value})
        for room in instance.rooms:
            value = w.submissions_rooms * submission.room_penalties.get(room.name, 0)
            if value:
                costs.append({"talk": submission.name, "room": room.name, "cost": submission.slots * value})
    for track in instance.tracks:
        for session in instance.sessions:
            value = w.tracks_sessions * instance.tracks_sessions.get((track.name, session.name), 0)
            if value:
                costs.append({"track": track.name, "block": session.name, "cost": value})
        for room in instance.rooms:
            value = w.tracks_rooms * instance.tracks_rooms.get((track.name, room.name), 0)
            if value:
                costs.append({"track": track.name, "room": room.name, "cost": value})
    for session in instance.sessions:
        for room in instance.rooms:
            value = w.sessions_rooms * instance.sessions_rooms.get((session.name, room.name), 0)
            if value:
                costs.append({"block": session.name, "room": room.name, "cost": value})
    names = [track.name for track in instance.tracks]
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            value = w.similar_tracks * instance.similar_tracks.get((first, second), 0)
            if value:
                costs.append({"tracks": [first, second], "cost": value})
    entries = sum(-(-cost["cost"] // MAX_COST) for cost in costs)  # each cost's pieces, before making them
    if entries > MAX_COSTS:
        raise DataError(
            instance.source,
            None,
            None,
            f"the penalties make {entries:,} cost entries of at most {MAX_COST:,} each, more than the "
            f"{MAX_COSTS:,} confsched imports",
        )
    return [piece for cost in costs for piece in _split(cost)]


def _split(cost: dict) -> list[dict]:
    """A cost above MAX_COST as several entries of at most MAX_COST (listed costs add up)."""
    whole, rest = divmod(cost["cost"], MAX_COST)
    return [{**cost, "cost": MAX_COST}] * whole + ([{**cost, "cost": rest}] if rest else [])


def solution_assignments(data: ConferenceData, solution: CosplibSolution) -> list[Assignment]:
    """A CoSPLib solution as assignments for the data file imported from its instance (blocks named after sessions,
    talk ids = References); a submission goes where its first time slot is, for as long as the talk lasts."""
    step = data.conference.granularity
    blocks = {block.name: (day.date, block) for day in data.conference.days for block in day.blocks}
    names = [block.name for day in data.conference.days for block in sorted(day.blocks, key=lambda b: b.start)]
    durations = {talk.id: talk.duration for talk in data.talks}
    assignments, seen = [], set()
    for session, rooms in zip(names, solution.submissions, strict=True):
        date, block = blocks[session]
        for room, cells in zip(data.rooms, rooms, strict=True):
            for slot, talk in enumerate(cells):
                if talk is None or talk in seen:
                    continue
                seen.add(talk)
                start = block.start + slot * step
                assignments.append(
                    Assignment(
                        talk=talk,
                        day=date,
                        start=format_clock(start),
                        end=format_clock(start + durations[talk]),
                        room=room.name,
                    )
                )
    return assignments
