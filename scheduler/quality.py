"""Independent scoring of a finished timetable against the soft rules, for the per-rule report.

Like :mod:`scheduler.verify` it reads only the data file and the assignments, so the model's objective can be
checked against it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
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
    blocks = {day.date: day.blocks for day in data.conference.days}

    def block_labels(a: Assignment) -> set[str]:
        block = next((b for b in blocks.get(a.day, []) if b.start <= a.start < b.end), None)
        return {label for label in (block.name, block.type) if label} if block else set()

    for speaker in data.speakers:
        if speaker.prefers is None and speaker.avoids is None:
            continue
        for talk_id in by_speaker.get(speaker.id, []):
            if talk_id not in where:
                continue
            a = where[talk_id]
            labels = block_labels(a)
            prefers, avoids = speaker.prefers, speaker.avoids
            unpreferred = prefers is not None and (
                (prefers.days and a.day not in prefers.days) or (prefers.blocks and not labels & set(prefers.blocks))
            )
            avoided = avoids is not None and (a.day in avoids.days or bool(labels & set(avoids.blocks)))
            if unpreferred or avoided:
                found["speaker-preference"].append((f"speaker {speaker.id}", 1))
        if speaker.timezone:
            for talk_id in by_speaker.get(speaker.id, []):
                if talk_id in where and not _awake(data, speaker.timezone, where[talk_id]):
                    found["remote-hours"].append((f"speaker {speaker.id}", 1))

    similar = set()
    for track in data.tracks:
        similar |= {frozenset((track.name, other)) for other in track.similar if other != track.name}
        similar |= {
            frozenset((track.name, other.name))
            for other in data.tracks
            if other.name != track.name and set(track.tags) & set(other.tags)
        }
    for pair in sorted(similar, key=sorted):
        first, second = sorted(pair)
        for a in tracks.get(first, []):
            for b in tracks.get(second, []):
                if a in where and b in where and close(a, b):
                    found["similar-tracks"].append((f"tracks {first} + {second}", 1))

    for track, members in sorted(tracks.items()):
        extra = len({where[t].day for t in members if t in where}) - 1
        if extra > 0:
            found["track-days"].append((f"track {track}", extra))

    levels = {"intro": 0, "intermediate": 1, "advanced": 2}
    for basic in data.talks:
        for advanced in data.talks:
            if (
                basic.topic
                and basic.topic == advanced.topic
                and basic.level
                and advanced.level
                and levels[basic.level] < levels[advanced.level]
                and basic.id in where
                and advanced.id in where
                and span(advanced.id)[0] < span(basic.id)[1]
            ):
                found["level-order"].append((f"topic {basic.topic}", 1))

    conflicting = {frozenset((talk.id, other)) for talk in data.talks for other in talk.conflicts}
    for pair in sorted(conflicting, key=sorted):
        a, b = sorted(pair)
        if a in where and b in where and close(a, b):
            found["content-conflict"].append((f"'{a}' + '{b}'", 1))

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

    _score_sessions(data, where, talks, found)
    _score_costs(data, where, talks, found)

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


def _awake(data: ConferenceData, zone: str, a: Assignment) -> bool:
    """Whether the talk lies within waking hours on the remote speaker's own clock."""
    start = dt.datetime.combine(a.day, dt.time(0), tzinfo=zoneinfo.ZoneInfo(data.conference.timezone))
    local = (start + dt.timedelta(minutes=a.start)).astimezone(zoneinfo.ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    return data.waking_hours.start <= minute and minute + (a.end - a.start) <= data.waking_hours.end


def _score_sessions(
    data: ConferenceData, where: dict[str, Assignment], talks: dict, found: dict[str, list[tuple[str, int]]]
) -> None:
    """Session rules: chairs, back-to-back track talks, consecutive track blocks, one track per room and block;
    and speakers' room wishes."""
    order = [
        (day.date, block.start, block.end, block.name)
        for day in data.conference.days
        for block in sorted(day.blocks, key=lambda block: block.start)
    ]

    def block_of(a: Assignment) -> int:
        return next(i for i, (date, start, end, _) in enumerate(order) if date == a.day and start <= a.start < end)

    block = {talk_id: block_of(a) for talk_id, a in where.items()}
    by_track: dict[str, list[str]] = defaultdict(list)
    for talk_id in where:
        if talks[talk_id].track:
            by_track[talks[talk_id].track].append(talk_id)
    sessions = {track: {block[t] for t in members} for track, members in by_track.items()}

    chaired: dict[str, list[str]] = defaultdict(list)
    for track in data.tracks:
        if track.chair is not None and by_track.get(track.name):
            chaired[track.chair].append(track.name)
    for chair, tracks in sorted(chaired.items()):
        own = [t for t in where if chair in talks[t].speakers]
        for i, track in enumerate(tracks):
            for b in sorted(sessions[track]):
                clashes = sum(b in sessions[other] for other in tracks[i + 1 :])
                clashes += sum(block[t] == b and talks[t].track != track for t in own)
                if clashes:
                    found["chair-conflict"].append((f"chair {chair} ({track})", clashes))

    for track, members in sorted(by_track.items()):
        if len(members) < 2:
            continue
        breaks = 0
        for b in sessions[track]:
            here = [t for t in members if block[t] == b]
            ends = {where[t].end for t in here}
            breaks += sum(where[t].start not in ends for t in here) - 1
        if breaks:
            found["track-gaps"].append((f"track {track}", breaks))
        runs = sum(b - 1 not in sessions[track] for b in sessions[track])
        if runs > 1:
            found["track-consecutive"].append((f"track {track}", runs - 1))
            found["track-split"].append((f"track {track}", 1))

    cells: dict[tuple[int, str], set[str]] = defaultdict(set)
    for talk_id, a in where.items():
        if talks[talk_id].track:
            cells[(block[talk_id], a.room)].add(talks[talk_id].track)
    for (b, room), tracks_here in sorted(cells.items()):
        if len(tracks_here) > 1:
            found["session-mix"].append((f"{room} in block {order[b][3] or b + 1}", len(tracks_here) - 1))

    speakers = {speaker.id: speaker for speaker in data.speakers}
    for talk_id, a in sorted(where.items()):
        unhappy = 0
        for speaker_id in talks[talk_id].speakers:
            speaker = speakers.get(speaker_id)
            if speaker is None:
                continue
            prefers, avoids = speaker.prefers, speaker.avoids
            if (prefers is not None and prefers.rooms and a.room not in prefers.rooms) or (
                avoids is not None and a.room in avoids.rooms
            ):
                unhappy += 1
        if unhappy:
            found["speaker-room"].append((f"'{talk_id}' in {a.room}", unhappy))


def _score_costs(
    data: ConferenceData, where: dict[str, Assignment], talks: dict, found: dict[str, list[tuple[str, int]]]
) -> None:
    """Listed costs: a talk in a block or room, a track's blocks and rooms, a room used in a block, a pair of tracks
    in one block."""
    if not data.costs:
        return
    block_name: dict[tuple, str] = {}
    for day in data.conference.days:
        for number, block in enumerate(sorted(day.blocks, key=lambda block: block.start)):
            block_name[(day.date, block.start, block.end)] = block.name or f"{day.date} block {number + 1}"

    def block_of(a: Assignment) -> tuple:
        return next(key for key in block_name if key[0] == a.day and key[1] <= a.start < key[2])

    talk_cells = {talk_id: (block_of(a), a.room) for talk_id, a in where.items()}
    track_blocks: dict[str, set[tuple]] = defaultdict(set)
    track_cells: dict[tuple[str, str], set[tuple]] = defaultdict(set)
    room_blocks: dict[str, set[tuple]] = defaultdict(set)
    for talk_id, (block, room) in talk_cells.items():
        room_blocks[room].add(block)
        track = talks[talk_id].track
        if track:
            track_blocks[track].add(block)
            track_cells[(track, room)].add(block)
    for cost in data.costs:
        rule = cost.rule
        if rule == "talk-block-cost" and cost.talk in talk_cells:
            block, _ = talk_cells[cost.talk]
            if block_name[block] == cost.block:
                found[rule].append((f"'{cost.talk}' in {cost.block}", cost.cost))
        elif rule == "talk-room-cost" and cost.talk in talk_cells and talk_cells[cost.talk][1] == cost.room:
            found[rule].append((f"'{cost.talk}' in {cost.room}", cost.cost))
        elif rule == "track-block-cost":
            for block in track_blocks.get(cost.track, ()):
                if block_name[block] == cost.block:
                    found[rule].append((f"track {cost.track} in {cost.block}", cost.cost))
        elif rule == "track-room-cost":
            for block in track_cells.get((cost.track, cost.room), ()):
                found[rule].append((f"track {cost.track} in {cost.room} in {block_name[block]}", cost.cost))
        elif rule == "room-block-cost":
            for block in room_blocks.get(cost.room, ()):
                if block_name[block] == cost.block:
                    found[rule].append((f"{cost.room} in {cost.block}", cost.cost))
        elif rule == "track-pair-cost":
            first, second = sorted(cost.tracks or [])
            if first != second:
                for block in track_blocks.get(first, set()) & track_blocks.get(second, set()):
                    found[rule].append((f"tracks {first} + {second} in {block_name[block]}", cost.cost))
