"""Shared helpers: small conferences built in code, solved and always verified."""

from __future__ import annotations

import copy
import os
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


# Tests that need ../shared (the frab schemas, CoSPLib's instances and checker) skip where it is absent, saying so
# with "../shared" in the reason. CI always has it: .ci/run sets CONFSCHED_REQUIRE_SHARED=1, and then such a skip
# is a failure, so a moved or renamed file cannot silently turn a check off.
REQUIRE_SHARED = os.environ.get("CONFSCHED_REQUIRE_SHARED") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SHARED and report.skipped and "../shared" in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"skipped, but CONFSCHED_REQUIRE_SHARED=1 (CI) requires ../shared: {report.longrepr}"


@pytest.fixture
def write(tmp_path):
    def _write(text: str, name: str = "data.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


__all__ = ["BASE", "DATA", "PROGRAMMES", "ROOT", "conference", "load", "placed", "run_cli", "solved"]
