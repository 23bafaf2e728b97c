"""A track-aware first timetable: each track's talks back to back in one room, as a chair would lay them out.

Phase 1's CP-SAT search finds some timetable that keeps the hard rules, with no idea of tracks: on a large
conference it puts a track's talks in parallel all over the day, and the improvement phase cannot undo that in a
minute. This greedy builds the timetable session by session instead: the biggest tracks first, each talk at the
earliest start where it keeps every hard rule, preferring the track's room of that day and a start that does not
overlap its own track. A second greedy ranks each place by the weighted violations it would add to the rules a
layout decides (:class:`_Prices`), and where the rooms have minutes to spare it also lays the conference out track
by track; of the layouts, the one that scores lower is taken, unless it strands noticeably more talks. The result
(when every talk finds a place) is handed to phase 1 as a hint, so CP-SAT returns it at once or repairs it; it is
never trusted without the model and the verifier.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Mapping

from ..checks.score import score
from ..problem import MINUTES_PER_DAY, Problem
from ..rules import RULES
from ..rules.audience import LEVEL_ORDER, LEVELS
from ..rules.base import Weights
from ..rules.sessions import SESSION_MIX
from ..rules.speakers import SPEAKER_DAYS, SPEAKER_ROOM_CHANGE
from ..rules.tracks import TRACK_DAYS, TRACK_ROOM
from .bound import minutes_in_block, room_prices
from .context import Timetable, assignments

MOVES_FOR_EVERY = 30  # stranded talks placed by moving another: at most one per this many talks
# and up to this many on any programme: a few moves take milliseconds where phase 1 repairs the talks with a search of
# the whole model (Timefold-shaped 108 talks, 6 stranded: the first timetable after 3.5 s, with the moves 0.04 s)
MOVES_AT_LEAST = 8
# where moving one talk cannot place a stranded one, a chain of at most this many moves may
CHAIN_MOVES = 4
# a layout is taken only if it strands at most one talk per this many talks more than the other
STRANDED_SLACK_EVERY = 100
# in the layout that keeps tracks whole, talks with at most this many rooms still go first (generated 2,000 talks,
# 40 rooms, the layout alone: 26,068 with two, 23,639 with four, 24,113 with eight; Timefold-shaped 1,000 talks
# 92,118 / 92,408 / 96,884; one-off)
TRACKS_WHOLE_TIGHT_ROOMS = 4
# a conference whose talks need at most this share of the minutes the rooms are open to them has room to spare
# (generated conferences of 500-2,000 talks: 0.62-0.65; Timefold-shaped: 0.99-1, every cell used)
ROOMY_USED_SHARE = 0.8


class _Timeline:
    """Busy intervals of one resource, kept sorted."""

    def __init__(self, busy: list[tuple[int, int]] | None = None):
        self.spans = sorted(busy or [])

    def free(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.spans, (start, start))
        if index < len(self.spans) and self.spans[index][0] < end:
            return False
        return not (index > 0 and self.spans[index - 1][1] > start)

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.spans, (start, end))

    def remove(self, start: int, end: int) -> None:
        self.spans.remove((start, end))


class HardPairs:
    """The rules between two talks the data file makes hard (`order`, `content-conflict`, `exclusive-tags`,
    `level-order`: each rule's `talk_pairs`): a layout that breaks one is no timetable, and phase 1 spent its time
    repairing it."""

    def __init__(self, problem: Problem):
        weights = Weights.of(problem.data.weights)
        self.problem = problem
        self.apart: dict[int, set[int]] = defaultdict(set)  # talks that must not overlap
        self.before: dict[int, set[int]] = defaultdict(set)  # talks that must end before this one starts
        self.after: dict[int, set[int]] = defaultdict(set)  # talks that must start after this one ends
        for rule in RULES.values():
            if rule.talk_pairs is None or not weights.is_hard(rule.name):
                continue
            for a, b, ordered in rule.talk_pairs(problem):
                if ordered:
                    self.before[b].add(a)
                    self.after[a].add(b)
                else:
                    self.apart[a].add(b)
                    self.apart[b].add(a)

    def depths(self) -> list[int]:
        """Per talk, the longest chain of talks that must end before it starts (0: none; a cycle stops counting)."""
        depth = [0] * len(self.problem.talks)
        for _ in range(len(self.problem.talks)):
            changed = False
            for talk, earlier in self.before.items():
                deepest = max((depth[other] + 1 for other in earlier), default=0)
                if deepest > depth[talk] and deepest <= len(self.problem.talks):
                    depth[talk], changed = deepest, True
            if not changed:
                break
        return depth

    def allow(self, talk: int, start: int, starts: Mapping[int, int]) -> bool:
        """Whether `talk` at `start` keeps these rules with the talks placed at `starts`."""
        duration = self.problem.duration
        end = start + duration(talk)
        for other in self.apart.get(talk, ()):
            if other in starts and starts[other] < end and start < starts[other] + duration(other):
                return False
        if any(other in starts and starts[other] + duration(other) > start for other in self.before.get(talk, ())):
            return False
        return not any(other in starts and starts[other] < end for other in self.after.get(talk, ()))


def track_first_timetable(problem: Problem) -> tuple[dict[int, int], dict[int, int]]:
    """(starts, rooms) of the talks the greedy could place, tracks laid out as sessions (some may be missing).

    Two greedies lay the conference out: one that keeps each track in its first room of the day and adds no day for
    its speakers, and one that prices each place by the weighted rules a layout decides (:class:`_Prices`), the
    latter in the first one's order and, where the rooms have minutes to spare, track by track (:func:`_order`).
    The priced ones hold sessions together far better, but on a conference with every cell used they may strand
    more talks, and each stranded talk costs phase 1 a repair there. So of the layouts that strand at most one talk
    in a hundred more than the one that places most, the one whose placed talks score lower is taken."""
    pairs = HardPairs(problem)
    order = _order(problem, pairs)
    # with room to spare, the rooms that small audiences take decide whether the big ones find a room, and the
    # tracks can keep their rooms: generated 500 / 1,000 / 2,000 talks (0.62-0.65 of the minutes used), 60 s,
    # one-off, 6,743 / 17,430 / 33,827 -> 4,643 / 12,062 / 23,651. On a full conference the layouts that score
    # lower this way ended higher (Timefold-shaped 1,000 / 2,000 talks, 60 s, one-off: 88,349 / 311,961 against
    # 82,163 / 301,778 as before)
    roomy = _used_share(problem) <= ROOMY_USED_SHARE
    needed = _needed_minutes(problem) if roomy else _needed_by_few(problem)
    orders = [order, _order(problem, pairs, tracks_whole=True)] if roomy else [order]
    # what each talk costs in each room, once for both priced layouts (about 0.1 s at 2,000 talks)
    room_costs = room_prices(problem, problem.data.weights) if roomy else {}
    layouts = [_lay_out(problem, pairs, each, _Prices(problem, needed, room_costs)) for each in orders]
    layouts.append(_lay_out(problem, pairs, order, _Homes(problem, needed)))
    slack = len(problem.talks) // STRANDED_SLACK_EVERY
    most = max(len(layout.starts) for layout in layouts)
    # the prices leave out level-order and track-parallel, which the plain greedy's earliest starts keep better on
    # Timefold-shaped conferences (60 s, one-off, 500 / 1,000 / 2,000 talks: 25,585 / 82,627 / 297,339 from the
    # plain layout, 27,732 / 96,726 / 360,791 from the priced one), so the independent score decides
    placing_enough = [layout for layout in layouts if len(layout.starts) + slack >= most]
    if len(placing_enough) == 1:
        best = placing_enough[0]  # the others strand too many: no need to score any
    else:
        best = min(placing_enough, key=lambda layout: _penalty(problem, layout))
    return best.starts, best.chosen


def _penalty(problem: Problem, layout: _Layout) -> float:
    """The independent score of the layout's placed talks (scheduler.checks.score)."""
    placed = assignments(problem, Timetable(layout.starts, layout.chosen, room_stage="layout"))
    return sum(rule.penalty for rule in score(problem.data, placed))


def _order(problem: Problem, pairs: HardPairs, tracks_whole: bool = False) -> list[int]:
    """Talks with few choices first, fewest first (keynotes, posters, pins, busy speakers), then big tracks; where
    `level-order` has a weight, the more basic talks of a topic before all of those. With `tracks_whole`, talks by
    several people count as having few choices only by their rooms (up to four), their starts, or a speaker whose
    talks fill more than a day, so each track is laid out in one go."""
    by_track: dict[str | None, list[int]] = {}
    for index, talk in enumerate(problem.talks):
        by_track.setdefault(talk.track, []).append(index)

    busy = _speakers_beyond_a_day(problem) if tracks_whole else set()

    def tight(t: int) -> bool:
        if tracks_whole:
            few = len(problem.rooms[t]) <= TRACKS_WHOLE_TIGHT_ROOMS or len(problem.starts[t]) <= 16
            return few or not busy.isdisjoint(problem.talks[t].speakers)
        return len(problem.rooms[t]) <= 2 or len(problem.starts[t]) <= 16 or len(problem.talks[t].speakers) > 1

    # each talk goes to about its earliest free start, so the talks placed first run first: the introductions,
    # then the rest (Timefold-shaped 1,000 / 2,000 talks, the layout alone: 124,841 / 684,445 -> 103,401 / 366,264,
    # most of it level-order; one-off)
    levelled = Weights.of(problem.data.weights).number(LEVEL_ORDER.name) > 0

    def level(t: int) -> int:
        talk = problem.talks[t]
        return LEVELS[talk.level] if levelled and talk.topic and talk.level else 0  # no level: first, as before

    # a talk that must follow others comes after them in the greedy's order too: placed first at its earliest
    # start, it left them no place before it in a full conference
    depth = pairs.depths()
    return sorted(
        range(len(problem.talks)),
        key=lambda t: (
            depth[t],
            level(t),
            not tight(t),
            len(problem.starts[t]) * len(problem.rooms[t]) if tight(t) else 0,
            -len(by_track[problem.talks[t].track]) if problem.talks[t].track else 0,
            problem.talks[t].track or "",
            t,
        ),
    )


def _speakers_beyond_a_day(problem: Problem) -> set[str]:
    """The people whose talks take more minutes than the longest day's blocks hold."""
    # laid out last, their talks found the few gaps left in their days too short (generated 2,000 talks: one
    # person's 73 talks, five of them stranded)
    day_minutes: dict[int, int] = defaultdict(int)
    for block in problem.blocks:
        day_minutes[block.start // MINUTES_PER_DAY] += block.length
    longest = max(day_minutes.values(), default=0)
    return {
        speaker
        for speaker, talks in problem.speaker_talks.items()
        if sum(problem.duration(talk) for talk in talks) > longest
    }


def _used_share(problem: Problem) -> float:
    """The talks' minutes against the open minutes of the rooms in the blocks where some talk may be in them (1:
    every such minute is needed)."""
    usable: set[tuple[int, int]] = set()  # (room, block)
    for blocks, rooms in {
        (frozenset(map(problem.block_index, problem.starts[talk])), frozenset(problem.rooms[talk]))
        for talk in range(len(problem.talks))
    }:
        usable.update(itertools.product(rooms, blocks))
    open_total = sum(minutes_in_block(problem, room, block) for room, block in usable)
    return sum(problem.duration(talk) for talk in range(len(problem.talks))) / max(1, open_total)


def _needed_by_few(problem: Problem) -> list[float]:
    """Per room, the talks with at most two rooms that can use it: such rooms are used by the others last."""
    needed = [0.0] * len(problem.data.rooms)
    for options in problem.rooms:
        if len(options) <= 2:
            for room in options:
                needed[room] += 1
    return needed


def _needed_minutes(problem: Problem) -> list[float]:
    """Per room, the talk-minutes expected of it, each talk's minutes shared evenly among the rooms it can use: the
    rooms most in demand are used by the others last."""
    # counting only the talks with at most two rooms, the large rooms that a few hundred big audiences need (four
    # to thirteen rooms each) filled up with small ones: generated 1,000 talks, the priced layout stranded 45 talks
    # that way, none this way
    needed = [0.0] * len(problem.data.rooms)
    for talk, options in enumerate(problem.rooms):
        for room in options:
            needed[room] += problem.duration(talk) / len(options)
    return needed


def _lay_out(problem: Problem, pairs: HardPairs, order: list[int], rule: _Homes | _Prices) -> _Layout:
    """Each talk in `order` at the start and room that `rule` ranks best among those that keep the hard rules."""
    layout = _Layout(problem, pairs)
    tracks: dict[str, _Timeline] = {}
    stranded: list[int] = []
    for talk in order:
        track = problem.talks[talk].track
        length = problem.duration(talk)
        people = layout.people(talk)
        best = None
        for start in problem.starts[talk]:
            end = start + length
            if not all(person.free(start, end) for person in people) or not pairs.allow(talk, start, layout.starts):
                continue
            clash = track is not None and not tracks.setdefault(track, _Timeline()).free(start, end)
            for room in rule.candidates(talk, start, layout.rooms):
                key = rule.key(talk, start, room, clash)
                if best is None or key < best[0]:
                    best = (key, start, room)
            if best is not None and rule.cannot_improve(best[0]):
                break
        if best is None:
            stranded.append(talk)
            continue
        _, start, room = best
        layout.take(talk, start, room)
        rule.take(talk, start, room)
        if track is not None:
            tracks[track].add(start, start + length)
    # the last few stranded talks of a full conference cost phase 1 most of its time (2,000 Timefold-shaped talks:
    # 2 stranded, first timetable 17.6 s, placed here 5.7 s); many stranded ones are better placed by phase 1, which
    # sees the tracks that the move below ignores (generated 2,000 talks, 72 stranded: 60,225 after 60 s, 56,511).
    # One in 30 lets the priced layout of 1,010 Timefold-shaped talks (every cell used) place all but two of its 25
    # stranded talks, so that it is taken, and that of generated 500 talks all 14
    if len(stranded) <= max(MOVES_AT_LEAST, len(problem.talks) // MOVES_FOR_EVERY):
        for talk in stranded:
            if not layout.place_by_moving_one(talk):
                layout.place_by_a_chain(talk)
    return layout


class _Homes:
    """The plain greedy's ranking: no clash with the talk's own track, then the track's first room of that day,
    then no extra day for its speakers, then the earliest start."""

    def __init__(self, problem: Problem, needed: list[float]):
        self.problem, self.needed = problem, needed
        self.home: dict[tuple[str, int], int] = {}  # (track, day) -> room
        self.days_of: dict[str, set[int]] = defaultdict(set)

    def candidates(self, talk: int, start: int, rooms: list[_Timeline]) -> list[int]:
        """The first free room: the track's room of the day, else the one that talks with few rooms need least."""
        end = start + self.problem.duration(talk)
        preferred = self._preferred(talk, start)
        ranked = sorted(self.problem.rooms[talk], key=lambda r: (r != preferred, self.needed[r], r))
        return next(([room] for room in ranked if rooms[room].free(start, end)), [])

    def _preferred(self, talk: int, start: int) -> int | None:
        track = self.problem.talks[talk].track
        return self.home.get((track, start // MINUTES_PER_DAY)) if track is not None else None

    def key(self, talk: int, start: int, room: int, clash: bool) -> tuple:
        day = start // MINUTES_PER_DAY
        speakers = self.problem.talks[talk].speakers
        # a speaker already coming on other days should not need one more
        new_days = sum(bool(self.days_of[s]) and day not in self.days_of[s] for s in speakers)
        away = self.problem.talks[talk].track is not None and room != self._preferred(talk, start)
        return (clash, away, new_days, start)

    def cannot_improve(self, key: tuple) -> bool:
        """The earliest start in the track's own room, no clash, no extra day."""
        return not any(key[:3])

    def take(self, talk: int, start: int, room: int) -> None:
        for speaker in self.problem.talks[talk].speakers:
            self.days_of[speaker].add(start // MINUTES_PER_DAY)
        track = self.problem.talks[talk].track
        if track is not None:
            self.home.setdefault((track, start // MINUTES_PER_DAY), room)


class _Prices:
    """What placing one more talk adds to the rules a layout decides, at their weights: a track's extra room on a day
    or extra day, a speaker's extra day, an extra track in a session, a speaker in two rooms of one block; and
    `room_costs` (talk -> room -> price, :func:`bound.room_prices`), what the rules that price a talk in a room
    charge there (`room-size`, a speaker's rooms), if given."""

    def __init__(self, problem: Problem, needed: list[float], room_costs: dict[int, dict[int, float]] | None = None):
        weights = Weights.of(problem.data.weights)
        self.problem, self.needed = problem, needed
        # unpriced, the room that talks need least took the overflow: on generated 2,000 talks the 3,000-seat hall
        # that only the keynotes need held small talks, 675 of a 60 s run's 2,231 `room-size`. Given only where
        # rooms are to spare: on a full conference the layout alone scored higher with them (Timefold-shaped 216 /
        # 1,000 talks: 7,395 / 103,401 -> 8,030 / 111,106; one-off)
        self.room_costs = room_costs or {}
        self.track_room, self.track_days = weights.number(TRACK_ROOM.name), weights.number(TRACK_DAYS.name)
        self.speaker_days, self.mix = weights.number(SPEAKER_DAYS.name), weights.number(SESSION_MIX.name)
        self.room_change = weights.number(SPEAKER_ROOM_CHANGE.name)
        self.track_rooms: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.track_day_set: dict[str, set[int]] = defaultdict(set)
        self.speaker_day_set: dict[str, set[int]] = defaultdict(set)
        self.session_tracks: dict[tuple[int, int], set[str]] = defaultdict(set)
        self.speaker_rooms: dict[tuple[str, int], set[int]] = defaultdict(set)

    def candidates(self, talk: int, start: int, rooms: list[_Timeline]) -> list[int]:
        """The free rooms the track already holds that day or the talk's speakers are in during that block, and the
        first other free room, the one needed least (`needed`)."""
        # a speaker's room was never offered unless it was also the track's, so the price of a change of rooms
        # could not be avoided: generated 2,000 talks, the track-by-track layout had 111 changes (5,550 of
        # `speaker-room-change`, 104 of them by two people with 73 and 63 talks), now 28
        end = start + self.problem.duration(talk)
        track = self.problem.talks[talk].track
        own = self.track_rooms.get((track, start // MINUTES_PER_DAY), []) if track is not None else []
        block = self.problem.block_index(start)
        for speaker in self.problem.talks[talk].speakers:
            own = own + sorted(self.speaker_rooms.get((speaker, block), set()).difference(own))
        usable = set(self.problem.rooms[talk])
        found = [room for room in own if room in usable and rooms[room].free(start, end)]
        others = sorted(usable.difference(own), key=lambda r: (self.needed[r], r))
        return found + next(([room] for room in others if rooms[room].free(start, end)), [])

    def key(self, talk: int, start: int, room: int, clash: bool) -> tuple:
        return (clash, self.of(talk, start, room), start)

    def cannot_improve(self, key: tuple) -> bool:
        """The earliest start that adds nothing to any rule the layout prices."""
        return not key[0] and not key[1]

    def of(self, talk: int, start: int, room: int) -> float:
        """The weighted violations that the talk at `start` in `room` adds to what is placed."""
        problem = self.problem
        day, block = start // MINUTES_PER_DAY, problem.block_index(start)
        track = problem.talks[talk].track
        price = 0.0
        if track is not None:
            held = self.track_rooms.get((track, day))
            if held and room not in held:
                price += self.track_room
            days = self.track_day_set.get(track)
            if days and day not in days:
                price += self.track_days
            others = self.session_tracks.get((block, room))
            if others and track not in others:
                price += self.mix
        for speaker in problem.talks[talk].speakers:
            days = self.speaker_day_set.get(speaker)
            if days and day not in days:
                price += self.speaker_days
            price += self.room_change * len(self.speaker_rooms.get((speaker, block), set()) - {room})
        if self.room_costs:
            price += self.room_costs[talk][room]
        return price

    def take(self, talk: int, start: int, room: int) -> None:
        problem = self.problem
        day, block = start // MINUTES_PER_DAY, problem.block_index(start)
        track = problem.talks[talk].track
        if track is not None:
            if room not in self.track_rooms[(track, day)]:
                self.track_rooms[(track, day)].append(room)
            self.track_day_set[track].add(day)
            self.session_tracks[(block, room)].add(track)
        for speaker in problem.talks[talk].speakers:
            self.speaker_day_set[speaker].add(day)
            self.speaker_rooms[(speaker, block)].add(room)


class _Layout:
    """The greedy's placements (the busy times of rooms and speakers they make), and placing a stranded talk where
    exactly one placed talk is in its way."""

    def __init__(self, problem: Problem, pairs: HardPairs):
        self.problem, self.pairs = problem, pairs
        self.rooms = [_Timeline(problem.room_busy[room]) for room in range(len(problem.data.rooms))]
        self.speakers: dict[str, _Timeline] = {}
        self.starts: dict[int, int] = {}
        self.chosen: dict[int, int] = {}
        self.in_room: dict[int, list[int]] = defaultdict(list)
        self.journal: list[tuple[bool, int, int, int]] = []  # (taken, talk, start, room): what a chain did, to undo

    def people(self, talk: int) -> list[_Timeline]:
        """The busy times of the talk's speakers."""
        return [self.speakers.setdefault(s, _Timeline()) for s in self.problem.talks[talk].speakers]

    def _fits(self, talk: int, start: int, room: int) -> bool:
        end = start + self.problem.duration(talk)
        return (
            self.rooms[room].free(start, end)
            and all(person.free(start, end) for person in self.people(talk))
            and self.pairs.allow(talk, start, self.starts)
        )

    def take(self, talk: int, start: int, room: int) -> None:
        """Place the talk: its room and speakers are busy then."""
        end = start + self.problem.duration(talk)
        self.rooms[room].add(start, end)
        for person in self.people(talk):
            person.add(start, end)
        self.starts[talk], self.chosen[talk] = start, room
        self.in_room[room].append(talk)
        self.journal.append((True, talk, start, room))

    def _release(self, talk: int) -> tuple[int, int]:
        start, room = self.starts.pop(talk), self.chosen.pop(talk)
        end = start + self.problem.duration(talk)
        self.rooms[room].remove(start, end)
        for person in self.people(talk):
            person.remove(start, end)
        self.in_room[room].remove(talk)
        self.journal.append((False, talk, start, room))
        return start, room

    def _blocking(self, room: int, start: int, end: int) -> list[int]:
        """The placed talks in `room` that overlap `start`-`end`."""
        duration = self.problem.duration
        return [
            other
            for other in self.in_room[room]
            if self.starts[other] < end and start < self.starts[other] + duration(other)
        ]

    def place_by_moving_one(self, talk: int) -> bool:
        """Place `talk` in a room and start taken by one other talk, moved to any free place of its own (a full
        conference strands a few talks that way; phase 1 had to repair each, at 2,000 Timefold-shaped talks for
        40 s). False if no such pair of moves exists: phase 1 places it."""
        problem = self.problem
        length = problem.duration(talk)
        for start in problem.starts[talk]:
            end = start + length
            if not all(person.free(start, end) for person in self.people(talk)):
                continue
            for room in problem.rooms[talk]:
                blocking = self._blocking(room, start, end)
                if len(blocking) != 1:
                    continue
                [other] = blocking
                old_start, old_room = self._release(other)
                if self._fits(talk, start, room):
                    self.take(talk, start, room)
                    for new_start in problem.starts[other]:
                        for new_room in problem.rooms[other]:
                            if self._fits(other, new_start, new_room):
                                self.take(other, new_start, new_room)
                                return True
                    self._release(talk)
                self.take(other, old_start, old_room)
        return False

    def place_by_a_chain(self, talk: int, depth: int = CHAIN_MOVES) -> bool:
        """Place `talk` where one other talk is, that talk where one other is, and so on, until one goes to a free
        place of its own (at most `depth` talks moved, each looked at once). Where the talks it must follow leave it
        no start, one of them is placed again that way, ending before the talk's last start, and then the talk.
        False, with nothing moved, if neither works: phase 1 places it."""
        if self._chain(talk, depth, {talk}):
            return True
        # a talk that must follow another (`order` made hard) was stranded after it on Timefold-shaped 2,000 talks:
        # nothing was left after the other's place, and phase 1 took 12 s to repair them (with these chains: none)
        # the other ending before the talk's last start (else it takes its own place back first), then the talk
        latest = max(self.problem.starts[talk])
        for earlier in sorted(self.pairs.before.get(talk, ())):
            if earlier not in self.starts:
                continue
            mark = len(self.journal)
            self._release(earlier)
            if self._chain(earlier, depth, {earlier}, latest) and self._chain(talk, depth, {earlier, talk}):
                return True
            self._undo(mark)
        return False

    def _undo(self, mark: int) -> None:
        """Undo every placement and release since the journal held `mark` entries."""
        while len(self.journal) > mark:
            taken, talk, start, room = self.journal.pop()
            if taken:
                self._release(talk)
            else:
                self.take(talk, start, room)
            self.journal.pop()  # the entry the undoing itself made

    def _chain(self, talk: int, depth: int, seen: set[int], latest_end: int | None = None) -> bool:
        problem = self.problem
        length = problem.duration(talk)
        starts = [start for start in problem.starts[talk] if latest_end is None or start + length <= latest_end]
        for start in starts:
            for room in problem.rooms[talk]:
                if self._fits(talk, start, room):
                    self.take(talk, start, room)
                    return True
        if not depth:
            return False
        for start in starts:
            end = start + length
            if not all(person.free(start, end) for person in self.people(talk)):
                continue
            for room in problem.rooms[talk]:
                blocking = self._blocking(room, start, end)
                if len(blocking) != 1 or blocking[0] in seen:
                    continue
                [other] = blocking
                seen.add(other)
                old_start, old_room = self._release(other)
                if self._fits(talk, start, room):
                    self.take(talk, start, room)
                    if self._chain(other, depth - 1, seen):
                        return True
                    self._release(talk)
                self.take(other, old_start, old_room)
        return False
