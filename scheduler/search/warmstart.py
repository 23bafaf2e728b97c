"""A track-aware first timetable: each track's talks back to back in one room, as a chair would lay them out.

Phase 1's CP-SAT search finds some timetable that keeps the hard rules, with no idea of tracks: on a large
conference it puts a track's talks in parallel all over the day, and the improvement phase cannot undo that in a
minute. This greedy builds the timetable session by session instead: the biggest tracks first, each talk at the
earliest start where it keeps every hard rule, preferring the track's room of that day and a start that does not
overlap its own track. The result (when every talk finds a place) is handed to phase 1 as a hint, so CP-SAT returns
it at once or repairs it; it is never trusted without the model and the verifier.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from ..problem import MINUTES_PER_DAY, Problem


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


def track_first_timetable(problem: Problem) -> tuple[dict[int, int], dict[int, int]]:
    """(starts, rooms) of the talks the greedy could place, tracks laid out as sessions (some may be missing)."""
    rooms = [_Timeline(problem.room_busy[room]) for room in range(len(problem.data.rooms))]
    speakers: dict[str, _Timeline] = {}
    days_of: dict[str, set[int]] = defaultdict(set)
    tracks: dict[str, _Timeline] = {}
    home: dict[tuple[str, int], int] = {}  # (track, day) -> room
    by_track: dict[str | None, list[int]] = {}
    for index, talk in enumerate(problem.talks):
        by_track.setdefault(talk.track, []).append(index)

    # talks with few choices first, fewest first (keynotes, posters, pins, busy speakers), then big tracks
    def tight(t: int) -> bool:
        return len(problem.rooms[t]) <= 2 or len(problem.starts[t]) <= 16 or len(problem.talks[t].speakers) > 1

    order = sorted(
        range(len(problem.talks)),
        key=lambda t: (
            not tight(t),
            len(problem.starts[t]) * len(problem.rooms[t]) if tight(t) else 0,
            -len(by_track[problem.talks[t].track]) if problem.talks[t].track else 0,
            problem.talks[t].track or "",
            t,
        ),
    )
    # rooms that talks with few options need are used by the others last
    needed = [0] * len(problem.data.rooms)
    for options in problem.rooms:
        if len(options) <= 2:
            for room in options:
                needed[room] += 1
    starts: dict[int, int] = {}
    chosen: dict[int, int] = {}
    for talk in order:
        track = problem.talks[talk].track
        length = problem.duration(talk)
        people = [speakers.setdefault(s, _Timeline()) for s in problem.talks[talk].speakers]
        best = None
        for start in problem.starts[talk]:
            end = start + length
            if not all(person.free(start, end) for person in people):
                continue
            day = start // MINUTES_PER_DAY
            clash = track is not None and not tracks.setdefault(track, _Timeline()).free(start, end)
            # a speaker already coming on other days should not need one more
            new_days = sum(bool(days_of[s]) and day not in days_of[s] for s in problem.talks[talk].speakers)
            preferred = home.get((track, day)) if track is not None else None
            for room in sorted(problem.rooms[talk], key=lambda r: (r != preferred, needed[r], r)):
                if rooms[room].free(start, end):
                    key = (clash, room != preferred if track is not None else False, new_days, start)
                    if best is None or key < best[0]:
                        best = (key, start, room)
                    break
            if best is not None and not any(best[0][:3]):
                break  # the earliest start in the track's own room, no clash, no extra day: cannot do better
        if best is None:
            continue  # stranded: phase 1 places it, with the others hinted
        _, start, room = best
        starts[talk], chosen[talk] = start, room
        rooms[room].add(start, start + length)
        for person in people:
            person.add(start, start + length)
        for speaker in problem.talks[talk].speakers:
            days_of[speaker].add(start // MINUTES_PER_DAY)
        if track is not None:
            tracks[track].add(start, start + length)
            home.setdefault((track, start // MINUTES_PER_DAY), room)
    return starts, chosen
