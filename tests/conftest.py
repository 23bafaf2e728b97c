"""Shared helpers: small conferences built in code, solved and always verified."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scheduler import load, parse, solve, verify

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PROGRAMMES = sorted(DATA.glob("*.yaml"))

BASE = {
    "conference": {
        "name": "Test Conference",
        "timezone": "Europe/Vienna",
        "days": [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "10:00"}]}],
    },
    "rooms": [{"name": "Hall", "capacity": 100}],
    "speakers": [{"id": "ada", "name": "Ada Lovelace"}, {"id": "bob", "name": "Bob Kahn"}],
    "talks": [{"id": "t1", "title": "First", "duration": 30}],
}


def conference(**sections):
    """A copy of BASE with whole top-level sections replaced; conference keys may be given as conference={...}."""
    document = copy.deepcopy(BASE)
    for key, value in sections.items():
        if key == "conference":
            document["conference"].update(value)
        else:
            document[key] = value
    return parse(yaml.safe_dump(document, sort_keys=False), "test.yaml")


def solved(data, **options):
    """Solve and assert the independent verifier accepts the result: every solving test goes through here."""
    schedule = solve(data, time_limit=options.pop("time_limit", 20), **options)
    assert verify(data, schedule.assignments) == []
    assert {a.talk for a in schedule.assignments} == {talk.id for talk in data.talks}
    return schedule


def placed(schedule):
    """talk id -> (start 'HH:MM', room)."""
    return {a.talk: (f"{a.start // 60:02d}:{a.start % 60:02d}", a.room) for a in schedule.assignments}


def run_cli(*args, cwd=ROOT):
    """Run confsched as a user would, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.fixture
def write(tmp_path):
    def _write(text: str, name: str = "data.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


__all__ = ["BASE", "DATA", "PROGRAMMES", "ROOT", "conference", "load", "placed", "run_cli", "solved"]
