"""The export formats, each opened with the parser or program its users have: frab against its published schemas,
calendars with icalendar, the workbook with openpyxl and pandas, the timetable page in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import icalendar
import openpyxl
import pandas as pd
import pytest
from conftest import DATA, ROOT, conference, run_cli, solved

from scheduler import load
from scheduler.data import Speaker, exported_text, format_clock
from scheduler.exporters import EXPORTERS, Exporter, export, ics, ics_split
from scheduler.exporters.csv import talk_table
from scheduler.exporters.html import to_html
from scheduler.exporters.ics_split import to_split_ics
from scheduler.exporters.stable_ids import TALK_NAMESPACE
from scheduler.formats.slugs import DistinctNames, distinct, file_stems
from scheduler.schedule import Assignment, Schedule

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
NEURIPS = DATA / "neurips2024_tutorials.yaml"
XSS_TITLE = "<script>alert(1)</script>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SAFE_FILE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.ics$")


def hostile_conference():
    """Two days across the spring DST change in Berlin, with names meant to break file names and markup."""
    return conference(
        conference={
            "name": "Hostile <Conf> & Co",
            "timezone": "Europe/Berlin",
            "days": [
                {
                    "date": "2025-03-29",
                    "blocks": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "16:00"}],
                },
                {"date": "2025-03-30", "blocks": [{"start": "09:00", "end": "12:00"}]},
            ],
        },
        rooms=[
            {"name": "../../etc/passwd", "capacity": 100},
            {"name": "A/B", "capacity": 100},
            {"name": "a b", "capacity": 100},
            {"name": "CON", "capacity": 100},
            {"name": "会议室", "capacity": 100},
            {"name": ".hidden", "capacity": 100},
        ],
        speakers=[
            {"id": "ada", "name": "Ada Lovelace"},
            {"id": "evil", "name": "../../evil"},
            {"id": "twin1", "name": "Same Name"},
            {"id": "twin2", "name": "Same Name"},
            {"id": "xss", "name": "<img src=x onerror=alert(2)>"},
        ],
        talks=[
            _talk("tutorial", "Long tutorial", 150, "ML/AI", ["ada"], "2025-03-29", "09:00", "../../etc/passwd"),
            _talk("xss", XSS_TITLE, 30, "Security & <Privacy>", ["xss", "evil"], "2025-03-29", "09:00", "A/B"),
            _talk("short", "Short talk", 30, "ML/AI", ["twin1"], "2025-03-29", "13:00", "../../etc/passwd"),
            _talk("a b", "Tab\tand\nline break in the title", 45, None, ["twin2"], "2025-03-30", "10:00", "CON"),
            _talk("a-b", "Ünïcödé 会议", 30, "..", ["ada"], "2025-03-30", "09:00", "会议室"),
            _talk("hidden", "Hidden room", 30, None, [], "2025-03-30", "09:00", ".hidden"),
            _talk("ab", "Same slug?", 30, None, [], "2025-03-29", "10:00", "a b"),
        ],
    )


def _talk(talk_id, title, duration, track, speakers, day, start, room):
    talk = {"id": talk_id, "title": title, "duration": duration, "speakers": speakers}
    if track:
        talk["track"] = track
    talk["pin"] = {"day": day, "start": start, "room": room}
    return talk


@pytest.fixture(scope="module")
def hostile():
    return solved(hostile_conference())


@pytest.fixture(scope="module")
def neurips():
    return solved(load(NEURIPS), time_limit=30)


def exported(schedule, directory: Path, *formats: str) -> Path:
    export(schedule, directory, list(formats))
    return directory


def needs_schema(name: str) -> Path:
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the frab schemas live in ../shared/schemas beside the repository")
    return path


# frab


@pytest.mark.parametrize("which", ["neurips", "hostile"])
def test_frab_xml_is_valid_against_the_xsd(which, request, tmp_path):
    etree = pytest.importorskip("lxml.etree", reason="lxml validates the XSD (pip install -e '.[test]')")
    schema = etree.XMLSchema(etree.parse(str(needs_schema("schedule.xml.xsd"))))
    schedule = request.getfixturevalue(which)
    document = etree.parse(str(exported(schedule, tmp_path, "frab-xml") / "frab" / "schedule.xml"))
    assert schema.validate(document), schema.error_log
    events = document.findall("day/room/event")
    assert len(events) == len(schedule.data.talks)
    assert len(document.findall("day")) == len(schedule.data.conference.days)


def test_frab_xml_content(hostile, tmp_path):
    etree = pytest.importorskip("lxml.etree")
    document = etree.parse(str(exported(hostile, tmp_path, "frab-xml") / "frab" / "schedule.xml"))
    events = {event.findtext("title"): event for event in document.iter("event")}
    assert XSS_TITLE in events  # kept as text, not dropped or double-escaped
    assert "Tab\tand\nline break in the title" in events  # (a bell cannot be in a data file: test_hostile_input.py)
    tutorial = events["Long tutorial"]
    assert (tutorial.findtext("duration"), tutorial.findtext("start")) == ("02:30", "09:00")
    assert tutorial.findtext("date") == "2025-03-29T09:00:00+01:00"
    assert tutorial.findtext("track") == "ML/AI"
    assert tutorial.getparent().get("name") == "../../etc/passwd"
    assert [person.text for person in events[XSS_TITLE].iter("person")] == [
        "<img src=x onerror=alert(2)>",
        "../../evil",
    ]
    assert {track.get("name") for track in document.findall("conference/track")} == {
        "ML/AI",
        "Security & <Privacy>",
        "..",
    }


def test_frab_json_is_valid_against_the_schema(neurips, hostile, tmp_path):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema validates frab JSON (pip install -e '.[test]')")
    schema = json.loads(needs_schema("schedule.schema.json").read_text())
    # the format checker also checks date-times (with their UTC offsets) and URIs, not only the structure
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    for name, schedule in (("neurips", neurips), ("hostile", hostile)):
        document = json.loads((exported(schedule, tmp_path / name, "frab-json") / "frab" / "schedule.json").read_text())
        assert [error.message for error in validator.iter_errors(document)] == []


def _frab_events(schedule, directory: Path) -> dict[str, dict]:
    document = json.loads((exported(schedule, directory, "frab-json") / "frab" / "schedule.json").read_text())
    days = document["schedule"]["conference"]["days"]
    return {event["title"]: event for day in days for events in day["rooms"].values() for event in events}


def test_frab_days_carry_each_days_utc_offset(hostile, tmp_path):
    document = json.loads((exported(hostile, tmp_path, "frab-json") / "frab" / "schedule.json").read_text())
    days = document["schedule"]["conference"]["days"]
    # Berlin moves from +01:00 to +02:00 in the night before 2025-03-30
    assert [(day["day_start"], day["day_end"]) for day in days] == [
        ("2025-03-29T09:00:00+01:00", "2025-03-29T16:00:00+01:00"),
        ("2025-03-30T09:00:00+02:00", "2025-03-30T12:00:00+02:00"),
    ]
    assert list(days[0]["rooms"]) == ["../../etc/passwd", "A/B", "a b"]
    assert document["schedule"]["conference"]["time_zone_name"] == "Europe/Berlin"


def test_frab_guids_and_ids_are_stable_across_solves_and_reordering(neurips, tmp_path):
    data = load(NEURIPS)
    other_seed = solved(data, seed=1, time_limit=30)
    reordered = data.model_copy(update={"talks": list(reversed(data.talks))})
    runs = [
        _frab_events(schedule, tmp_path / str(index))
        for index, schedule in enumerate([neurips, other_seed, solved(reordered, time_limit=30)])
    ]
    identities = [{title: (event["guid"], event["id"], event["slug"]) for title, event in run.items()} for run in runs]
    assert identities[0] == identities[1] == identities[2]
    for talk in data.talks:
        expected = uuid.uuid5(TALK_NAMESPACE, f"{data.conference.name}/{talk.id}")
        assert runs[0][talk.title]["guid"] == str(expected)
    bengio = {person["guid"] for run in runs for event in run.values() for person in event["persons"]}
    assert len(bengio) == len(data.speakers)  # one guid per speaker, whichever talk or run names them


def test_frab_slugs_are_unique_even_when_talk_ids_slugify_alike(hostile, tmp_path):
    events = _frab_events(hostile, tmp_path)
    slugs = [event["slug"] for event in events.values()]
    assert len(set(slugs)) == len(slugs) == len(hostile.data.talks)
    assert all(re.fullmatch(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}", slug) for slug in slugs)
    assert events["Same slug?"]["slug"] == "hostile_conf_co-talk-ab"


# split calendars


def test_split_ics_file_names_are_safe_and_each_file_parses(hostile, tmp_path):
    out = exported(hostile, tmp_path / "out", "ics-split", "ics")
    # nothing was written anywhere but the three calendar folders (and schedule.ics)
    written = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file())
    assert all(re.fullmatch(r"out/(schedule\.ics|ics/(rooms|speakers|tracks)/[^/]+\.ics)", path) for path in written)
    assert all(SAFE_FILE.match(Path(path).name) for path in written)
    rooms = sorted(path.name for path in (out / "ics" / "rooms").iterdir())
    assert "etc-passwd.ics" in rooms and "a-b.ics" in rooms and "a-b-2.ics" in rooms and "hidden.ics" in rooms
    assert len(rooms) == 6 and not any(name.startswith("con.") for name in rooms)
    speakers = sorted(path.name for path in (out / "ics" / "speakers").iterdir())
    assert {"same-name.ics", "same-name-2.ics", "evil.ics", "ada-lovelace.ics"} <= set(speakers)
    whole = icalendar.Calendar.from_ical((out / "schedule.ics").read_bytes())
    uids = {str(event["UID"]) for event in whole.walk("VEVENT")}
    for folder in ("rooms", "speakers", "tracks"):
        for path in (out / "ics" / folder).iterdir():
            calendar = icalendar.Calendar.from_ical(path.read_bytes())
            events = list(calendar.walk("VEVENT"))
            assert events, path
            assert {str(event["UID"]) for event in events} <= uids  # the same event, so clients merge them
            assert str(calendar["X-WR-CALNAME"]).startswith("Hostile <Conf> & Co: ")
    passwd = icalendar.Calendar.from_ical((out / "ics" / "rooms" / "etc-passwd.ics").read_bytes())
    assert sorted(str(event["SUMMARY"]) for event in passwd.walk("VEVENT")) == ["Long tutorial", "Short talk"]
    ada = icalendar.Calendar.from_ical((out / "ics" / "speakers" / "ada-lovelace.ics").read_bytes())
    assert len(list(ada.walk("VEVENT"))) == 2


def test_split_ics_removes_calendars_that_no_longer_exist(hostile, tmp_path):
    stale = tmp_path / "ics" / "rooms" / "demolished-room.ics"
    stale.parent.mkdir(parents=True)
    stale.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    notes = tmp_path / "ics" / "rooms" / "notes.txt"
    notes.write_text("mine")
    exported(hostile, tmp_path, "ics-split")
    assert not stale.exists()
    assert notes.read_text() == "mine"  # only calendars are ours to remove


def many_speakers(speakers: int) -> Schedule:
    """`speakers` speakers with a talk each (every tenth a panel with the next speaker), placed without a solve."""
    talks = [
        {
            "id": f"t{index}",
            "title": f"Talk {index}",
            "duration": 30,
            "track": f"Track {index % 7}",
            "speakers": [f"s{index}"] + ([f"s{(index + 1) % speakers}"] if index % 10 == 0 else []),
        }
        for index in range(speakers)
    ]
    days = [{"date": f"2025-06-{2 + day:02d}", "blocks": [{"start": "00:00", "end": "24:00"}]} for day in range(9)]
    data = conference(
        conference={"days": days, "granularity": 30},
        rooms=[{"name": f"Room {room}", "capacity": 100} for room in range(3)],
        speakers=[
            {"id": f"s{index}", "name": "Same Name" if index % 2 else f"Speaker {index}"} for index in range(speakers)
        ],
        talks=talks,
    )
    assignments = []
    for index in range(speakers):
        day, within = divmod(index, 3 * 48)
        slot, room = divmod(within, 3)
        start = slot * 30
        assignments.append(
            Assignment(
                talk=f"t{index}",
                day=data.conference.days[day].date,
                start=format_clock(start),
                end=format_clock(start + 30),
                room=f"Room {room}",
            )
        )
    return Schedule(data, assignments)


class CountingRows(list):
    """The schedule's (talk, assignment) rows, counting how many of them are visited."""

    visited = 0

    def __iter__(self):
        for row in super().__iter__():
            CountingRows.visited += 1
            yield row


@pytest.mark.parametrize("speakers", [40, 400])
def test_split_ics_work_is_linear_in_talks_and_speakers(speakers, monkeypatch):
    """Issue 17: ics-split was quadratic (each speaker's calendar scanned every talk; each event rebuilt a table of
    every speaker's name). Counted, not timed (benchmarks/ics_split.py times it): whatever the number of speakers,
    the talks are passed over once, each talk's event is made once, and each speaker's name is looked up a constant
    number of times."""
    schedule = many_speakers(speakers)
    made, names = [], []
    original_event = ics.talk_event
    original_name = Speaker.display_name
    monkeypatch.setattr(ics, "talk_event", lambda *args: made.append(args[1].id) or original_event(*args))
    monkeypatch.setattr(
        Speaker, "display_name", property(lambda self: names.append(self.id) or original_name.fget(self))
    )
    rows = CountingRows(schedule.rows())
    monkeypatch.setattr(schedule, "rows", lambda: rows)
    CountingRows.visited = 0
    files = to_split_ics(schedule)

    assert CountingRows.visited == speakers  # one pass over the talks
    assert sorted(made) == sorted(talk.id for talk in schedule.data.talks)  # each event made once
    assert len(names) <= 2 * speakers  # a name for each speaker's file (labels), none per event
    panels = speakers // 10
    memberships = speakers + speakers + (speakers + panels)  # its room's, its track's and each speaker's calendar
    assert sum(content.count(b"BEGIN:VEVENT") for content in files.values()) == memberships
    assert sum(content.count(b"BEGIN:VTIMEZONE") for content in files.values()) == len(files)
    speaker_files = [name for name in files if name.startswith("ics/speakers/")]
    assert len(speaker_files) == speakers  # 'Same Name' many times still gives each speaker a file
    assert len([name for name in speaker_files if "same-name" in name]) == speakers // 2


def test_split_ics_refuses_calendars_that_repeat_too_much_text(tmp_path, monkeypatch):
    """Issue 17: each talk is written again into each of its speakers' calendars, so 100 speakers with 10,000-character
    names on 19 talks (a 15 KB file that validates) would make 1.9 GB of calendars. `solve` refuses before solving,
    `export` before writing, each with one line naming the data file; other formats are still written."""
    catalogue = (ROOT / "tests" / "bad_inputs" / "data" / "talk-text-speaker-names-repeated.yaml").read_text()
    lines = catalogue.splitlines()[1:-1]  # without its expectation and its last talk: below the talks' text limit
    path = tmp_path / "panels.yaml"
    path.write_text("\n".join(lines) + "\n")
    data = load(path)
    sizes = exported_text(data)  # a talk's title, the room's name and 100 names of 10,000 characters
    assert len(sizes) == 19 and min(sizes) > 100 * 10_000
    total = sum(size * (1 + 100) for size in sizes)  # in its room's calendar and each speaker's (no track)
    expected = (
        f"error: {path}: ics-split would write {total:,} characters of talk text, more than 100,000,000: each talk is "
        "written again into its room's, its track's and each of its speakers' calendar; shorten the abstracts or "
        "speaker names, or leave ics-split out"
    )
    solved_run = run_cli("solve", path, "--formats", "csv,ics-split", "--out", tmp_path / "out")
    assert (solved_run.returncode, solved_run.stdout, solved_run.stderr) == (2, "", expected + "\n")
    assert not (tmp_path / "out").exists()
    (tmp_path / "schedule.json").write_text('{"assignments": []}')
    exported_run = run_cli(
        "export", tmp_path / "schedule.json", "--data", path, "--format", "ics-split", "--out", tmp_path / "out"
    )
    assert (exported_run.returncode, exported_run.stdout, exported_run.stderr) == (2, "", expected + "\n")
    assert not (tmp_path / "out").exists()
    monkeypatch.setattr(ics_split, "MAX_SPLIT_TEXT", total)  # at the limit it writes
    assert ics_split.size_problem(data) is None
    monkeypatch.setattr(ics_split, "MAX_SPLIT_TEXT", total - 1)
    with pytest.raises(ics_split.SplitTooLarge):
        to_split_ics(Schedule(data, []))


def test_distinct_names_for_many_alike_cost_linear_work():
    """A thousand speakers whose names make the same slug: each gets its number without trying every smaller one
    (counted through the set of names taken)."""
    names = DistinctNames()
    lookups = 0

    class CountingSet(set):
        def __contains__(self, item):
            nonlocal lookups
            lookups += 1
            return super().__contains__(item)

    names.taken = CountingSet()
    given = [names.name("n-n") for _ in range(1000)]
    assert given[:3] == ["n-n", "n-n-2", "n-n-3"] and len(set(given)) == 1000
    assert lookups <= 2 * 1000
    assert distinct(["a", "a", "a-2", "a"]) == ["a", "a-2", "a-2-2", "a-3"]


def test_file_stems_are_safe_and_distinct_for_any_name():
    names = [
        "../../etc/passwd",
        "A/B",
        "a b",
        "a-b",
        "",
        ".",
        "..",
        "...",
        "CON",
        "nul",
        "李雷",
        "王芳",
        "x" * 300,
        "C:\\x",
    ]
    stems = file_stems(names)
    assert len(set(stems)) == len(names)
    for stem in stems:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", stem) and len(stem) <= 80
        assert stem not in {"con", "nul"}
    assert stems[:4] == ["etc-passwd", "a-b", "a-b-2", "a-b-3"]
    assert file_stems(names) == stems  # stable


def test_export_refuses_a_path_outside_the_directory(hostile, tmp_path, monkeypatch):
    monkeypatch.setitem(EXPORTERS, "escape", Exporter(lambda schedule: {"../escaped.txt": "x"}))
    with pytest.raises(ValueError, match=r"escaped\.txt"):
        export(hostile, tmp_path / "out", ["csv", "escape"])
    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "out").exists()  # rendering fails before anything is written


# XLSX


def test_xlsx_has_a_grid_per_day_and_the_list(hostile, tmp_path):
    path = exported(hostile, tmp_path, "xlsx") / "schedule.xlsx"
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Sat 2025-03-29", "Sun 2025-03-30", "All talks", "Rooms", "Speakers"]
    grid = workbook["Sat 2025-03-29"]
    rooms = [cell.value for cell in grid[1][1:]]
    assert rooms == ["../../etc/passwd", "A/B", "a b", "CON", "会议室", ".hidden"]
    assert grid["A2"].value == "09:00" and grid["A38"].value == "12:00"
    assert grid["B2"].value == "Long tutorial\nAda Lovelace"  # 09:00 in the first room
    assert grid["C2"].value == f"{XSS_TITLE}\n<img src=x onerror=alert(2)>; ../../evil"
    merged = {str(cell_range) for cell_range in grid.merged_cells.ranges}
    assert "B2:B31" in merged  # 150 minutes = 30 rows of 5 minutes
    assert "B50:B55" in merged  # the 13:00 talk, 30 minutes, in the same room
    assert grid["B2"].alignment.wrap_text and grid.freeze_panes == "B2"
    assert grid.column_dimensions["B"].width >= 20
    listed = pd.read_excel(path, sheet_name="All talks", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(listed, talk_table(hostile))


def test_xlsx_is_identical_for_an_identical_schedule(hostile, tmp_path):
    first = (exported(hostile, tmp_path / "1", "xlsx") / "schedule.xlsx").read_bytes()
    second = (exported(hostile, tmp_path / "2", "xlsx") / "schedule.xlsx").read_bytes()
    assert first == second


# HTML


def test_html_escapes_every_title_and_name(hostile):
    page = to_html(hostile)
    assert XSS_TITLE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "Hostile &lt;Conf&gt; &amp; Co" in page
    assert page.count("<script") == 1  # the page's own filter script, nothing else


def test_html_is_self_contained(neurips):
    page = to_html(neurips)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed (.ci/run installs Debian's package: apt-get install chromium)")
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright drives Chromium (pip install -e '.[test]')"
    )
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, html: Path):
    """The page as a visitor sees it, with every request that is not the file itself recorded and refused."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests, dialogs = [], []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(html.as_uri())
    return page, requests, dialogs


def box(page, talk_id: str) -> dict:
    return page.locator(f'.talk[data-talk="{talk_id}"]').bounding_box()


def test_timetable_in_chromium(browser, hostile, tmp_path):
    html = exported(hostile, tmp_path, "html") / "schedule.html"
    page, requests, dialogs = open_page(browser, html)
    assert dialogs == []  # no title or name ran as script
    assert requests == [html.as_uri()]  # works offline: nothing else was fetched
    assert page.locator(".day").count() == 2
    xss = page.locator('.talk[data-talk="xss"]')
    assert xss.locator(".title").text_content() == XSS_TITLE
    assert xss.locator(".who").text_content() == "<img src=x onerror=alert(2)>, ../../evil"

    tutorial, short, parallel = box(page, "tutorial"), box(page, "short"), box(page, "xss")
    assert tutorial["height"] > 4 * short["height"]  # 150 minutes against 30
    assert tutorial["x"] == short["x"]  # one room, one column
    assert short["y"] > tutorial["y"] + tutorial["height"]  # 13:00 comes after 09:00-11:30
    assert parallel["y"] == tutorial["y"] and parallel["x"] > tutorial["x"]  # same start, next room
    head = page.locator(".day").first.locator(".room-head", has_text="A/B").bounding_box()
    assert head["x"] == parallel["x"] and head["width"] == parallel["width"]
    page.screenshot(path=tmp_path / "timetable.png", full_page=True)

    page.select_option("#track-filter", "ML/AI")
    assert page.locator('.talk[data-talk="tutorial"]').is_visible()
    assert page.locator('.talk[data-talk="short"]').is_visible()
    assert xss.is_hidden() and page.locator('.talk[data-talk="hidden"]').is_hidden()
    assert box(page, "tutorial") == tutorial  # the grid does not reflow
    assert page.locator("#shown").text_content() == "2 of 7 talks shown"
    page.select_option("#track-filter", "")
    page.select_option("#speaker-filter", "ada")
    visible = [talk.get_attribute("data-talk") for talk in page.locator(".talk").all() if talk.is_visible()]
    assert visible == ["tutorial", "a-b"]
    page.screenshot(path=tmp_path / "timetable-ada.png", full_page=True)

    xss.click() if xss.is_visible() else page.locator('.talk[data-talk="tutorial"]').click()
    assert page.locator("dialog#details").is_visible()
    page.emulate_media(media="print")
    assert page.locator("#filters").is_hidden()
    assert (tmp_path / "timetable.png").stat().st_size > 10_000
    page.close()


def test_neurips_timetable_in_chromium(browser, neurips, tmp_path):
    html = exported(neurips, tmp_path, "html") / "schedule.html"
    page, requests, dialogs = open_page(browser, html)
    assert page.locator(".room-head").count() == len(neurips.data.rooms) == 7
    talks = page.locator(".talk")
    assert talks.count() == 14
    boxes = [talks.nth(index).bounding_box() for index in range(14)]
    assert len({round(b["x"]) for b in boxes}) == 7  # two tutorials in each room's column
    assert len({round(b["y"]) for b in boxes}) == 2  # a morning and an afternoon row
    assert len({round(b["height"]) for b in boxes}) == 1  # every tutorial lasts 150 minutes
    page.screenshot(path=tmp_path / "neurips.png", full_page=True)
    talks.first.click()  # the box shows what fits; the dialog shows the room and the abstract too
    details = page.locator("dialog#details")
    talk = next(talk for talk in neurips.data.talks if talk.id == talks.first.get_attribute("data-talk"))
    assert details.is_visible() and talk.abstract.split(".")[0] in details.text_content()
    assert details.locator(".room-name").is_visible() and talks.first.locator(".room-name").is_hidden()
    page.screenshot(path=tmp_path / "neurips-details.png")
    assert requests == [html.as_uri()] and dialogs == []
    page.close()


# command line


def test_export_command_writes_the_chosen_formats(neurips, tmp_path):
    export(neurips, tmp_path, ["json"])
    out = tmp_path / "out"
    result = run_cli(
        "export", tmp_path / "schedule.json", "--data", NEURIPS, "--format", "frab-xml,frab-json,ics-split,xlsx,html",
        "--out", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "wrote 7 files in" in result.stdout
    for name in ("frab/schedule.xml", "frab/schedule.json", "schedule.xlsx", "schedule.html", "ics/rooms"):
        assert (out / name).exists(), name


def test_export_command_refuses_a_schedule_that_breaks_a_rule(neurips, tmp_path):
    export(neurips, tmp_path, ["json"])
    document = json.loads((tmp_path / "schedule.json").read_text())
    document["assignments"][1].update({key: document["assignments"][0][key] for key in ("day", "start", "end", "room")})
    (tmp_path / "schedule.json").write_text(json.dumps(document))
    result = run_cli(
        "export", tmp_path / "schedule.json", "--data", NEURIPS, "--format", "html", "--out", tmp_path / "out"
    )
    assert result.returncode == 1
    assert "[room-conflict]" in result.stderr and "nothing was exported" in result.stderr
    assert not (tmp_path / "out").exists()
    result = run_cli(
        "export", tmp_path / "schedule.json", "--data", NEURIPS, "--format", "pdf", "--out", tmp_path / "out"
    )
    assert result.returncode == 2 and "unknown format 'pdf'" in result.stderr


def test_solve_accepts_the_new_formats(tmp_path):
    result = run_cli("solve", NEURIPS, "--out", tmp_path, "--formats", "csv,xlsx,html", "--time-limit", "30")
    assert result.returncode == 0, result.stderr
    names = {path.name for path in tmp_path.iterdir()}
    assert {"schedule.csv", "schedule.html", "schedule.xlsx"} <= names and "schedule.ics" not in names
