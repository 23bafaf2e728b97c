"""The main job as a user runs it: solve a bundled programme, open every file with a real parser, check it."""

from __future__ import annotations

import json

import icalendar
import pandas as pd
import pytest
from conftest import DATA, PROGRAMMES, run_cli

from scheduler import load, read_schedule, verify

NEURIPS = DATA / "neurips2024_tutorials.yaml"


@pytest.fixture(scope="module")
def neurips_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("neurips")
    # one worker: a finished search gives the same schedule every time (test_same_input_and_seed_give_identical_files)
    result = run_cli("solve", NEURIPS, "--out", out, "--time-limit", "30", "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "14 of 14 talks placed" in result.stdout
    return out


def test_solve_writes_schedule_and_report_files(neurips_out):
    assert sorted(path.name for path in neurips_out.iterdir()) == [
        "report.json",
        "report.md",
        "schedule.csv",
        "schedule.ics",
        "schedule.json",
    ]


def test_csv_columns_and_rows(neurips_out):
    table = pd.read_csv(neurips_out / "schedule.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["talk_id", "title", "kind", "track", "speakers", "day", "start", "end", "room"]
    data = load(NEURIPS)
    assert sorted(table.talk_id) == sorted(talk.id for talk in data.talks)
    assert set(table.day) == {"2024-12-10"}
    assert set(table.start) <= {"09:30", "13:30"}
    causality = table[table.speakers.str.contains("Yoshua Bengio")]
    assert len(causality) == 1 and "; " in causality.speakers.iloc[0]


def test_ics_has_one_event_per_talk_in_the_conference_zone(neurips_out):
    calendar = icalendar.Calendar.from_ical((neurips_out / "schedule.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    data = load(NEURIPS)
    assert len(events) == len(data.talks)
    assert len({str(event["UID"]) for event in events}) == len(events)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Vancouver"]
    rooms = {room.name for room in data.rooms}
    for event in events:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert str(start.tzinfo) == "America/Vancouver"
        assert (end - start).total_seconds() == 150 * 60
        assert str(event["LOCATION"]) in rooms
        assert "Speakers:" in str(event["DESCRIPTION"])
    titles = {str(event["SUMMARY"]) for event in events}
    assert titles == {talk.title for talk in data.talks}


def test_json_reloads_and_passes_check(neurips_out):
    document = json.loads((neurips_out / "schedule.json").read_text())
    assert document["format"] == "confsched-schedule" and len(document["assignments"]) == 14
    data = load(NEURIPS)
    assert verify(data, read_schedule(neurips_out / "schedule.json", data).assignments) == []
    for name in ("schedule.json", "schedule.csv"):
        result = run_cli("check", NEURIPS, neurips_out / name)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "every hard rule holds" in result.stdout


def test_check_lists_each_violation_and_exits_1(neurips_out, tmp_path):
    document = json.loads((neurips_out / "schedule.json").read_text())
    first, second = document["assignments"][0], document["assignments"][1]
    second.update(day=first["day"], start=first["start"], end=first["end"], room=first["room"])
    del document["assignments"][2]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document))
    result = run_cli("check", NEURIPS, broken)
    assert result.returncode == 1
    assert "[room-conflict] room 'West Ballroom A' holds" in result.stdout
    assert "[pin]" in result.stdout  # the moved tutorial left its pinned room
    assert "[placed-once]" in result.stdout and "is not scheduled" in result.stdout
    assert "violation(s)" in result.stdout


def test_same_input_and_seed_give_identical_files(tmp_path):
    # --deterministic: the promise of identical bytes, whatever the load (a wall-clock share cut short on a busy
    # machine may return another of the equally good timetables)
    runs = [tmp_path / "first", tmp_path / "second"]
    for out in runs:
        result = run_cli("solve", NEURIPS, "--out", out, "--time-limit", "30", "--deterministic")
        assert result.returncode == 0, result.stderr
    for name in ("schedule.csv", "schedule.ics", "schedule.json"):
        assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes()


def test_python_dash_m_and_help():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("solve", "check", "validate", "generate"):
        assert command in result.stdout


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda path: path.stem)
def test_every_bundled_programme_solves_and_checks(programme, tmp_path):
    result = run_cli("solve", programme, "--out", tmp_path, "--time-limit", "60")
    assert result.returncode == 0, result.stderr
    check = run_cli("check", programme, tmp_path / "schedule.json")
    assert check.returncode == 0, check.stdout
    events = list(icalendar.Calendar.from_ical((tmp_path / "schedule.ics").read_bytes()).walk("VEVENT"))
    assert len(events) == len(load(programme).talks)


def test_infeasible_data_says_so_first_then_why_and_exits_1(tmp_path):
    text = (DATA / "neurips2024_tutorials.yaml").read_text()
    impossible = text.replace("- date: 2024-12-10", "- date: 2024-12-10", 1)
    impossible = impossible.replace('end: "16:00"', 'end: "15:00"')
    path = tmp_path / "impossible.yaml"
    path.write_text(impossible)
    result = run_cli("solve", path, "--out", tmp_path / "out")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    # the afternoon block is now too short for a tutorial: the minutes counted say so before any search
    counted = "need 300 room-minutes, but only 150 room-minutes are open where and when they can be held"
    first = f"2 talks that can only be held in West Ballroom A {counted}"
    assert lines[0] == f"error: no schedule exists: {first} (more below)"
    assert lines[1] == f"  - 2 talks that can only be held in West Ballroom B {counted}"
    assert lines[-1] == f"'confsched explain {path}' names the restrictions to relax"
    assert "14 tutorials of 150 minutes can only use" not in result.stderr  # rooms are pinned, not grouped
    explained = run_cli("explain", path).stdout.splitlines()
    assert any("is pinned in West" in line and "(to relax: remove or move the pin" in line for line in explained)
    assert not (tmp_path / "out").exists()
