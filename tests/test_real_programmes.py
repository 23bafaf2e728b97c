"""Real programmes in and out without loss (issue 16): a frab or pretalx schedule keeps every id and field through
import and export, its published placement becomes the baseline, its own double-bookings are accepted, night talks
stay at night, and pretalx's API JSON imports. Every fixture is built here, in the shapes frab and pretalx write."""

from __future__ import annotations

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import run_cli, solved
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import load, verify
from scheduler.checks.explain import explain
from scheduler.exporters import export
from scheduler.importers import baseline_path, import_data, import_file
from scheduler.schedule import Assignment, Schedule, read_schedule

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
ZONE = "Europe/Berlin"


def needs_schema(name: str) -> Path:
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the frab schemas live in ../shared/schemas beside the repository")
    return path


def person(name: str, number: int | None = None, code: str | None = None, biography: str | None = None) -> dict:
    """A person as frab (numeric id, public_name) or pretalx (code, name, biography) lists it."""
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"person/{name}/{number}/{code}"))
    if code is not None:
        return {"guid": guid, "code": code, "name": name, "biography": biography}
    return {"guid": guid, "id": number, "public_name": name}


def event(number: int, title: str, start: str, minutes: int, room: str, persons: list[dict], **fields) -> dict:
    """A frab event: `start` is local 'YYYY-MM-DDTHH:MM' in Berlin in winter (+01:00)."""
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"event/{number}"))
    return {
        "guid": guid,
        "id": number,
        "date": f"{start}:00+01:00",
        "start": start[-5:],
        "duration": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "room": room,
        "slug": fields.pop("slug", f"realcon-{number}-{title.lower().replace(' ', '-')}"),
        "url": fields.pop("url", f"https://pretalx.example.org/realcon/talk/{number}/"),
        "title": title,
        "subtitle": fields.pop("subtitle", None),
        "track": fields.pop("track", None),
        "type": fields.pop("type", "Talk"),
        "language": fields.pop("language", "en"),
        "abstract": fields.pop("abstract", f"About {title}."),
        "description": fields.pop("description", None),
        "recording_license": fields.pop("recording_license", "CC BY 4.0"),
        "do_not_record": fields.pop("do_not_record", False),
        "persons": persons,
        "links": fields.pop("links", []),
    } | fields


def fahrplan(days: dict[str, list[dict]], rooms: list[dict] | None = None, tracks: list[dict] | None = None) -> dict:
    """A frab JSON document: `days` maps each frab day's date to its events (each names its room)."""
    room_names = list(dict.fromkeys(e["room"] for events in days.values() for e in events))
    listed_rooms = rooms or [
        {"name": name, "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"room/{name}"))} for name in room_names
    ]
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "pretalx", "version": "2025.1.0"},
        "schedule": {
            "version": "1.0",
            "base_url": "https://pretalx.example.org",
            "conference": {
                "acronym": "realcon",
                "title": "RealCon",
                "start": min(days),
                "end": max(days),
                "daysCount": len(days),
                "timeslot_duration": "00:05",
                "time_zone_name": ZONE,
                "url": "https://realcon.example.org/",
                "tracks": tracks or [],
                "rooms": listed_rooms,
                "days": [
                    {
                        "index": index,
                        "date": date,
                        "day_start": f"{date}T04:00:00+01:00",
                        "day_end": f"{dt.date.fromisoformat(date) + dt.timedelta(days=1)}T04:00:00+01:00",
                        "rooms": {
                            name: [e for e in events if e["room"] == name]
                            for name in room_names
                            if any(e["room"] == name for e in events)
                        },
                    }
                    for index, (date, events) in enumerate(sorted(days.items()), start=1)
                ],
            },
        },
    }


def fahrplan_xml(document: dict) -> bytes:
    """The same schedule as frab XML, written as frab and pretalx write it."""
    conference = document["schedule"]["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "version").text = document["schedule"]["version"]
    head = ET.SubElement(root, "conference")
    for key in ("acronym", "title", "start", "end"):
        ET.SubElement(head, key).text = conference[key]
    ET.SubElement(head, "days").text = str(conference["daysCount"])
    ET.SubElement(head, "timeslot_duration").text = conference["timeslot_duration"]
    ET.SubElement(head, "base_url").text = document["schedule"]["base_url"]
    ET.SubElement(head, "url").text = conference["url"]
    ET.SubElement(head, "time_zone_name").text = conference["time_zone_name"]
    for track in conference["tracks"]:
        ET.SubElement(head, "track", name=track["name"], color=track["color"])
    for day in conference["days"]:
        day_element = ET.SubElement(
            root, "day", index=str(day["index"]), date=day["date"], start=day["day_start"], end=day["day_end"]
        )
        for room, events in day["rooms"].items():
            room_element = ET.SubElement(day_element, "room", name=room)
            for e in events:
                attributes = {"guid": e["guid"], "id": str(e["id"])} | ({"code": e["code"]} if "code" in e else {})
                element = ET.SubElement(room_element, "event", attributes)
                for key in ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract", "slug"):
                    if e.get(key) is not None:
                        ET.SubElement(element, key).text = e[key]
                ET.SubElement(element, "track").text = e["track"] or ""
                for key in ("language", "description", "url"):
                    if e.get(key) is not None:
                        ET.SubElement(element, key).text = e[key]
                recording = ET.SubElement(element, "recording")
                ET.SubElement(recording, "license").text = e["recording_license"]
                ET.SubElement(recording, "optout").text = "true" if e["do_not_record"] else "false"
                persons = ET.SubElement(element, "persons")
                for p in e["persons"]:
                    # frab XML needs a numeric id: one from the guid, above the ids the tests give (up to 102), so
                    # that two people never share one
                    number = p.get("id") or 1_000 + uuid.UUID(p["guid"]).int % 1_000_000
                    ET.SubElement(persons, "person", id=str(number), guid=p["guid"]).text = p.get("name") or p.get(
                        "public_name"
                    )
                links = ET.SubElement(element, "links")
                for link in e["links"]:
                    ET.SubElement(links, "link", href=link["url"]).text = link.get("title", "")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_source(tmp_path: Path, document: dict, kind: str = "json") -> Path:
    path = tmp_path / f"schedule.{kind}"
    if kind == "json":
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    else:
        path.write_bytes(fahrplan_xml(document))
    return path


ADA = person("Ada Lovelace", 11)
GRACE = person("Grace Hopper", 12)
SAM_1 = person("Sam Lee", 13)
SAM_2 = person("Sam Lee", 14)  # another person of the same name: frab lists them with two ids


def programme() -> dict:
    """A two-room day with every field frab carries, a double-booked speaker (Ada) and a stream mirror (Grace's
    show and its stream at the same time with the same speaker), and two people called Sam Lee."""
    hall, side, stream = "Hall 1", "Room B", "Stream"
    return fahrplan(
        {
            "2025-12-27": [
                event(
                    101,
                    "Opening",
                    "2025-12-27T10:00",
                    30,
                    hall,
                    [ADA],
                    subtitle="Welcome",
                    description="The long text.",
                    links=[{"url": "https://example.org/slides.pdf", "title": "Slides"}],
                    track="Main",
                ),
                event(102, "Engines", "2025-12-27T10:15", 30, side, [ADA], do_not_record=True, track="Main"),
                event(103, "Compilers", "2025-12-27T11:00", 60, hall, [GRACE], language="de"),
                event(104, "Compilers stream", "2025-12-27T11:00", 60, stream, [GRACE]),
                event(105, "Builds", "2025-12-27T12:00", 30, side, [SAM_1]),
                event(106, "Fonts", "2025-12-27T12:00", 30, hall, [SAM_2]),
            ]
        },
        tracks=[{"name": "Main", "color": "#1F77B4"}],
    )


def test_xml_and_json_of_one_event_give_the_same_ids_and_fields(tmp_path):
    document = programme()
    from_json = import_data(write_source(tmp_path, document, "json"), "frab-json")
    from_xml = import_data(write_source(tmp_path, document, "xml"), "frab-xml")
    talks = {talk.id: talk for talk in from_json.talks}
    order = ["101-opening", "102-engines", "103-compilers", "104-compilers-stream", "106-fonts", "105-builds"]
    assert list(talks) == [talk.id for talk in from_xml.talks] == order  # time order, then Hall 1 before Room B
    opening = talks["101-opening"]
    assert (opening.guid, opening.number, opening.slug) == (
        str(uuid.uuid5(uuid.NAMESPACE_URL, "event/101")),
        101,
        ("realcon-101-opening"),
    )
    assert (opening.subtitle, opening.description, opening.abstract) == ("Welcome", "The long text.", "About Opening.")
    assert (opening.url, opening.language, opening.recording_license) == (
        "https://pretalx.example.org/realcon/talk/101/",
        "en",
        "CC BY 4.0",
    )
    assert [link.model_dump(exclude_none=True) for link in opening.links] == [
        {"url": "https://example.org/slides.pdf", "title": "Slides"}
    ]
    assert talks["102-engines"].do_not_record is True
    assert talks["103-compilers"].language == "de"
    assert from_json.conference.acronym == "realcon"
    assert from_json.conference.base_url == from_xml.conference.base_url == "https://pretalx.example.org"
    assert (
        [(t.name, t.color) for t in from_json.tracks]
        == [(t.name, t.color) for t in from_xml.tracks]
        == [("Main", "#1F77B4")]
    )
    for imported in (from_json, from_xml):
        # the two people called Sam Lee stay two speakers, each with the source's guid
        sams = [s for s in imported.speakers if s.name == "Sam Lee"]
        # (Fonts, by the second Sam Lee, comes first in time)
        assert {s.guid: (s.id, s.number) for s in sams} == {
            SAM_2["guid"]: ("sam-lee", 14),
            SAM_1["guid"]: ("sam-lee-2", 13),
        }
        # and every other field agrees between the two formats
        assert [t.model_dump(exclude={"pin"}) for t in imported.talks] == [
            t.model_dump(exclude={"pin"}) for t in from_json.talks
        ]
    assert sorted(s.number for s in from_json.speakers) == [11, 12, 13, 14]


def test_double_bookings_are_warned_about_and_accepted_by_solve_whatif_and_check(tmp_path):
    source = write_source(tmp_path, programme())
    data_file = tmp_path / "realcon.yaml"
    result = run_cli("import", source, "--format", "frab-json", "--out", data_file)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, result.stderr  # one line each, naming both talks
    assert "Ada Lovelace in two talks at once: '101-opening'" in warnings[0]
    assert "'102-engines'" in warnings[0]
    assert "(a mirror: same speakers, same time): '103-compilers'" in warnings[1]
    assert "'104-compilers-stream'" in warnings[1]
    data = load(data_file)
    assert [item.talks for item in data.accepted] == [
        ["101-opening", "102-engines"],
        ["103-compilers", "104-compilers-stream"],
    ]
    assert all(talk.pin is None for talk in data.talks)  # the placement is the baseline, not pins
    published = baseline_path(data_file)

    assert run_cli("validate", data_file).stdout.rstrip().endswith("; 2 accepted exception(s) (accepted:)")
    # the published timetable passes check as it is, and breaks the rule again once the exceptions are lifted
    assert run_cli("check", data_file, published).returncode == 0
    lifted = run_cli("check", data_file, published, "--no-accepted")
    assert lifted.returncode == 1
    assert "speaker Ada Lovelace gives '101-opening'" in lifted.stdout

    # a default import solves (explain would otherwise blame an availability the source never had)
    solve = run_cli("solve", data_file, "--out", tmp_path / "out", "--time-limit", "10", "--formats", "json")
    assert solve.returncode == 0, solve.stderr
    assert run_cli("check", data_file, tmp_path / "out" / "schedule.json").returncode == 0

    # what-if can move a talk of a default import: Room B closes, Engines moves, the mirror stays as published
    whatif = run_cli(
        "whatif", data_file, "--baseline", published, "--room-closed", "Room B@2025-12-27", "--out", tmp_path / "v2"
    )
    assert whatif.returncode == 0, whatif.stderr
    after = read_schedule(tmp_path / "v2" / "schedule.v2.json", data)
    assert verify(data, after.assignments) == []
    where = {a.talk: (a.day, a.start, a.room) for a in read_schedule(published, data).assignments}
    moved = {a.talk for a in after.assignments if (a.day, a.start, a.room) != where[a.talk]}
    assert {"102-engines", "105-builds"} <= moved
    assert "103-compilers" not in moved and "104-compilers-stream" not in moved


def test_the_library_solves_a_default_import_with_accepted_overlaps(tmp_path):
    data = import_data(write_source(tmp_path, programme()), "frab-json", pins="all")
    schedule = solved(data, time_limit=10)  # verified inside: the accepted pairs overlap as published
    places = {a.talk: (a.start, a.room) for a in schedule.assignments}
    assert places["103-compilers"][0] == places["104-compilers-stream"][0]
    lifted = data.model_copy(update={"accepted": []})
    assert any(v.rule == "speaker-conflict" for v in verify(lifted, schedule.assignments))
    # lifted, the pinned programme has no schedule, and explain names the speaker and the pins, no availability
    assert explain(data, time_limit=10).feasible is True
    why = explain(lifted, time_limit=10)
    assert why.feasible is False
    assert "can be in one place at a time" in why.render() and "available" not in why.render()


def night_programme() -> dict:
    """A congress day with frab's day change at 04:00: two night talks after midnight listed under the 27th."""
    return fahrplan(
        {
            "2025-12-27": [
                event(201, "Morning", "2025-12-27T11:00", 60, "Hall 1", [ADA]),
                event(202, "Noon", "2025-12-27T12:00", 60, "Hall 1", [GRACE]),
                event(203, "Late", "2025-12-27T23:00", 60, "Hall 1", [SAM_1]),
                event(204, "After midnight", "2025-12-28T00:30", 60, "Hall 1", [SAM_2]),
                event(205, "Night owls", "2025-12-28T01:30", 45, "Hall 1", [GRACE]),
            ],
            "2025-12-28": [
                event(206, "Second day", "2025-12-28T11:00", 60, "Hall 1", [ADA]),
                event(207, "Second day too", "2025-12-28T11:00", 60, "Room B", [SAM_1]),
            ],
        }
    )


def test_night_talks_stay_in_the_night_and_export_under_their_frab_day(tmp_path):
    source = write_source(tmp_path, night_programme())
    data_file = tmp_path / "night.yaml"
    data = import_file(source, "frab-json", data_file)
    assert data.conference.day_change == 4 * 60
    night = {talk.id for talk in data.talks if talk.block_types == ["night"]}
    assert night == {"204-after-midnight", "205-night-owls"}
    second = next(day for day in data.conference.days if day.date == dt.date(2025, 12, 28))
    assert [(block.type, block.start, block.end) for block in second.blocks] == [
        ("night", 30, 135),
        ("day", 11 * 60, 12 * 60),
    ]
    # a rescheduling never moves a daytime talk into the night: Room B closes on the 28th, its talk has to move
    result = run_cli(
        "whatif",
        data_file,
        "--baseline",
        baseline_path(data_file),
        "--room-closed",
        "Room B@2025-12-28",
        "--out",
        tmp_path / "v2",
    )
    assert result.returncode == 0, result.stderr
    after = read_schedule(tmp_path / "v2" / "schedule.v2.json", data)
    assert verify(data, after.assignments) == []
    for a in after.assignments:
        if a.talk not in night:
            assert a.start >= 10 * 60, a  # no daytime talk in the night window
    moved = next(a for a in after.assignments if a.talk == "207-second-day-too")
    assert (moved.day, moved.room) != (dt.date(2025, 12, 28), "Room B")

    # exported, the night talks are listed under the 27th again, and the import of that export is the same data
    schedule = solved(import_data(source, "frab-json", pins="all"), time_limit=10)
    export(schedule, tmp_path / "out", ["frab-json", "frab-xml"])
    exported = json.loads((tmp_path / "out" / "frab" / "schedule.json").read_text(encoding="utf-8"))
    days = exported["schedule"]["conference"]["days"]
    assert [day["date"] for day in days] == ["2025-12-27", "2025-12-28"]
    night_of_the_27th = ["Morning", "Noon", "Late", "After midnight", "Night owls"]
    assert [e["title"] for e in days[0]["rooms"]["Hall 1"]] == night_of_the_27th
    for name, fmt in (("schedule.json", "frab-json"), ("schedule.xml", "frab-xml")):
        again = import_data(tmp_path / "out" / "frab" / name, fmt, pins="all")
        assert again.conference.day_change == data.conference.day_change
        assert [t.model_dump() for t in again.talks] == [t.model_dump() for t in schedule.data.talks]


def test_exports_of_an_imported_programme_are_valid_and_carry_its_fields(tmp_path):
    lxml_etree = pytest.importorskip("lxml.etree", reason="lxml validates frab XML against its XSD")
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema validates frab JSON")
    data = import_data(write_source(tmp_path, programme()), "frab-json", pins="all")
    schedule = solved(data, time_limit=10)
    export(schedule, tmp_path / "out", ["frab-json", "frab-xml", "ics"])
    document = json.loads((tmp_path / "out" / "frab" / "schedule.json").read_text(encoding="utf-8"))
    schema = json.loads(needs_schema("schedule.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(document)] == []
    xsd = lxml_etree.XMLSchema(lxml_etree.parse(str(needs_schema("schedule.xml.xsd"))))
    tree = lxml_etree.parse(str(tmp_path / "out" / "frab" / "schedule.xml"))
    assert xsd.validate(tree), xsd.error_log
    events = {
        e["slug"]: e for day in document["schedule"]["conference"]["days"] for r in day["rooms"].values() for e in r
    }
    opening = events["realcon-101-opening"]
    assert opening["guid"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "event/101"))
    assert opening["id"] == 101
    assert opening["url"] == "https://pretalx.example.org/realcon/talk/101/"
    assert opening["persons"] == [{"guid": ADA["guid"], "id": 11, "public_name": "Ada Lovelace"}]
    assert document["schedule"]["base_url"] == "https://pretalx.example.org"
    calendar = (tmp_path / "out" / "schedule.ics").read_text(encoding="utf-8")
    assert f"UID:{opening['guid']}@confsched" in calendar
    assert "URL:https://pretalx.example.org/realcon/talk/101/" in calendar


# --- the round trip, as a property -----------------------------------------------------------------------------

_CODES = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=6, max_size=6)
_WORDS = st.text("abcdefghij klmnop", min_size=1, max_size=20).map(str.strip).filter(bool)


@st.composite
def pretalx_programmes(draw) -> dict:
    """A pretalx-shaped programme: codes, guids, numbers, slugs, optional fields, persons with codes (JSON) or ids."""
    count = draw(st.integers(1, 6))
    codes = draw(st.lists(_CODES, min_size=count, max_size=count, unique=True))
    people = [
        person(
            draw(_WORDS).title(),
            code=code if draw(st.booleans()) else None,
            number=100 + p,
            biography=draw(st.none() | _WORDS),
        )
        for p, code in enumerate(draw(st.lists(_CODES, min_size=3, max_size=3, unique=True)))
    ]
    events = []
    for index, code in enumerate(codes):
        optional = {
            key: draw(st.none() | _WORDS) for key in ("subtitle", "description", "track", "abstract", "language")
        }
        extra = {"code": code} if draw(st.booleans()) else {}
        events.append(
            event(
                1000 + index,
                draw(_WORDS),
                f"2025-12-27T{8 + 2 * index:02d}:{draw(st.sampled_from(['00', '15', '30']))}",
                draw(st.sampled_from([15, 30, 45])),
                draw(st.sampled_from(["Hall", "Side"])),
                draw(st.lists(st.sampled_from(people), max_size=2, unique_by=lambda p: p["guid"])),
                do_not_record=draw(st.booleans()),
                links=draw(
                    st.lists(st.builds(lambda t: {"url": f"https://e.org/{t}", "title": t}, _CODES), max_size=2)
                ),
                slug=f"realcon-{1000 + index}-{code.lower()}",
                **optional,
                **extra,
            )
        )
    return fahrplan({"2025-12-27": events}, tracks=[{"name": "x", "color": "#abcdef"}])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=pretalx_programmes(), kind=st.sampled_from(["json", "xml"]))
def test_import_export_import_is_the_identity(tmp_path_factory, document, kind):
    """import -> export (frab XML or JSON, as the source was) -> import gives the same data file: ids, guids and
    every field kept verbatim."""
    directory = tmp_path_factory.mktemp("round")
    source = write_source(directory, document, kind)
    fmt = f"frab-{kind}"
    first = import_data(source, fmt, pins="all")
    places = published_places(first)
    export(Schedule(first, places), directory / "out", ["frab-xml", "frab-json"])
    second = import_data(directory / "out" / "frab" / f"schedule.{kind}", fmt, pins="all")
    assert second.model_dump() == first.model_dump()
    assert verify(first, places) == []
    # and the other format gives the same talks with the same ids, guids, numbers, slugs and fields, and the same
    # people by guid (frab XML has no place for a person's code, so a pretalx speaker's id differs there)
    other = "xml" if kind == "json" else "json"
    crossed = import_data(directory / "out" / "frab" / f"schedule.{other}", f"frab-{other}", pins="all")

    def talks(data):
        guids = {speaker.id: speaker.guid for speaker in data.speakers}
        return [
            talk.model_dump(exclude={"speakers"}) | {"people": [guids[s] for s in talk.speakers]} for talk in data.talks
        ]

    assert talks(crossed) == talks(first)


def published_places(data):
    """The published placement (the pins of a --pins all import) as assignments."""
    return [
        Assignment.model_validate(
            {
                "talk": talk.id,
                "day": talk.pin.day,
                "start": f"{talk.pin.start // 60:02d}:{talk.pin.start % 60:02d}",
                "end": f"{(talk.pin.start + talk.duration) // 60:02d}:{(talk.pin.start + talk.duration) % 60:02d}",
                "room": talk.pin.room,
            }
        )
        for talk in data.talks
    ]


# --- pretalx's API ----------------------------------------------------------------------------------------------


def api_talk(code: str, title: str, start: str, minutes: int, room: str | None, speakers: list[dict]) -> dict:
    """A talk as /api/events/<event>/talks/ lists it (pretalx 2024/2025), with its slot."""
    begin = dt.datetime.fromisoformat(f"{start}:00+02:00")
    slot = None
    if room is not None:
        end = begin + dt.timedelta(minutes=minutes)
        slot = {"room_id": 1, "room": {"en": room}, "start": begin.isoformat(), "end": end.isoformat()}
    return {
        "code": code,
        "speakers": speakers,
        "title": title,
        "submission_type": {"en": "Talk"},
        "track": {"en": "Python"},
        "state": "confirmed",
        "abstract": f"About {title}.",
        "description": "",
        "duration": minutes,
        "do_not_record": False,
        "content_locale": "en",
        "slot": slot,
    }


def api_page(results: list[dict], next_page: str | None = None) -> dict:
    return {"count": len(results), "next": next_page, "previous": None, "results": results}


def test_pretalx_api_pages_with_rooms_and_availabilities_import(tmp_path):
    ada = {"code": "ADA7QX", "name": "Ada Lovelace", "biography": "Engines.", "avatar": None}
    source = tmp_path / "api"
    source.mkdir()
    page_1 = [
        api_talk("KEY9AB", "Keynote", "2025-05-15T09:00", 45, "Main hall", [ada]),
        api_talk("SPR1NT", "Sprint intro", "2025-05-15T10:00", 30, "Sprint room", []),
    ]
    page_2 = [
        api_talk("PAP3RS", "Packaging", "2025-05-15T10:00", 30, "Main hall", [ada]),
        api_talk("UNSCH1", "Not scheduled", "2025-05-15T10:00", 30, None, []),
    ]
    (source / "talks-1.json").write_text(json.dumps(api_page(page_1, "https://x/?page=2")), encoding="utf-8")
    (source / "talks-2.json").write_text(json.dumps(api_page(page_2)), encoding="utf-8")
    rooms = [
        {"id": 1, "name": {"en": "Main hall"}, "capacity": 122, "availabilities": []},
        {
            "id": 2,
            "name": {"en": "Sprint room"},
            "capacity": None,
            "availabilities": [{"start": "2025-05-15T09:30:00+02:00", "end": "2025-05-15T12:00:00+02:00"}],
        },
    ]
    (source / "rooms.json").write_text(json.dumps(api_page(rooms)), encoding="utf-8")
    (source / "event.json").write_text(
        json.dumps({"name": {"en": "PyCon Test"}, "slug": "pycon", "timezone": "Europe/Berlin"}), encoding="utf-8"
    )
    out = tmp_path / "pycon.yaml"
    result = run_cli("import", source, "--format", "pretalx-json", "--out", out)
    assert result.returncode == 0, result.stderr
    data = load(out)
    assert data.conference.name == "PyCon Test"
    assert [talk.id for talk in data.talks] == ["KEY9AB", "PAP3RS", "SPR1NT"]  # codes verbatim, unscheduled left out
    assert data.talks[0].code == "KEY9AB" and data.talks[0].kind == "Talk" and data.talks[0].track == "Python"
    assert [(s.id, s.biography) for s in data.speakers] == [("ADA7QX", "Engines.")]
    rooms_by_name = {room.name: room for room in data.rooms}
    assert rooms_by_name["Main hall"].unavailable == []  # pretalx: no availabilities given means always open
    assert [w.describe() for w in rooms_by_name["Sprint room"].unavailable] == [
        "2025-05-15 00:00-09:30",
        "2025-05-15 12:00-24:00",
    ]
    solved(data, time_limit=10)

    # one page alone, with the zone given
    single = tmp_path / "talks.json"
    single.write_text(json.dumps(api_page(page_1)), encoding="utf-8")
    one = import_data(single, "pretalx-json", timezone="Europe/Berlin")
    assert [talk.id for talk in one.talks] == ["KEY9AB", "SPR1NT"]


def test_an_unrecognised_json_names_the_accepted_formats(tmp_path):
    source = tmp_path / "other.json"
    source.write_text(json.dumps({"events": []}), encoding="utf-8")
    result = run_cli("import", source, "--format", "pretalx-json", "--out", tmp_path / "x.yaml")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "frab JSON" in lines[0] and "widget" in lines[0] and "/api/events/<event>/talks/" in lines[0]
    frab = run_cli("import", source, "--format", "frab-json", "--out", tmp_path / "x.yaml")
    assert frab.returncode == 2 and "--format pretalx-json" in frab.stderr


def test_an_empty_capacity_stays_unknown_and_room_size_says_what_it_assumes(tmp_path):
    document = programme()
    rooms = document["schedule"]["conference"]["rooms"]
    rooms[0]["capacity"] = 400  # Hall 1
    rooms[1]["capacity"] = None  # Room B: pretalx leaves it empty
    source = write_source(tmp_path, document)
    data_file = tmp_path / "realcon.yaml"
    result = run_cli("import", source, "--format", "frab-json", "--out", data_file)
    assert result.returncode == 0, result.stderr
    assert "note: room-size is off (weights: room-size: 0 in the data file)" in result.stderr
    text = data_file.read_text(encoding="utf-8")
    assert "10000" not in text and "- {name: Room B}" in text
    assert "# room-size is off (weights: room-size: 0)" in text
    data = load(data_file)
    assert data.weights == {"room-size": 0}
    capacities = {room.name: room.capacity for room in data.rooms}
    assert capacities["Hall 1"] == 400
    schedule = solved(import_data(source, "frab-json", pins="all"), time_limit=10)
    export(schedule, tmp_path / "out", ["frab-json"])
    exported = json.loads((tmp_path / "out" / "frab" / "schedule.json").read_text(encoding="utf-8"))
    published = {room["name"]: room["capacity"] for room in exported["schedule"]["conference"]["rooms"]}
    assert published["Hall 1"] == 400
    assert published["Room B"] is None  # never a placeholder number


def test_a_pretalx_talk_with_two_slots_stays_two_talks_and_the_exports_stay_valid(tmp_path):
    """pretalx repeats a submission's code and numeric id for each of its slots; the guids differ."""
    lxml_etree = pytest.importorskip("lxml.etree", reason="lxml validates frab XML against its XSD")
    first = event(301, "Workshop", "2025-12-27T10:00", 60, "Hall 1", [ADA], code="WRK5HP")
    second = event(301, "Workshop", "2025-12-27T14:00", 60, "Hall 1", [ADA], code="WRK5HP")
    second["guid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "event/301/second-slot"))
    data = import_data(write_source(tmp_path, fahrplan({"2025-12-27": [first, second]})), "frab-json", pins="all")
    assert [(t.id, t.code, t.number) for t in data.talks] == [("WRK5HP", "WRK5HP", 301), ("WRK5HP-2", "WRK5HP", 301)]
    schedule = solved(data, time_limit=10)
    export(schedule, tmp_path / "out", ["frab-xml"])
    xsd = lxml_etree.XMLSchema(lxml_etree.parse(str(needs_schema("schedule.xml.xsd"))))
    tree = lxml_etree.parse(str(tmp_path / "out" / "frab" / "schedule.xml"))
    assert xsd.validate(tree), xsd.error_log  # codes, ids, guids and slugs unique
    events = tree.findall(".//event")
    assert [e.get("guid") for e in events] == [first["guid"], second["guid"]]
    assert events[0].get("id") == "301" and events[1].get("id") != "301"


def test_two_talks_in_one_room_at_once_are_a_warning_and_a_whatif_separates_them(tmp_path):
    clash = fahrplan(
        {
            "2025-12-27": [
                event(401, "First", "2025-12-27T10:00", 60, "Hall 1", [ADA]),
                event(402, "Second", "2025-12-27T10:30", 60, "Hall 1", [GRACE]),
                event(403, "Elsewhere", "2025-12-27T10:00", 60, "Room B", [SAM_1]),
                event(404, "Later", "2025-12-27T11:30", 60, "Room B", [SAM_2]),  # the block runs to 12:30
            ]
        }
    )
    data_file = tmp_path / "clash.yaml"
    result = run_cli("import", write_source(tmp_path, clash), "--format", "frab-json", "--out", data_file)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "two talks in Hall 1 at once: '401-first'" in warnings[0] and "'402-second'" in warnings[0]
    data = load(data_file)
    assert data.accepted == []  # a room holds one talk: not accepted
    whatif = run_cli("whatif", data_file, "--baseline", baseline_path(data_file), "--out", tmp_path / "v2")
    assert whatif.returncode == 0, whatif.stderr
    after = read_schedule(tmp_path / "v2" / "schedule.v2.json", data)
    assert verify(data, after.assignments) == []
