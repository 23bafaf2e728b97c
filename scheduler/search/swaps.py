"""Swaps across days: the days of tracks and speakers, improved a move at a time before the search of times and rooms.

Above `SolveParams.together_talks` talks the search of times and rooms together frees talks within one day
(scheduler.search.anytime), so the days the layout gives each track and speaker stay: on generated 2,000 talks
`speaker-days`, `track-days` and `track-consecutive` were about half the penalty. Below it that search frees a few
talks at a time, and moves a day's worth of a track seldom. This local search moves talks between days with three
moves whose hard rules are quick to check: two sessions (every talk of two (block, room) cells, blocks of one
length) trade places, two talks of one length do, or a talk moves to the same minute of another block of its
length, in a room free then. Simulated annealing keeps a move or not on the weighted change of the rules it
touches, counted incrementally (`track-days`, `track-room`, `track-consecutive`, `track-parallel`, `speaker-days`,
`session-mix`, `speaker-room-change` with its chairs' links, `chair-conflict`, the rules that price a talk in a
room or at a start (`room-size`, `speaker-preference`), and the soft rules between two talks (`level-order`,
`order`, `content-conflict`, `exclusive-tags`: each rule's `talk_pairs`)).

It runs above `SolveParams.swaps_talks` talks where those are the only rules with a penalty, within a share of the
time left (with --deterministic, a number of moves that follows from the time limit). Its timetable is kept only if
the independent verifier accepts it and the independent score is lower.
"""

from __future__ import annotations

import bisect
import math
import random
import time
from collections import ChainMap, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..checks.score import RuleScore, score
from ..problem import MINUTES_PER_DAY, Problem
from ..rules import RULES
from ..rules.base import Weights
from ..rules.sessions import CHAIR_CONFLICT, SESSION_MIX, TRACK_CONSECUTIVE
from ..rules.speakers import SPEAKER_DAYS, SPEAKER_ROOM_CHANGE
from ..rules.tracks import TRACK_DAYS, TRACK_PARALLEL, TRACK_ROOM
from ..schedule import SolveStats
from .anytime import report_penalty
from .bound import room_prices
from .context import SolveContext, Timetable, assignments, penalty_if_every_hard_rule_kept
from .warmstart import HardPairs

# the temperature falls from HOT to COLD over the first ANNEALED share of the moves (or of the time), and the rest
# only keep moves that change nothing or gain
HOT, COLD, ANNEALED = 5.0, 0.5, 0.8
CHUNK = 2_000  # moves at one temperature, between looks at the clock
# of the moves, the share that swaps two talks, and that moves one talk to a free place; the rest swap two sessions
# (generated 2,000 talks, the layout and 15 s of swaps, one-off: 18,146 with half of them talk swaps and no talk
# moves; 18,034 with these)
TALK_SWAP_SHARE, TALK_MOVE_SHARE = 0.3, 0.4
_EPSILON = 1e-6
# the rules the counts below add up, at their weights (with the room prices: every rule the swaps count)
COUNTED = (
    TRACK_DAYS,
    TRACK_ROOM,
    TRACK_CONSECUTIVE,
    TRACK_PARALLEL,
    SPEAKER_DAYS,
    SESSION_MIX,
    SPEAKER_ROOM_CHANGE,
    CHAIR_CONFLICT,
)
# the rules whose hard form the moves check (HardPairs: the rules between two talks); with any other soft rule made
# hard, nothing is moved
CHECKED_HARD = {name for name, rule in RULES.items() if rule.talk_pairs is not None}


def swappable(problem: Problem) -> bool:
    """Whether the swaps can keep every hard rule: no soft rule is hard beyond the ones between two talks."""
    weights = Weights.of(problem.data.weights)
    return not any(weights.is_hard(name) and name not in CHECKED_HARD for name in weights)


def counted_rules() -> set[str]:
    """The rules whose change the swaps count: :data:`COUNTED`, those that price a talk in a room or at a start, and
    those between two talks."""
    return {rule.name for rule in COUNTED} | {
        name
        for name, rule in RULES.items()
        if rule.room_cost is not None or rule.start_cost is not None or rule.talk_pairs is not None
    }


def soft_pairs(problem: Problem) -> dict[int, list[tuple[int, int, bool, float]]]:
    """Talk -> (a, b, ordered, weight) for each pair it is in under the soft rules between two talks (`talk_pairs`),
    a pair that several rules or tags count once at the sum of their weights."""
    weights = Weights.of(problem.data.weights)
    weight_of: dict[tuple[int, int, bool], float] = defaultdict(float)
    for name, rule in RULES.items():
        weight = weights.number(name)
        if rule.talk_pairs is None or not weight:
            continue
        for a, b, ordered in rule.talk_pairs(problem):
            weight_of[(a, b, ordered) if ordered else (min(a, b), max(a, b), False)] += weight
    pairs: dict[int, list[tuple[int, int, bool, float]]] = defaultdict(list)
    for (a, b, ordered), weight in sorted(weight_of.items()):
        pairs[a].append((a, b, ordered, weight))
        pairs[b].append((a, b, ordered, weight))
    return pairs


def _uncounted_penalty(context: SolveContext, timetable: Timetable, quality: list[RuleScore] | None = None) -> float:
    """The timetable's penalty on rules the swaps do not count: where it is not 0 they would trade it blindly (before
    they counted `level-order`, half the penalty of Timefold-shaped conferences: 2,000 talks, 60 s, one-off, 323,322
    with the swaps' time taken, 316,092 without)."""
    if quality is None:
        quality = score(context.data, assignments(context.problem, timetable))
    counted = counted_rules()
    return sum(rule.penalty for rule in quality if rule.rule not in counted)


class Swaps:
    """A timetable (talk -> start, talk -> room) and the counts the move prices come from."""

    def __init__(
        self,
        problem: Problem,
        starts: dict[int, int],
        rooms: dict[int, int],
        pairs: HardPairs,
        room_costs: dict[int, dict[int, float]] | None,
        seed: int = 0,
    ):
        self.problem, self.pairs = problem, pairs
        self.starts, self.rooms = dict(starts), dict(rooms)
        weights = Weights.of(problem.data.weights)
        self.weight = {rule.name: weights.number(rule.name) for rule in COUNTED}
        self.chair_of = {track.name: track.chair for track in problem.data.tracks if track.chair is not None}
        self.chaired: dict[str, list[str]] = defaultdict(list)  # person -> the tracks they chair
        for track, chair in sorted(self.chair_of.items()):
            self.chaired[chair].append(track)
        self.room_costs = room_costs or {}
        self.pairs_of = soft_pairs(problem)
        self.start_rules = [
            (weights.number(rule.name), rule.start_cost)
            for rule in RULES.values()
            if rule.start_cost is not None and weights.number(rule.name)
        ]
        self.start_prices: dict[tuple[int, int], float] = {}
        self.rng = random.Random(seed)
        self.block_starts = [block.start for block in problem.blocks]
        self.duration = [talk.duration for talk in problem.talks]
        self.track = [talk.track for talk in problem.talks]
        self.speakers = [tuple(talk.speakers) for talk in problem.talks]
        self.start_set = [set(starts_) for starts_ in problem.starts]
        self.room_set = [set(rooms_) for rooms_ in problem.rooms]
        self.placed = sorted(self.starts)
        self.by_duration: dict[int, list[int]] = defaultdict(list)
        for talk in self.placed:
            self.by_duration[self.duration[talk]].append(talk)
        self.same_length: dict[int, list[int]] = defaultdict(list)
        for index, block in enumerate(problem.blocks):
            self.same_length[block.length].append(index)
        self.block_of: dict[int, int] = {}
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        # counts per (track, day), (track, day, room), (track, block), (speaker, day), (cell, track)
        self.track_day: dict[tuple, int] = defaultdict(int)
        self.track_day_room: dict[tuple, int] = defaultdict(int)
        self.track_block: dict[tuple, list[int]] = defaultdict(list)
        self.speaker_day: dict[tuple, int] = defaultdict(int)
        self.speaker_block: dict[tuple, list[int]] = defaultdict(list)
        self.cell_tracks: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        # what the counts add up to: days and day-rooms of tracks, runs of blocks, days of speakers, extra tracks in
        # sessions, blocks in which two tracks of one chair both hold sessions, and the room prices
        self.units = {"days": 0, "rooms": 0, "runs": 0, "speaker days": 0, "mix": 0, "chair clashes": 0, "price": 0.0}
        for talk in self.placed:
            self._add(talk, self.starts[talk], self.rooms[talk])

    # -- the counts ------------------------------------------------------------------------------------------------

    def _block(self, start: int) -> int:
        return bisect.bisect_right(self.block_starts, start) - 1

    def _add(self, talk: int, start: int, room: int) -> None:
        day, block = start // MINUTES_PER_DAY, self._block(start)
        self.starts[talk], self.rooms[talk], self.block_of[talk] = start, room, block
        self.cells[(block, room)].append(talk)
        units = self.units
        track = self.track[talk]
        if track is not None:
            self.track_day[(track, day)] += 1
            if self.track_day[(track, day)] == 1:
                units["days"] += 1
            self.track_day_room[(track, day, room)] += 1
            if self.track_day_room[(track, day, room)] == 1:
                units["rooms"] += 1
            members = self.track_block[(track, block)]
            if not members:
                units["runs"] += (
                    1 - bool(self.track_block.get((track, block - 1))) - bool(self.track_block.get((track, block + 1)))
                )
                units["chair clashes"] += self._chair_clashes(track, block)
            members.append(talk)
            tracks = self.cell_tracks[(block, room)]
            tracks[track] += 1
            if tracks[track] == 1 and len(tracks) > 1:
                units["mix"] += 1
        for speaker in self.speakers[talk]:
            self.speaker_day[(speaker, day)] += 1
            if self.speaker_day[(speaker, day)] == 1:
                units["speaker days"] += 1
            self.speaker_block[(speaker, block)].append(talk)
        if self.room_costs:
            units["price"] += self.room_costs[talk][room]
        if self.start_rules:
            units["price"] += self._start_price(talk, start)

    def _remove(self, talk: int) -> None:
        start, room, block = self.starts[talk], self.rooms[talk], self.block_of[talk]
        day = start // MINUTES_PER_DAY
        self.cells[(block, room)].remove(talk)
        units = self.units
        track = self.track[talk]
        if track is not None:
            self.track_day[(track, day)] -= 1
            if not self.track_day[(track, day)]:
                units["days"] -= 1
            self.track_day_room[(track, day, room)] -= 1
            if not self.track_day_room[(track, day, room)]:
                units["rooms"] -= 1
            members = self.track_block[(track, block)]
            members.remove(talk)
            if not members:
                units["runs"] -= (
                    1 - bool(self.track_block.get((track, block - 1))) - bool(self.track_block.get((track, block + 1)))
                )
                units["chair clashes"] -= self._chair_clashes(track, block)
            tracks = self.cell_tracks[(block, room)]
            tracks[track] -= 1
            if not tracks[track]:
                del tracks[track]
                if tracks:
                    units["mix"] -= 1
        for speaker in self.speakers[talk]:
            self.speaker_day[(speaker, day)] -= 1
            if not self.speaker_day[(speaker, day)]:
                units["speaker days"] -= 1
            self.speaker_block[(speaker, block)].remove(talk)
        if self.room_costs:
            units["price"] -= self.room_costs[talk][room]
        if self.start_rules:
            units["price"] -= self._start_price(talk, start)

    def _start_price(self, talk: int, start: int) -> float:
        """What the rules that price a talk at a start charge for `talk` at `start` (weighted)."""
        key = (talk, start)
        if key not in self.start_prices:
            self.start_prices[key] = sum(weight * cost(self.problem, talk, start) for weight, cost in self.start_rules)
        return self.start_prices[key]

    def _broken_pairs(self, moved: list[int]) -> float:
        """The weighted pairs of the soft rules between two talks that the moved talks are in and break."""
        pairs = {pair for talk in moved for pair in self.pairs_of.get(talk, ())}
        starts, duration = self.starts, self.duration
        return sum(
            weight
            for a, b, ordered, weight in pairs
            if a in starts
            and b in starts
            and starts[b] < starts[a] + duration[a]
            and (ordered or starts[a] < starts[b] + duration[b])
        )

    def _chair_clashes(self, track: str, block: int) -> int:
        """The other tracks of the track's chair that hold talks in `block`."""
        chair = self.chair_of.get(track)
        if chair is None:
            return 0
        return sum(1 for other in self.chaired[chair] if other != track and self.track_block.get((other, block)))

    def _pairs(self, moved: list[int]) -> tuple[set, set]:
        """The same-track pairs that overlap and the pairs one person must leave a room for (a speaker of both, or a
        speaker of one who chairs the other's track, another track), of the moved talks."""
        parallel, apart = set(), set()
        for talk in moved:
            start, end, block = self.starts[talk], self.starts[talk] + self.duration[talk], self.block_of[talk]
            room, track = self.rooms[talk], self.track[talk]
            if track is not None:
                for other in self.track_block[(track, block)]:
                    if other != talk and self.starts[other] < end and start < self.starts[other] + self.duration[other]:
                        parallel.add((min(talk, other), max(talk, other)))
                chair = self.chair_of.get(track)
                for other in self.speaker_block.get((chair, block), ()) if chair is not None else ():
                    if self.rooms[other] != room and self.track[other] != track:
                        apart.add((min(talk, other), max(talk, other)))
            for speaker in self.speakers[talk]:
                for other in self.speaker_block[(speaker, block)]:
                    if other != talk and self.rooms[other] != room:
                        apart.add((min(talk, other), max(talk, other)))
                for chaired in self.chaired.get(speaker, ()):
                    if chaired == track:
                        continue
                    for other in self.track_block.get((chaired, block), ()):
                        if self.rooms[other] != room:
                            apart.add((min(talk, other), max(talk, other)))
        return parallel, apart

    def _cost(self, moved: list[int]) -> float:
        """The weighted total of the counts, and of the pairs the moved talks are in."""
        units, weight = self.units, self.weight
        parallel, apart = self._pairs(moved)
        return (
            weight[TRACK_DAYS.name] * units["days"]
            + weight[TRACK_ROOM.name] * (units["rooms"] - units["days"])
            + weight[TRACK_CONSECUTIVE.name] * units["runs"]
            + weight[SPEAKER_DAYS.name] * units["speaker days"]
            + weight[SESSION_MIX.name] * units["mix"]
            + weight[CHAIR_CONFLICT.name] * units["chair clashes"]
            + units["price"]
            + weight[TRACK_PARALLEL.name] * len(parallel)
            + weight[SPEAKER_ROOM_CHANGE.name] * len(apart)
            + (self._broken_pairs(moved) if self.pairs_of else 0.0)
        )

    # -- moves -----------------------------------------------------------------------------------------------------

    def _keeps_hard_rules(self, moves: dict[int, tuple[int, int]]) -> bool:
        """Each moved talk at a start and in a room of its own, its room open, its speakers nowhere else then, and
        the rules between two talks kept (the moves choose free places, so no room is double-booked)."""
        problem = self.problem
        arriving: dict[str, list[tuple[int, int]]] = defaultdict(list)  # speaker -> the moved talks' new times
        for talk, (start, room) in moves.items():
            if start not in self.start_set[talk] or room not in self.room_set[talk]:
                return False
            end = start + self.duration[talk]
            if problem.room_busy[room] and not problem.room_free(room, start, end):
                return False
            block = self._block(start)  # a talk never runs past its block, so only that block's talks can clash
            for speaker in self.speakers[talk]:
                for other in self.speaker_block.get((speaker, block), ()):
                    if (
                        other not in moves
                        and self.starts[other] < end
                        and start < self.starts[other] + self.duration[other]
                    ):
                        return False
                for other_start, other_end in arriving[speaker]:
                    if other_start < end and start < other_end:
                        return False
                arriving[speaker].append((start, end))
        if self.pairs.apart or self.pairs.before:
            # every start after the moves, without copying them all: a talk is never paired with itself (the data
            # file may not name a talk in its own `after` or `conflicts`)
            after = ChainMap({talk: start for talk, (start, _) in moves.items()}, self.starts)
            return all(self.pairs.allow(talk, start, after) for talk, (start, _) in moves.items())
        return True

    def _try(self, moves: dict[int, tuple[int, int]], temperature: float) -> float | None:
        """Make the moves if they keep the hard rules and the annealing takes them: their change, else None."""
        if not self._keeps_hard_rules(moves):
            return None
        moved = list(moves)
        before = self._cost(moved)
        old = {talk: (self.starts[talk], self.rooms[talk]) for talk in moved}
        self._move(moves)
        change = self._cost(moved) - before
        if change <= 0 or (temperature and self.rng.random() < math.exp(-change / temperature)):
            return change
        self._move(old)
        return None

    def _move(self, moves: dict[int, tuple[int, int]]) -> None:
        for talk in moves:
            self._remove(talk)
        for talk, (start, room) in moves.items():
            self._add(talk, start, room)

    def _session_swap(self) -> dict[int, tuple[int, int]]:
        """Every talk of a random occupied cell and of a random cell of a block of the same length trade places."""
        talk = self.placed[self.rng.randrange(len(self.placed))]
        block, room = self.block_of[talk], self.rooms[talk]
        blocks = self.same_length[self.problem.blocks[block].length]
        other_block = blocks[self.rng.randrange(len(blocks))]
        other_room = self.rng.randrange(len(self.problem.data.rooms))
        if (other_block, other_room) == (block, room):
            return {}
        shift = self.block_starts[other_block] - self.block_starts[block]
        moves = {member: (self.starts[member] + shift, other_room) for member in self.cells[(block, room)]}
        there = self.cells.get((other_block, other_room), ())
        moves.update((member, (self.starts[member] - shift, room)) for member in there)
        return moves

    def _talk_swap(self) -> dict[int, tuple[int, int]]:
        """Two random talks of the same length trade places."""
        talk = self.placed[self.rng.randrange(len(self.placed))]
        same = self.by_duration[self.duration[talk]]
        other = same[self.rng.randrange(len(same))]
        if other == talk or (self.block_of[other], self.rooms[other]) == (self.block_of[talk], self.rooms[talk]):
            return {}
        return {talk: (self.starts[other], self.rooms[other]), other: (self.starts[talk], self.rooms[talk])}

    def _talk_move(self) -> dict[int, tuple[int, int]]:
        """A random talk to the same minute of a random block of the same length, in a random room free then."""
        talk = self.placed[self.rng.randrange(len(self.placed))]
        block = self.block_of[talk]
        blocks = self.same_length[self.problem.blocks[block].length]
        other_block = blocks[self.rng.randrange(len(blocks))]
        room = self.rng.randrange(len(self.problem.data.rooms))
        start = self.starts[talk] - self.block_starts[block] + self.block_starts[other_block]
        end = start + self.duration[talk]
        if (start, room) == (self.starts[talk], self.rooms[talk]):
            return {}
        for other in self.cells.get((other_block, room), ()):
            if other != talk and self.starts[other] < end and start < self.starts[other] + self.duration[other]:
                return {}
        return {talk: (start, room)}

    def run(
        self, moves: int, seconds: float | None = None, stop: Callable[[], bool] | None = None
    ) -> tuple[float, int]:
        """Try up to `moves` moves, within `seconds` of the wall clock if given, until `stop()` (Ctrl-C) if given:
        (the total change of the weighted rules they count, negative when better; the moves tried). The temperature
        falls with the share of the moves, or of the seconds, used."""
        total, tried = 0.0, 0
        began = time.perf_counter()
        used = 0.0
        while tried < moves and used < 1.0 and not (stop is not None and stop()):
            temperature = HOT * (COLD / HOT) ** (used / ANNEALED) if used < ANNEALED else 0.0
            for _ in range(min(CHUNK, moves - tried)):
                kind = self.rng.random()
                if kind < TALK_SWAP_SHARE:
                    proposal = self._talk_swap()
                elif kind < TALK_SWAP_SHARE + TALK_MOVE_SHARE:
                    proposal = self._talk_move()
                else:
                    proposal = self._session_swap()
                if proposal:
                    change = self._try(proposal, temperature)
                    if change is not None:
                        total += change
            tried = min(moves, tried + CHUNK)
            used = tried / moves
            if seconds is not None:
                used = max(used, (time.perf_counter() - began) / seconds)
        return total, tried


@dataclass(frozen=True)
class Swapped:
    """The timetable in hand after the swaps (the better of the two), its penalty, the moves tried, and whether the
    swaps won."""

    timetable: Timetable
    penalty: float | None
    moves: int = 0
    improved: bool = False
    start_penalty: float | None = None

    def record(self, stats: SolveStats) -> None:
        if self.moves:
            stats.improvement_ran = True
            stats.swap_moves = self.moves
            stats.swap_penalties = (self.start_penalty, self.penalty)
        if self.improved:
            stats.found_by = "swaps of sessions and talks across days"


def will_swap(context: SolveContext, timetable: Timetable, quality: list[RuleScore] | None = None) -> bool:
    """Whether :func:`swap_across_days` would run on `timetable`: above `SolveParams.swaps_talks` talks, when
    optimising, where :func:`swappable` and the rules the swaps count are the timetable's whole penalty (`quality`:
    its score, if already worked out)."""
    problem, params = context.problem, context.params
    if len(problem.talks) <= params.swaps_talks or not (context.optimise and params.swaps):
        return False
    return swappable(problem) and not _uncounted_penalty(context, timetable, quality)


def deterministic_reserve(context: SolveContext) -> float:
    """Seconds of the time limit the swaps' moves follow from with --deterministic, kept back from the day-by-day
    step before them (whose search counts CP-SAT's work, not the clock)."""
    return context.budget.part_of_limit(context.params.swaps_deterministic_share, at_most=float("inf"))


def swap_across_days(context: SolveContext, timetable: Timetable, penalty: float | None, bound: float = 0.0) -> Swapped:
    """The timetable after :class:`Swaps` (where :func:`will_swap`), within `SolveParams.swaps_share` of the time left
    (with --deterministic, `swaps_moves_per_second` moves per second of :func:`deterministic_reserve`, so that their
    number follows from the time limit, never the clock); kept if verified and cheaper than `timetable`."""
    problem, params = context.problem, context.params
    if penalty is None or penalty <= bound + _EPSILON or not will_swap(context, timetable):
        return Swapped(timetable, penalty)
    context.say(f"swapping sessions and talks across days from penalty {penalty:g}")
    if context.deterministic:
        seconds = None
        most = params.swaps_most_per_talk * len(problem.talks)
        moves = min(most, int(params.swaps_moves_per_second * deterministic_reserve(context)))
    else:
        seconds = context.budget.share(params.swaps_share)
        moves = params.swaps_most_per_talk * len(problem.talks)
    swaps = Swaps(
        problem,
        timetable.starts,
        timetable.rooms,
        HardPairs(problem),
        room_prices(problem, context.data.weights),
        context.seed,
    )
    _, tried = swaps.run(moves, seconds, context.budget.stop)
    candidate = Timetable(swaps.starts, swaps.rooms, timetable.room_stage)
    checked = penalty_if_every_hard_rule_kept(context, candidate)
    if checked is None or checked >= penalty - _EPSILON:
        return Swapped(timetable, penalty, tried, start_penalty=penalty)
    report_penalty(context, checked, bound, f"swaps across days, {tried:,} moves tried")
    return Swapped(candidate, checked, tried, improved=True, start_penalty=penalty)
