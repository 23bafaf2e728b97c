"""Speaker rules: a person is in one place at a time, and in one room during a block."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..problem import MINUTES_PER_DAY, Problem
from .base import FinishedTimetable, Offence, SoftRule
from .timing import apart_in_block, apart_on_plan, could_meet, outside_literal, overlap_literal

if TYPE_CHECKING:
    from ..objective import Objective
    from ..slots import Slots


def speaker_in_one_place_at_a_time(
    model: cp_model.CpModel, problem: Problem, intervals: dict[int, cp_model.IntervalVar]
) -> None:
    """Forbids two talks of one speaker overlapping in time, except the pairs the data file accepts (`accepted`)."""
    accepted = problem.data.accepted_overlaps()
    for talks in problem.speaker_talks.values():
        present = [talk for talk in talks if talk in intervals]
        ids = [problem.talks[talk].id for talk in present]
        for group in no_overlap_groups(ids, accepted):
            model.add_no_overlap([intervals[present[position]] for position in group])


def no_overlap_groups(talk_ids: list[str], accepted: set[frozenset[str]]) -> list[list[int]]:
    """The positions in `talk_ids` (one speaker's talks) that must not overlap, as groups for no-overlap
    constraints: all of them together, or, where some pairs are accepted to overlap, every other pair apart."""
    if len(talk_ids) < 2:
        return []
    pairs = list(itertools.combinations(range(len(talk_ids)), 2))
    if not any(frozenset((talk_ids[a], talk_ids[b])) in accepted for a, b in pairs):
        return [list(range(len(talk_ids)))]
    return [[a, b] for a, b in pairs if frozenset((talk_ids[a], talk_ids[b])) not in accepted]


def speaker_days_few(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises each day beyond the first on which a speaker has to be at the conference."""
    if not objective.active("speaker-days"):
        return
    days = len(problem.data.conference.days)
    for speaker, talks in sorted(problem.speaker_talks.items()):
        talks = [talk for talk in talks if talk in starts]
        possible = sorted({start // MINUTES_PER_DAY for talk in talks for start in problem.starts[talk]})
        if len(talks) < 2 or len(possible) < 2:
            continue
        present = {day: model.new_bool_var("") for day in possible}
        for talk in talks:
            for day in possible:
                on_day = model.new_bool_var("")
                window = cp_model.Domain(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY - 1)
                model.add_linear_expression_in_domain(starts[talk], window).only_enforce_if(on_day)
                model.add_linear_expression_in_domain(starts[talk], window.complement()).only_enforce_if(on_day.Not())
                model.add_implication(on_day, present[day])
        extra = model.new_int_var(0, days, "")
        model.add(extra >= sum(present.values()) - 1)
        objective.penalise("speaker-days", extra, f"speaker {speaker}")


def speaker_days_few_in_slots(model: cp_model.CpModel, problem: Problem, slots: Slots, objective: Objective) -> None:
    """Penalises (slot form) each day beyond the first on which a speaker has to be at the conference."""
    if not objective.active("speaker-days"):
        return
    days = len(problem.data.conference.days)
    for speaker, talks in sorted(problem.speaker_talks.items()):
        talks = [talk for talk in talks if talk in slots.at]
        possible = sorted({day for talk in talks for day in slots.days(talk)})
        if len(talks) < 2 or len(possible) < 2:
            continue
        present = {day: model.new_bool_var("") for day in possible}
        for talk in talks:
            for day in possible:
                if on_day := slots.on_day(talk, day):
                    model.add(present[day] >= sum(on_day))
        extra = model.new_int_var(0, days, "")
        model.add(extra >= sum(present.values()) - 1)
        objective.penalise("speaker-days", extra, f"speaker {speaker}")


def speaker_pause(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks of one speaker less than min_pause minutes apart."""
    pause = problem.data.min_pause
    if not pause or not objective.active("speaker-pause"):
        return
    for speaker, talks in sorted(problem.speaker_talks.items()):
        talks = [talk for talk in talks if talk in starts]
        for i, a in enumerate(talks):
            for b in talks[i + 1 :]:
                if could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b), pause):
                    rushed = overlap_literal(
                        model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)), pause
                    )
                    objective.penalise("speaker-pause", rushed, f"speaker {speaker}")


def speaker_preferred_days(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a talk on a day or in a block its speaker avoids, or outside the days and blocks they prefer."""
    if not objective.active("speaker-preference"):
        return
    for speaker, talk in _talks_of_speakers_with_wishes(problem, starts):
        good = [start for start in problem.starts[talk] if _suits(problem, speaker, start)]
        if len(good) < len(problem.starts[talk]):
            objective.penalise(
                "speaker-preference", outside_literal(model, starts[talk], good), f"speaker {speaker.id}"
            )


def speaker_preferred_days_in_slots(
    model: cp_model.CpModel, problem: Problem, slots: Slots, objective: Objective
) -> None:
    """Penalises (slot form) a talk on a day or in a block its speaker avoids, or outside the days and blocks they
    prefer: the sum of the literals of the starts that do not suit."""
    if not objective.active("speaker-preference"):
        return
    for speaker, talk in _talks_of_speakers_with_wishes(problem, slots.at):
        unsuited = [literal for start, literal in slots.at[talk].items() if not _suits(problem, speaker, start)]
        if unsuited:
            objective.penalise("speaker-preference", sum(unsuited), f"speaker {speaker.id}")


def _talks_of_speakers_with_wishes(problem: Problem, talks) -> list[tuple]:
    """(speaker, talk) for each talk among `talks` of each speaker who prefers or avoids something."""
    return [
        (speaker, talk)
        for speaker in problem.data.speakers
        if speaker.prefers is not None or speaker.avoids is not None
        for talk in problem.speaker_talks.get(speaker.id, [])
        if talk in talks
    ]


def speaker_preference_cost(problem: Problem, talk: int, start: int) -> int:
    """The talk's speakers whose wished days or blocks a start at `start` is not among."""
    # a speaker without wishes suits every start (_suits)
    speakers = (problem.speaker_by_id.get(speaker) for speaker in problem.talks[talk].speakers)
    return sum(1 for speaker in speakers if speaker is not None and not _suits(problem, speaker, start))


def _suits(problem: Problem, speaker, start: int) -> bool:
    date = problem.data.conference.days[start // MINUTES_PER_DAY].date
    block = problem.block_at(start)
    labels = {block.name, block.type} - {None}
    prefers, avoids = speaker.prefers, speaker.avoids
    if prefers is not None and (
        (prefers.days and date not in prefers.days) or (prefers.blocks and not labels & set(prefers.blocks))
    ):
        return False
    return avoids is None or (date not in avoids.days and not labels & set(avoids.blocks))


def speaker_waking_hours(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a remote speaker's talk outside their waking hours, in their own time zone."""
    if not objective.active("remote-hours"):
        return
    for speaker in problem.data.speakers:
        if speaker.timezone is None:
            continue
        for talk in problem.speaker_talks.get(speaker.id, []):
            if talk not in starts:
                continue
            duration = problem.duration(talk)
            good = [s for s in problem.starts[talk] if awake(problem.data, speaker.timezone, s, duration)]
            if len(good) < len(problem.starts[talk]):
                objective.penalise("remote-hours", outside_literal(model, starts[talk], good), f"speaker {speaker.id}")


def awake(data, zone: str, start: int, duration: int) -> bool:
    """Whether [start, start + duration) on the conference clock lies in waking hours on the speaker's clock."""
    day = data.conference.days[start // MINUTES_PER_DAY].date
    local = dt.datetime.combine(day, dt.time(0), tzinfo=data.conference.zone) + dt.timedelta(
        minutes=start % MINUTES_PER_DAY
    )
    begin = local.astimezone(zoneinfo.ZoneInfo(zone))
    begin_minute = begin.hour * 60 + begin.minute
    # a talk running past the speaker's midnight ends after any waking-hours end
    return data.waking_hours.start <= begin_minute and begin_minute + duration <= data.waking_hours.end


def speaker_room_cost(problem: Problem, talk: int, room: int) -> int:
    """How many of the talk's speakers avoid `room`, or prefer rooms that do not include it."""
    name = problem.data.rooms[room].name
    cost = 0
    for speaker in problem.speakers_of(talk):
        prefers, avoids = speaker.prefers, speaker.avoids
        if (prefers is not None and prefers.rooms and name not in prefers.rooms) or (
            avoids is not None and name in avoids.rooms
        ):
            cost += 1
    return cost


def speaker_preferred_rooms(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int | None = None,
) -> None:
    """Penalises a talk in a room one of its speakers avoids, or outside the rooms they prefer."""
    if not objective.active("speaker-room"):
        return
    for talk, options in room_choices.items():
        for room, literal in options:
            cost = speaker_room_cost(problem, talk, room)
            if cost:
                objective.penalise(
                    "speaker-room", cost * literal, f"'{problem.talks[talk].id}' in {problem.data.rooms[room].name}"
                )


def needing_one_person(problem: Problem, talks) -> dict[tuple[int, int], str]:
    """(a, b) with a < b -> the person both talks need, for each pair among `talks` that one person must be at: a
    speaker of both, or a speaker of one who chairs the other's track (another track than their own talk's)."""
    chaired: dict[str, set[str]] = {}
    for track in problem.data.tracks:
        if track.chair is not None:
            chaired.setdefault(track.chair, set()).add(track.name)
    present = sorted(talks)
    pairs: dict[tuple[int, int], str] = {}
    for person, own in sorted(problem.speaker_talks.items()):
        own = [talk for talk in own if talk in talks]
        for i, a in enumerate(own):
            for b in own[i + 1 :]:
                pairs.setdefault((min(a, b), max(a, b)), person)
        tracks = chaired.get(person)
        if not tracks:
            continue  # most people chair nothing: no need to look at every talk for each of theirs
        for a in own:
            for b in present:
                track = problem.talks[b].track
                if track in tracks and track != problem.talks[a].track:
                    pairs.setdefault((min(a, b), max(a, b)), person)
    return dict(sorted(pairs.items()))


def speaker_in_one_room_per_block(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar] | None,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
    block: int | None = None,
) -> None:
    """Penalises two talks one person must be at (as a speaker of both, or speaking in one and chairing the other's
    track) in one block but different rooms: the person has to leave one session for the other. The times alone do
    not decide it, so the time stage does not see it; the session plan (exactly, for talks of different tracks), the
    room stage and every model with rooms do."""
    if not objective.active("speaker-room-change"):
        return
    for (a, b), person in needing_one_person(problem, room_choices).items():
        if starts is not None and (a not in starts or b not in starts):
            continue
        for _, apart in apart_in_block(model, problem, starts, room_choices, a, b, block):
            objective.penalise("speaker-room-change", apart, f"speaker {person}")


def speaker_in_one_session_per_block(model, problem: Problem, coarse: Problem, starts, cells, objective) -> None:
    """Penalises (session plan) two talks one person must be at in one block, in sessions of different tracks."""
    if not objective.active("speaker-room-change"):
        return
    for (a, b), person in needing_one_person(problem, starts).items():
        for _, both in apart_on_plan(model, problem, coarse, starts, a, b):
            objective.penalise("speaker-room-change", both, f"speaker {person}")


def score_speaker_days(done: FinishedTimetable) -> list[Offence]:
    """Days beyond the first on which a speaker has placed talks."""
    found = []
    for speaker, talk_ids in sorted(done.by_speaker.items()):
        extra = len({done.where[t].day for t in done.placed(talk_ids)}) - 1
        if extra > 0:
            found.append((f"speaker {done.who(speaker)}", extra))
    return found


def score_speaker_pause(done: FinishedTimetable) -> list[Offence]:
    """Pairs of a speaker's placed talks less than min_pause minutes apart."""
    if not done.data.min_pause:
        return []
    return done.close_pairs(done.by_speaker, "speaker", done.data.min_pause, names=done.person)


def score_speaker_preference(done: FinishedTimetable) -> list[Offence]:
    """A speaker's placed talks on a day or in a block they avoid, or outside the days and blocks they prefer."""
    found = []
    for speaker in done.data.speakers:
        prefers, avoids = speaker.prefers, speaker.avoids
        if prefers is None and avoids is None:
            continue
        for talk_id in done.placed(done.by_speaker.get(speaker.id, [])):
            day, labels = done.where[talk_id].day, done.block_labels(talk_id)
            unpreferred = prefers is not None and (
                (prefers.days and day not in prefers.days) or (prefers.blocks and not labels & set(prefers.blocks))
            )
            avoided = avoids is not None and (day in avoids.days or bool(labels & set(avoids.blocks)))
            if unpreferred or avoided:
                found.append((f"speaker {done.who(speaker.id)}", 1))
    return found


def score_remote_hours(done: FinishedTimetable) -> list[Offence]:
    """A remote speaker's placed talks that do not lie within waking hours on the speaker's own clock."""
    found = []
    venue = zoneinfo.ZoneInfo(done.data.conference.timezone)
    for speaker in done.data.speakers:
        if not speaker.timezone:
            continue
        home = zoneinfo.ZoneInfo(speaker.timezone)
        for talk_id in done.placed(done.by_speaker.get(speaker.id, [])):
            a = done.where[talk_id]
            local = (dt.datetime.combine(a.day, dt.time(0), tzinfo=venue) + dt.timedelta(minutes=a.start)).astimezone(
                home
            )
            minute, hours = local.hour * 60 + local.minute, done.data.waking_hours
            if not (hours.start <= minute and minute + (a.end - a.start) <= hours.end):
                found.append((f"speaker {done.who(speaker.id)}", 1))
    return found


def score_speaker_room(done: FinishedTimetable) -> list[Offence]:
    """Per placed talk, the speakers who avoid its room or prefer rooms that do not include it."""
    speakers = {speaker.id: speaker for speaker in done.data.speakers}
    found = []
    for talk_id, a in sorted(done.where.items()):
        unhappy = 0
        for speaker in (speakers.get(s) for s in done.talks[talk_id].speakers):
            if speaker is None:
                continue
            prefers, avoids = speaker.prefers, speaker.avoids
            if (prefers is not None and prefers.rooms and a.room not in prefers.rooms) or (
                avoids is not None and a.room in avoids.rooms
            ):
                unhappy += 1
        if unhappy:
            found.append((f"'{talk_id}' in {a.room}", unhappy))
    return found


def score_speaker_room_change(done: FinishedTimetable) -> list[Offence]:
    """Pairs of placed talks in one block but different rooms that one person must be at: a speaker of both, or a
    speaker of one who chairs the other's track (another track than that talk's)."""
    chairs = {track.name: track.chair for track in done.data.tracks if track.chair is not None}
    by_block: dict[int, list] = {}
    for talk in done.data.talks:
        if talk.id in done.where:
            by_block.setdefault(done.block[talk.id], []).append(talk)
    found = []
    for _, here in sorted(by_block.items()):
        for i, j in _sharing_a_person(here, chairs):
            first, second = here[i], here[j]
            if done.where[first.id].room == done.where[second.id].room:
                continue
            shared = [person for person in first.speakers if person in second.speakers]
            shared += [
                person
                for one, other in ((first, second), (second, first))
                for person in one.speakers
                if other.track is not None and other.track != one.track and chairs.get(other.track) == person
            ]
            if shared:
                found.append((f"speaker {done.who(min(shared))}", 1))
    return found


def _sharing_a_person(talks: list, chairs: dict[str, str]) -> list[tuple[int, int]]:
    """(i, j), i < j, in order: the positions in `talks` of each pair that one person may need (a speaker of both,
    or a speaker of one who chairs the other's track); a superset of the pairs the rule counts (it checks the
    tracks), found per person instead of over every pair of a block (generated 2,000 talks: about 100,000 pairs per
    score, most sharing nobody)."""
    chaired: dict[str, list[int]] = {}
    for position, talk in enumerate(talks):
        if talk.track is not None and talk.track in chairs:
            chaired.setdefault(chairs[talk.track], []).append(position)
    by_person: dict[str, list[int]] = {}
    for position, talk in enumerate(talks):
        for person in talk.speakers:
            by_person.setdefault(person, []).append(position)
    pairs = set()
    for person, positions in by_person.items():
        linked = sorted(set(positions) | set(chaired.get(person, ())))
        pairs.update(itertools.combinations(linked, 2))
    return sorted(pairs)


SPEAKER_DAYS = SoftRule(
    "speaker-days",
    20,
    "one extra day a speaker must attend beyond the first",
    "times",
    encode=speaker_days_few,
    slot_form=speaker_days_few_in_slots,
    score=score_speaker_days,
    relaxation="speakers",
    plan="same",
)
SPEAKER_PAUSE = SoftRule(
    "speaker-pause",
    30,
    "one pair of a speaker's talks closer than min_pause minutes",
    "times",
    encode=speaker_pause,
    score=score_speaker_pause,
    relaxation="speakers",
)
SPEAKER_PREFERENCE = SoftRule(
    "speaker-preference",
    10,
    "one talk on a day or in a block its speaker avoids or does not prefer",
    "times",
    encode=speaker_preferred_days,
    slot_form=speaker_preferred_days_in_slots,
    score=score_speaker_preference,
    relaxation="speakers",
    plan="same",
    start_cost=speaker_preference_cost,
)
REMOTE_HOURS = SoftRule(
    "remote-hours",
    10,
    "one talk outside its remote speaker's waking hours, in their time zone",
    "times",
    encode=speaker_waking_hours,
    score=score_remote_hours,
    relaxation="speakers",
)
SPEAKER_ROOM = SoftRule(
    "speaker-room",
    10,
    "one speaker in a room they avoid, or outside the rooms they prefer",
    "rooms",
    encode=speaker_preferred_rooms,
    score=score_speaker_room,
    room_cost=speaker_room_cost,
)
SPEAKER_ROOM_CHANGE = SoftRule(
    "speaker-room-change",
    50,
    "one pair of talks in one block but different rooms that one person must be at: a speaker of both, or a speaker "
    "of one who chairs the other's track",
    "rooms",
    note="whatever their minutes, the person has to leave one session for the other",
    encode=speaker_in_one_room_per_block,
    score=score_speaker_room_change,
    plan=speaker_in_one_session_per_block,
)
