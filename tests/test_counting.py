"""Minutes counted before any search (scheduler.checks.counting): exact (a count never claims 'no schedule' where CP-SAT
finds one), its numbers right, and said at once in one line by solve, whatif, validate, check and explain."""

from __future__ import annotations

import datetime as dt
import json
import time

import yaml
from conftest import BASE, run_cli, solved
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from scheduler import DataError, NoScheduleError, parse, solve, verify
from scheduler.checks.counting import minutes_short, room_minutes_short, speaker_minutes_short
from scheduler.checks.counting import windows as problem_windows
from scheduler.checks.explain import explain
from scheduler.model import build_model
from scheduler.problem import MINUTES_PER_DAY, compile_problem
from scheduler.schedule import Assignment

FIRST_DAY = dt.date(2025, 6, 2)
PROPERTY = settings(
    max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def small_conferences(draw):
    """Random small conferences, often too full: rooms (some closed for a while), one or two days of blocks of two
    types, talks with room and block-type restrictions and pinned days, speakers with unavailable windows."""
    days = draw(st.integers(1, 2))
    day_list = []
    for d in range(days):
        first = draw(st.integers(8, 10)) * 60
        length = draw(st.sampled_from([60, 90, 120]))
        blocks = [{"start": clock(first), "end": clock(first + length), "type": "talk"}]
        if draw(st.booleans()):
            gap = draw(st.sampled_from([0, 30]))
            blocks.append(
                {
                    "start": clock(first + length + gap),
                    "end": clock(first + length + gap + draw(st.sampled_from([60, 90]))),
                    "type": draw(st.sampled_from(["talk", "tutorial"])),
                }
            )
        day_list.append({"date": (FIRST_DAY + dt.timedelta(days=d)).isoformat(), "blocks": blocks})
    rooms = []
    for r in range(draw(st.integers(1, 3))):
        room = {"name": f"R{r}", "capacity": 100}
        if draw(st.integers(0, 3)) == 0:
            start = draw(st.integers(16, 22)) * 30
            room["unavailable"] = [{"day": day_list[0]["date"], "start": clock(start), "end": clock(start + 60)}]
        rooms.append(room)
    speakers = []
    for s in range(draw(st.integers(0, 3))):
        speaker = {"id": f"s{s}", "name": f"Speaker {s}"}
        if draw(st.booleans()):
            start = draw(st.integers(16, 22)) * 30
            end = start + draw(st.sampled_from([30, 90]))
            speaker["unavailable"] = [{"day": day_list[0]["date"], "start": clock(start), "end": clock(end)}]
        speakers.append(speaker)
    types = sorted({block["type"] for day in day_list for block in day["blocks"]})
    talks = []
    for t in range(draw(st.integers(2, 10))):
        talk = {"id": f"t{t}", "title": f"Talk {t}", "duration": draw(st.sampled_from([15, 30, 45, 60, 90]))}
        if speakers and draw(st.booleans()):
            talk["speakers"] = sorted(set(draw(st.lists(st.sampled_from([s["id"] for s in speakers]), max_size=2))))
        if len(rooms) > 1 and draw(st.integers(0, 2)) == 0:
            talk["rooms"] = sorted(set(draw(st.lists(st.sampled_from([r["name"] for r in rooms]), min_size=1))))
        if draw(st.integers(0, 3)) == 0:
            talk["block_types"] = [draw(st.sampled_from(types))]
        if days > 1 and draw(st.integers(0, 3)) == 0:
            talk["pin"] = {"day": draw(st.sampled_from([day["date"] for day in day_list]))}
        talks.append(talk)
    document = {
        "conference": {"name": "Random", "timezone": "Europe/Vienna", "granularity": 15, "days": day_list},
        "rooms": rooms,
        "speakers": speakers,
        "talks": talks,
    }
    try:
        return parse(yaml.safe_dump(document, sort_keys=False), "random.yaml")
    except DataError:  # a combination the data file refuses (a talk's block type absent on its pinned day)
        reject()


def cpsat_status(data) -> tuple[int, list[Assignment]]:
    """CP-SAT on the exact model of times and rooms at every grid start (not the packed starts the counts read)."""
    grid = data.model_copy(update={"conference": data.conference.model_copy(update={"starts": "grid"})})
    problem = compile_problem(grid)
    if problem.unplaceable:
        return cp_model.INFEASIBLE, []
    built = build_model(problem, with_rooms=True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, []
    starts, rooms = built.starts(solver), built.rooms(solver)
    assignments = []
    for index, talk in enumerate(data.talks):
        day, minute = divmod(starts[index], MINUTES_PER_DAY)
        assignments.append(
            Assignment(
                talk=talk.id,
                day=data.conference.days[day].date,
                start=clock(minute),
                end=clock(minute + talk.duration),
                room=data.rooms[rooms[index]].name,
            )
        )
    return status, assignments


def minutes_reached(data, problem, talks, rooms) -> int:
    """Counted minute by minute: the minutes some placement [s, s + duration) of some talk covers that lies in a block
    the talk can start in, with its speakers free throughout (at its pinned start, if it has one); with rooms, the
    (room, minute) pairs of those minutes in which the room is open."""
    busy = {speaker.id: problem_windows(data, speaker.unavailable) for speaker in data.speakers}
    covered = set()
    for t in talks:
        talk, duration = data.talks[t], data.talks[t].duration
        away = [span for speaker in talk.speakers for span in busy[speaker]]
        for block in {problem.block_at(start) for start in problem.starts[t]}:
            for s in range(block.start, block.end - duration + 1):
                if talk.pin and talk.pin.start is not None and s % MINUTES_PER_DAY != talk.pin.start:
                    continue
                if all(s + duration <= a or b <= s for a, b in away):
                    covered.update(range(s, s + duration))
    if not rooms:
        return len(covered)
    return sum(1 for r in rooms for m in covered if all(not (a <= m < b) for a, b in problem.room_busy[r]))


@PROPERTY
@given(data=small_conferences())
def test_a_count_that_says_no_schedule_is_never_wrong_and_its_numbers_add_up(data):
    problem = compile_problem(data)
    shortfalls = minutes_short(data, problem)
    status, assignments = cpsat_status(data)
    event("counted short" if shortfalls else f"not counted short: {cp_model.CpSolver().status_name(status)}")
    if shortfalls:
        assert status == cp_model.INFEASIBLE, [str(s) for s in shortfalls]
    elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assert verify(data, assignments) == []
    for shortfall in shortfalls:
        assert shortfall.need == sum(data.talks[t].duration for t in shortfall.talks)
        assert shortfall.available == minutes_reached(data, problem, shortfall.talks, shortfall.rooms)
        assert shortfall.need > shortfall.available
        if shortfall.rooms:  # every talk counted can only use the rooms counted
            assert all(set(problem.rooms[t]) <= set(shortfall.rooms) for t in shortfall.talks)
        else:  # a speaker's talks: one speaker gives them all
            assert set.intersection(*(set(data.talks[t].speakers) for t in shortfall.talks))
        assert f"need {shortfall.need:,} " in shortfall.text or f"of {shortfall.need:,} minutes" in shortfall.text
        assert f"only {shortfall.available:,} " in shortfall.text


# ---------------------------------------------------------------------------------------------------------------
# the over-full programme of issue 16: three rooms, nine talks of 90 minutes and nine of 90 minutes over two days


def programme(closed: bool = False) -> dict:
    """Two days, three rooms, each day 09:00-12:00 and 13:30-16:00 (330 minutes): 1,980 room-minutes for 18 talks of
    90 minutes (1,620). Closing Room C on the second day leaves 1,650; closing it both days 1,320."""
    document = {
        "conference": {
            "name": "Full House",
            "timezone": "Europe/Vienna",
            "days": [
                {
                    "date": (FIRST_DAY + dt.timedelta(days=d)).isoformat(),
                    "blocks": [{"start": "09:00", "end": "12:00"}, {"start": "13:30", "end": "16:00"}],
                }
                for d in range(2)
            ],
        },
        "rooms": [{"name": name, "capacity": 100} for name in ("Room A", "Room B", "Room C")],
        "speakers": [{"id": "ada", "name": "Ada Lovelace"}, {"id": "grace", "name": "Grace Hopper"}],
        "talks": [
            {"id": f"t{n:02d}", "title": f"Talk {n}", "duration": 90, "speakers": ["ada"] if n == 0 else []}
            for n in range(18)
        ],
    }
    if closed:
        document["rooms"][2]["unavailable"] = [{"day": day["date"]} for day in document["conference"]["days"]]
    return document


CLOSED_TEXT = "18 talks need 1,620 room-minutes, but only 1,320 room-minutes are open where and when they can be held"


def test_a_programme_too_full_for_its_rooms_is_said_at_once_with_the_minutes(write):
    data = parse(yaml.safe_dump(programme(closed=True), sort_keys=False), "full.yaml")
    assert [str(s) for s in room_minutes_short(data, compile_problem(data))] == [CLOSED_TEXT]
    started = time.perf_counter()
    try:
        solve(data, time_limit=60)
        raise AssertionError("solved an over-full programme")
    except NoScheduleError as error:
        assert str(error) == f"no schedule exists: {CLOSED_TEXT}" and error.proven
    assert time.perf_counter() - started < 10  # no search: far below the 60 s the solve was given
    explanation = explain(data)
    assert explanation.feasible is False and CLOSED_TEXT in explanation.findings
    path = write(yaml.safe_dump(programme(closed=True), sort_keys=False))
    solved_cli = run_cli("solve", path, "--out", path.parent / "out", "--time-limit", "60")
    assert solved_cli.returncode == 1
    assert solved_cli.stderr == (
        f"error: no schedule exists: {CLOSED_TEXT}\n'confsched explain {path}' names the restrictions to relax\n"
    )
    validated = run_cli("validate", path)
    assert validated.returncode == 1
    assert validated.stderr == f"error: {path} has no schedule: {CLOSED_TEXT}\n"
    explained = run_cli("explain", path)
    assert explained.returncode == 1
    assert explained.stdout.startswith("no schedule exists.\nQuick checks found:\n")
    assert f"\n  - {CLOSED_TEXT}\n" in explained.stdout


def test_whatif_says_a_change_overfills_the_programme_at_once(write, tmp_path):
    before = write(yaml.safe_dump(programme(), sort_keys=False))
    data = parse(before.read_text(), "full.yaml")
    baseline = solved(data, time_limit=20)
    published = tmp_path / "schedule.json"
    published.write_text(
        json.dumps({"assignments": [a.model_dump(mode="json") for a in baseline.assignments]}), encoding="utf-8"
    )
    second = (FIRST_DAY + dt.timedelta(days=1)).isoformat()
    first = FIRST_DAY.isoformat()
    result = run_cli(
        "whatif", before, "--baseline", published, "--out", tmp_path / "v2", "--time-limit", "60",
        "--room-closed", f"Room C@{first}", "--room-closed", f"Room C@{second}",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == f"error: no schedule exists: {CLOSED_TEXT}\n"
    assert not (tmp_path / "v2").exists()
    # the published schedule, checked against the changed data: its violations, then why no schedule can do better
    changed = programme(closed=True)
    checked = run_cli("check", write(yaml.safe_dump(changed, sort_keys=False), "closed.yaml"), published)
    assert checked.returncode == 1
    assert checked.stderr == (
        f"error: and no schedule can keep every hard rule of {tmp_path / 'closed.yaml'}: {CLOSED_TEXT}\n"
    )


def test_a_speaker_with_more_minutes_of_talks_than_free_minutes_is_counted():
    document = programme()
    document["speakers"][0]["unavailable"] = [{"day": FIRST_DAY.isoformat()}, {"start": "12:00", "end": "24:00"}]
    for talk in document["talks"][:3]:
        talk["speakers"] = ["ada"]
    data = parse(yaml.safe_dump(document, sort_keys=False), "speaker.yaml")
    second = (FIRST_DAY + dt.timedelta(days=1)).strftime("%a %Y-%m-%d")
    assert [str(s) for s in speaker_minutes_short(data, compile_problem(data))] == [
        f"speaker Ada Lovelace gives 3 talks of 270 minutes in all, but only 180 minutes are free for them: "
        f"{second} 09:00-12:00"
    ]


def test_rooms_of_one_day_are_counted_for_the_talks_pinned_to_it():
    document = programme()
    first = FIRST_DAY.strftime("%a %Y-%m-%d")
    for talk in document["talks"][:12]:
        talk["pin"] = {"day": FIRST_DAY.isoformat()}
    data = parse(yaml.safe_dump(document, sort_keys=False), "day.yaml")
    assert [str(s) for s in room_minutes_short(data, compile_problem(data))] == [
        f"12 talks that can only be held on {first} need 1,080 room-minutes, but only 990 room-minutes are open "
        "where and when they can be held"
    ]


def test_a_programme_that_fits_is_not_counted_short():
    data = parse(yaml.safe_dump(BASE, sort_keys=False), "base.yaml")
    assert minutes_short(data, compile_problem(data)) == []
    solved(parse(yaml.safe_dump(programme(), sort_keys=False), "full.yaml"))


def test_explain_says_a_counted_proof_before_it_looks_for_conflicting_restrictions(monkeypatch):
    from scheduler.checks import explain as explain_module

    data = parse(yaml.safe_dump(programme(closed=True), sort_keys=False), "full.yaml")
    events = []
    real = explain_module._Diagnosis

    def diagnosis(*args):
        events.append("diagnosis")
        return real(*args)

    monkeypatch.setattr(explain_module, "_Diagnosis", diagnosis)
    explanation = explain(data, proven=lambda counted: events.append(counted.verdict_lines()))
    assert events[0][:2] == ["no schedule exists.", "Quick checks found:"] and f"  - {CLOSED_TEXT}" in events[0]
    assert events[1:] == ["diagnosis"]
    assert explanation.feasible is False and explanation.verdict_lines() == events[0]
