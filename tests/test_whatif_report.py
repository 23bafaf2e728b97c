"""What a what-if and a diff report (issue 16, items 8 and 10): when the first schedule was found, and the speakers of
a withdrawn talk by name."""

from __future__ import annotations

import copy
import json
import re
import time

import yaml
from conftest import run_cli

from scheduler import Assignment, Schedule, parse, verify
from scheduler.checks.report import to_report_json, to_report_markdown
from scheduler.checks.score import score
from scheduler.exporters.json import to_json
from scheduler.schedule import SolveStats
from scheduler.whatif import reschedule as reschedule_module
from scheduler.whatif.changes import apply_changes, inline_change
from scheduler.whatif.reschedule import reschedule

DAY = "2024-07-27"
DOCUMENT = {
    "conference": {
        "name": "What-if Workshop",
        "timezone": "Europe/Vienna",
        "days": [{"date": DAY, "blocks": [{"start": "09:00", "end": "11:00"}, {"start": "14:00", "end": "16:00"}]}],
    },
    "rooms": [{"name": "Hall", "capacity": 100}, {"name": "Room B", "capacity": 50}],
    "speakers": [
        {"id": "ada", "name": "Ada Lovelace"},
        {"id": "bob", "name": "Bob Kahn"},
        {"id": "cy", "name": "Cy Young"},
    ],
    "talks": [
        {"id": "t1", "title": "First", "duration": 60, "speakers": ["ada"]},
        {"id": "t2", "title": "Second", "duration": 60, "speakers": ["bob"]},
        {"id": "t3", "title": "Third", "duration": 60, "speakers": ["cy", "bob"]},
    ],
}
PUBLISHED = {"t1": ("09:00", "Hall"), "t2": ("10:00", "Hall"), "t3": ("09:00", "Room B")}


def published(data) -> Schedule:
    assignments = [
        Assignment(talk=talk, day=DAY, start=start, end=f"{int(start[:2]) + 1:02d}:00", room=room)
        for talk, (start, room) in PUBLISHED.items()
    ]
    schedule = Schedule(data, assignments)
    assert verify(data, schedule.assignments) == []
    return schedule


def files(tmp_path):
    data_file = tmp_path / "data.yaml"
    data_file.write_text(yaml.safe_dump(copy.deepcopy(DOCUMENT), sort_keys=False), encoding="utf-8")
    data = parse(data_file.read_text(), data_file)
    baseline = tmp_path / "schedule.json"
    baseline.write_text(to_json(published(data)), encoding="utf-8")
    return data_file, data, baseline


def test_the_first_schedule_is_timed_when_cpsat_found_it_not_when_its_search_ended(tmp_path, monkeypatch):
    """Each search of the what-if is made to end a second after CP-SAT returns (as a search that goes on improving
    until its time is up would): the first schedule's time stays the moment CP-SAT found it."""
    _, data, _ = files(tmp_path)
    real = reschedule_module.run_cpsat

    def slow_to_end(*args, **kwargs):
        outcome = real(*args, **kwargs)
        time.sleep(1.0)
        return outcome

    monkeypatch.setattr(reschedule_module, "run_cpsat", slow_to_end)
    after = apply_changes(data, inline_change("--speaker-unavailable", f"Bob Kahn@{DAY}@10:00-11:00"))
    schedule, disruption = reschedule(after, published(data), time_limit=10)
    assert verify(after, schedule.assignments) == []
    assert disruption.seconds_to_schedule < 1.0 <= disruption.seconds
    assert disruption.seconds_to_schedule <= disruption.seconds_to_best < 1.0


def test_whatif_prints_when_the_first_schedule_came_not_the_time_limit(tmp_path):
    data_file, _, baseline = files(tmp_path)
    limit = 20
    result = run_cli(
        "whatif", data_file, "--baseline", baseline, "--out", tmp_path / "out", "--time-limit", limit,
        "--speaker-unavailable", f"Bob Kahn@{DAY}@10:00-11:00",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = re.search(r"^first schedule after ([0-9.]+) s, this disruption after ([0-9.]+) s", result.stdout, re.M)
    assert found, result.stdout
    assert float(found[1]) <= float(found[2]) < limit
    check = run_cli("check", tmp_path / "out" / "data.v2.yaml", tmp_path / "out" / "schedule.v2.json")
    assert check.returncode == 0, check.stdout


def test_diff_names_the_speakers_of_a_withdrawn_talk(tmp_path):
    data_file, _, baseline = files(tmp_path)
    out = tmp_path / "out"
    first = run_cli("whatif", data_file, "--baseline", baseline, "--out", out, "--withdraw", "t3")
    assert first.returncode == 0, first.stderr
    second = run_cli(
        "whatif", out / "data.v2.yaml", "--baseline", out / "schedule.v2.json", "--out", out, "--withdraw", "t2"
    )
    assert second.returncode == 0, second.stderr
    was = f"was {DAY} 09:00-10:00, Room B"
    # the talk is gone from the new data file: its title and speakers come from the old one
    given = run_cli("diff", baseline, out / "schedule.v2.json", "--data", out / "data.v2.yaml", "--old-data", data_file)
    assert given.returncode == 0, given.stderr
    assert given.stdout.splitlines()[-3:] == [
        "affected speakers:",
        f"  Bob Kahn: 'Third' is withdrawn ({was})",
        f"  Cy Young: 'Third' is withdrawn ({was})",
    ]
    # a what-if's own versions: the data file it wrote beside the older schedule, found by itself
    beside = run_cli("diff", out / "schedule.v2.json", out / "schedule.v3.json", "--data", out / "data.v3.yaml")
    assert beside.returncode == 0, beside.stderr
    assert beside.stdout.splitlines()[-2:] == [
        "affected speakers:",
        f"  Bob Kahn: 'Second' is withdrawn (was {DAY} 10:00-11:00, Hall)",
    ]
    # no data file that holds it: said so, rather than a withdrawal without speakers passing unnoticed
    unknown = run_cli("diff", baseline, out / "schedule.v2.json", "--data", out / "data.v2.yaml")
    assert unknown.returncode == 0, unknown.stderr
    assert (
        unknown.stdout.splitlines()[-1] == "not in the data files: 't3'; give --old-data for their titles and speakers"
    )


def test_the_quality_report_names_speakers_by_name(tmp_path):
    """A speaker on two days is a speaker-days offence: report.md and report.json name them, not their id; two
    speakers who share a name keep their ids apart."""
    document = copy.deepcopy(DOCUMENT)
    document["conference"]["days"].append({"date": "2024-07-28", "blocks": [{"start": "09:00", "end": "11:00"}]})
    document["speakers"] += [{"id": "sam1", "name": "Sam Lee"}, {"id": "sam2", "name": "Sam Lee"}]
    document["talks"] = [
        {"id": "t1", "title": "First", "duration": 60, "speakers": ["ada", "sam1"]},
        {"id": "t2", "title": "Second", "duration": 60, "speakers": ["ada", "sam2"]},
        {"id": "t3", "title": "Third", "duration": 60, "speakers": ["sam1"]},
    ]
    data = parse(yaml.safe_dump(document, sort_keys=False), "data.yaml")
    assignments = [
        Assignment(talk="t1", day=DAY, start="09:00", end="10:00", room="Hall"),
        Assignment(talk="t2", day="2024-07-28", start="09:00", end="10:00", room="Hall"),
        Assignment(talk="t3", day="2024-07-28", start="10:00", end="11:00", room="Hall"),
    ]
    assert verify(data, assignments) == []
    days = next(rule for rule in score(data, assignments) if rule.rule == "speaker-days")
    assert days.worst == [("speaker Ada Lovelace", 1), ("speaker Sam Lee (sam1)", 1)]
    schedule = Schedule(data, assignments, SolveStats(status="feasible", quality=score(data, assignments)))
    assert "speaker Ada Lovelace (1); speaker Sam Lee (sam1) (1)" in to_report_markdown(schedule)
    rules = {rule["rule"]: rule for rule in json.loads(to_report_json(schedule))["rules"]}
    assert rules["speaker-days"]["worst"][0] == {"about": "speaker Ada Lovelace", "count": 1}
