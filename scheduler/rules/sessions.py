"""Session rules: a track's talks in one room during one block form a session, run by the track's chair."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..problem import Problem
from .base import FinishedTimetable, Offence, SoftRule
from .timing import block_literal, blocks_of, could_meet, overlap_literal, track_session_literal
from .tracks import talks_by_track

if TYPE_CHECKING:
    from ..objective import Objective


def chair_not_elsewhere(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two tracks with the same chair both holding sessions in one block (a chair presenting elsewhere
    during their session is `speaker-room-change`'s)."""
    if not objective.active("chair-conflict"):
        return
    by_track = talks_by_track(problem, starts)
    chaired: dict[str, list[str]] = defaultdict(list)
    for track in problem.data.tracks:
        if track.chair is not None and by_track.get(track.name):
            chaired[track.chair].append(track.name)
    for chair, tracks in sorted(chaired.items()):
        for i, track in enumerate(tracks):
            for block in sorted({b for talk in by_track[track] for b in blocks_of(problem, talk)}):
                session = track_session_literal(model, problem, starts, track, by_track[track], block)
                others = [
                    track_session_literal(model, problem, starts, other, by_track[other], block)
                    for other in tracks[i + 1 :]
                    if block in {b for talk in by_track[other] for b in blocks_of(problem, talk)}
                ]
                for other in others:
                    clash = model.new_bool_var("")
                    model.add_bool_or([session.Not(), other.Not(), clash])
                    objective.penalise("chair-conflict", clash, f"chair {chair} ({track})")


def chair_not_presenting_meanwhile(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a talk of a chaired track overlapping in time a talk its chair presents in another track."""
    if not objective.active("chair-talk-overlap"):
        return
    by_track = talks_by_track(problem, starts)
    for track in problem.data.tracks:
        own = [talk for talk in problem.speaker_talks.get(track.chair or "", []) if talk in starts]
        for chaired in by_track.get(track.name, []) if own else []:
            for talk in own:
                if problem.talks[talk].track != track.name and could_meet(
                    problem.starts[chaired], problem.duration(chaired), problem.starts[talk], problem.duration(talk)
                ):
                    clash = overlap_literal(
                        model, (starts[chaired], problem.duration(chaired)), (starts[talk], problem.duration(talk))
                    )
                    objective.penalise("chair-talk-overlap", clash, f"chair {track.chair} ({track.name})")


def track_talks_back_to_back(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises each break in a track's run of back-to-back talks within a block."""
    if not objective.active("track-gaps"):
        return
    block_starts = cp_model.Domain.from_values([block.start for block in problem.blocks])
    for track, talks in sorted(talks_by_track(problem, starts).items()):
        if len(talks) < 2:
            continue
        follows = []
        for a in talks:
            options = []
            for b in talks:
                ends_b = {start + problem.duration(b) for start in problem.starts[b]}
                if a != b and ends_b & set(problem.starts[a]):
                    adjacent = model.new_bool_var("")
                    model.add(starts[a] == starts[b] + problem.duration(b)).only_enforce_if(adjacent)
                    options.append(adjacent)
            if options:
                follows_a = model.new_bool_var("")
                model.add_bool_or([*options, follows_a.Not()])
                # a talk opening a block follows nothing, even when the previous block ended at that minute
                model.add_linear_expression_in_domain(starts[a], block_starts.complement()).only_enforce_if(follows_a)
                follows.append(follows_a)
        sessions = [
            track_session_literal(model, problem, starts, track, talks, block)
            for block in sorted({b for talk in talks for b in blocks_of(problem, talk)})
        ]
        breaks = model.new_int_var(0, len(talks), "")
        model.add(breaks >= len(talks) - sum(follows) - sum(sessions))
        objective.penalise("track-gaps", breaks, f"track {track}")


def track_blocks_consecutive(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises each extra run of blocks a track is split into (its blocks should follow one another)."""
    if not objective.active("track-consecutive"):
        return
    for track, openings in _track_runs(model, problem, starts):
        extra = model.new_int_var(0, len(openings), "")
        model.add(extra >= sum(openings) - 1)
        objective.penalise("track-consecutive", extra, f"track {track}")


def track_not_split(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a track whose blocks do not all follow one another, once however many runs it is split into."""
    if not objective.active("track-split"):
        return
    for track, openings in _track_runs(model, problem, starts):
        split = model.new_bool_var("")
        model.add(len(openings) * split >= sum(openings) - 1)
        objective.penalise("track-split", split, f"track {track}")


def _track_runs(model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar]) -> list:
    """Per track that could be split, literals that are true for each block opening a run of the track's blocks."""
    result = []
    for track, talks in sorted(talks_by_track(problem, starts).items()):
        possible = sorted({b for talk in talks for b in blocks_of(problem, talk)})
        if len(talks) < 2 or len(possible) < 2:
            continue
        session = {block: track_session_literal(model, problem, starts, track, talks, block) for block in possible}
        openings = []
        for block in possible:
            opens = model.new_bool_var("")
            if block - 1 in session:
                model.add(opens >= session[block] - session[block - 1])
            else:
                model.add(opens >= session[block])
            openings.append(opens)
        result.append((track, openings))
    return result


def session_holds_one_track(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int | None = None,
) -> None:
    """Penalises each extra track sharing one room during one block (a session holds one track).

    `starts` None means every talk in `room_choices` is already known to lie in one block.
    """
    if not objective.active("session-mix"):
        return
    present: dict[tuple[int, int], dict[str, cp_model.IntVar]] = defaultdict(dict)
    for talk, options in sorted(room_choices.items()):
        track = problem.talks[talk].track
        if not track:
            continue
        blocks = [0] if starts is None else blocks_of(problem, talk)
        for block in blocks:
            in_block = None if starts is None else block_literal(model, problem, starts, talk, block)
            for room, literal in options:
                flags = present[(block, room)]
                if track not in flags:
                    flags[track] = model.new_bool_var("")
                if in_block is None:
                    model.add_implication(literal, flags[track])
                else:
                    model.add_bool_or([literal.Not(), in_block.Not(), flags[track]])
    for (block, room), flags in sorted(present.items()):
        if len(flags) < 2:
            continue
        extra = model.new_int_var(0, len(flags), "")
        model.add(extra >= sum(flags.values()) - 1)
        where = problem.data.rooms[room].name
        if starts is not None:
            where += f" in block {problem.blocks[block].name or block + 1}"
        objective.penalise("session-mix", extra, where)


def tracks_fit_rooms(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Forbids a block's tracks needing more rooms than there are, when a room holds one track per block.

    With `session-mix: hard` a track running k talks at once in a block needs k rooms of its own there, so the
    tracks' peaks in one block add up to at most the number of rooms. It only restates the hard rule for the time
    stage (which chooses no rooms); as intervals in one track can always share rooms when no more than k run at once,
    the room stage can then give every track its own rooms.
    """
    if objective.weight("session-mix") != "hard":
        return
    rooms = len(problem.data.rooms)
    by_track = talks_by_track(problem, starts)
    for block in range(len(problem.blocks)):
        peaks = []
        for _track, talks in sorted(by_track.items()):
            here = [talk for talk in talks if block in blocks_of(problem, talk)]
            if not here:
                continue
            peak = model.new_int_var(0, min(rooms, len(here)), "")
            intervals = [
                model.new_optional_fixed_size_interval_var(
                    starts[talk], problem.duration(talk), block_literal(model, problem, starts, talk, block), ""
                )
                for talk in here
            ]
            model.add_cumulative(intervals, [1] * len(intervals), peak)
            peaks.append(peak)
        if len(peaks) > 1:
            model.add(sum(peaks) <= rooms)


def score_chair_conflict(done: FinishedTimetable) -> list[Offence]:
    """Per block of a chaired session: the chair's other tracks holding sessions there too."""
    chaired: dict[str, list[str]] = defaultdict(list)
    for track in done.data.tracks:
        if track.chair is not None and done.sessions.get(track.name):
            chaired[track.chair].append(track.name)
    found = []
    for chair, tracks in sorted(chaired.items()):
        for i, track in enumerate(tracks):
            for block in sorted(done.sessions[track]):
                clashes = sum(block in done.sessions[other] for other in tracks[i + 1 :])
                if clashes:
                    found.append((f"chair {done.who(chair)} ({track})", clashes))
    return found


def score_chair_talk_overlap(done: FinishedTimetable) -> list[Offence]:
    """Per chaired track: its placed talks overlapping a placed talk of another track that its chair presents."""
    found = []
    for track in done.data.tracks:
        if track.chair is None:
            continue
        own = [t for t in done.where if track.chair in done.talks[t].speakers and done.talks[t].track != track.name]
        for chaired in done.placed(done.by_track.get(track.name, [])):
            found += [(f"chair {done.who(track.chair)} ({track.name})", 1) for talk in own if done.close(chaired, talk)]
    return found


def score_track_gaps(done: FinishedTimetable) -> list[Offence]:
    """Per track, the placed talks beyond one per block that do not start when another talk of the track ends."""
    found = []
    for track, members in sorted(done.by_track.items()):
        members = done.placed(members)
        if len(members) < 2:
            continue
        breaks = 0
        for block in done.sessions[track]:
            here = [t for t in members if done.block[t] == block]
            ends = {done.where[t].end for t in here}
            breaks += sum(done.where[t].start not in ends for t in here) - 1
        if breaks:
            found.append((f"track {track}", breaks))
    return found


def _runs(done: FinishedTimetable, track: str) -> int:
    """How many runs of consecutive blocks a track's placed talks fall into."""
    blocks = done.sessions[track]
    return sum(block - 1 not in blocks for block in blocks)


def score_track_consecutive(done: FinishedTimetable) -> list[Offence]:
    """Per track with two or more placed talks, the runs of consecutive blocks beyond the first."""
    return [
        (f"track {track}", _runs(done, track) - 1)
        for track, members in sorted(done.by_track.items())
        if len(done.placed(members)) >= 2 and _runs(done, track) > 1
    ]


def score_track_split(done: FinishedTimetable) -> list[Offence]:
    """Each track with two or more placed talks whose blocks do not all follow one another."""
    return [
        (f"track {track}", 1)
        for track, members in sorted(done.by_track.items())
        if len(done.placed(members)) >= 2 and _runs(done, track) > 1
    ]


def score_session_mix(done: FinishedTimetable) -> list[Offence]:
    """Per (block, room), the tracks beyond the first with placed talks there."""
    cells: dict[tuple[int, str], set[str]] = defaultdict(set)
    for talk_id, a in done.where.items():
        if done.talks[talk_id].track:
            cells[(done.block[talk_id], a.room)].add(done.talks[talk_id].track)
    return [
        (f"{room} in block {done.blocks[block][3] or block + 1}", len(tracks) - 1)
        for (block, room), tracks in sorted(cells.items())
        if len(tracks) > 1
    ]


CHAIR_CONFLICT = SoftRule(
    "chair-conflict",
    50,
    "one pair of tracks with the same chair both holding sessions in one block",
    "times",
    note="a chair presenting another track's talk during their session is `speaker-room-change`",
    encode=chair_not_elsewhere,
    score=score_chair_conflict,
    plan="same",
)
CHAIR_TALK_OVERLAP = SoftRule(
    "chair-talk-overlap",
    0,
    "one talk of a chaired track overlapping in time a talk its chair presents in another track",
    "times",
    note="off by default: `speaker-room-change` already counts it, for the whole block",
    encode=chair_not_presenting_meanwhile,
    score=score_chair_talk_overlap,
    plan="same",
)
TRACK_GAPS = SoftRule(
    "track-gaps",
    0,
    "one break in a track's run of back-to-back talks within a block",
    "times",
    note=(
        "a gap, or a talk starting with no talk of its track ending just then; off by default because parallel "
        "talks of a track count as breaks too, so set a weight when a track should run as one unbroken stream"
    ),
    encode=track_talks_back_to_back,
    score=score_track_gaps,
    relaxation="tracks",
)
TRACK_CONSECUTIVE = SoftRule(
    "track-consecutive",
    10,
    "one extra run of blocks a track is split into",
    "times",
    note="its blocks should follow one another, in conference order",
    encode=track_blocks_consecutive,
    score=score_track_consecutive,
    relaxation="tracks",
    plan="same",
)
TRACK_SPLIT = SoftRule(
    "track-split",
    0,
    "one track whose blocks do not all follow one another (however many runs)",
    "times",
    note="`track-consecutive` counts each extra run instead",
    encode=track_not_split,
    score=score_track_split,
    plan="same",
)
SESSION_MIX = SoftRule(
    "session-mix",
    20,
    "one extra track sharing a room during one block",
    "rooms",
    note=(
        "a session holds one track; made `hard`, it also changes how larger programmes are solved: sessions are "
        "planned first (a track for each room and block), see [quality.md](quality.md)"
    ),
    encode=session_holds_one_track,
    score=score_session_mix,
    times_form=tracks_fit_rooms,
)
