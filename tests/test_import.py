"""Import: a schedule exported in any format comes back as the same talks, rooms, durations and placements, and
solving the imported data file reproduces it; a pretalx schedule becomes a data file; bad input is one line naming
the file and the row or element."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from conftest import DATA, run_cli, solved

from scheduler import DataError, load
from scheduler.data import parse_clock
from scheduler.exporters import export
from scheduler.formats.loading import parse
from scheduler.formats.writing import to_yaml
from scheduler.importers import UNKNOWN_CAPACITY, baseline_path, import_data, import_file, to_data_file
from scheduler.schedule import read_schedule

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
ROUND_TRIP = {
    "frab-xml": "frab/schedule.xml",
    "frab-json": "frab/schedule.json",
    "csv": "schedule.csv",
    "xlsx": "schedule.xlsx",
}
PROGRAMMES = ("neurips2024_tutorials", "iclr2023_mefomo")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each programme solved once and exported in every format confsched can import."""
    result = {}
    for name in PROGRAMMES:
        data = load(DATA / f"{name}.yaml")
        schedule = solved(data, time_limit=10)
        directory = tmp_path_factory.mktemp(name)
        export(schedule, directory, list(ROUND_TRIP))
        result[name] = (data, schedule, directory)
    return result


def placements(assignments):
    return {a.talk: (a.day, a.start, a.end, a.room) for a in assignments}


def pinned(data):
    return {t.id: (t.pin.day, t.pin.start, t.pin.start + t.duration, t.pin.room) for t in data.talks}


def speaker_names(data):
    names = {speaker.id: speaker.display_name for speaker in data.speakers}
    return {talk.id: [names[s] for s in talk.speakers] for talk in data.talks}


@pytest.mark.parametrize("source_format", ROUND_TRIP)
@pytest.mark.parametrize("programme", PROGRAMMES)
def test_an_exported_schedule_imports_as_the_same_programme_and_solves_to_the_same_timetable(
    exported, tmp_path, programme, source_format
):
    data, schedule, directory = exported[programme]
    out = tmp_path / "imported.yaml"
    import_file(
        directory / ROUND_TRIP[source_format], source_format, out, timezone=data.conference.timezone, pins="all"
    )
    imported = load(out)  # the written file passes validation as it is
    # the published timetable is also written beside it, as the baseline whatif reads
    assert placements(read_schedule(baseline_path(out), imported).assignments) == placements(schedule.assignments)

    def talk_facts(talks):
        return {t.id: (t.title, t.duration, t.kind, t.track) for t in talks}

    # the bundled talk ids are slugs already, so every format brings them back unchanged
    assert talk_facts(imported.talks) == talk_facts(data.talks)
    assert sorted(room.name for room in imported.rooms) == sorted(room.name for room in data.rooms)
    assert speaker_names(imported) == speaker_names(data)
    assert pinned(imported) == placements(schedule.assignments)
    assert imported.conference.timezone == data.conference.timezone
    if source_format != "csv":  # a CSV file does not carry the conference's name
        assert imported.conference.name == data.conference.name

    again = solved(imported, time_limit=10)  # verified inside
    assert placements(again.assignments) == placements(schedule.assignments)


@pytest.mark.parametrize("pins", ["room", "none"])
def test_with_fewer_pins_the_imported_programme_still_solves(exported, tmp_path, pins):
    _, schedule, directory = exported["iclr2023_mefomo"]
    imported = import_data(directory / "frab/schedule.json", "frab-json", pins=pins)
    assert all((talk.pin is None) == (pins == "none") for talk in imported.talks)
    again = solved(parse(to_yaml(imported), "imported.yaml"), time_limit=10)
    if pins == "room":
        assert {a.talk: a.room for a in again.assignments} == {a.talk: a.room for a in schedule.assignments}


def test_frab_json_keeps_room_capacities_and_rooms_without_talks(exported):
    data, _, directory = exported["neurips2024_tutorials"]
    imported = import_data(directory / "frab/schedule.json", "frab-json")
    assert [(r.name, r.capacity) for r in imported.rooms] == [(r.name, r.capacity) for r in data.rooms]
    xml = import_data(directory / "frab/schedule.xml", "frab-xml")
    assert {room.capacity for room in xml.rooms} == {UNKNOWN_CAPACITY}  # frab XML has no capacities


def test_xlsx_keeps_room_capacities_and_two_people_of_one_name(exported, tmp_path):
    data, _, directory = exported["neurips2024_tutorials"]
    imported = import_data(directory / "schedule.xlsx", "xlsx", timezone=data.conference.timezone)
    assert [(r.name, r.capacity) for r in imported.rooms] == [(r.name, r.capacity) for r in data.rooms]

    # two speakers called Sam Lee (pretalx codes SAML2K and SAML9W) stay two through the workbook
    pretalx = import_data(FIXTURES / "pretalx_schedule.json", "pretalx-json", pins="all")
    schedule = solved(pretalx, time_limit=10)
    export(schedule, tmp_path, ["xlsx"])
    again = import_data(tmp_path / "schedule.xlsx", "xlsx", timezone="Europe/Berlin", pins="all")
    assert [(s.id, s.name) for s in again.speakers if s.name == "Sam Lee"] == [
        (s.id, s.name) for s in pretalx.speakers if s.name == "Sam Lee"
    ]
    assert {t.id: t.speakers for t in again.talks} == {t.id: t.speakers for t in pretalx.talks}
    assert {r.name: r.capacity for r in again.rooms} == {r.name: r.capacity for r in pretalx.rooms}

    # schedule.csv has no speakers table: the two are named by id there, and stay two (with their ids as names)
    export(schedule, tmp_path, ["csv"])
    from_csv = import_data(tmp_path / "schedule.csv", "csv", timezone="Europe/Berlin")
    assert {t.id: t.speakers for t in from_csv.talks}["RBP7KD"] == ["grace-hopper", "saml2k"]  # slugs of the ids
    assert {t.id: t.speakers for t in from_csv.talks}["LTN4HB"] == ["saml9w", "grace-hopper"]


def test_the_pretalx_fixture_is_valid_against_the_frab_json_schema():
    """The fixture is what pretalx publishes: valid against the frab JSON schema, pretalx's person shape."""
    path = SCHEMAS / "schedule.schema.json"
    if not path.exists():
        pytest.skip(f"{path} is absent: the frab schemas live in ../shared/schemas beside the repository")
    jsonschema.validate(
        json.loads((FIXTURES / "pretalx_schedule.json").read_text(encoding="utf-8")),
        json.loads(path.read_text(encoding="utf-8")),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def test_a_pretalx_schedule_becomes_a_data_file_that_solves_to_its_timetable(tmp_path):
    source = FIXTURES / "pretalx_schedule.json"
    imported = import_file(source, "pretalx-json", tmp_path / "democon.yaml")
    assert load(tmp_path / "democon.yaml") == imported

    assert imported.conference.name == "DemoCon 2025"
    assert imported.conference.timezone == "Europe/Berlin"
    assert imported.conference.granularity == 5
    blocks = {
        day.date.isoformat(): [
            f"{b.start // 60:02d}:{b.start % 60:02d}-{b.end // 60:02d}:{b.end % 60:02d}" for b in day.blocks
        ]
        for day in imported.conference.days
    }
    # 10:30-10:45 is a 15-minute gap in every room: a coffee break, so a new block starts
    assert blocks == {
        "2025-03-29": ["10:00-10:30", "10:45-12:15", "14:00-14:30"],
        "2025-03-30": ["10:00-11:00", "16:00-16:15"],
    }
    assert [(r.name, r.capacity) for r in imported.rooms] == [
        ("Saal 1", 400),
        ("Saal 2", 120),
        ("Workshop room", UNKNOWN_CAPACITY),  # pretalx says null
        ("Foyer", 200),  # listed by pretalx, no talk in it
    ]
    # speakers are pretalx's codes; the two people called Sam Lee stay two speakers
    assert [(s.id, s.name) for s in imported.speakers] == [
        ("ADAL7Q", "Ada Lovelace"),
        ("GHOP4R", "Grace Hopper"),
        ("SAML2K", "Sam Lee"),
        ("LINZ8Q", "Lin Zhao"),
        ("SAML9W", "Sam Lee"),
    ]
    talks = {talk.id: talk for talk in imported.talks}
    assert list(talks) == ["OPN3XA", "RBP7KD", "CPS9WQ", "SWC2TN", "LTN4HB", "CLS6MZ"]  # pretalx's codes
    workshop = talks["CPS9WQ"]
    assert (workshop.kind, workshop.track, workshop.duration, workshop.speakers) == (
        "Workshop",
        "Optimisation",
        90,
        ["LINZ8Q"],
    )
    assert workshop.abstract == "Bring a laptop with Python 3.11."
    # Berlin changes to summer time overnight: +01:00 on the first day, +02:00 on the second, 10:00 local on both
    # nothing is pinned by default: the published placement is the baseline beside the data file
    assert all(talk.pin is None for talk in imported.talks)
    published = {a.talk: a for a in read_schedule(tmp_path / "democon.published.json", imported).assignments}
    # Berlin changes to summer time overnight: +01:00 on the first day, +02:00 on the second, 10:00 local on both
    assert (published["OPN3XA"].day, published["OPN3XA"].start) == (dt.date(2025, 3, 29), parse_clock("10:00"))
    assert (published["LTN4HB"].day, published["LTN4HB"].start) == (dt.date(2025, 3, 30), parse_clock("10:00"))
    solved(imported, time_limit=10)  # free to place every talk anew, verified inside

    pinned_all = import_data(source, "pretalx-json", pins="all")
    again = solved(pinned_all, time_limit=10)
    assert placements(again.assignments) == pinned(pinned_all) == placements(published.values())


def test_pretalx_widget_data_imports_talks_and_leaves_out_breaks():
    imported = import_data(FIXTURES / "pretalx_widget.json", "pretalx-json")
    assert [(t.id, t.title, t.track, t.speakers) for t in imported.talks] == [
        ("OPN3XA", "Opening", None, ["ADAL7Q"]),
        ("RBP7KD", "Reproducible builds in practice", "Systems", ["GHOP4R", "SAML2K"]),
        ("LTN4HB", "Lightning talks", None, ["SAML2K"]),
    ]
    assert [room.name for room in imported.rooms] == ["Saal 1", "Saal 2"]
    assert import_data(FIXTURES / "pretalx_widget.json", "pretalx-json", pins="all").talks[2].pin.day == dt.date(
        2025, 3, 30
    )


def test_csv_tables_rooms_and_speakers_by_id_or_name(tmp_path):
    (tmp_path / "talks.csv").write_text(
        "Title,day,start,duration,room,speakers,kind,notes\n"
        "Opening,2025-06-02,09:00,30,Hall A,ada,keynote,first thing\n"
        "Compilers,2025-06-02,09:30,45,Room B,Grace Hopper; ada,,\n"
        "\n"
        "Posters,2025-06-03,14:00,60,Foyer,,poster,\n",
        encoding="utf-8",
    )
    (tmp_path / "rooms.csv").write_text(
        "name,capacity,tags\nHall A,300,projector; recorded\nRoom B,80,projector\nFoyer,,poster-boards\n",
        encoding="utf-8",
    )
    (tmp_path / "speakers.csv").write_text("id,name\nada,Ada Lovelace\ng.hopper,Grace Hopper\n", encoding="utf-8")
    imported = import_data(tmp_path, "csv", timezone="Europe/Berlin", pins="room")
    assert imported.conference.name == tmp_path.name
    assert [(r.name, r.capacity, r.tags) for r in imported.rooms] == [
        ("Hall A", 300, ["projector", "recorded"]),
        ("Room B", 80, ["projector"]),
        ("Foyer", UNKNOWN_CAPACITY, ["poster-boards"]),
    ]
    assert [(t.id, t.kind, t.duration, t.speakers, t.pin.room) for t in imported.talks] == [
        ("opening", "keynote", 30, ["ada"], "Hall A"),  # no talk_id column: a slug of the title
        ("compilers", "talk", 45, ["g.hopper", "ada"], "Room B"),
        ("posters", "poster", 60, [], "Foyer"),
    ]
    assert [(s.id, s.name) for s in imported.speakers] == [("ada", "Ada Lovelace"), ("g.hopper", "Grace Hopper")]
    solved(parse(to_yaml(imported), "imported.yaml"), time_limit=10)


def test_a_chairs_workbook_with_date_and_time_cells(tmp_path):
    workbook = openpyxl.Workbook()
    talks = workbook.active
    talks.title = "Talks"
    talks.append(["talk_id", "title", "day", "start", "end", "room", "speakers", "track"])
    talks.append(["intro", "Introduction", dt.datetime(2025, 6, 2), dt.time(9, 0), dt.time(9, 45), "Hall", "Ada", "a"])
    talks.append(["deep", "Deep dive", dt.datetime(2025, 6, 2), dt.time(9, 45), dt.time(11, 15), "Hall", "Ada", "a"])
    workbook.create_sheet("Rooms").append(["name", "capacity"])
    workbook["Rooms"].append(["Hall", 120])
    workbook.properties.title = "Workbook Conf"
    workbook.save(tmp_path / "programme.xlsx")
    imported = import_data(tmp_path / "programme.xlsx", "xlsx", timezone="Europe/Berlin", pins="all")
    assert imported.conference.name == "Workbook Conf"
    assert [(t.id, t.pin.day, t.pin.start, t.duration) for t in imported.talks] == [
        ("intro", dt.date(2025, 6, 2), parse_clock("09:00"), 45),
        ("deep", dt.date(2025, 6, 2), parse_clock("09:45"), 90),
    ]
    assert [(s.id, s.name) for s in imported.speakers] == [("ada", "Ada")]
    assert [(r.name, r.capacity) for r in imported.rooms] == [("Hall", 120)]


def test_the_written_data_file_reads_back_as_the_same_data():
    for path in sorted(DATA.glob("*.yaml")):
        data = load(path)
        text = to_yaml(data, header="a header\nof two lines")
        assert text.startswith("# a header\n# of two lines\n")
        assert parse(text, path.name) == data


TALKS = "talk_id,title,day,start,end,room\n"

BAD_INPUT = {
    "bad time in a CSV row": (
        "csv",
        {"talks.csv": TALKS + "a,A,2025-06-02,09:00,09:30,Hall\nb,B,2025-06-02,9h30,10:00,Hall\n"},
        "talks.csv:3: talk 'b': start: expected a time as 'HH:MM', got '9h30'",
    ),
    "room not in rooms.csv": (
        "csv",
        {"talks.csv": TALKS + "a,A,2025-06-02,09:00,09:30,Hal\n", "rooms.csv": "name\nHall\n"},
        "talks.csv:2: talk 'a': room 'Hal' is not in the rooms table; did you mean 'Hall'?",
    ),
    "speaker not in speakers.csv": (
        "csv",
        {
            "talks.csv": "title,day,start,end,room,speakers\nA,2025-06-02,09:00,09:30,Hall,adaa\n",
            "speakers.csv": "id\nada\n",
        },
        "talks.csv:2: talk 'A': speaker 'adaa' is not in the speakers table; did you mean 'ada'?",
    ),
    "end and duration disagree": (
        "csv",
        {"talks.csv": "title,day,start,end,duration,room\nA,2025-06-02,09:00,09:30,45,Hall\n"},
        "talks.csv:2: talk 'A': end 09:30 and duration 45 disagree",
    ),
    "zero-length talk": (
        "csv",
        {"talks.csv": TALKS + "a,A,2025-06-02,09:30,09:30,Hall\n"},
        "talks.csv:2: talk 'a': ends no later than it starts (09:30-09:30); a talk must last at least a minute",
    ),
    "no talks file in the directory": (
        "csv",
        {"notes.txt": "hello"},
        ": the directory has no talks.csv or schedule.csv",
    ),
    "invalid JSON": (
        "frab-json",
        {"schedule.json": '{"schedule": {\n  "conference": [1,}\n}'},
        "schedule.json:2: invalid JSON: Expecting value (column 20)",
    ),
    "not frab JSON": (
        "frab-json",
        {"schedule.json": '{"talks": []}'},
        "schedule.json: not a frab schedule: expected an object with 'schedule.conference' (frab JSON); for pretalx's "
        "widget data or API pages use --format pretalx-json",
    ),
    "frab JSON without a time zone": (
        "frab-json",
        {"schedule.json": '{"schedule": {"conference": {"title": "X", "days": []}}}'},
        "schedule.json: the source names no time zone (schedule.conference.time_zone_name); pass --timezone, "
        "e.g. --timezone Europe/Berlin",
    ),
    "frab event past midnight": (
        "frab-xml",
        {
            "schedule.xml": "<schedule><conference><title>X</title><time_zone_name>Europe/Berlin</time_zone_name>"
            "</conference><day date='2025-06-02'><room name='Hall'><event id='1'><title>Late</title>"
            "<date>2025-06-02T23:30:00+02:00</date><duration>01:00</duration></event></room></day></schedule>"
        },
        "schedule.xml: /schedule/day[1]/room[1]/event[1] 'Late': runs past midnight (2025-06-02 23:30 to "
        "2025-06-03 00:30); a talk must end on the day it starts",
    ),
    "frab event with a bad duration": (
        "frab-xml",
        {
            "schedule.xml": "<schedule><conference><time_zone_name>UTC</time_zone_name></conference><day>"
            "<room name='Hall'><event id='1'><title>T</title><date>2025-06-02T09:00:00Z</date>"
            "<duration>1h</duration></event></room></day></schedule>"
        },
        "schedule.xml: /schedule/day[1]/room[1]/event[1] 'T': duration: expected a duration as 'HH:MM', got '1h'",
    ),
    "capacity beyond the solver's numbers": (  # caught by the model's cross-item rules, as in a data file
        "csv",
        {"talks.csv": TALKS + "a,A,2025-06-02,09:00,09:30,Hall\n", "rooms.csv": "name,capacity\nHall,5000000\n"},
        ": cannot import: rooms[0] 'Hall': capacity: 5,000,000 is outside -1,000,000..1,000,000",
    ),
    "workbook without a talks sheet": (
        "xlsx",
        {"book.xlsx": None},
        "book.xlsx: no sheet named 'Talks' or 'All talks' (sheets: Sheet)",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_one_line_naming_the_file_and_row_or_element(tmp_path, case):
    source_format, files, expected = BAD_INPUT[case]
    for name, text in files.items():
        if text is None:
            openpyxl.Workbook().save(tmp_path / name)
        else:
            (tmp_path / name).write_text(text, encoding="utf-8")
    source = tmp_path if source_format == "csv" else tmp_path / next(iter(files))
    with pytest.raises(DataError) as error:
        import_data(source, source_format, timezone="Europe/Berlin" if source_format in ("csv", "xlsx") else None)
    assert str(error.value) == f"{tmp_path}/{expected}".replace("/:", ":")


def test_an_importer_that_leaves_out_a_speaker_gets_the_models_message(tmp_path, monkeypatch):
    """Imported data is checked by the model like a data file: a speaker the importer forgot is named as in one."""
    keep_all = to_data_file._speakers
    monkeypatch.setattr(to_data_file, "_speakers", lambda talks: keep_all(talks)[1:])
    (tmp_path / "talks.csv").write_text(
        "title,day,start,duration,room,speakers\nOpening,2025-06-02,09:00,30,Hall,Ada Lovelace\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as error:
        import_data(tmp_path, "csv", timezone="Europe/Berlin")
    assert str(error.value) == f"{tmp_path}: cannot import: talks[0] 'opening': speaker 'ada-lovelace' is not defined"


def test_cli_imports_and_says_what_it_wrote(tmp_path):
    source, out = FIXTURES / "pretalx_schedule.json", tmp_path / "democon.yaml"
    result = run_cli("import", source, "--format", "pretalx-json", "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"wrote {out}: DemoCon 2025: 6 talks, 5 speakers, 4 rooms, 2 day(s), 5 blocks; pins: none\n"
        f"wrote {tmp_path / 'democon.published.json'}: the published timetable (whatif --baseline)\n"
    )
    first_line = out.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# Imported by `confsched import` from pretalx schedule.json (frab JSON): {source}"
    load(out)


@pytest.mark.parametrize(
    ("name", "text", "source_format", "message"),
    [
        (
            "broken.xml",
            "<schedule><conference><title>X</title></conference>\n<day><room></day></schedule>\n",
            "frab-xml",
            "broken.xml:2: XML syntax error: mismatched tag (column 14)",
        ),
        (
            "talks.csv",
            "title,day,room\nOpening,2025-06-02,Hall\n",
            "csv",
            "talks.csv:1: missing column(s): start, end or duration (a talks table needs title, day, start, end or "
            "duration, and room)",
        ),
    ],
    ids=["malformed XML", "CSV without start and end"],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, name, text, source_format, message):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "data.yaml"
    result = run_cli("import", source, "--format", source_format, "--out", out, "--timezone", "Europe/Berlin")
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path}/{message}\n"
    assert "Traceback" not in result.stderr
    assert not out.exists()


# Issue 17: no silent coercion. What a source says is read as it says it, or refused in one line: never a guess.


def frab_event(**fields):
    return {"id": 1, "title": "T", "date": "2025-06-02T09:00:00+02:00", "duration": "00:30", **fields}


def frab_document(event=None, rooms=None):
    conference = {"title": "X", "time_zone_name": "Europe/Berlin", "rooms": rooms or [{"name": "Hall"}]}
    conference["days"] = [{"date": "2025-06-02", "rooms": {"Hall": [event or frab_event()]}}]
    return json.dumps({"schedule": {"conference": conference}}, ensure_ascii=False)


EVENT = "schedule.conference.days[0].rooms['Hall'][0] 'T'"
WIDGET_TALK = {"code": "ADA1", "title": "T", "start": "2025-06-02T09:00:00+02:00", "end": "2025-06-02T09:30:00+02:00"}

COERCIONS = {
    "pretalx speakers as one text": (  # was read letter by letter: speakers A and D
        "pretalx-json",
        json.dumps(
            {
                "timezone": "UTC",
                "rooms": [{"id": 1, "name": "Hall"}],
                "talks": [{**WIDGET_TALK, "room": 1, "speakers": "ADA"}],
            }
        ),
        "talks[0]: speakers: expected a list of speaker codes, got 'ADA'",
    ),
    "pretalx speaker code as an object": (
        "pretalx-json",
        json.dumps(
            {
                "timezone": "UTC",
                "rooms": [{"id": 1, "name": "Hall"}],
                "talks": [{**WIDGET_TALK, "room": 1, "speakers": ["ADA", {"code": "X"}]}],
            }
        ),
        'talks[0]: speakers[1]: expected a speaker code, got {"code": "X"}',
    ),
    "frab code as an object": (  # was the id "{'a': 1}"
        "frab-json",
        frab_document(frab_event(code={"a": 1})),
        f'{EVENT}: code: expected text, got {{"a": 1}}',
    ),
    "frab id as a list": (  # was the id "['x']"
        "frab-json",
        frab_document(frab_event(id=["x"])),
        f'{EVENT}: id: expected text, got ["x"]',
    ),
    "frab person code as an object": (
        "frab-json",
        frab_document(frab_event(persons=[{"name": "Ada", "code": {"x": 1}}])),
        f'{EVENT}: persons[0].code: expected text, got {{"x": 1}}',
    ),
    "frab persons as one text": (
        "frab-json",
        frab_document(frab_event(persons="Ada")),
        f"{EVENT}: persons: expected a list of people, got 'Ada'",
    ),
    "frab title as true": (
        "frab-json",
        frab_document(frab_event(title=True)),
        "schedule.conference.days[0].rooms['Hall'][0]: title: expected text, got true",
    ),
    "frab duration in Arabic-Indic digits": (
        "frab-json",
        frab_document(frab_event(duration="٠٠:٣٠")),
        f"{EVENT}: duration: expected a duration as 'HH:MM', got '٠٠:٣٠'",
    ),
    "CSV start in Arabic-Indic digits": (
        "csv",
        TALKS + "a,A,2025-06-02,٠٩:٠٠,09:30,Hall\n",
        "talk 'a': start: expected a time as 'HH:MM' in the digits 0-9, got '٠٩:٠٠'",
    ),
    "CSV duration in Arabic-Indic digits": (
        "csv",
        "title,day,start,duration,room\nA,2025-06-02,09:00,٣٠,Hall\n",
        "talk 'A': duration: expected a whole number, got '٣٠'",
    ),
}
# a capacity the source gives but that is no number of seats was taken as unknown: 10,000 seats
for shown_value, value in {"NaN": float("nan"), "-5": -5, "'lots'": "lots", "true": True, "12.5": 12.5}.items():
    COERCIONS[f"frab capacity {shown_value}"] = (
        "frab-json",
        frab_document(rooms=[{"name": "Hall", "capacity": value}]),
        # NaN is no JSON at all: the JSON reader refuses it before the capacity is read
        "invalid JSON: NaN is not a JSON number"
        if shown_value == "NaN"
        else f"schedule.conference.rooms[0] 'Hall': capacity: expected a whole number of seats, got {shown_value}",
    )


@pytest.mark.parametrize("case", COERCIONS)
def test_a_value_the_source_does_not_mean_is_refused_not_coerced(tmp_path, case):
    source_format, text, expected = COERCIONS[case]
    name = {"csv": "talks.csv", "frab-json": "schedule.json", "pretalx-json": "widget.json"}[source_format]
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    line = ":2" if source_format == "csv" else ""
    with pytest.raises(DataError) as error:
        import_data(source, source_format, timezone="Europe/Berlin" if source_format == "csv" else None)
    assert str(error.value) == f"{source}{line}: {expected}"


def test_whole_capacities_stay_and_missing_ones_get_the_placeholder(tmp_path):
    source = tmp_path / "schedule.json"
    rooms = [{"name": "Hall", "capacity": 120.0}, {"name": "Annex", "capacity": None}, {"name": "Foyer"}]
    source.write_text(frab_document(rooms=rooms))
    imported = import_data(source, "frab-json")
    assert [(room.name, room.capacity) for room in imported.rooms] == [
        ("Hall", 120),
        ("Annex", UNKNOWN_CAPACITY),
        ("Foyer", UNKNOWN_CAPACITY),
    ]


def test_a_true_cell_is_no_capacity(tmp_path):
    """A workbook's TRUE was a capacity of 1 seat (Python counts True as 1)."""
    workbook = openpyxl.Workbook()
    talks = workbook.active
    talks.title = "Talks"
    talks.append(["title", "day", "start", "duration", "room"])
    talks.append(["T", dt.datetime(2025, 6, 2), dt.time(9, 0), 30, "Hall"])
    workbook.create_sheet("Rooms").append(["name", "capacity"])
    workbook["Rooms"].append(["Hall", True])
    workbook.save(tmp_path / "book.xlsx")
    with pytest.raises(DataError) as error:
        import_data(tmp_path / "book.xlsx", "xlsx", timezone="Europe/Berlin")
    assert (
        str(error.value)
        == f"{tmp_path / 'book.xlsx'}: sheet 'Rooms' row 2, room 'Hall': capacity: expected a whole number, got True"
    )


def test_a_time_cell_with_seconds_is_refused_not_cut_to_the_minute(tmp_path):
    workbook = openpyxl.Workbook()
    talks = workbook.active
    talks.title = "Talks"
    talks.append(["title", "day", "start", "duration", "room"])
    talks.append(["T", dt.datetime(2025, 6, 2), dt.time(9, 0, 30), 30, "Hall"])
    workbook.save(tmp_path / "book.xlsx")
    with pytest.raises(DataError) as error:
        import_data(tmp_path / "book.xlsx", "xlsx", timezone="Europe/Berlin")
    assert str(error.value) == (
        f"{tmp_path / 'book.xlsx'}: sheet 'Talks' row 2, talk 'T': start: expected a time in whole minutes, "
        "got 09:00:30"
    )
