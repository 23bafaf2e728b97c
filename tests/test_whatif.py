"""What-if rescheduling (issue 4): each change kind, minimal moves, the changelog, versioned files and calendars.

The baseline is written by hand (and checked by the verifier), so every expected move is known exactly:

    Hall     09:00 t1 (ada)   10:00 t2 (bob)   | afternoon block 14:00-16:00 empty
    Room B   09:00 t3 (cy)    10:00 free       |
"""

from __future__ import annotations

import copy
import json

import icalendar
import pandas as pd
import pytest
import yaml
from conftest import DATA, ROOT, run_cli

from scheduler import Assignment, NoScheduleError, Schedule, load, parse, verify
from scheduler.errors import DataError
from scheduler.exporters.ics import talk_uid, to_ics
from scheduler.exporters.json import to_json
from scheduler.schedule import read_schedule
from scheduler.whatif.changelog import compare, reasons
from scheduler.whatif.changes import Changes, apply_changes, inline_change, load_changes
from scheduler.whatif.disruption import DisruptionCosts, move_cost
from scheduler.whatif.reschedule import reschedule
from scheduler.whatif.revision import version_of

DAY = "2024-07-27"
DOCUMENT = {
    "conference": {
        "name": "What-if Workshop",
        "timezone": "Europe/Vienna",
        "days": [
            {
                "date": DAY,
                "blocks": [
                    {"start": "09:00", "end": "11:00", "name": "Morning"},
                    {"start": "14:00", "end": "16:00", "name": "Afternoon"},
                ],
            }
        ],
    },
    "rooms": [{"name": "Hall", "capacity": 100}, {"name": "Room B", "capacity": 50}],
    "speakers": [
        {"id": "ada", "name": "Ada Lovelace"},
        {"id": "bob", "name": "Bob Kahn"},
        {"id": "cy", "name": "Cy Young"},
        {"id": "dee", "name": "Dee Dee"},
    ],
    "talks": [
        {"id": "t1", "title": "First", "duration": 60, "speakers": ["ada"]},
        {"id": "t2", "title": "Second", "duration": 60, "speakers": ["bob"]},
        {"id": "t3", "title": "Third", "duration": 60, "speakers": ["cy"]},
    ],
}
PUBLISHED = {"t1": ("09:00", "Hall"), "t2": ("10:00", "Hall"), "t3": ("09:00", "Room B")}


def data_text() -> str:
    return yaml.safe_dump(copy.deepcopy(DOCUMENT), sort_keys=False)


@pytest.fixture(scope="module")
def before():
    return parse(data_text(), "data.yaml")


@pytest.fixture(scope="module")
def baseline(before):
    assignments = [
        Assignment(talk=talk, day=DAY, start=start, end=f"{int(start[:2]) + 1:02d}:00", room=room)
        for talk, (start, room) in PUBLISHED.items()
    ]
    schedule = Schedule(before, assignments)
    assert verify(before, schedule.assignments) == []
    return schedule


def what_if(before, baseline, *flags: tuple[str, str]):
    """Apply command-line style changes and reschedule; the result always passes the verifier."""
    changes = Changes([])
    for flag, text in flags:
        changes = changes + inline_change(flag, text)
    after = apply_changes(before, changes)
    schedule, disruption = reschedule(after, baseline, changes.costs, time_limit=10)
    assert verify(after, schedule.assignments) == []
    entries = compare(baseline, schedule, reasons(changes, before, baseline, schedule, disruption.must_move))
    return schedule, disruption, {entry.talk: entry for entry in entries}


def place(schedule, talk):
    a = schedule.assignment(talk)
    return f"{a.start // 60:02d}:{a.start % 60:02d}", a.room


def test_a_speaker_unavailable_at_their_talk_moves_exactly_that_talk(before, baseline):
    schedule, disruption, moved = what_if(
        before, baseline, ("--speaker-unavailable", f"Ada Lovelace@{DAY}@09:00-10:00")
    )
    assert list(moved) == ["t1"]
    assert place(schedule, "t1") == ("10:00", "Room B")  # the free slot: another start and room, same block
    assert moved["t1"].change == "another start and room"
    assert moved["t1"].why == f"speaker Ada Lovelace unavailable {DAY} 09:00-10:00"
    assert disruption.proven and disruption.verdict == "proven minimal"
    assert disruption.cost == 5  # start 4 + room 1, factor 1 (one speaker, no audience)
    assert schedule.assignment("t1").sequence == 1 and schedule.assignment("t2").sequence == 0


def test_a_what_if_asked_for_several_workers_stays_reproducible(before, baseline):
    from scheduler.search.cpsat import INTERLEAVE_IS_SAFE

    after = apply_changes(before, inline_change("--speaker-unavailable", f"Ada Lovelace@{DAY}@09:00-10:00"))
    runs = [reschedule(after, baseline, time_limit=10, workers=2)[0] for _ in range(2)]
    assert [place(runs[0], t.id) for t in after.talks] == [place(runs[1], t.id) for t in after.talks]
    if not INTERLEAVE_IS_SAFE:  # several workers could only race (google/or-tools#5048): one runs
        assert runs[0].stats.workers == 1 and "google/or-tools#5048" in runs[0].stats.workers_note


def test_a_closed_room_moves_only_the_talk_inside_it(before, baseline):
    schedule, disruption, moved = what_if(before, baseline, ("--room-closed", f"Hall@{DAY}@10:00-11:00"))
    assert list(moved) == ["t2"] and moved["t2"].change == "another room"
    assert place(schedule, "t2") == ("10:00", "Room B")
    assert moved["t2"].why == f"room Hall closed {DAY} 10:00-11:00"
    assert disruption.cost == 1 and disruption.proven


def test_a_withdrawal_moves_nothing(before, baseline):
    schedule, disruption, moved = what_if(before, baseline, ("--withdraw", "t2"))
    assert list(moved) == ["t2"] and moved["t2"].change == "withdrawn" and moved["t2"].new is None
    assert schedule.assignment("t2") is None
    assert all(place(schedule, talk) == PUBLISHED[talk] for talk in ("t1", "t3"))
    assert disruption.cost == 0 and disruption.freed == 0


def test_an_added_talk_is_placed_without_moving_others(before, baseline, tmp_path):
    path = tmp_path / "changes.yaml"
    path.write_text(
        "changes:\n  - kind: add\n    talk: {id: t4, title: Fourth, duration: 60, speakers: [dee]}\n", encoding="utf-8"
    )
    changes = load_changes(path)
    after = apply_changes(before, changes)
    schedule, disruption = reschedule(after, baseline, changes.costs, time_limit=10)
    assert verify(after, schedule.assignments) == []
    entries = compare(baseline, schedule, reasons(changes, before, baseline, schedule, disruption.must_move))
    assert [(entry.talk, entry.change, entry.why) for entry in entries] == [("t4", "added", "talk 't4' added")]
    assert disruption.cost == 0 and disruption.proven


def test_a_pin_moves_the_talk_and_frees_its_neighbours_when_needed(before, baseline):
    # t3 pinned into t1's slot: t3 alone cannot go there, so the block is freed and t1 takes t3's old room
    schedule, disruption, moved = what_if(before, baseline, ("--pin", "t3@@09:00@Hall"))
    assert place(schedule, "t3") == ("09:00", "Hall")
    assert place(schedule, "t1") == ("09:00", "Room B")
    assert sorted(moved) == ["t1", "t3"]
    assert moved["t3"].why == "talk 't3' pinned to 09:00 Hall"
    assert moved["t1"].why == "moved to make room for 't3'"
    assert disruption.cost == 2 and disruption.proven
    assert [name for name, *_ in disruption.attempts] == ["changed talks", "everything"]
    assert disruption.attempts[0][2] == "INFEASIBLE"


def test_a_larger_neighbourhood_replaces_a_costly_single_move(before, baseline):
    # alone, t1 can only go to the afternoon (10); freeing the block lets t1 and t2 swap hours instead (4 + 4)
    schedule, disruption, moved = what_if(
        before,
        baseline,
        ("--speaker-unavailable", f"ada@{DAY}@09:00-10:00"),
        ("--room-closed", f"Room B@{DAY}@10:00-11:00"),
    )
    assert [(name, value) for name, _, _, value, _ in disruption.attempts] == [("changed talks", 10), ("everything", 8)]
    assert place(schedule, "t1") == ("10:00", "Hall") and place(schedule, "t2") == ("09:00", "Hall")
    assert moved["t2"].why == "moved to make room for 't1'"
    assert disruption.cost == 8 and disruption.proven


def test_without_changes_nothing_moves(before, baseline):
    schedule, disruption = reschedule(before, baseline, time_limit=10)
    assert compare(baseline, schedule) == [] and disruption.cost == 0 and disruption.must_move == {}


def test_a_longer_talk_keeps_its_place_and_its_neighbour_changes_room(before, baseline):
    schedule, disruption, moved = what_if(before, baseline, ("--duration", "t1=90"))
    assert place(schedule, "t1") == ("09:00", "Hall") and schedule.assignment("t1").end == 10 * 60 + 30
    assert moved["t1"].change == "new end time" and moved["t1"].why == "talk 't1' now lasts 90 minutes"
    assert place(schedule, "t2") == ("10:00", "Room B")
    assert moved["t2"].why == "moved to make room for 't1'"
    assert disruption.cost == 1


def test_the_reported_disruption_is_the_sum_of_the_move_costs(before, baseline):
    costs = DisruptionCosts(day=30, block=12, start=6, room=2, per_extra_speaker=1, per_100_attendees=0)
    changes = inline_change("--speaker-unavailable", f"ada@{DAY}@09:00-11:00")
    after = apply_changes(before, changes)
    schedule, disruption = reschedule(after, baseline, costs, time_limit=10)
    talks = {talk.id: talk for talk in after.talks}
    expected = sum(move_cost(after, talks[a.talk], a, schedule.assignment(a.talk), costs) for a in baseline.assignments)
    assert disruption.cost == expected / 10 == 12  # another block, same room
    assert place(schedule, "t1") == ("14:00", "Hall") and disruption.proven


def test_no_schedule_after_the_change_is_reported(before, baseline):
    changes = inline_change("--room-closed", f"Hall@{DAY}") + inline_change("--room-closed", f"Room B@{DAY}")
    after = apply_changes(before, changes)
    with pytest.raises(NoScheduleError) as caught:
        reschedule(after, baseline, time_limit=10)
    assert caught.value.proven


def test_change_file_errors_name_the_file_line_and_change(before, tmp_path):
    path = tmp_path / "changes.yaml"
    path.write_text("changes:\n  - {kind: withdraw, talk: t1}\n  - {kind: speaker-unavailble, speaker: ada}\n")
    with pytest.raises(DataError, match=r"changes.yaml:3: changes\[1\]: unknown kind 'speaker-unavailble'; did you"):
        load_changes(path)
    path.write_text(
        "changes:\n  - {kind: withdraw, talk: t1}\n  - {kind: speaker-unavailable, speaker: adda, day: 2024-07-27}\n"
    )
    with pytest.raises(
        DataError, match=r"changes.yaml:3: changes\[1\] speaker-unavailable: speaker 'adda' is not defined"
    ):
        apply_changes(before, load_changes(path))
    path.write_text("changes:\n  - {kind: pin, talk: t1, rooom: Hall}\n")
    with pytest.raises(DataError, match=r"changes.yaml:2: changes\[0\]: unknown key 'rooom'"):
        load_changes(path)
    path.write_text("changes:\n  - kind: add\n    talk: {id: t1, title: Again, duration: 60}\n")
    with pytest.raises(DataError, match=r"changes.yaml:2: changes\[0\] add: talk 't1' already exists"):
        apply_changes(before, load_changes(path))
    with pytest.raises(DataError, match=r"--pin: 't1@2024-07-27@9.30': start: expected a time"):
        inline_change("--pin", "t1@2024-07-27@9.30")
    with pytest.raises(DataError, match=r"2024-07-28 is not a conference day"):
        apply_changes(before, inline_change("--speaker-unavailable", "ada@2024-07-28"))


def test_version_numbers_come_from_the_file_name():
    assert version_of("out/schedule.json") == 1
    assert version_of("out/schedule.v7.json") == 7


def test_whatif_command_writes_a_new_version_and_keeps_the_baseline(before, baseline, tmp_path):
    data = tmp_path / "data.yaml"
    data.write_text(data_text(), encoding="utf-8")
    published = tmp_path / "published"
    published.mkdir()
    (published / "schedule.json").write_text(to_json(baseline), encoding="utf-8")
    (published / "schedule.ics").write_bytes(to_ics(baseline))
    original = (published / "schedule.json").read_bytes()
    changes = tmp_path / "changes.yaml"
    changes.write_text("changes:\n  - {kind: withdraw, talk: t3}\n", encoding="utf-8")

    result = run_cli(
        "whatif", data, "--baseline", published / "schedule.json", "--out", published,
        "--change", changes, "--speaker-unavailable", f"ada@{DAY}@09:00-10:00",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (published / "schedule.json").read_bytes() == original
    assert {path.name for path in published.iterdir()} == {
        "schedule.json", "schedule.ics", "schedule.v2.json", "schedule.v2.csv", "schedule.v2.ics", "data.v2.yaml",
        "changes.md", "changes.csv",
    }  # fmt: skip
    assert "proven minimal" in result.stdout
    assert f"Ada Lovelace: 'First' now {DAY} 10:00-11:00, Room B (was {DAY} 09:00-10:00, Hall)" in result.stdout

    table = pd.read_csv(published / "changes.csv", dtype=str, keep_default_na=False)
    rows = {row.talk: row for row in table.itertuples()}
    assert sorted(rows) == ["t1", "t3"]
    assert (rows["t1"].old_start, rows["t1"].old_room, rows["t1"].new_start, rows["t1"].new_room) == (
        "09:00", "Hall", "10:00", "Room B",
    )  # fmt: skip
    assert rows["t1"].why == f"speaker Ada Lovelace unavailable {DAY} 09:00-10:00"
    assert rows["t3"].change == "withdrawn" and rows["t3"].new_day == ""
    assert "| t1 | First | another start and room |" in (published / "changes.md").read_text()

    old_events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(original_ics(published)).walk("VEVENT")}
    new_events = {
        str(e["UID"]): e
        for e in icalendar.Calendar.from_ical((published / "schedule.v2.ics").read_bytes()).walk("VEVENT")
    }
    assert set(new_events) == set(old_events)  # same UIDs, the withdrawn talk included
    uid = {talk: talk_uid("What-if Workshop", talk) for talk in ("t1", "t2", "t3")}
    assert int(new_events[uid["t1"]]["SEQUENCE"]) == 1
    assert "SEQUENCE" not in new_events[uid["t2"]]
    assert str(new_events[uid["t3"]]["STATUS"]) == "CANCELLED" and int(new_events[uid["t3"]]["SEQUENCE"]) == 1
    document = json.loads((published / "schedule.v2.json").read_text())
    assert {a["talk"]: a.get("sequence", 0) for a in document["assignments"]} == {"t1": 1, "t2": 0}

    # the next what-if starts from version 2 and its data: version 3, the moved talk's SEQUENCE keeps counting
    result = run_cli(
        "whatif", published / "data.v2.yaml", "--baseline", published / "schedule.v2.json", "--out", published,
        "--room-closed", f"Room B@{DAY}@10:00-11:00",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    third = json.loads((published / "schedule.v3.json").read_text())
    assert {a["talk"]: a.get("sequence", 0) for a in third["assignments"]}["t1"] == 2

    result = run_cli("diff", published / "schedule.json", published / "schedule.v3.json", "--data", data)
    assert result.returncode == 0, result.stderr
    assert "t3: withdrawn:" in result.stdout
    # version 3 swapped t1 into t2's hour (t1: another room, t2: another start; cheaper than another block)
    assert f"t1: another start: {DAY} 09:00-10:00, Hall -> {DAY} 10:00-11:00, Hall" in result.stdout
    assert f"t2: another start: {DAY} 10:00-11:00, Hall -> {DAY} 09:00-10:00, Hall" in result.stdout
    assert "affected speakers:" in result.stdout and "Cy Young: 'Third' is withdrawn" in result.stdout


def original_ics(directory):
    return (directory / "schedule.ics").read_bytes()


def test_the_neurips_walkthrough_swaps_the_two_west_ballroom_a_tutorials():
    """examples/neurips_speaker_drops_out: the numbers its README shows, from the schedule it ships as published
    (a fresh solve may put either of a room's two tutorials in the morning: both score the same)."""
    example = ROOT / "examples" / "neurips_speaker_drops_out"
    before = load(DATA / "neurips2024_tutorials.yaml")
    baseline = read_schedule(example / "published" / "schedule.json", before)
    assert verify(before, baseline.assignments) == []
    assert place(baseline, "causality-llm") == ("09:30", "West Ballroom A")
    changes = load_changes(example / "changes.yaml")
    after = apply_changes(before, changes)
    schedule, disruption = reschedule(after, baseline, changes.costs, time_limit=20)
    assert verify(after, schedule.assignments) == []
    entries = compare(baseline, schedule, reasons(changes, before, baseline, schedule, disruption.must_move))
    assert [(entry.talk, entry.change) for entry in entries] == [
        ("spurious-correlations", "another block"),
        ("causality-llm", "another block"),
    ]
    assert (disruption.cost, disruption.lower_bound, disruption.verdict) == (52, 30, "proven minimal")
    assert [name for name, *_ in disruption.attempts] == ["changed talks", "everything"]


def test_a_move_in_the_change_file_works_like_a_pin(before, baseline, tmp_path):
    path = tmp_path / "changes.yaml"
    path.write_text('changes:\n  - {kind: move, talk: t2, start: "14:00"}\n', encoding="utf-8")
    changes = load_changes(path)
    after = apply_changes(before, changes)
    schedule, disruption = reschedule(after, baseline, changes.costs, time_limit=10)
    entries = compare(baseline, schedule, reasons(changes, before, baseline, schedule, disruption.must_move))
    assert [(entry.talk, entry.change, entry.why) for entry in entries] == [
        ("t2", "another block", "talk 't2' moved to 14:00")
    ]
    assert place(schedule, "t2") == ("14:00", "Hall") and disruption.proven


# Refusals (issue 17): one line, exit 2, before any solving, nothing written


def published_directory(tmp_path, baseline) -> tuple:
    published = tmp_path / "published"
    published.mkdir()
    (published / "schedule.json").write_text(to_json(baseline), encoding="utf-8")
    return published, {path.name: path.read_bytes() for path in published.iterdir()}


def refused(result) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stdout + result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_whatif_refuses_to_overwrite_its_own_data_file(baseline, tmp_path):
    """The data file of version 2 lives in --out and the baseline is version 1: the new data.v2.yaml would replace
    the very file the what-if reads."""
    published, _ = published_directory(tmp_path, baseline)
    data = published / "data.v2.yaml"
    data.write_text(data_text(), encoding="utf-8")
    before = {path.name: path.read_bytes() for path in published.iterdir()}
    line = refused(
        run_cli("whatif", data, "--baseline", published / "schedule.json", "--out", published, "--withdraw", "t3")
    )
    assert line == (
        f"error: {data}: is the data file of this what-if; the new data.v2.yaml would overwrite it; "
        "choose another --out directory"
    )
    assert {path.name: path.read_bytes() for path in published.iterdir()} == before


def test_whatif_refuses_a_baseline_named_for_another_conference(baseline, tmp_path):
    published, _ = published_directory(tmp_path, baseline)
    other = json.loads((published / "schedule.json").read_text())
    other["conference"] = "Another Workshop"  # the same talk ids: only the name tells
    (published / "schedule.json").write_text(json.dumps(other), encoding="utf-8")
    before = {path.name: path.read_bytes() for path in published.iterdir()}
    data = tmp_path / "data.yaml"
    data.write_text(data_text(), encoding="utf-8")
    line = refused(
        run_cli("whatif", data, "--baseline", published / "schedule.json", "--out", published, "--withdraw", "t3")
    )
    assert line == (
        f"error: {published / 'schedule.json'}: a schedule of 'Another Workshop', but {data} is 'What-if Workshop'; "
        "give the schedule published from this data file"
    )
    assert {path.name: path.read_bytes() for path in published.iterdir()} == before


def test_whatif_refuses_a_baseline_whose_talks_are_mostly_unknown(tmp_path):
    """A schedule.csv names no conference: a baseline of another conference shows in its talks, none (or fewer than
    half) of which the data file knows. Before, this was a what-if that withdrew all of them, 'proven minimal'."""
    data = tmp_path / "data.yaml"
    data.write_text(data_text(), encoding="utf-8")
    other = ROOT / "tests" / "bad_inputs" / "whatif"
    csv = tmp_path / "published" / "schedule.csv"
    csv.parent.mkdir()
    result = run_cli("export", other / "schedule.json", "--data", other / "data.yaml", "--format", "csv", "--out",
                     csv.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = refused(run_cli("whatif", data, "--baseline", csv, "--out", tmp_path / "out"))
    assert line == (
        f"error: {csv}: 3 of its 3 talks are not in {data} ('keynote', 'numbers', 'posters'); "
        "it is not a schedule of this conference"
    )
    assert not (tmp_path / "out").exists()


def test_a_baseline_with_a_few_unknown_talks_is_still_a_what_if(before, baseline, tmp_path):
    """One published talk that the data file no longer has (removed by hand) among three: the same conference;
    the what-if warns and goes on, as before."""
    published = tmp_path / "published"
    published.mkdir()
    extra = Assignment(talk="gone", day=DAY, start="14:00", end="15:00", room="Hall")
    (published / "schedule.csv").write_text(
        "talk_id,title,kind,track,speakers,day,start,end,room\n"
        + "".join(f"{a.talk},x,talk,,,{DAY},{a.start // 60:02d}:00,{a.end // 60:02d}:00,{a.room}\n"
                  for a in [*baseline.assignments, extra]),
        encoding="utf-8",
    )  # fmt: skip
    data = tmp_path / "data.yaml"
    data.write_text(data_text(), encoding="utf-8")
    result = run_cli("whatif", data, "--baseline", published / "schedule.csv", "--out", published)
    assert result.returncode == 0, result.stderr
    assert "breaks 1 hard rule(s)" in result.stderr
    assert (published / "schedule.v2.json").exists()
