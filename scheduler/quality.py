"""Independent scoring of a finished timetable against the soft rules, for the per-rule report.

Like :mod:`scheduler.verify` it reads only the data file and the assignments, so the model's objective can be
checked against it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .data import ConferenceData
from .objective import SOFT_RULES
from .schedule import Assignment


@dataclass
class RuleScore:
    rule: str
    weight: float | str
    violations: int
    penalty: float
    worst: list[tuple[str, int]]
    unit: str


def score(data: ConferenceData, assignments: list[Assignment]) -> list[RuleScore]:
    """Violations and weighted penalty of every active soft rule, with up to five worst offenders each."""
    day_index = {day.date: i for i, day in enumerate(data.conference.days)}
    talks = {talk.id: talk for talk in data.talks}
    where = {a.talk: a for a in assignments if a.talk in talks}

    def span(talk_id: str) -> tuple[int, int]:
        a = where[talk_id]
        base = day_index[a.day] * 24 * 60
        return base + a.start, base + a.end

    def close(a: str, b: str, gap: int = 0) -> bool:
        (start_a, end_a), (start_b, end_b) = span(a), span(b)
        return start_a < end_b + gap and start_b < end_a + gap

    found: dict[str, list[tuple[str, int]]] = defaultdict(list)

    def pairs(groups: dict[str, list[str]], rule: str, label: str, gap: int = 0) -> None:
        for name, members in sorted(groups.items()):
            members = [m for m in members if m in where]
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if close(a, b, gap):
                        found[rule].append((f"{label} {name}", 1))

    tracks: dict[str, list[str]] = defaultdict(list)
    exclusive: dict[str, list[str]] = defaultdict(list)
    for talk in data.talks:
        if talk.track:
            tracks[talk.track].append(talk.id)
        for tag in sorted(set(talk.tags) & set(data.exclusive_tags)):
            exclusive[tag].append(talk.id)
    pairs(tracks, "track-parallel", "track")
    pairs(exclusive, "exclusive-tags", "tag")

    for interest in data.interest:
        a, b = interest.talks
        if a in where and b in where and close(a, b):
            found["attendee-conflict"].append((f"'{a}' + '{b}'", interest.count))

    for talk in data.talks:
        for earlier in talk.after:
            if talk.id in where and earlier in where and span(talk.id)[0] < span(earlier)[1]:
                found["order"].append((f"'{earlier}' before '{talk.id}'", 1))

    by_speaker: dict[str, list[str]] = defaultdict(list)
    for talk in data.talks:
        for speaker in talk.speakers:
            by_speaker[speaker].append(talk.id)
    for speaker, talk_ids in sorted(by_speaker.items()):
        placed = [t for t in talk_ids if t in where]
        extra_days = len({where[t].day for t in placed}) - 1
        if extra_days > 0:
            found["speaker-days"].append((f"speaker {speaker}", extra_days))
    if data.min_pause:
        pairs(by_speaker, "speaker-pause", "speaker", data.min_pause)
    for speaker in data.speakers:
        if speaker.prefers is None and speaker.avoids is None:
            continue
        for talk_id in by_speaker.get(speaker.id, []):
            if talk_id not in where:
                continue
            day = where[talk_id].day
            preferred = speaker.prefers is None or not speaker.prefers.days or day in speaker.prefers.days
            avoided = speaker.avoids is not None and day in speaker.avoids.days
            if avoided or not preferred:
                found["speaker-preference"].append((f"speaker {speaker.id}", 1))

    capacity = {room.name: room.capacity for room in data.rooms}
    for talk_id, a in where.items():
        empty = capacity.get(a.room, 0) - 2 * talks[talk_id].attendance
        if empty >= 100:
            found["room-size"].append((f"'{talk_id}' in {a.room}", empty // 100))
    track_rooms: dict[tuple[str, object], set[str]] = defaultdict(set)
    for talk_id, a in where.items():
        if talks[talk_id].track:
            track_rooms[(talks[talk_id].track, a.day)].add(a.room)
    for (track, day), rooms in sorted(track_rooms.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        if len(rooms) > 1:
            found["track-room"].append((f"track {track} on {day}", len(rooms) - 1))

    scores = []
    for name, rule in SOFT_RULES.items():
        weight = data.weights.get(name, rule.weight)
        if weight == 0:
            continue
        offenders = found.get(name, [])
        violations = sum(amount for _, amount in offenders)
        totals: dict[str, int] = defaultdict(int)
        for about, amount in offenders:
            totals[about] += amount
        worst = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:5]
        penalty = 0.0 if weight == "hard" else violations * float(weight)
        scores.append(RuleScore(name, weight, violations, penalty, worst, rule.unit))
    return scores
