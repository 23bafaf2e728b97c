"""Hostile input (issue 17): values that used to end in a traceback are one line and exit 2, Ctrl-C at start-up is
"interrupted" and exit 130, and text that could act in an output (control characters, terminal escapes, Markdown
and terminal markup) cannot.

The data-file and change-file cases are in the bad-input catalogue (tests/bad_inputs/, checked by
test_hardening.py); the cases here need a source other than YAML (frab and pretalx JSON), a command-line option, a
signal, or a look at every output.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import signal
import subprocess
import sys
import time

import icalendar
import openpyxl
import pytest
from conftest import ROOT, conference, solved
from lxml import etree
from ortools.sat.python import cp_model
from test_hardening import WHATIF, run_batches

from scheduler import ConfschedError, load, solve
from scheduler.exporters import EXPORTERS, export
from scheduler.exporters.ics import local_time
from scheduler.importers import import_data
from scheduler.search.cpsat import run_cpsat

# --- frab JSON and pretalx JSON: numbers, dates, durations and nesting a programme never holds -------------------


def frab_json(event: dict | None = None, raw: tuple[str, str] | None = None, capacity: object = 100) -> str:
    """A one-talk frab JSON schedule; `event` overrides the event's fields, `raw` replaces a placeholder string
    ('"X"') by text JSON writers would not produce (Infinity, a 5,001-digit number, deep nesting)."""
    talk = {
        "id": 1,
        "title": "Talk",
        "date": "2025-06-02T09:00:00+02:00",
        "duration": "00:30",
        "room": "Hall",
        "persons": [{"name": "Ada Lovelace"}],
    } | (event or {})
    conference = {
        "title": "Hostile",
        "time_zone_name": "Europe/Berlin",
        "rooms": [{"name": "Hall", "capacity": capacity}],
        "days": [{"date": "2025-06-02", "rooms": {"Hall": [talk]}}],
    }
    text = json.dumps({"schedule": {"conference": conference}})
    if raw:
        placeholder, replacement = raw
        assert text.count(f'"{placeholder}"') == 1
        text = text.replace(f'"{placeholder}"', replacement)
    return text


EVENT = "schedule.conference.days[0].rooms['Hall'][0] 'Talk'"
JSON_CASES = {
    "Infinity as a capacity": (
        frab_json(capacity="X", raw=("X", "Infinity")),
        "invalid JSON: Infinity is not a JSON number",
    ),
    "-Infinity as an id": (
        frab_json({"id": "X"}, raw=("X", "-Infinity")),
        "invalid JSON: -Infinity is not a JSON number",
    ),
    "NaN as a title": (frab_json({"title": "X"}, raw=("X", "NaN")), "invalid JSON: NaN is not a JSON number"),
    "a number beyond a float": (
        frab_json({"id": "X"}, raw=("X", "1e400")),
        "invalid JSON: 1e400 is too large a number",
    ),
    "a 5,001-digit integer": (
        frab_json({"id": "X"}, raw=("X", "9" * 5001)),
        "invalid JSON: a number has 5,001 digits (at most 100 are read)",
    ),
    "a 5,001-digit negative title": (
        frab_json({"title": "X"}, raw=("X", "-" + "1" * 5001)),
        "invalid JSON: a number has 5,001 digits (at most 100 are read)",
    ),
    "100,000-deep arrays": (
        frab_json({"abstract": "X"}, raw=("X", "[" * 100_000 + "]" * 100_000)),
        "values are nested more than 100 levels deep",
    ),
    "100,000-deep objects": ('{"a": ' * 100_000 + "1" + "}" * 100_000, "values are nested more than 100 levels deep"),
    "101-deep arrays (within the json module's recursion)": (
        frab_json({"abstract": "X"}, raw=("X", "[" * 101 + "]" * 101)),
        "values are nested more than 100 levels deep",
    ),
    "a duration of 10^20 hours": (
        frab_json({"duration": "99999999999999999999:00"}),
        f"{EVENT}: duration: expected a duration as 'HH:MM' of at most 9999 hours, got '99999999999999999999:00'",
    ),
    "a duration of 5,001 digits": (
        frab_json({"duration": "9" * 5001 + ":00"}),
        f"{EVENT}: duration: expected a duration as 'HH:MM' of at most 9999 hours, got '{'9' * 56}...",
    ),
    "a duration past midnight": (
        frab_json({"duration": "2000:00"}),
        f"{EVENT}: runs past midnight (2025-06-02 09:00 to 2025-08-24 17:00); a talk must end on the day it starts",
    ),
    "year 1 with a positive offset": (
        frab_json({"date": "0001-01-01T00:30:00+05:00"}),
        f"{EVENT}: '0001-01-01T00:30:00+05:00' is outside the years 1900-2999",
    ),
    "year 1 at midnight UTC": (
        frab_json({"date": "0001-01-01T00:00:00+00:00"}),
        f"{EVENT}: '0001-01-01T00:00:00+00:00' is outside the years 1900-2999",
    ),
    "year 9999 with a negative offset": (
        frab_json({"date": "9999-12-31T23:00:00-05:00"}),
        f"{EVENT}: '9999-12-31T23:00:00-05:00' is outside the years 1900-2999",
    ),
    "year 9999 as the end": (
        frab_json({"date": "2025-06-02T09:00:00+00:00", "duration": None, "end": "9999-12-31T23:59:00+00:00"}),
        f"{EVENT}: '9999-12-31T23:59:00+00:00' is outside the years 1900-2999",
    ),
    "year 1 as the day of an event without a date": (
        frab_json({"date": None, "start": "09:00"}).replace('"date": "2025-06-02"', '"date": "0001-01-01"'),
        f"{EVENT}: 0001-01-01 is outside the years 1900-2999",
    ),
    "a date that becomes 1899 in the conference's zone": (
        frab_json({"date": "1900-01-01T00:30:00+05:00"}),
        "cannot import: conference.days.0.date: 1899-12-31 is outside the years 1900-2999",
    ),
}


@pytest.fixture(scope="module")
def json_sources(tmp_path_factory):
    directory = tmp_path_factory.mktemp("json")
    paths = {}
    for index, (case, (text, _)) in enumerate(JSON_CASES.items()):
        paths[case] = directory / f"case-{index}.json"
        paths[case].write_text(text, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def json_imports(json_sources, tmp_path_factory):
    """`confsched import` of every case as frab JSON and as pretalx JSON, through the CLI's entry point."""
    out = tmp_path_factory.mktemp("imported")
    commands = [
        ["import", str(json_sources[case]), "--format", source_format, "--out", str(out / f"{index}.yaml")]
        for index, (case, source_format) in enumerate(
            (case, source_format) for case in JSON_CASES for source_format in ("frab-json", "pretalx-json")
        )
    ]
    results = run_batches(commands, batches=2)
    return {(argv[1], argv[3]): (argv, result) for argv, result in zip(commands, results, strict=True)}


@pytest.mark.parametrize("source_format", ["frab-json", "pretalx-json"])
@pytest.mark.parametrize("case", JSON_CASES)
def test_hostile_json_is_one_line_and_exit_2(json_sources, json_imports, case, source_format):
    argv, result = json_imports[(str(json_sources[case]), source_format)]
    assert "Traceback" not in result["stdout"] + result["stderr"]
    assert result["stderr"] == f"error: {json_sources[case]}: {JSON_CASES[case][1]}\n"
    assert result["stdout"] == ""
    assert result["code"] == 2
    assert not (ROOT / argv[-1]).exists()


def test_the_library_gets_the_same_error(json_sources):
    with pytest.raises(ConfschedError, match="invalid JSON: Infinity is not a JSON number"):
        import_data(json_sources["Infinity as a capacity"], "frab-json")


def test_the_years_at_the_edge_still_import(tmp_path):
    """The first and last allowed days, given with offsets that cross midnight in UTC, import and are pinned there."""
    source = tmp_path / "edge.json"
    for moment, zone, day, start in [
        ("1900-01-01T00:30:00+05:00", "Etc/GMT-5", dt.date(1900, 1, 1), 30),  # 1899-12-31 in UTC
        ("2999-12-31T23:00:00-05:00", "Etc/GMT+5", dt.date(2999, 12, 31), 23 * 60),  # 3000-01-01 in UTC
    ]:
        source.write_text(frab_json({"date": moment}), encoding="utf-8")
        pin = import_data(source, "frab-json", timezone=zone).talks[0].pin
        assert (pin.day, pin.start) == (day, start)


# --- conference days at the edge of the allowed years: every format writes them and reads back ------------------


@pytest.mark.parametrize(
    ("date", "zone", "block"),
    [
        ("1900-01-01", "Asia/Tokyo", ("00:00", "01:00")),  # before UTC's 1900-01-01
        ("2999-12-31", "America/Los_Angeles", ("23:00", "24:00")),  # the last talk ends in the year 3000
    ],
)
def test_the_first_and_last_allowed_days_export_in_every_format(tmp_path, date, zone, block):
    data = conference(
        conference={
            "timezone": zone,
            "days": [{"date": date, "blocks": [{"start": block[0], "end": block[1], "name": "Only"}]}],
        },
        talks=[
            {"id": "t1", "title": "First", "duration": 30, "speakers": ["ada"], "track": "T"},
            {"id": "t2", "title": "Second", "duration": 30, "speakers": ["ada"], "track": "T"},
        ],
    )
    schedule = solved(data, time_limit=5)
    written = export(schedule, tmp_path, list(EXPORTERS))
    assert written
    day = dt.date.fromisoformat(date)
    events = list(icalendar.Calendar.from_ical((tmp_path / "schedule.ics").read_bytes()).walk("VEVENT"))
    ends = sorted(event.decoded("DTEND") for event in events)
    assert ends[-1] == local_time(day, data.conference.days[0].blocks[0].end, data.conference.zone)
    workbook = openpyxl.load_workbook(tmp_path / "schedule.xlsx")
    assert {"All talks"} < set(workbook.sheetnames)
    assert etree.parse(str(tmp_path / "frab" / "schedule.xml")).getroot().tag == "schedule"
    assert len(json.loads((tmp_path / "frab" / "schedule.json").read_text())["schedule"]["conference"]["days"]) == 1
    with (tmp_path / "schedule.csv").open(newline="", encoding="utf-8") as stream:
        assert {row["day"] for row in csv.DictReader(stream)} == {date}


# --- command-line numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [2**31, 2**64 + 1, -(2**31) - 1])
def test_a_seed_beyond_cpsat_is_one_line(tmp_path, seed):
    commands = [
        ["solve", str(WHATIF / "data.yaml"), "--out", str(tmp_path / "solve"), "--seed", str(seed)],
        [
            "whatif",
            str(WHATIF / "data.yaml"),
            "--baseline",
            str(WHATIF / "schedule.json"),
            "--withdraw",
            "posters",
            "--out",
            str(tmp_path / "whatif"),
            "--seed",
            str(seed),
        ],
    ]
    for result in run_batches(commands, batches=1):
        assert result["stderr"] == (
            f"error: --seed {seed}: outside -2,147,483,648..2,147,483,647, the seeds CP-SAT accepts\n"
        )
        assert (result["code"], result["stdout"]) == (2, "")
    assert not list(tmp_path.iterdir())


def test_the_largest_seed_solves():
    schedule = solve(load(WHATIF / "data.yaml"), seed=2**31 - 1, time_limit=5)
    assert schedule.stats.seed == 2**31 - 1
    with pytest.raises(ValueError, match="seed 2,147,483,648 is outside"):
        solve(load(WHATIF / "data.yaml"), seed=2**31)


def test_a_model_whose_numbers_overflow_is_said_to_be_one():
    """Products of the largest allowed numbers can still pass CP-SAT's 64-bit integers: the model is refused, and
    that is what is reported, not 'no schedule found within the time limit'."""
    model = cp_model.CpModel()
    values = [model.new_int_var(0, 1_000_000, f"x{i}") for i in range(100)]
    model.minimize(sum(10**17 * value for value in values))
    with pytest.raises(ConfschedError, match=r"CP-SAT refused the model \(Possible integer overflow"):
        run_cpsat(model, {"max_time_in_seconds": 1})


# --- Ctrl-C before the search starts -------------------------------------------------------------------------------

# Ctrl-C while `python -m scheduler` is still importing the command line (typer, rich, pandas, OR-Tools)
SIGINT_DURING_IMPORT = """
import os, runpy, signal, sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["confsched", *sys.argv[1:]]
runpy.run_module("scheduler", run_name="__main__", alter_sys=True)
"""

# Ctrl-C while the data file is read, before any search
SIGINT_DURING_LOAD = """
import os, signal, sys
import scheduler.cli as cli
load = cli.load
def interrupted(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    return load(*args, **kwargs)
cli.load = interrupted
sys.argv = ["confsched", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.parametrize("moment", ["import", "load"])
@pytest.mark.parametrize("command", ["solve", "validate", "whatif"])
def test_ctrl_c_during_start_up_is_interrupted_and_130(tmp_path, moment, command):
    out = tmp_path / "out"
    arguments = {
        "solve": ["solve", WHATIF / "data.yaml", "--out", out],
        "validate": ["validate", WHATIF / "data.yaml"],
        "whatif": ["whatif", WHATIF / "data.yaml", "--baseline", WHATIF / "schedule.json", "--out", out],
    }[command]
    script = SIGINT_DURING_IMPORT if moment == "import" else SIGINT_DURING_LOAD
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, arguments)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in result.stderr
    assert (result.returncode, result.stderr, result.stdout) == (130, "interrupted\n", "")
    assert not out.exists()


def test_ctrl_c_at_real_moments_of_start_up(tmp_path):
    """A real `python -m scheduler` sent SIGINT while it starts: 'interrupted', 130, never a traceback."""
    for delay in (0.2, 0.5):
        process = subprocess.Popen(
            [sys.executable, "-m", "scheduler", "solve", WHATIF / "data.yaml", "--out", tmp_path / f"out-{delay}"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stdout + stderr
        assert process.returncode == 130, stderr
        assert stderr.splitlines()[-1].startswith("interrupted")
