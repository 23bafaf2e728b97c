"""Counting arguments: proofs, without any search, that no schedule exists, each finding one sentence with its numbers.

Every check here is exact in one direction: it only reports a set of talks that no schedule can place, so a finding
is a proof (tests/test_counting.py holds CP-SAT to it on random conferences). None is complete: a programme that
passes every count may still have no schedule, which the search (and `explain`'s diagnosis) then finds out.

Minutes are counted on the problem's time axis (scheduler.problem): a talk can only ever occupy the minutes its
possible starts cover ([start, start + duration) for each start the single-talk rules allow), in a room that is open
then. Talks in one room never overlap, and neither do one speaker's talks; so a set of talks whose minutes add up to
more than the room-minutes (or the speaker's minutes) they can reach has no schedule. The two minute counts
(`room_minutes_short`, `speaker_minutes_short`) are cheap enough to run before every solve and what-if; the other
checks (`quick_checks`) are for `explain`.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

from ..data import ConferenceData, Window, format_clock
from ..errors import NoScheduleError
from ..problem import MINUTES_PER_DAY, BlockSpan, Problem, merged_spans
from ..rules.rooms import _room_set_unions

MAX_FINDINGS_PER_CHECK = 5
Spans = list[tuple[int, int]]  # sorted, disjoint, half-open minute ranges on the problem's axis


@dataclass(frozen=True)
class Shortfall:
    """A set of talks that needs more minutes than it can get: the proof's numbers and its sentence."""

    talks: tuple[int, ...]  # problem indices of the talks counted
    rooms: tuple[int, ...]  # the rooms whose minutes were counted (none for a speaker's minutes)
    need: int  # the talks' minutes
    available: int  # the minutes they can reach
    text: str

    def __str__(self) -> str:
        return self.text


def before_search(data: ConferenceData, problem: Problem) -> list[str]:
    """The checks cheap enough to run before every solve and what-if: colliding pins, then the minute counts (at
    most MAX_FINDINGS_PER_CHECK of each, then how many more)."""
    return [
        *_at_most(pins_colliding(data), MAX_FINDINGS_PER_CHECK),
        *_at_most([str(shortfall) for shortfall in room_minutes_short(data, problem)], MAX_FINDINGS_PER_CHECK),
        *_at_most([str(shortfall) for shortfall in speaker_minutes_short(data, problem)], MAX_FINDINGS_PER_CHECK),
    ]


def minutes_short(data: ConferenceData, problem: Problem) -> list[Shortfall]:
    """The minute counts, cheap enough to run before any search: rooms (by room set, day and block type), speakers."""
    return [*room_minutes_short(data, problem), *speaker_minutes_short(data, problem)]


def raise_if_short(data: ConferenceData, problem: Problem) -> None:
    """Raise :class:`NoScheduleError` naming the first count that proves there is no schedule (`before_search`)."""
    findings = before_search(data, problem)
    if findings:
        tail = " (more below)" if len(findings) > 1 else ""
        raise NoScheduleError(f"no schedule exists: {findings[0]}{tail}", proven=True, findings=tuple(findings))


def quick_checks(data: ConferenceData, problem: Problem) -> list[str]:
    """Every counting argument that shows infeasibility without search, each as one sentence."""
    return [
        *talks_with_no_place(data, problem),
        *room_groups_overfull(data, problem),
        *speakers_overbooked(data, problem),
        *before_search(data, problem),
    ]


# ---------------------------------------------------------------------------------------------------------------
# minutes


def room_minutes_short(data: ConferenceData, problem: Problem) -> list[Shortfall]:
    """Talks needing more minutes than their rooms are open while they can be held (by room set, day, block type)."""
    away = speakers_away(data)
    blocks = talk_blocks(problem)
    reach = [covered_minutes(data, problem, talk, blocks[talk], away) for talk in range(len(problem.talks))]
    # talks alike in rooms, days and block types are counted together: a scope takes whole groups
    groups: dict[tuple, list[int]] = defaultdict(list)
    for talk, spans in enumerate(reach):
        if spans:
            days = frozenset(problem.blocks[block].day for block in blocks[talk])
            kinds = frozenset(problem.blocks[block].type for block in blocks[talk])
            groups[(frozenset(problem.rooms[talk]), days, kinds)].append(talk)
    all_rooms = frozenset(range(len(data.rooms)))
    room_scopes = {all_rooms, *_room_set_unions(problem)}
    time_scopes: list[tuple[str, object]] = [("all", None)]
    time_scopes += [("day", d) for d in range(len(data.conference.days))] if len(data.conference.days) > 1 else []
    types = sorted({block.type for block in problem.blocks if block.type is not None})
    time_scopes += [("type", kind) for kind in types] if len({block.type for block in problem.blocks}) > 1 else []
    found: list[tuple[frozenset[int], tuple[str, object], Shortfall]] = []
    for rooms in sorted(room_scopes, key=lambda group: (len(group), sorted(group))):
        for scope in time_scopes:
            talks = sorted(
                talk
                for (talk_rooms, days, kinds), members in groups.items()
                if talk_rooms <= rooms and _within(scope, days, kinds)
                for talk in members
            )
            if len(talks) < 2:
                continue
            need = sum(problem.duration(talk) for talk in talks)
            reachable = merged_spans(span for talk in talks for span in reach[talk])
            available = sum(_length(reachable) - _overlap(reachable, problem.room_busy[room]) for room in rooms)
            if need > available:
                text = _rooms_sentence(data, talks, rooms, all_rooms, scope, need, available)
                found.append((rooms, scope, Shortfall(tuple(talks), tuple(sorted(rooms)), need, available, text)))
    # a wider scope is usually short only because a narrower one inside it is; the narrower one is the news
    narrowest = [
        shortfall
        for rooms, scope, shortfall in found
        if not any(
            (other_rooms, other_scope) != (rooms, scope)
            and other_rooms <= rooms
            and (other_scope == scope or scope[0] == "all")
            for other_rooms, other_scope, _ in found
        )
    ]
    return narrowest


def speaker_minutes_short(data: ConferenceData, problem: Problem) -> list[Shortfall]:
    """A speaker whose talks need more minutes than the speaker has free while they can be held."""
    speakers = {speaker.id: speaker for speaker in data.speakers}
    away = speakers_away(data)
    blocks = talk_blocks(problem)
    found = []
    for speaker_id, talks in problem.speaker_talks.items():
        if len(talks) < 2 or not all(problem.starts[talk] for talk in talks) or _may_overlap(data, talks):
            continue
        need = sum(problem.duration(talk) for talk in talks)
        covered = (covered_minutes(data, problem, talk, blocks[talk], away) for talk in talks)
        reachable = merged_spans(span for spans in covered for span in spans)
        available = _length(reachable)
        if need > available:
            name = speakers[speaker_id].display_name if speaker_id in speakers else speaker_id
            when = _describe_spans(data, reachable)
            text = (
                f"speaker {name} gives {len(talks)} talks of {need:,} minutes in all, but only {available:,} minutes "
                f"are free for them" + (f": {when}" if when else "")
            )
            found.append(Shortfall(tuple(sorted(talks)), (), need, available, text))
    return found


def covered_minutes(
    data: ConferenceData, problem: Problem, talk: int, blocks: list[int], away: dict[str, Spans]
) -> Spans:
    """The minutes a talk can occupy: in each of the `blocks` it can start in, the stretches long enough for it in
    which its speakers are not `away` (only its own minutes, if its start is pinned)."""
    duration = problem.duration(talk)
    pin = data.talks[talk].pin
    busy = merged_spans(span for speaker in data.talks[talk].speakers for span in away.get(speaker, []))
    spans: Spans = []
    for block in (problem.blocks[index] for index in blocks):
        if pin is not None and pin.start is not None:
            start = block.day * MINUTES_PER_DAY + pin.start
            spans.append((start, start + duration))
            continue
        cursor = block.start
        for begin, end in busy:
            if end <= cursor:
                continue
            if begin >= block.end:
                break
            if begin - cursor >= duration:
                spans.append((cursor, begin))
            cursor = max(cursor, end)
        if block.end - cursor >= duration:
            spans.append((cursor, block.end))
    return merged_spans(spans)


def talk_blocks(problem: Problem) -> list[list[int]]:
    """The blocks each talk can start in, by index."""
    firsts = [block.start for block in problem.blocks]
    return [sorted({bisect.bisect_right(firsts, start) - 1 for start in starts}) for starts in problem.starts]


def speakers_away(data: ConferenceData) -> dict[str, Spans]:
    """Each speaker's unavailable minutes on the problem's axis."""
    return {speaker.id: merged_spans(windows(data, speaker.unavailable)) for speaker in data.speakers}


def _within(scope: tuple[str, object], days: frozenset[int], kinds: frozenset[str | None]) -> bool:
    what, value = scope
    if what == "day":
        return days == {value}
    if what == "type":
        return kinds == {value}
    return True


def _rooms_sentence(
    data: ConferenceData,
    talks: list[int],
    rooms: frozenset[int],
    all_rooms: frozenset[int],
    scope: tuple[str, object],
    need: int,
    available: int,
) -> str:
    only = []
    if rooms != all_rooms:
        names = [data.rooms[room].name for room in sorted(rooms)]
        only.append("in " + (" or ".join(names) if len(names) <= 3 else f"{len(names)} rooms"))
    what, value = scope
    if what == "day":
        only.append("on " + data.conference.days[value].date.strftime("%a %Y-%m-%d"))
    elif what == "type":
        only.append(f"in blocks of type {value}")
    who = f"{len(talks)} talks" + (f" that can only be held {' '.join(only)}" if only else "")
    return (
        f"{who} need {need:,} room-minutes, but only {available:,} room-minutes are open where and when they can be "
        f"held"
    )


def _length(spans: Spans) -> int:
    return sum(end - start for start, end in spans)


def _overlap(spans: Spans, busy: list[tuple[int, int]]) -> int:
    """Minutes of `spans` inside `busy` (both sorted and disjoint)."""
    total, position = 0, 0
    for start, end in busy:
        while position < len(spans) and spans[position][1] <= start:
            position += 1
        index = position
        while index < len(spans) and spans[index][0] < end:
            total += max(0, min(end, spans[index][1]) - max(start, spans[index][0]))
            index += 1
    return total


def _describe_spans(data: ConferenceData, spans: Spans, at_most: int = 3) -> str:
    """'Sat 2024-07-27 09:30-10:00, 11:00-11:30' for a few spans; '' for more."""
    if not spans or len(spans) > at_most:
        return ""
    by_day: dict[int, list[str]] = defaultdict(list)
    for start, end in spans:
        day, minute = divmod(start, MINUTES_PER_DAY)
        by_day[day].append(f"{format_clock(minute)}-{format_clock(end - day * MINUTES_PER_DAY)}")
    return "; ".join(
        f"{data.conference.days[day].date.strftime('%a %Y-%m-%d')} {', '.join(times)}" for day, times in by_day.items()
    )


# ---------------------------------------------------------------------------------------------------------------
# talks and pins


def talks_with_no_place(data: ConferenceData, problem: Problem) -> list[str]:
    """A talk that no start and room can hold on its own."""
    return [f"talk '{data.talks[talk].id}' cannot be placed: {reason}" for talk, reason in problem.unplaceable.items()]


def room_groups_overfull(data: ConferenceData, problem: Problem) -> list[str]:
    """More talks needing a set of rooms than that set's blocks can hold (only the smallest such sets)."""
    findings: list[tuple[frozenset[int], str]] = []
    blocks = [set(indices) for indices in talk_blocks(problem)]
    for group in _room_set_unions(problem):
        members = [t for t, rooms in enumerate(problem.rooms) if rooms and set(rooms) <= group]
        if len(members) < 2:
            continue
        room_names = [data.rooms[room].name for room in sorted(group)]
        fits = 0
        for index, block in enumerate(problem.blocks):
            usable = [t for t in members if index in blocks[t]]
            if not usable:
                continue
            shortest = min(problem.duration(t) for t in usable)
            fits += sum(_open_minutes(problem.room_busy[room], block) // shortest for room in group)
        if len(members) > fits:
            kinds = sorted({f"{data.talks[t].kind}s" for t in members})
            durations = sorted({problem.duration(t) for t in members})
            where = ", ".join(room_names) if len(room_names) <= 3 else f"{len(room_names)} rooms"
            only = "only " if len(group) < len(data.rooms) else ""
            findings.append(
                (
                    group,
                    f"{len(members)} {'/'.join(kinds)} of {'/'.join(map(str, durations))} minutes can {only}use "
                    f"{where}, whose blocks hold at most {fits} of them",
                )
            )
    # a larger set is usually overfull only because a smaller one inside it is; the smaller one is the news
    smallest = [text for group, text in findings if not any(other < group for other, _ in findings)]
    return _at_most(smallest, MAX_FINDINGS_PER_CHECK)


def _at_most(findings: list[str], limit: int) -> list[str]:
    if len(findings) <= limit:
        return findings
    return [*findings[:limit], f"... and {len(findings) - limit} more like these"]


def speakers_overbooked(data: ConferenceData, problem: Problem) -> list[str]:
    """A speaker whose talks cannot all fit, one after another, into the time they are available."""
    findings = []
    speakers = {speaker.id: speaker for speaker in data.speakers}
    blocks = talk_blocks(problem)
    for speaker_id, talks in problem.speaker_talks.items():
        if len(talks) < 2 or _may_overlap(data, talks):
            continue
        usable_blocks = sorted({block for t in talks for block in blocks[t]})
        shortest = min(problem.duration(t) for t in talks)
        busy = windows(data, speakers[speaker_id].unavailable)
        fits = sum(_open_minutes(busy, problem.blocks[b]) // shortest for b in usable_blocks)
        if len(talks) > fits:
            spans = [_describe_block(data, problem.blocks[b], busy) for b in usable_blocks]
            available = "; ".join(span for span in spans if span) or "never"
            room = "only 1 fits" if fits == 1 else f"{fits} fit"
            name = speakers[speaker_id].display_name
            if speakers[speaker_id].unavailable:
                findings.append(
                    f"speaker {name} gives {len(talks)} talks but is available only {available}, where {room}"
                )
            else:  # the speaker is always available: the talks' pins, kinds and blocks leave them this little time
                findings.append(
                    f"speaker {name} gives {len(talks)} talks, which their pins, kinds and blocks allow only "
                    f"{available}, where {room}"
                )
    return _at_most(findings, MAX_FINDINGS_PER_CHECK)


def _may_overlap(data: ConferenceData, talks: list[int]) -> bool:
    """Whether some of a speaker's talks may overlap (the data file's `accepted:`), so that one after another is no
    bound on them."""
    accepted = data.accepted_overlaps()
    return any(frozenset((data.talks[a].id, data.talks[b].id)) in accepted for a in talks for b in talks if a < b)


def pins_colliding(data: ConferenceData) -> list[str]:
    """Two talks pinned to the same room at overlapping times."""
    by_place: dict[tuple, list[int]] = defaultdict(list)
    for index, talk in enumerate(data.talks):
        pin = talk.pin
        if pin and pin.room and pin.start is not None and pin.day is not None:
            by_place[(pin.room, pin.day)].append(index)
    pairs = []
    for members in by_place.values():
        members.sort(key=lambda index: data.talks[index].pin.start)
        for i, first in enumerate(members):
            end = data.talks[first].pin.start + data.talks[first].duration
            for second in members[i + 1 :]:
                if data.talks[second].pin.start >= end:
                    break
                pairs.append((min(first, second), max(first, second)))
    findings = []
    for first, second in sorted(pairs):
        a, b = data.talks[first], data.talks[second]
        findings.append(
            f"talks '{a.id}' and '{b.id}' are both pinned to {a.pin.room} on {a.pin.day.isoformat()} "
            f"around {format_clock(max(a.pin.start, b.pin.start))}"
        )
    return findings


def _open_minutes(busy: list[tuple[int, int]], block: BlockSpan) -> int:
    closed = sum(max(0, min(end, block.end) - max(start, block.start)) for start, end in busy)
    return block.length - closed


def windows(data: ConferenceData, spans: list[Window]) -> list[tuple[int, int]]:
    """Unavailability windows as absolute minute ranges, one per day they apply to (not merged)."""
    result = []
    for d, day in enumerate(data.conference.days):
        for window in spans:
            if window.day is None or window.day == day.date:
                start = 0 if window.start is None else window.start
                end = MINUTES_PER_DAY if window.end is None else window.end
                result.append((d * MINUTES_PER_DAY + start, d * MINUTES_PER_DAY + end))
    return result


def _describe_block(data: ConferenceData, block: BlockSpan, busy: list[tuple[int, int]]) -> str:
    """The open parts of a block, e.g. 'Sat 2024-07-27 09:30-10:00'."""
    spans, cursor = [], block.start
    for start, end in sorted(busy):
        if start > cursor and cursor < block.end:
            spans.append((cursor, min(start, block.end)))
        cursor = max(cursor, end)
    if cursor < block.end:
        spans.append((cursor, block.end))
    if not spans:
        return ""
    day = data.conference.days[block.day].date.strftime("%a %Y-%m-%d")
    base = block.day * MINUTES_PER_DAY
    return f"{day} " + ", ".join(f"{format_clock(a - base)}-{format_clock(b - base)}" for a, b in spans)
