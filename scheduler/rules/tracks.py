"""Track rules: a track is one stream an attendee can follow."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..problem import MINUTES_PER_DAY, Problem
from .base import SOLO_SESSION, FinishedTimetable, Offence, SoftRule
from .timing import (
    could_meet,
    day_literal,
    overlap_literal,
    penalise_overlapping_pairs,
    penalise_overlapping_pairs_in_slots,
    similar_track_pairs,
)

if TYPE_CHECKING:
    from ..objective import Objective
    from ..slots import Slots


def talks_by_track(problem: Problem, talks: dict[int, object]) -> dict[str, list[int]]:
    """The talks (keys of `talks`) of each track, in talk order."""
    by_track: dict[str, list[int]] = defaultdict(list)
    for talk in talks:
        if problem.talks[talk].track:
            by_track[problem.talks[talk].track].append(talk)
    return by_track


def track_not_in_parallel(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks of the same track running at the same time."""
    if not objective.active("track-parallel"):
        return
    penalise_overlapping_pairs(model, problem, starts, objective, "track-parallel", _track_labels(problem, starts))


def track_not_in_parallel_in_slots(
    model: cp_model.CpModel, problem: Problem, slots: Slots, objective: Objective
) -> None:
    """Penalises (slot form) two talks of the same track running at the same time."""
    if not objective.active("track-parallel"):
        return
    penalise_overlapping_pairs_in_slots(model, slots, objective, "track-parallel", _track_labels(problem, slots.at))


def _track_labels(problem: Problem, talks) -> dict[str, list[int]]:
    """'track T' -> the talks (among `talks`) of track T, in talk order."""
    return {f"track {track}": members for track, members in talks_by_track(problem, talks).items()}


def track_keeps_room(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar],
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int | None = None,
) -> None:
    """Penalises each extra room a track uses on one day (attendees should not have to hop between rooms)."""
    _track_rooms(model, problem, starts, room_choices, objective, "track-room", per_day=True)


def track_keeps_room_overall(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar],
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int | None = None,
) -> None:
    """Penalises each extra room a track uses over the whole conference."""
    _track_rooms(model, problem, starts, room_choices, objective, "track-room-overall", per_day=False)


def track_keeps_room_in_slots(model: cp_model.CpModel, problem: Problem, slots: Slots, objective: Objective) -> None:
    """Penalises (slot form) each extra room a track uses on one day; a room holds no more of the track's talks in a
    day than it has distinct starts for them, so a crowded track is seen to need more rooms."""
    if not objective.active("track-room"):
        return
    for track, talks in sorted(talks_by_track(problem, slots.at).items()):
        for day in sorted({day for talk in talks for day in slots.days(talk)}):
            # room -> talk -> (start, literal) of the talk's cells in that room on that day
            cells: dict[int, dict[int, list[tuple[int, cp_model.IntVar]]]] = defaultdict(lambda: defaultdict(list))
            for talk in talks:
                for (start, room), literal in slots.cells[talk].items():
                    if start // MINUTES_PER_DAY == day:
                        cells[room][talk].append((start, literal))
            used = {room: model.new_bool_var("") for room in cells}
            for room, by_talk in sorted(cells.items()):
                for held_here in by_talk.values():
                    model.add(used[room] >= sum(literal for _, literal in held_here))
                here = [cell for held_here in by_talk.values() for cell in held_here]
                model.add(sum(literal for _, literal in here) <= len({start for start, _ in here}) * used[room])
            held = model.new_bool_var("")
            model.add(held <= sum(literal for talk in talks for literal in slots.on_day(talk, day)))
            extra = model.new_int_var(0, len(used), "")
            model.add(extra >= sum(used.values()) - held)
            objective.penalise("track-room", extra, f"track {track} on {problem.data.conference.days[day].date}")


def _track_rooms(model, problem: Problem, starts, room_choices, objective: Objective, rule: str, per_day: bool) -> None:
    """Each extra room a track uses per day (`per_day`) or over the whole conference, under `rule`."""
    if not objective.active(rule):
        return
    by_track = talks_by_track(problem, room_choices)
    for track, talks in sorted(by_track.items()):
        days = sorted({start // MINUTES_PER_DAY for talk in talks for start in problem.starts[talk]})
        for day in days if per_day else [None]:
            used: dict[int, cp_model.IntVar] = {}
            present = []
            for talk in talks:
                here = 1 if day is None or starts is None else day_literal(model, problem, starts, talk, day)
                present.append(here)
                for room, literal in room_choices[talk]:
                    if room not in used:
                        used[room] = model.new_bool_var("")
                    model.add(used[room] >= literal + here - 1)
            held = model.new_bool_var("")
            model.add(held <= sum(present))
            extra = model.new_int_var(0, len(used), "")
            model.add(extra >= sum(used.values()) - held)
            where = f"track {track}" if day is None else f"track {track} on {problem.data.conference.days[day].date}"
            objective.penalise(rule, extra, where)


def track_sessions_single(model, problem: Problem, coarse: Problem, starts, cells, objective: Objective) -> None:
    """Penalises (session plan) each room beyond the first a track holds in one block: its talks would overlap."""
    if not objective.active("track-parallel"):
        return
    per_session: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (key, block, _), literal in sorted(cells.items()):
        per_session[(key, block)].append(literal)
    for (key, block), literals in sorted(per_session.items()):
        if len(literals) > 1 and not key.startswith(SOLO_SESSION):
            extra = model.new_int_var(0, len(literals) - 1, "")
            model.add(extra >= sum(literals) - 1)
            name = problem.blocks[block].name or f"block {block + 1}"
            objective.penalise("track-parallel", extra, f"track {key} in {name}")


def track_rooms_few(model, problem: Problem, coarse: Problem, starts, cells, objective: Objective) -> None:
    """Penalises (session plan) each room beyond the first that a track's sessions use on one day."""
    _plan_track_rooms(model, problem, cells, objective, "track-room", per_day=True)


def track_rooms_few_overall(model, problem: Problem, coarse: Problem, starts, cells, objective: Objective) -> None:
    """Penalises (session plan) each room beyond the first that a track's sessions use over the whole conference."""
    _plan_track_rooms(model, problem, cells, objective, "track-room-overall", per_day=False)


def _plan_track_rooms(model, problem: Problem, cells, objective: Objective, rule: str, per_day: bool) -> None:
    if not objective.active(rule):
        return
    per_scope: dict[tuple[str, int | None], dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for (key, block, room), literal in sorted(cells.items()):
        if not key.startswith(SOLO_SESSION):
            per_scope[(key, problem.blocks[block].day if per_day else None)][room].append(literal)
    for (key, day), rooms in sorted(per_scope.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        if len(rooms) < 2:
            continue
        used = []
        for literals in rooms.values():
            room_used = model.new_bool_var("")
            model.add_max_equality(room_used, literals)
            used.append(room_used)
        held = model.new_bool_var("")
        model.add_max_equality(held, used)
        extra = model.new_int_var(0, len(used) - 1, "")
        model.add(extra >= sum(used) - held)
        where = f"track {key}" if day is None else f"track {key} on {problem.data.conference.days[day].date}"
        objective.penalise(rule, extra, where)


def track_keeps_room_in_block(
    model: cp_model.CpModel,
    problem: Problem,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int,
    earlier_rooms: dict[tuple[str, int], set[int]],
) -> None:
    """Penalises each room a track takes in this block beyond the rooms it had earlier that day (or its first)."""
    _block_track_rooms(model, problem, room_choices, objective, block, earlier_rooms, "track-room", per_day=True)


def track_keeps_room_in_block_overall(
    model: cp_model.CpModel,
    problem: Problem,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int,
    earlier_rooms: dict[tuple[str, int], set[int]],
) -> None:
    """Penalises each room a track takes in this block beyond the rooms it had in earlier blocks (or its first)."""
    _block_track_rooms(
        model, problem, room_choices, objective, block, earlier_rooms, "track-room-overall", per_day=False
    )


def _block_track_rooms(
    model, problem: Problem, room_choices, objective: Objective, block: int, earlier_rooms, rule: str, per_day: bool
) -> None:
    if not objective.active(rule):
        return
    day = problem.blocks[block].day
    for track, talks in sorted(talks_by_track(problem, room_choices).items()):
        if per_day:
            earlier = earlier_rooms.get((track, day), set())
        else:
            earlier = set().union(*(rooms for (name, _), rooms in earlier_rooms.items() if name == track))
        used: dict[int, cp_model.IntVar] = {}
        for talk in talks:
            for room, literal in room_choices[talk]:
                if room not in used:
                    used[room] = model.new_bool_var("")
                model.add_implication(literal, used[room])
        new_rooms = sum(flag for room, flag in used.items() if room not in earlier)
        where = f"track {track} on {day}" if per_day else f"track {track}"
        objective.penalise(rule, new_rooms - (0 if earlier else 1), where)


def similar_tracks_apart(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a talk of one track running at the same time as a talk of a similar track."""
    if not objective.active("similar-tracks"):
        return
    by_track = talks_by_track(problem, starts)
    for first, second in similar_track_pairs(problem.data):
        for a in by_track.get(first, []):
            for b in by_track.get(second, []):
                if could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b)):
                    clash = overlap_literal(model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)))
                    objective.penalise("similar-tracks", clash, f"tracks {first} + {second}")


def track_days_few(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises each day beyond the first over which a track's talks are spread."""
    if not objective.active("track-days"):
        return
    by_track = talks_by_track(problem, starts)
    for track, talks in sorted(by_track.items()):
        days = sorted({start // MINUTES_PER_DAY for talk in talks for start in problem.starts[talk]})
        if len(talks) < 2 or len(days) < 2:
            continue
        present = []
        for day in days:
            held = model.new_bool_var("")
            for talk in talks:
                model.add_implication(day_literal(model, problem, starts, talk, day), held)
            present.append(held)
        extra = model.new_int_var(0, len(days), "")
        model.add(extra >= sum(present) - 1)
        objective.penalise("track-days", extra, f"track {track}")


def score_track_parallel(done: FinishedTimetable) -> list[Offence]:
    """Pairs of placed talks of one track that overlap."""
    return done.close_pairs(done.by_track, "track")


def score_similar_tracks(done: FinishedTimetable) -> list[Offence]:
    """Pairs of placed talks from two similar tracks (declared either way, or sharing a tag) that overlap."""
    similar = set()
    for track in done.data.tracks:
        similar |= {frozenset((track.name, other)) for other in track.similar if other != track.name}
        similar |= {
            frozenset((track.name, other.name))
            for other in done.data.tracks
            if other.name != track.name and set(track.tags) & set(other.tags)
        }
    found = []
    for pair in sorted(similar, key=sorted):
        first, second = sorted(pair)
        for a in done.placed(done.by_track.get(first, [])):
            found += [
                (f"tracks {first} + {second}", 1)
                for b in done.placed(done.by_track.get(second, []))
                if done.close(a, b)
            ]
    return found


def score_track_days(done: FinishedTimetable) -> list[Offence]:
    """Days beyond the first that a track's placed talks spread over."""
    found = []
    for track, members in sorted(done.by_track.items()):
        extra = len({done.where[t].day for t in done.placed(members)}) - 1
        if extra > 0:
            found.append((f"track {track}", extra))
    return found


def score_track_room(done: FinishedTimetable) -> list[Offence]:
    """Rooms beyond the first that a track's placed talks use on one day."""
    rooms: dict[tuple[str, object], set[str]] = defaultdict(set)
    for track, members in done.by_track.items():
        for talk_id in done.placed(members):
            rooms[(track, done.where[talk_id].day)].add(done.where[talk_id].room)
    return [
        (f"track {track} on {day}", len(used) - 1)
        for (track, day), used in sorted(rooms.items(), key=lambda item: (item[0][0], str(item[0][1])))
        if len(used) > 1
    ]


def score_track_room_overall(done: FinishedTimetable) -> list[Offence]:
    """Rooms beyond the first that a track's placed talks use over the whole conference."""
    found = []
    for track, members in sorted(done.by_track.items()):
        used = {done.where[talk_id].room for talk_id in done.placed(members)}
        if len(used) > 1:
            found.append((f"track {track}", len(used) - 1))
    return found


TRACK_PARALLEL = SoftRule(
    "track-parallel",
    100,
    "one pair of talks of the same track that overlap in time",
    "times",
    encode=track_not_in_parallel,
    slot_form=track_not_in_parallel_in_slots,
    score=score_track_parallel,
    relaxation="tracks",
    plan=track_sessions_single,
)
SIMILAR_TRACKS = SoftRule(
    "similar-tracks",
    30,
    "one pair of talks from two similar tracks that overlap in time",
    "times",
    encode=similar_tracks_apart,
    score=score_similar_tracks,
    plan="same",
)
TRACK_DAYS = SoftRule(
    "track-days",
    10,
    "one extra day a track's talks spread over beyond the first",
    "times",
    encode=track_days_few,
    score=score_track_days,
    relaxation="tracks",
    plan="same",
)
TRACK_ROOM = SoftRule(
    "track-room",
    20,
    "one extra room a track uses on a day",
    "rooms",
    encode=track_keeps_room,
    slot_form=track_keeps_room_in_slots,
    score=score_track_room,
    plan=track_rooms_few,
    block_form=track_keeps_room_in_block,
)
TRACK_ROOM_OVERALL = SoftRule(
    "track-room-overall",
    0,
    "one extra room a track uses over the whole conference",
    "rooms",
    note="off by default: `track-room` counts per day",
    encode=track_keeps_room_overall,
    score=score_track_room_overall,
    plan=track_rooms_few_overall,
    block_form=track_keeps_room_in_block_overall,
)
