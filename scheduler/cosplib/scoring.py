"""The objective of a solution term by term, exactly as CoSPLib's checker computes it (`Solver/solution.py`, the
`evaluate_*` functions, at v1.0.2), and what makes a solution infeasible for the checker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations

from .instance import CosplibInstance
from .solution import CosplibSolution, check_shape
from .terms import GAP_PENALTY, MULTI_SLOT, OBJECTIVE, SPLIT_PENALTY, TERMS


def score(instance: CosplibInstance, solution: CosplibSolution) -> dict[str, int]:
    """Every term of the objective by the checker's name, weighted, then `objective` (their sum).

    As in the checker, a term whose weight is 0 is absent, and the multi-slot term (no weight) is always present.
    The objective does not count unscheduled submissions except multi-slot ones; see :func:`schedule_problems`.
    """
    check_shape(instance, solution)
    grid = _Grid(instance, solution)
    weights = instance.parameters.weights
    result = {
        term.name: weights.of(term) * _TERM_FUNCTIONS[term.weight](grid) for term in TERMS if weights.of(term) > 0
    }
    result[MULTI_SLOT] = _multi_slot(grid)
    result[OBJECTIVE] = sum(result.values())
    return result


def schedule_problems(instance: CosplibInstance, solution: CosplibSolution) -> list[str]:
    """What makes the solution infeasible for the checker, one line each: a submission not in exactly its number of
    time slots (evaluate_all_submissions_scheduled), or held in a room whose session track is another track
    (validate_solution). An empty list: every submission is scheduled where its track is."""
    check_shape(instance, solution)
    grid = _Grid(instance, solution)
    held = Counter(name for _, _, _, name in grid.slots())
    problems = [
        f"submission '{submission.name}' fills {held[submission.name]} time slots; it needs {submission.slots}"
        for submission in instance.submissions
        if held[submission.name] != submission.slots
    ]
    for session, room, slot, name in grid.slots():
        track = grid.tracks[session][room]
        if track is not None and instance.submission[name].track != track:
            problems.append(
                f"submission '{name}' (track '{instance.submission[name].track}') is in session "
                f"'{instance.sessions[session].name}', room '{instance.rooms[room].name}', slot {slot + 1}, which "
                f"holds track '{track}'"
            )
    return problems


@dataclass(frozen=True)
class _Grid:
    instance: CosplibInstance
    solution: CosplibSolution

    @property
    def tracks(self) -> list[list[str | None]]:
        return self.solution.tracks

    def cells(self) -> Iterator[tuple[int, int, str]]:
        """(session, room, track) for every room holding a track, session by session, room by room."""
        for session, tracks in enumerate(self.solution.tracks):
            for room, track in enumerate(tracks):
                if track is not None:
                    yield session, room, track

    def slots(self) -> Iterator[tuple[int, int, int, str]]:
        """(session, room, slot, submission) for every filled time slot, in sheet order (session, room, slot)."""
        for session, rooms in enumerate(self.solution.submissions):
            for room, cells in enumerate(rooms):
                for slot, name in enumerate(cells):
                    if name is not None:
                        yield session, room, slot, name

    def session_name(self, session: int) -> str:
        return self.instance.sessions[session].name

    def room_name(self, room: int) -> str:
        return self.instance.rooms[room].name


def _tracks_sessions(grid: _Grid) -> int:
    return sum(grid.instance.tracks_sessions[track, grid.session_name(session)] for session, _, track in grid.cells())


def _tracks_rooms(grid: _Grid) -> int:
    return sum(grid.instance.tracks_rooms[track, grid.room_name(room)] for _, room, track in grid.cells())


def _sessions_rooms(grid: _Grid) -> int:
    return sum(
        grid.instance.sessions_rooms[grid.session_name(session), grid.room_name(room)]
        for session, room, _ in grid.cells()
    )


def _similar_tracks(grid: _Grid) -> int:
    """Per session, per pair of rooms holding two different tracks: the similar-tracks value of the two."""
    total = 0
    for tracks in grid.tracks:
        held = [track for track in tracks if track is not None]
        total += sum(grid.instance.similar_tracks[a, b] for a, b in combinations(held, 2) if a != b)
    return total


def _rooms_per_track(grid: _Grid) -> int:
    rooms: dict[str, set[int]] = {}
    for _, room, track in grid.cells():
        rooms.setdefault(track, set()).add(room)
    return sum(len(used) - 1 for used in rooms.values())


def _parallel_tracks(grid: _Grid) -> int:
    return sum(count - 1 for tracks in grid.tracks for count in Counter(t for t in tracks if t is not None).values())


def _consecutive_tracks(grid: _Grid) -> int:
    sessions: dict[str, set[int]] = {}
    for session, _, track in grid.cells():
        sessions.setdefault(track, set()).add(session)
    return sum(1 for used in sessions.values() if max(used) - min(used) + 1 != len(used))


def _submissions_timezones(grid: _Grid) -> int:
    return sum(grid.instance.timezone_penalty(name, grid.session_name(s)) for s, _, _, name in grid.slots())


def _submissions_order(grid: _Grid) -> int:
    """Each ordered submission (order o > 0) should be the o-th submission of its track, counting the track's
    submissions in sheet order; and two ordered submissions of one track should not share a time slot index in one
    session. Only rooms holding a track count; a multi-slot submission counts once, where it first appears."""
    instance = grid.instance
    by_track: dict[str, list[str]] = {}  # the cell's track -> its submissions in order of first appearance
    by_slot: dict[tuple[int, int], list[str]] = {}
    for session, room, slot, name in grid.slots():
        track = grid.tracks[session][room]
        if track is None:
            continue
        if name not in by_track.setdefault(track, []):
            by_track[track].append(name)
        if name not in by_slot.setdefault((session, slot), []):
            by_slot[session, slot].append(name)
    out_of_place = sum(
        1
        for names in by_track.values()
        for position, name in enumerate(names, start=1)
        if instance.submission[name].order not in (0, position)
    )
    parallel = sum(
        1
        for names in by_slot.values()
        for a, b in combinations(names, 2)
        if instance.submission[a].track == instance.submission[b].track
        and instance.submission[a].order != 0
        and instance.submission[b].order != 0
    )
    return out_of_place + parallel


def _submissions_sessions(grid: _Grid) -> int:
    return sum(
        grid.instance.submission[name].session_penalties[grid.session_name(session)]
        for session, _, _, name in grid.slots()
    )


def _submissions_rooms(grid: _Grid) -> int:
    return sum(grid.instance.submission[name].room_penalties[grid.room_name(room)] for _, room, _, name in grid.slots())


def _session_level(grid: _Grid, conflicts: Mapping[str, frozenset[str]]) -> int:
    """Per session: pairs of (submission, room) entries in different rooms whose submissions conflict."""
    total = 0
    for rooms in grid.solution.submissions:
        entries: list[tuple[str, int]] = []
        for room, cells in enumerate(rooms):
            for name in cells:
                if name is not None and conflicts[name] and (name, room) not in entries:
                    entries.append((name, room))
        total += sum(1 for (a, ra), (b, rb) in combinations(entries, 2) if ra != rb and a in conflicts[b])
    return total


def _timeslot_level(grid: _Grid, conflicts: Mapping[str, frozenset[str]]) -> int:
    """Per session and time slot index: pairs of distinct submissions held in that slot that conflict."""
    total = 0
    for session, rooms in zip(grid.instance.sessions, grid.solution.submissions, strict=True):
        for slot in range(session.slots):
            held: list[str] = []
            for cells in rooms:
                name = cells[slot]
                if name is not None and conflicts[name] and name not in held:
                    held.append(name)
            total += sum(1 for a, b in combinations(held, 2) if a in conflicts[b])
    return total


def _chairs(grid: _Grid) -> int:
    """Per session: pairs of rooms whose tracks conflict for chairs."""
    conflicts = grid.instance.chair_conflicts
    return sum(
        1
        for tracks in grid.tracks
        for a, b in combinations([track for track in tracks if track is not None and conflicts[track]], 2)
        if a in conflicts[b]
    )


def _multi_slot(grid: _Grid) -> int:
    """A submission needing k > 1 slots must fill k slots of one (session, room): each (session, room) holding some
    of its slots but not k costs SPLIT_PENALTY; slot indices (in sheet order) that are not a run of consecutive
    numbers cost GAP_PENALTY; and one such submission missing altogether makes the whole term GAP_PENALTY."""
    instance = grid.instance
    multi = [submission for submission in instance.submissions if submission.slots > 1]
    indices: dict[str, list[int]] = {submission.name: [] for submission in multi}
    per_cell: dict[tuple[int, int], Counter[str]] = {}
    for session, room, slot, name in grid.slots():
        if name in indices:
            per_cell.setdefault((session, room), Counter())[name] += 1
            indices[name].append(slot)
    total = sum(
        SPLIT_PENALTY
        for counts in per_cell.values()
        for name, count in counts.items()
        if count != instance.submission[name].slots
    )
    for submission in multi:
        found = indices[submission.name]
        if not found:
            return GAP_PENALTY
        if sum(range(found[0], found[-1] + 1)) != sum(found):
            total += GAP_PENALTY
    return total


_TERM_FUNCTIONS: dict[str, Callable[[_Grid], int]] = {
    "tracks_sessions": _tracks_sessions,
    "tracks_rooms": _tracks_rooms,
    "sessions_rooms": _sessions_rooms,
    "similar_tracks": _similar_tracks,
    "rooms_per_track": _rooms_per_track,
    "parallel_tracks": _parallel_tracks,
    "consecutive_tracks": _consecutive_tracks,
    "submissions_timezones": _submissions_timezones,
    "submissions_order": _submissions_order,
    "submissions_sessions": _submissions_sessions,
    "submissions_rooms": _submissions_rooms,
    "presenters_conflicts": lambda grid: _session_level(grid, grid.instance.presenter_conflicts),
    "attendees_conflicts": lambda grid: _session_level(grid, grid.instance.attendee_conflicts),
    "chairs_conflicts": _chairs,
    "presenters_conflicts_timeslot": lambda grid: _timeslot_level(grid, grid.instance.presenter_conflicts),
    "attendees_conflicts_timeslot": lambda grid: _timeslot_level(grid, grid.instance.attendee_conflicts),
}
