"""Bad input: one clear line naming file, line and item; exit code 2; never a traceback."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from conftest import run_cli
from pydantic import ValidationError

from scheduler import ConferenceData, DataError, load
from scheduler import data as data_module
from scheduler.data import CROSS_CHECK, Conference, Room, Speaker, Talk
from scheduler.formats import loading

GOOD = textwrap.dedent(
    """\
    conference:
      name: Test
      timezone: Europe/Vienna
      days:
        - date: 2024-07-27
          blocks:
            - {start: "09:00", end: "10:30"}
            - {start: "11:00", end: "12:00"}
    rooms:
      - {name: Hall, capacity: 100}
    speakers:
      - {id: y.bengio, name: Yoshua Bengio}
    talks:
      - id: intro
        title: Intro
        duration: 30
        speakers: [y.bengio]
    """
)

CASES = {
    "unknown speaker": (
        GOOD.replace("speakers: [y.bengio]", "speakers: [ybengio]"),
        "17: talks[0] 'intro': speaker 'ybengio' is not defined; did you mean 'y.bengio'?",
    ),
    "unknown room": (
        GOOD + "    pin: {room: Hal}\n",
        "18: talks[0] 'intro': room 'Hal' is not defined; did you mean 'Hall'?",
    ),
    "duplicate id": (
        GOOD + "  - {id: intro, title: Again, duration: 30}\n",
        "18: talks[1] 'intro': duplicate talk 'intro' (first defined at talks[0])",
    ),
    "talk longer than every block": (
        GOOD.replace("duration: 30", "duration: 120"),
        "14: talks[0] 'intro': duration 120 minutes is longer than every block it may use (longest: 90 minutes)",
    ),
    "duration off the granularity": (
        GOOD.replace("duration: 30", "duration: 32"),
        "16: talks[0] 'intro': duration 32 minutes is not a multiple of the 5-minute granularity",
    ),
    "unknown time zone": (
        GOOD.replace("Europe/Vienna", "Europe/Viena"),
        "3: conference.timezone: unknown time zone 'Europe/Viena'; use an IANA name such as 'America/Vancouver'",
    ),
    "overlapping blocks": (
        GOOD.replace('end: "10:30"', 'end: "11:30"'),
        "5: conference.days[0] '2024-07-27': blocks 09:00-11:30 and 11:00-12:00 overlap",
    ),
    "YAML syntax error": (
        GOOD.replace("rooms:\n", "rooms:\n  - {name: Hall, capacity: 100\n"),
        "11: YAML syntax error: expected ',' or '}', but got '{'",
    ),
    "wrong type": (
        GOOD.replace("duration: 30", "duration: thirty"),
        "16: talks[0] 'intro': duration: Input should be a valid integer, unable to parse string as an integer "
        "(got 'thirty')",
    ),
    "empty file": (
        "",
        " the file is empty; expected the keys conference, rooms and talks (and optionally kinds, speakers)",
    ),
    "unknown key": (
        GOOD.replace("    title: Intro", "    title: Intro\n    abstrct: x"),
        "16: talks[0] 'intro': unknown key 'abstrct'; did you mean 'abstract'?",
    ),
    "missing key": (GOOD.replace("    title: Intro\n", ""), "14: talks[0] 'intro': 'title' is missing"),
    "python tag refused": (
        GOOD.replace("title: Intro", "title: !!python/object/apply:os.system [echo hi]"),
        "15: talks[0].title: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; "
        "a data file holds plain YAML values only",
    ),
    "unknown kind": (
        GOOD.replace("rooms:\n", "kinds:\n  talk: {}\nrooms:\n").replace(
            "duration: 30", "duration: 30\n    kind: tlak"
        ),
        "19: talks[0] 'intro': kind 'tlak' is not listed under 'kinds'; did you mean 'talk'? "
        "(once that section exists it lists every kind, e.g. 'talk: {}')",
    ),
    "unknown required tag": (
        GOOD.replace("duration: 30", "duration: 30\n    requires: [recoreded]").replace(
            "capacity: 100}", "capacity: 100, tags: [recorded]}"
        ),
        "17: talks[0] 'intro': no room has the tag 'recoreded'; did you mean 'recorded'?",
    ),
    "block off the grid": (
        GOOD.replace('start: "11:00"', 'start: "11:02"'),
        "8: conference.days[0] '2024-07-27': 11:02 is not on the 5-minute grid (conference.granularity)",
    ),
    "impossible date": (
        GOOD.replace("2024-07-27", "2024-02-30"),
        "5: conference.days[0].date: cannot read '2024-02-30': day is out of range for month",
    ),
    "time as a bare number": (
        GOOD.replace('start: "11:00"', "start: 1100"),
        "8: conference.days[0] '2024-07-27': blocks[1].start: expected a time as 'HH:MM' in quotes, "
        "got the number 1100",
    ),
    "empty room list": (
        GOOD.replace("duration: 30", "duration: 30\n    rooms: []"),
        "17: talks[0] 'intro': an empty 'rooms' list allows nothing; leave it out to allow every one",
    ),
    "pinned to a non-conference day": (
        GOOD + "    pin: {day: 2024-07-28}\n",
        "18: talks[0] 'intro': pinned to 2024-07-28, which is not a conference day",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_library_reports_file_line_and_item(case, write):
    text, expected = CASES[case]
    path = write(text)
    with pytest.raises(DataError) as caught:
        load(path)
    assert str(caught.value) == f"{path}:{expected}"


# The cases the model's cross-item rules catch (scheduler.data.CROSS_CHECKS): every way in gets them.
CROSS_ITEM_CASES = [
    "unknown speaker",
    "unknown room",
    "duplicate id",
    "talk longer than every block",
    "duration off the granularity",
    "unknown kind",
    "unknown required tag",
    "block off the grid",
    "empty room list",
    "pinned to a non-conference day",
]


@pytest.mark.parametrize("case", CROSS_ITEM_CASES)
def test_data_built_without_a_file_gets_the_loaders_message(case):
    """ConferenceData built in code (no file, no lines) is refused with the loaded file's 'item: message'."""
    text, expected = CASES[case]
    with pytest.raises(ValidationError) as caught:
        ConferenceData.model_validate(yaml.safe_load(text))
    [detail] = caught.value.errors()
    assert detail["type"] == CROSS_CHECK
    assert detail["msg"] == expected.split(": ", 1)[1]  # the file's line without 'LINE: '


def test_a_library_caller_naming_an_undefined_speaker_gets_the_same_message():
    conference = Conference.model_validate(
        {
            "name": "Lib",
            "timezone": "Europe/Vienna",
            "days": [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "10:30"}]}],
        }
    )
    with pytest.raises(ValidationError) as caught:
        ConferenceData(
            conference=conference,
            rooms=[Room(name="Hall", capacity=100)],
            speakers=[Speaker(id="y.bengio", name="Yoshua Bengio")],
            talks=[Talk(id="intro", title="Intro", duration=30, speakers=["ybengio"])],
        )
    message = "talks[0] 'intro': speaker 'ybengio' is not defined; did you mean 'y.bengio'?"
    assert message == CASES["unknown speaker"][1].split(": ", 1)[1]
    assert message in str(caught.value)
    [detail] = caught.value.errors()
    assert detail["ctx"]["where"] == ("talks", 0, "speakers", 0)  # what the loader maps to a line


@pytest.mark.parametrize("case", ["unknown speaker", "YAML syntax error", "empty file", "python tag refused"])
def test_cli_prints_one_line_and_exits_non_zero(case, write):
    text, expected = CASES[case]
    path = write(text)
    for command in ("validate", "solve"):
        result = run_cli(command, path, *(["--out", path.parent / "out"] if command == "solve" else []))
        assert result.returncode == 2
        assert "Traceback" not in result.stderr + result.stdout
        assert result.stderr.strip() == f"error: {path}:{expected}"
        assert not (path.parent / "out").exists()


def test_missing_file_is_one_line(tmp_path):
    result = run_cli("validate", tmp_path / "nope.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.yaml'}: file not found"


def test_crlf_and_bom_files_load(write):
    path = write("")
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    assert load(path).talks[0].id == "intro"


def test_merge_keys_let_explicit_keys_override(write):
    text = GOOD.replace(
        "talks:\n", "talks:\n  - &base {id: base, title: Base, duration: 30}\n  - {<<: *base, id: derived}\n"
    )
    assert [talk.id for talk in load(write(text)).talks][:2] == ["base", "derived"]


def test_unquoted_times_are_read_as_times(write):
    data = load(write(GOOD.replace('"09:00"', "9:00").replace('"12:00"', "12:00")))
    assert data.conference.days[0].blocks[0].start == 9 * 60
    assert data.conference.days[0].blocks[1].end == 12 * 60


# Issue 17: work bounded by the input's size. The limits are module constants; these files sit just over a lowered
# limit (the catalogue holds files over the real ones).


def test_one_abstract_named_by_many_aliases_is_refused(write, monkeypatch):
    """The issue's file, scaled down: one long abstract aliased by every talk passed validate and took 4.6 GB in
    the ICS exporter. Each use of an alias counts its text again."""
    monkeypatch.setattr(loading, "MAX_TEXT_CHARS", 20_000)
    talks = "".join(f"  - {{id: t{index}, title: T, duration: 30, abstract: *abstract}}\n" for index in range(1, 20))
    text = GOOD.replace("    title: Intro\n", f"    title: Intro\n    abstract: &abstract {'x' * 2_000}\n") + talks
    line = 18 + 9  # talks[9]: its 2,000 characters make the 11th copy (10 x 2,000 is the limit, the rest is small)
    with pytest.raises(DataError) as caught:
        load(write(text))
    assert str(caught.value).endswith(
        f":{line}: talks[9]: the text adds up to more than 20,000 characters, counting each use of an alias; "
        "shorten it or use fewer aliases"
    )
    monkeypatch.setattr(loading, "MAX_TEXT_CHARS", 50_000)  # room for every copy: the limit, not aliases, refuses
    assert len(load(write(text)).talks) == 20


def test_speaker_names_repeated_with_every_talk_count_towards_the_talks_text(monkeypatch):
    """Checked by the model, so data built in code or by an importer is refused alike: a long name on many talks."""
    monkeypatch.setattr(data_module, "MAX_TALK_TEXT", 10_000)
    document = yaml.safe_load(GOOD)
    document["speakers"][0]["name"] = "Y" * 1_000
    document["talks"] = [
        {"id": f"t{index}", "title": "T", "duration": 30, "speakers": ["y.bengio"]} for index in range(12)
    ]
    with pytest.raises(ValidationError) as caught:
        ConferenceData.model_validate(document)
    [detail] = caught.value.errors()
    assert detail["type"] == CROSS_CHECK and detail["ctx"]["where"] == ("talks", 9)  # 10 x (1,000 + 1 + 4) > 10,000
    assert detail["msg"] == (
        "talks[9] 't9': the talks' text as the exports write it (with each speaker's name again for every talk of "
        "theirs) adds up to more than 10,000 characters; shorten the abstracts or names"
    )
    document["talks"] = document["talks"][:9]
    assert len(ConferenceData.model_validate(document).talks) == 9
