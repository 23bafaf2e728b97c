"""Hardening (issue 8): the bad-input catalogue, injection-proof exports, atomic writes, Ctrl-C during a solve, and
byte-identical outputs for the same input and seed."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import openpyxl
import pytest
import yaml
from conftest import ROOT, conference, run_cli, solved

from scheduler import load, read_schedule, verify
from scheduler.errors import OutputError
from scheduler.exporters import export
from scheduler.exporters.html import to_html
from scheduler.exporters.ics import local_time
from scheduler.formats.atomic import write_atomic
from scheduler.formats.loading import MAX_FILE_BYTES
from scheduler.generate import generate_yaml
from scheduler.importers import import_data
from scheduler.whatif.changes import apply_changes, load_changes

CATALOGUE = ROOT / "tests" / "bad_inputs"
WHATIF = CATALOGUE / "whatif"


# The bad-input catalogue: every file's first line is `# expect: MESSAGE`, FILE standing for the file's path. Data
# files are checked with `confsched validate FILE`, change files with `confsched whatif` on whatif/data.yaml and its
# published whatif/schedule.json. Each must print exactly `error: MESSAGE` and nothing else, without a traceback,
# write nothing, and exit 2; the files in good/ (BOM, CRLF, aliases, escapes) must load.


def expectation(path: Path) -> str:
    first = path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].split(b"\r", 1)[0]
    text = first.decode("utf-8")
    assert text.startswith("# expect: "), f"{path} does not start with '# expect: '"
    return text.removeprefix("# expect: ")


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def command(path: Path, out: Path) -> list[str]:
    if path.parent.name == "changes":
        baseline = relative(WHATIF / "schedule.json")
        return [
            "whatif",
            relative(WHATIF / "data.yaml"),
            "--baseline",
            baseline,
            "--change",
            relative(path),
            "--out",
            str(out),
        ]
    return ["validate", str(path) if not path.is_relative_to(ROOT) else relative(path)]


BAD = sorted(CATALOGUE.glob("data/*.yaml")) + sorted(CATALOGUE.glob("changes/*.yaml"))
GOOD = sorted(CATALOGUE.glob("good/*.yaml"))
GENERATED = ["too-large.yaml"]  # made at test time: 20 MB of data does not belong in the repository


def run_batches(commands: list[list[str]], batches: int) -> list[dict]:
    """{"code", "stdout", "stderr"} of each command line, run by tests/bad_inputs/run_cli.py in `batches` processes."""
    shares = [commands[index::batches] for index in range(batches)]
    runners = [
        subprocess.Popen(
            [sys.executable, str(CATALOGUE / "run_cli.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in shares
    ]
    outputs = [
        runner.communicate(json.dumps(share), timeout=600) for runner, share in zip(runners, shares, strict=True)
    ]
    for runner, (_, errors) in zip(runners, outputs, strict=True):
        assert runner.returncode == 0, errors
    parts = [json.loads(stdout) for stdout, _ in outputs]
    return [parts[index % batches][index // batches] for index in range(len(commands))]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """Every catalogue command line run once, through the CLI's entry point, each in its own process."""
    directory = tmp_path_factory.mktemp("catalogue")
    large = directory / "too-large.yaml"
    large.write_bytes(b"# expect: FILE: file is larger than 20 MB\n" + b" " * MAX_FILE_BYTES)
    paths = [*BAD, *GOOD, large]
    commands = [command(path, directory / f"out-{index}") for index, path in enumerate(paths)]
    results = run_batches(commands, batches=2)  # two processes: CI has two cores
    return {
        path.name if path == large else relative(path): (path, argv, result)
        for path, argv, result in zip(paths, commands, results, strict=True)
    } | {"_dir": directory}


def test_the_catalogue_has_at_least_60_bad_files():
    assert len(BAD) >= 60
    assert {path.parent.name for path in BAD} == {"data", "changes"}


@pytest.mark.parametrize("name", [relative(path) for path in BAD] + GENERATED)
def test_bad_input_is_one_clear_line(catalogue, name):
    path, argv, result = catalogue[name]
    shown = argv[argv.index("--change") + 1] if "--change" in argv else argv[1]
    expected = "error: " + expectation(path).replace("FILE", shown, 1)
    output = result["stdout"] + result["stderr"]
    assert "Traceback" not in output
    assert result["stderr"] == expected + "\n"
    assert result["stdout"] == ""
    assert result["code"] == 2
    if "--out" in argv:
        assert not Path(argv[argv.index("--out") + 1]).exists()  # nothing written


@pytest.mark.parametrize("name", [relative(path) for path in GOOD])
def test_bom_crlf_and_aliases_load(catalogue, name):
    path, argv, result = catalogue[name]
    assert result["code"] == 0, result["stderr"]
    assert result["stdout"] == expectation(path).replace("FILE", argv[1], 1) + "\n"


def test_a_change_file_with_bom_and_crlf_loads():
    changes = load_changes(CATALOGUE / "good" / "changes" / "bom-crlf.yaml")
    after = apply_changes(load(WHATIF / "data.yaml"), changes)
    assert after.speakers[1].unavailable[-1].describe() == "2025-06-02 10:00-11:00"


def test_the_runner_matches_a_real_confsched_process(catalogue):
    """The catalogue runs in forked children; a fresh `python -m scheduler` prints the same and exits the same."""
    for name in ("tests/bad_inputs/data/yaml-python-object-tag.yaml", "tests/bad_inputs/changes/unknown-key.yaml"):
        _, argv, result = catalogue[name]
        fresh = run_cli(*argv)
        assert (fresh.returncode, fresh.stdout, fresh.stderr) == (result["code"], result["stdout"], result["stderr"])


# Exports: spreadsheet cells that cannot run, calendars that cannot gain a property, markup that stays text.

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTabbed", "\rReturned"]
QUOTED = ["'=already quoted", "'Tis the season"]  # a quote of the writer's own must survive the round trip


def formula_conference():
    """Titles, ids, speaker names, tracks and rooms that a spreadsheet would run as formulas, and a number as text."""
    titles = [*FORMULAS, *QUOTED, "-5"]
    return conference(
        conference={
            "days": [{"date": "2025-06-02", "blocks": [{"start": "09:00", "end": "17:00"}]}],
        },
        rooms=[{"name": "=Hall", "capacity": 100}, {"name": "@Room", "capacity": 100}],
        speakers=[{"id": "eve", "name": "=1+1"}, {"id": "mallory", "name": "-Mallory"}],
        talks=[
            {
                "id": f"=t{index}" if index % 2 else f"t{index}",
                "title": title,
                "duration": 30,
                "track": "+track" if index % 3 == 0 else "-1",
                "speakers": ["eve"] if index % 2 else ["mallory"],
                "pin": {"start": f"{9 + index // 2:02d}:{30 * (index % 2):02d}", "room": ["=Hall", "@Room"][index % 2]},
            }
            for index, title in enumerate(titles)
        ],
    )


@pytest.fixture(scope="module")
def formulas():
    return solved(formula_conference())


def is_formula(text: str) -> bool:
    return bool(text) and text[0] in "=+-@\t\r" and text != "-5" and text != "-1"


def test_csv_cells_cannot_start_a_formula(formulas, tmp_path):
    export(formulas, tmp_path, ["csv"])
    with (tmp_path / "schedule.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if is_formula(cell)]
    titles = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x","y")' in titles and "'\tTabbed" in titles and "''=already quoted" in titles
    assert "-5" in titles and "'Tis the season" in titles  # numbers and harmless quotes are left alone
    assert "'=Hall" in [row[8] for row in rows] and "'=1+1" in [row[4] for row in rows]


def test_xlsx_cells_are_text_never_formulas(formulas, tmp_path):
    export(formulas, tmp_path, ["xlsx"])
    workbook = openpyxl.load_workbook(tmp_path / "schedule.xlsx")
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not (isinstance(cell.value, str) and is_formula(cell.value)), (sheet.title, cell.coordinate)


@pytest.mark.parametrize(("source_format", "file_name"), [("csv", "schedule.csv"), ("xlsx", "schedule.xlsx")])
def test_neutralised_cells_import_as_the_original_text(formulas, tmp_path, source_format, file_name):
    export(formulas, tmp_path, [source_format])
    imported = import_data(tmp_path / file_name, source_format, timezone="Europe/Vienna", pins="all")
    original = formulas.data
    names = {speaker.id: speaker.display_name for speaker in original.speakers}
    imported_names = {speaker.id: speaker.display_name for speaker in imported.speakers}

    def facts(data, speaker_names):
        return sorted(
            (t.id, t.title, t.track, t.pin.room if t.pin else None, tuple(speaker_names[s] for s in t.speakers))
            for t in data.talks
        )

    assert facts(imported, imported_names) == facts(original, names)
    assert sorted(room.name for room in imported.rooms) == ["=Hall", "@Room"]


def test_check_reads_a_neutralised_schedule_csv(formulas, tmp_path):
    export(formulas, tmp_path, ["csv"])
    schedule = read_schedule(tmp_path / "schedule.csv", formulas.data)
    assert {(a.talk, a.room) for a in schedule.assignments} == {(a.talk, a.room) for a in formulas.assignments}
    assert verify(formulas.data, schedule.assignments) == []


def test_a_title_with_crlf_cannot_add_a_calendar_property(tmp_path):
    injected = "x\r\nDTSTART:19700101T000000Z"
    data = conference(
        conference={"name": "Conf\r\nX-EVIL:1"},
        rooms=[{"name": "Hall\r\nLOCATION:elsewhere", "capacity": 100}],
        speakers=[{"id": "ada", "name": "Ada\nEND:VEVENT\nBEGIN:VEVENT"}],
        talks=[
            {
                "id": "t1",
                "title": injected,
                "duration": 30,
                "speakers": ["ada"],
                "track": "T\rCATEGORIES:evil",
                "abstract": "line\r\nATTENDEE:mailto:evil@example.com",
            }
        ],
    )
    schedule = solved(data)
    export(schedule, tmp_path, ["ics", "ics-split"])
    calendars = [tmp_path / "schedule.ics", *sorted((tmp_path / "ics").rglob("*.ics"))]
    assert len(calendars) == 4  # the whole programme, one room, one speaker, one track
    for path in calendars:
        raw = path.read_bytes()
        names = [line.split(b":")[0].split(b";")[0] for line in raw.replace(b"\r\n ", b"").split(b"\r\n") if line]
        assert not {b"X-EVIL", b"ATTENDEE"} & set(names)
        assert names.count(b"BEGIN") == names.count(b"END")
        events = list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))
        assert len(events) == 1, path
        event = events[0]
        assert str(event["SUMMARY"]) == injected.replace("\r\n", "\n")  # the text survives as text (RFC 5545 \n)
        assert event.decoded("DTSTART") == local_time(dt.date(2024, 7, 27), 9 * 60, data.conference.zone)
        assert str(event["LOCATION"]) == "Hall\nLOCATION:elsewhere"
        assert "ATTENDEE:mailto:evil@example.com" in str(event["DESCRIPTION"])


def test_html_attributes_and_scripts_come_only_from_the_template():
    """Names that try to close an attribute or a script element stay text (the Chromium test in test_exports.py
    checks the page as a browser runs it)."""
    breaking = '" onmouseover="alert(1)" x="'
    data = conference(
        rooms=[{"name": "</style><script>alert(2)</script>", "capacity": 100}],
        speakers=[{"id": breaking, "name": "</script><script>alert(3)</script>"}],
        talks=[
            {
                "id": breaking + "t",
                "title": "<svg onload=alert(4)>",
                "duration": 30,
                "speakers": [breaking],
                "track": breaking,
            }
        ],
    )
    page = to_html(solved(data))

    class Elements(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags: list[tuple[str, list]] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, attrs))

    def elements(html: str) -> list[tuple[str, list]]:
        parser = Elements()
        parser.feed(html)
        return parser.tags

    def handlers(tags: list[tuple[str, list]]) -> list[tuple[str, str]]:
        return sorted({(tag, name) for tag, attrs in tags for name, _ in attrs if name.startswith("on")})

    tags = elements(page)
    plain = elements(to_html(solved(conference())))
    assert [tag for tag, _ in tags].count("script") == 1  # the page's own filter script
    assert not [tag for tag, _ in tags if tag in ("svg", "style") and tag not in dict(plain)]
    assert handlers(tags) == handlers(plain)  # event handlers only where the template puts them


def test_file_names_from_hostile_names_stay_inside_the_output_directory(tmp_path):
    names = [
        "..",
        "../..",
        "..\\..\\windows",
        "C:\\boot.ini",
        "/etc/passwd",
        "~root",
        "$HOME",
        "a\tb",  # (NUL cannot be in a data file: test_hostile_input.py)
        ".",
        "nul.ics",
    ]
    data = conference(
        rooms=[{"name": name, "capacity": 100} for name in names],
        talks=[
            {"id": f"t{i}", "title": "T", "duration": 5, "speakers": [name], "pin": {"room": name}}
            for i, name in enumerate(names)
        ],
        speakers=[{"id": name, "name": name} for name in names],
    )
    out = tmp_path / "out"
    export(solved(data), out, ["ics-split"])
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert len(written) == 2 * len(names)  # a calendar per room and per speaker
    for path in written:
        assert path.resolve().is_relative_to(out.resolve())
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.ics", path.name), path.name


# Atomic writes and Ctrl-C


def written_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


def assert_complete_outputs(out: Path, data) -> dict:
    """Every file in `out` is whole: no temporary file is left, and each parses and holds every talk."""
    files = written_files(out)
    assert not [path for path in files if path.name.endswith(".tmp")]
    assert {path.name for path in files} == {
        "schedule.csv",
        "schedule.ics",
        "schedule.json",
        "report.md",
        "report.json",
    }
    schedule = read_schedule(out / "schedule.json", data)
    assert verify(data, schedule.assignments) == []
    assert len(schedule.assignments) == len(data.talks)
    with (out / "schedule.csv").open(newline="", encoding="utf-8") as stream:
        assert len(list(csv.DictReader(stream))) == len(data.talks)
    events = list(icalendar.Calendar.from_ical((out / "schedule.ics").read_bytes()).walk("VEVENT"))
    assert len(events) == len(data.talks)
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated_500(tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "generated-500.yaml"
    path.write_text(generate_yaml(talks=500, rooms=16, days=3, seed=0), encoding="utf-8")
    return path


def test_ctrl_c_during_a_solve_writes_the_best_timetable_so_far(generated_500, tmp_path):
    """SIGINT a few seconds into a 500-talk solve with a two-minute limit: exit 130 within moments, with the best
    verified timetable so far written whole and marked as not proven optimal."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "scheduler", "solve", str(generated_500), "--out", str(out), "--time-limit", "120"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(8)  # the first verified timetable takes about 2 s on 2 cores; the time limit is far away
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    stdout, stderr = process.communicate(timeout=60)
    assert time.monotonic() - interrupted < 20  # not the remaining time limit
    assert process.returncode == 130, stderr
    assert "Traceback" not in stdout + stderr
    assert "interrupted: wrote the best timetable found so far (not proven optimal); every hard rule verified" in stderr
    report = assert_complete_outputs(out, load(generated_500))
    assert report["status"] == "interrupted" and report["proven_optimal"] is False
    assert "- status: **interrupted**: best found so far, not proven optimal" in (out / "report.md").read_text()
    assert json.loads((out / "schedule.json").read_text())["status"] == "interrupted"


SIGINT_AT_FIRST_MODEL = """
import importlib, os, signal, sys
first = importlib.import_module("scheduler.search.first")  # where the hard rules' model is built
build_model = first.build_model
def interrupted(*args, **kwargs):  # Ctrl-C as the first model is built: no timetable exists yet
    os.kill(os.getpid(), signal.SIGINT)
    first.build_model = build_model
    return build_model(*args, **kwargs)
first.build_model = interrupted
# a conference whose track-first layout leaves talks to phase 1's search (generated 500 talks is laid out whole)
first.track_first_timetable = lambda problem: ({}, {})
from scheduler.cli import main
sys.argv = ["confsched", *sys.argv[1:]]
main()
"""


def test_ctrl_c_before_any_timetable_writes_nothing(generated_500, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "schedule.json").write_text("earlier\n")  # a previous run's file stays as it was
    result = subprocess.run(
        [sys.executable, "-c", SIGINT_AT_FIRST_MODEL, "solve", str(generated_500), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "interrupted before a timetable was found; nothing was written"
    assert "Traceback" not in result.stderr
    assert [path.name for path in written_files(out)] == ["schedule.json"]
    assert (out / "schedule.json").read_text() == "earlier\n"


# whatif and Ctrl-C, as solve: the first Ctrl-C stops the search, the best verified answer is written (marked
# interrupted) or, without one, nothing; exit 130. The Ctrl-C is a real SIGINT, sent at a point the test controls.

CTRL_C_DURING_A_WHATIF_SEARCH = """
import os, sys
from ortools.sat.python import cp_model
from scheduler.search import cpsat
from scheduler.whatif import reschedule
real_run = reschedule.run_cpsat

class HoldTheFirstSolution(cp_model.CpSolverSolutionCallback):
    first = None  # what run_cpsat reads from its log
    def on_solution_callback(self):
        if self.first is not None:
            return
        self.first = self.wall_time
        # the search holds a schedule: the test sends SIGINT now, and the search waits for it to arrive
        print("ctrl-c now", file=sys.stderr, flush=True)
        if not cpsat._watchers[0].requested.wait(120):
            print("the Ctrl-C never reached the search", file=sys.stderr, flush=True)
            os._exit(99)

searches = []
def run(model, parameters, **kwargs):
    searches.append(model)
    if len(searches) == 1:  # in place of the what-if's own solution log
        kwargs["log"] = HoldTheFirstSolution()
    return real_run(model, parameters, **kwargs)
reschedule.run_cpsat = run
from scheduler.cli import main
sys.argv = ["confsched", *sys.argv[1:]]
main()
"""


def whatif_command(out: Path) -> list[str]:
    return [
        "whatif", str(WHATIF / "data.yaml"), "--baseline", str(WHATIF / "schedule.json"), "--out", str(out),
        "--room-closed", "Foyer@2025-06-02@10:00-10:30", "--time-limit", "120",
    ]  # fmt: skip


def test_ctrl_c_during_a_whatif_writes_the_least_disruptive_schedule_so_far(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_DURING_A_WHATIF_SEARCH, *whatif_command(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stderr:  # the first search has found a schedule and is still running
        if line.strip() == "ctrl-c now":
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stdout + stderr
    assert stderr.strip().splitlines()[-1] == (
        "interrupted: wrote the least disruptive schedule found so far; every hard rule verified"
    )
    names = {"schedule.v2.json", "schedule.v2.csv", "schedule.v2.ics", "data.v2.yaml", "changes.md", "changes.csv"}
    assert {path.name for path in written_files(out)} == names
    after = load(out / "data.v2.yaml")
    new = read_schedule(out / "schedule.v2.json", after)
    assert verify(after, new.assignments) == [] and len(new.assignments) == len(after.talks)
    assert json.loads((out / "schedule.v2.json").read_text())["status"] == "interrupted"
    changes = (out / "changes.md").read_text()
    assert "- interrupted: Ctrl-C stopped the search; this is the best schedule found until then" in changes
    assert "numbers" in (out / "changes.csv").read_text()  # the talk in the closed room moved


CTRL_C_BEFORE_A_WHATIF_SCHEDULE = """
import os, signal, sys
from ortools.sat.python import cp_model
from scheduler.search import cpsat
from scheduler.whatif import reschedule

def run(model, parameters, **kwargs):  # Ctrl-C as the first search starts: it is stopped before any solution
    os.kill(os.getpid(), signal.SIGINT)
    assert cpsat._watchers[0].requested.wait(120)
    return cpsat.Outcome(cp_model.UNKNOWN, cp_model.CpSolver())
reschedule.run_cpsat = run
from scheduler.cli import main
sys.argv = ["confsched", *sys.argv[1:]]
main()
"""


def test_ctrl_c_before_a_whatif_has_a_schedule_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "changes.md").write_text("the previous what-if's changelog\n")
    result = subprocess.run(
        [sys.executable, "-c", CTRL_C_BEFORE_A_WHATIF_SCHEDULE, *whatif_command(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines()[-1] == "interrupted before a new schedule was found; nothing was written"
    assert [path.name for path in written_files(out)] == ["changes.md"]
    assert (out / "changes.md").read_text() == "the previous what-if's changelog\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "schedule.json"
    write_atomic(target, "old\n")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputError, match=f"{target}: cannot be written: disk full; nothing was changed"):
        write_atomic(target, "new\n")
    assert [path.name for path in tmp_path.iterdir()] == ["schedule.json"]
    assert target.read_text() == "old\n"


def test_written_files_get_the_usual_permissions(tmp_path):
    previous = os.umask(0o022)
    try:
        fresh = write_atomic(tmp_path / "fresh.ics", "x")
        kept = tmp_path / "kept.ics"
        kept.write_text("x")
        kept.chmod(0o640)
        write_atomic(kept, "y")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's 0600: a web server can serve it
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640  # a file's own mode is kept


WRITING_METHODS = {"write_text", "write_bytes", "save", "to_csv", "to_excel", "to_json", "to_parquet"}
IN_MEMORY = {"buffer", "writer", "stream", "output"}  # io.BytesIO / StringIO and an ExcelWriter on one


def _writes_a_file(node: ast.Call) -> str | None:
    """What the call writes to disk by itself, or None."""
    func = node.func
    if isinstance(func, ast.Name):
        if func.id != "open":
            return None
        modes = [arg.value for arg in node.args[1:2] if isinstance(arg, ast.Constant)]
    elif isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else None
        if owner == "shutil" or (owner == "os" and func.attr in ("rename", "replace", "link", "symlink")):
            return f"{owner}.{func.attr}"
        if func.attr in ("rename", "replace") and len(node.args) == 1 and not node.keywords:  # Path.rename(target)
            return func.attr
        if func.attr in ("write_text", "write_bytes"):
            return func.attr
        if func.attr in WRITING_METHODS and node.args:  # to_csv() without a path returns the text
            first = node.args[0]
            return None if isinstance(first, ast.Name) and first.id in IN_MEMORY else func.attr
        if func.attr != "open":
            return None
        modes = [arg.value for arg in node.args[0:1] if isinstance(arg, ast.Constant)]  # path.open("w")
    else:
        return None
    modes += [kw.value.value for kw in node.keywords if kw.arg == "mode" and isinstance(kw.value, ast.Constant)]
    return f"open({modes[0]!r})" if any(set(str(mode)) & set("wax+") for mode in modes) else None


def test_every_output_goes_through_write_atomic():
    """No module but scheduler/formats/atomic.py writes a file itself: no open() for writing, write_text, write_bytes,
    pandas or openpyxl writing to a path, shutil copies, renames."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno} {what}"
        for path in sorted((ROOT / "scheduler").rglob("*.py"))
        if path.relative_to(ROOT).as_posix() != "scheduler/formats/atomic.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and (what := _writes_a_file(node))
    ]
    assert offenders == []


# Same input and seed, same bytes


EVERY_FORMAT = "csv,ics,json,frab-xml,frab-json,ics-split,xlsx,html"


def files_and_bytes(directory: Path) -> dict[str, bytes]:
    return {path.relative_to(directory).as_posix(): path.read_bytes() for path in written_files(directory)}


def test_solve_twice_gives_identical_files_in_every_format(tmp_path):
    data = ROOT / "data" / "neurips2024_tutorials.yaml"
    runs = []
    for name in ("first", "second"):
        # --deterministic: on a loaded machine a wall-clock share can end before the proof, and then which of several
        # timetables is returned depends on timing; the promise of identical bytes is made for this mode
        result = run_cli(
            "solve", data, "--out", tmp_path / name, "--formats", EVERY_FORMAT, "--time-limit", "30", "--deterministic"
        )
        assert result.returncode == 0, result.stderr
        runs.append(files_and_bytes(tmp_path / name))
    assert runs[0] == runs[1]
    assert {"report.md", "report.json", "schedule.xlsx", "schedule.html", "frab/schedule.xml"} <= set(runs[0])
    assert any(name.startswith("ics/speakers/") for name in runs[0])


def test_whatif_and_import_twice_give_identical_files(tmp_path):
    change = tmp_path / "change.yaml"
    change.write_text(
        'changes:\n  - {kind: speaker-unavailable, speaker: a.turing, day: 2025-06-02, start: "10:00", end: "11:00"}\n'
    )
    runs = []
    for name in ("first", "second"):
        out = tmp_path / name / "published"  # the CSV import names the conference after this folder
        result = run_cli(
            "whatif", WHATIF / "data.yaml", "--baseline", WHATIF / "schedule.json", "--change", change, "--out", out
        )
        assert result.returncode == 0, result.stderr
        imported = import_data(out / "schedule.v2.csv", "csv", timezone="Europe/Vienna")
        write_atomic(out / "imported.yaml", yaml.safe_dump(imported.model_dump(mode="json"), sort_keys=False))
        runs.append(files_and_bytes(out))
    assert runs[0] == runs[1]
    assert {"schedule.v2.json", "schedule.v2.ics", "data.v2.yaml", "changes.md", "changes.csv"} <= set(runs[0])
