"""Issue 17: work bounded by the input's size. Every file confsched reads has a limit on its bytes, and on what it
expands to (rows, cells, talks); each is refused with one line naming the file, exit 2, and never read past the
limit. The limits are module constants (docs/format.md, "Limits"); most tests build a file just over a lowered one,
since one over the real limit would be huge. The data file's own limits are in the bad-input catalogue."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, run_cli
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from scheduler import DataError, load, read_schedule
from scheduler import schedule as schedule_module
from scheduler.formats import atomic, workbooks, writing
from scheduler.generate import MAX_SIZE, generate
from scheduler.importers import import_data, import_file, programme
from scheduler.importers.fahrplan import FahrplanEvents

WHATIF = ROOT / "tests" / "bad_inputs" / "whatif"
DATA = WHATIF / "data.yaml"
BASELINE = WHATIF / "schedule.json"


def sparse(path: Path, size: int) -> Path:
    """A file of `size` zero bytes that takes no disk space."""
    with path.open("wb") as stream:
        stream.truncate(size)
    return path


# Schedules: check, export, diff and whatif --baseline read a schedule.json or schedule.csv whole.


def test_schedule_commands_refuse_an_endless_or_huge_schedule(tmp_path):
    """`check` read /dev/zero until it had taken 6 GB, and accepted a 300 MB JSON; now at most the limit + 1 bytes
    are read, whoever asks."""
    huge = sparse(tmp_path / "schedule.json", schedule_module.MAX_SCHEDULE_BYTES + 1)
    out = tmp_path / "out"
    commands = [
        ["check", DATA, "/dev/zero"],
        ["check", DATA, huge],
        ["export", huge, "--data", DATA, "--format", "csv", "--out", out],
        ["diff", BASELINE, huge, "--data", DATA],
        ["whatif", DATA, "--baseline", huge, "--withdraw", "numbers", "--out", out],
    ]
    for command in commands:
        result = run_cli(*command)
        shown = "/dev/zero" if "/dev/zero" in command else huge
        assert (result.returncode, result.stdout, result.stderr) == (
            2,
            "",
            f"error: {shown}: file is larger than 20 MB\n",
        ), command
    assert not out.exists()


def test_a_schedule_just_over_the_limit_is_refused_and_one_at_it_is_read(tmp_path, monkeypatch):
    text = BASELINE.read_bytes()
    data = load(DATA)
    for suffix in (".json", ".csv"):
        path = tmp_path / f"schedule{suffix}"
        if suffix == ".csv":
            path.write_text("talk_id,day,start,end,room\nkeynote,2025-06-02,09:00,09:45,Hall A\n")
        else:
            path.write_bytes(text)
        size = path.stat().st_size
        monkeypatch.setattr(schedule_module, "MAX_SCHEDULE_BYTES", size)
        assert read_schedule(path, data).assignments
        monkeypatch.setattr(schedule_module, "MAX_SCHEDULE_BYTES", size - 1)
        with pytest.raises(DataError) as caught:
            read_schedule(path, data)
        assert str(caught.value) == f"{path}: file is larger than {(size - 1) / 1048576:g} MB"


def test_a_schedule_nested_too_deep_or_a_directory_is_one_line(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataError) as caught:
        read_schedule(deep, load(DATA))
    assert str(caught.value) == f"{deep}: invalid JSON: nested too deep"
    with pytest.raises(DataError) as caught:
        read_schedule(tmp_path, load(DATA))
    assert str(caught.value) == f"{tmp_path}: is a directory; expected a file"


# Imports: the source's bytes before parsing, then what it expands to (talks, speakers, rooms; a table's rows and
# cells, read lazily), and the data file it would become.


def frab_json(events: int, persons_per_event: int = 1, rooms: int = 1) -> str:
    """A frab JSON schedule with `events` 5-minute talks in one room, each with its own speakers."""
    talks = [
        {
            "id": index,
            "title": f"Talk {index}",
            "date": f"2025-06-02T{9 + index // 12:02d}:{index % 12 * 5:02d}:00+02:00",
            "duration": "00:05",
            "persons": [
                {"id": index * 100 + person, "name": f"Person {index}-{person}"} for person in range(persons_per_event)
            ],
        }
        for index in range(events)
    ]
    conference = {
        "title": "Bounded",
        "time_zone_name": "Europe/Berlin",
        "rooms": [{"name": f"Room {room}"} for room in range(rooms)],
        "days": [{"date": "2025-06-02", "rooms": {"Room 0": talks}}],
    }
    return json.dumps({"schedule": {"conference": conference}})


def imported_error(source: Path, source_format: str) -> str:
    with pytest.raises(DataError) as caught:
        import_data(source, source_format, timezone="Europe/Berlin" if source_format in ("csv", "xlsx") else None)
    return str(caught.value)


def test_import_reads_no_more_than_the_source_limit(tmp_path):
    """A 150 MB frab XML became a 157 MB data file that validate then refused; now the source is refused after 50 MB
    read, whatever it is."""
    result = run_cli("import", "/dev/zero", "--format", "frab-xml", "--out", tmp_path / "out.yaml")
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "error: /dev/zero: file is larger than 50 MB\n")
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("source_format", ["frab-xml", "frab-json", "pretalx-json", "csv", "xlsx", "cosplib"])
def test_every_import_format_refuses_a_source_just_over_the_limit(tmp_path, monkeypatch, source_format):
    source = tmp_path / "source"
    source.write_bytes(b"x" * 2048)
    monkeypatch.setattr(atomic, "MAX_SOURCE_BYTES", 2047)
    assert imported_error(source, source_format) == f"{source}: file is larger than {2047 / 1048576:g} MB"


def test_a_frab_xml_that_declares_entities_is_refused_before_it_expands(tmp_path):
    source = tmp_path / "schedule.xml"
    source.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE schedule [\n  <!ENTITY a "aaaaaaaaaa">\n'
        '  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<schedule><conference><title>&b;</title></conference>'
        "</schedule>\n"
    )
    assert imported_error(source, "frab-xml") == (
        f"{source}:3: the file declares an entity (<!ENTITY>); a frab schedule has none, and entities can expand a "
        "small file to gigabytes"
    )


def test_a_frab_json_nested_too_deep_is_one_line(tmp_path):
    source = tmp_path / "schedule.json"
    source.write_text("[" * 100_000 + "]" * 100_000)
    assert imported_error(source, "frab-json") == f"{source}: values are nested more than 100 levels deep"


@pytest.mark.parametrize(
    ("what", "document"),
    [
        ("talks", frab_json(events=4)),
        ("speakers", frab_json(events=2, persons_per_event=2)),
        ("rooms", frab_json(events=1, rooms=4)),
    ],
)
def test_a_programme_with_more_talks_speakers_or_rooms_than_the_limit_is_refused(tmp_path, monkeypatch, what, document):
    source = tmp_path / "schedule.json"
    source.write_text(document)
    monkeypatch.setattr(programme, "MAX_ITEMS", 3)
    assert imported_error(source, "frab-json") == f"{source}: more than 3 {what}, the most confsched imports"
    monkeypatch.setattr(programme, "MAX_ITEMS", 4)
    assert import_data(source, "frab-json")


def test_the_talks_are_counted_as_they_are_read(tmp_path, monkeypatch):
    """The reader stops at the first talk over the limit, not after reading them all."""
    source = tmp_path / "schedule.json"
    source.write_text(frab_json(events=40))
    monkeypatch.setattr(programme, "MAX_ITEMS", 3)
    read = []
    original = FahrplanEvents._start
    monkeypatch.setattr(FahrplanEvents, "_start", lambda self, *args: read.append(1) or original(self, *args))
    imported_error(source, "frab-json")
    assert len(read) == 3


def csv_talks(rows: int, extra_columns: int = 0) -> str:
    header = "title,day,start,duration,room" + "".join(f",note{index}" for index in range(extra_columns)) + "\n"
    line = "T,2025-06-02,09:00,5,Hall" + "," * extra_columns + "\n"
    return header + line * rows


def test_a_csv_table_is_read_up_to_its_row_and_cell_limits(tmp_path, monkeypatch):
    source = tmp_path / "talks.csv"
    monkeypatch.setattr(workbooks, "MAX_ROWS", 10)  # the header and 9 talks
    source.write_text(csv_talks(10))
    assert imported_error(source, "csv") == f"{source}: more than 10 rows, the most confsched reads from one table"
    source.write_text(csv_talks(9))
    assert len(import_data(source, "csv", timezone="Europe/Berlin").talks) == 9
    monkeypatch.setattr(workbooks, "MAX_CELLS", 50)  # 5 columns: 10 rows of cells
    source.write_text(csv_talks(9, extra_columns=5))  # 10 columns: 5 rows
    assert imported_error(source, "csv") == f"{source}: more than 50 cells, the most confsched reads from one table"


def test_a_csv_header_wider_than_a_spreadsheet_is_refused(tmp_path):
    source = tmp_path / "talks.csv"
    source.write_text("title" + ",x" * workbooks.SPREADSHEET_COLUMNS + "\n")
    assert imported_error(source, "csv") == f"{source}:1: more than 18,278 columns, the most a spreadsheet has"


def workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Talks"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


TALK_ROW = ["T", dt.datetime(2025, 6, 2), dt.time(9, 0), 5, "Hall"]
HEADER = ["title", "day", "start", "duration", "room"]


def test_a_sheet_is_read_lazily_up_to_its_row_limit(tmp_path, monkeypatch):
    """300,000 rows took 4.4 GB; now the rows are read one at a time and the reading stops at the first row over."""
    source = workbook(tmp_path / "book.xlsx", [HEADER] + [TALK_ROW] * 200)
    monkeypatch.setattr(workbooks, "MAX_ROWS", 10)
    rows_read = []
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            rows_read.append(1)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    assert imported_error(source, "xlsx") == (
        f"{source}: sheet 'Talks': more than 10 rows, the most confsched reads from one sheet"
    )
    assert len(rows_read) == 11  # not 201
    workbook(source, [HEADER] + [TALK_ROW] * 9)
    assert len(import_data(source, "xlsx", timezone="Europe/Berlin").talks) == 9


def test_a_sheet_is_read_up_to_its_cell_limit_whatever_its_declared_size(tmp_path, monkeypatch):
    source = workbook(tmp_path / "book.xlsx", [HEADER] + [TALK_ROW + [None] * 100 + ["far"]] * 3)
    monkeypatch.setattr(workbooks, "MAX_CELLS", 200)  # the header, one wide row (106 cells), not two
    assert imported_error(source, "xlsx") == (
        f"{source}: sheet 'Talks': more than 200 cells, the most confsched reads from one sheet"
    )


def test_a_row_after_a_spreadsheets_last_row_is_refused(tmp_path, monkeypatch):
    """A cell in row 999,999,999 would otherwise be reached one empty row at a time."""
    source = workbook(tmp_path / "book.xlsx", [HEADER, TALK_ROW])
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'r="2"', b'r="999999999"').replace(b'2"', b'999999999"')
    with zipfile.ZipFile(source, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    monkeypatch.setattr(workbooks, "SPREADSHEET_ROWS", 100)  # reached after 100 empty rows, not 1,048,576
    assert imported_error(source, "xlsx") == (
        f"{source}: sheet 'Talks': a row after row 100, the last a spreadsheet has"
    )


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    source = workbook(tmp_path / "book.xlsx", [HEADER, TALK_ROW])
    with zipfile.ZipFile(source, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * (2 * 1024 * 1024))  # 2 MB of zeros pack to 2 KB
    assert source.stat().st_size < 100_000
    monkeypatch.setattr(workbooks, "MAX_UNPACKED_BYTES", 1024 * 1024)
    assert imported_error(source, "xlsx") == f"{source}: the workbook unpacks to more than 1 MB"
    assert imported_error(source, "cosplib") == f"{source}: the workbook unpacks to more than 1 MB"


def test_an_import_that_would_write_a_data_file_over_its_limit_is_refused(tmp_path, monkeypatch):
    """The data file is checked as it would be written, so `validate` can always read what `import` wrote."""
    source = tmp_path / "talks.csv"
    source.write_text(
        "title,day,start,duration,room,abstract\n"
        + "".join(
            f"T{index},2025-06-02,{9 + index // 12:02d}:{index % 12 * 5:02d},5,Hall,{'a' * 20_000}\n"
            for index in range(60)
        )
    )
    monkeypatch.setattr(writing, "MAX_FILE_BYTES", 1024 * 1024)
    out = tmp_path / "out.yaml"
    with pytest.raises(DataError) as caught:
        import_file(source, "csv", out, timezone="Europe/Berlin", pins="all")
    assert str(caught.value) == f"{out}: the data file would be 1.2 MB, larger than the 1 MB a data file may be"
    assert not out.exists()


# generate: its work and its file grow with the size asked for.


def test_generate_refuses_sizes_beyond_its_limits(tmp_path):
    for name, value in MAX_SIZE.items():
        with pytest.raises(ValueError) as caught:
            generate(**{name: value + 1})
        assert str(caught.value) == f"--{name} {value + 1} is more than {value:,}, the most generate makes"
    result = run_cli("generate", "--talks", 10**9, "--out", tmp_path / "big.yaml")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: --talks 1000000000 is more than 50,000, the most generate makes\n"
    assert not (tmp_path / "big.yaml").exists()


def test_time_reserved_for_start_up_and_writing_comes_off_the_search():
    from scheduler.search.budget import TimeBudget

    budget = TimeBudget.start(10.0, reserved=4.0)
    assert 5.0 < budget.remaining() <= 6.0
    assert budget.part_of_limit(0.5, at_most=100) == 3.0
    assert TimeBudget.start(10.0, reserved=12.0).share() == TimeBudget.start(1.0, reserved=0.0).share(at_most=0.0)


def test_a_solve_whose_time_is_all_reserved_still_returns_a_verified_timetable():
    from conftest import solved

    from scheduler import parse
    from scheduler.generate import generate_yaml

    data = parse(generate_yaml(talks=30, rooms=3, days=1, seed=1), "generated.yaml")
    schedule = solved(data, time_limit=5, reserved=5)
    assert schedule.stats is not None and schedule.stats.status in ("feasible", "optimal")
