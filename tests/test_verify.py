"""The independent verifier catches each broken hard rule in a hand-made timetable, in words."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import conference
from hypothesis import given
from hypothesis import strategies as st

from scheduler import Assignment, verify

DAY = dt.date(2024, 7, 27)

DATA = conference(
    conference={
        "days": [
            {
                "date": "2024-07-27",
                "blocks": [{"start": "09:00", "end": "10:00", "type": "sessions"}, {"start": "10:30", "end": "12:00"}],
            }
        ]
    },
    kinds={"talk": {"block_types": ["sessions"]}, "keynote": {"requires": ["recorded"]}},
    rooms=[
        {"name": "Hall", "capacity": 500, "tags": ["recorded"]},
        {"name": "Annex", "capacity": 50, "unavailable": [{"start": "11:00", "end": "12:00"}]},
    ],
    speakers=[
        {"id": "ada", "name": "Ada Lovelace", "unavailable": [{"day": "2024-07-27", "start": "10:30", "end": "11:00"}]},
        {"id": "bob", "name": "Bob Kahn"},
    ],
    talks=[
        {"id": "a", "title": "A", "duration": 30, "speakers": ["ada"], "attendance": 40},
        {"id": "b", "title": "B", "duration": 30, "speakers": ["ada", "bob"]},
        {
            "id": "k",
            "title": "Keynote",
            "kind": "keynote",
            "duration": 60,
            "attendance": 300,
            "pin": {"start": "11:00"},
        },
    ],
)

VALID = {
    "a": ("09:00", "09:30", "Annex"),
    "b": ("09:30", "10:00", "Annex"),
    "k": ("11:00", "12:00", "Hall"),
}


def timetable(**changes):
    rows = {**VALID, **changes}
    return [
        Assignment(talk=talk, day=DAY, start=start, end=end, room=room)
        for talk, value in rows.items()
        if value is not None
        for start, end, room in [value]
    ]


def rules(assignments):
    return sorted({violation.rule for violation in verify(DATA, assignments)})


def test_valid_timetable_has_no_violations():
    assert verify(DATA, timetable()) == []


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"b": None}, "placed-once"),
        ({"b": ("09:00", "09:30", "Hall")}, "speaker-conflict"),
        ({"a": ("09:30", "10:00", "Annex"), "b": ("09:30", "10:00", "Hall")}, "speaker-conflict"),
        ({"a": ("09:15", "09:45", "Annex")}, "room-conflict"),
        ({"a": ("09:45", "10:15", "Hall")}, "inside-block"),
        ({"a": ("10:30", "11:00", "Hall")}, "block-type"),
        ({"k": ("09:00", "10:00", "Annex"), "a": ("10:30", "11:00", "Hall")}, "capacity"),
        ({"k": ("11:00", "12:00", "Annex")}, "room-unavailable"),
        ({"k": ("10:30", "11:30", "Hall")}, "pin"),
        ({"a": ("09:00", "09:45", "Hall")}, "duration"),
        ({"a": ("09:02", "09:32", "Hall")}, "granularity"),
        ({"a": ("09:00", "09:30", "Attic")}, "room-exists"),
        ({"k": ("11:00", "12:00", "Annex")}, "room-tags"),
    ],
)
def test_each_broken_rule_is_reported(changes, rule):
    assert rule in rules(timetable(**changes))


def test_speaker_unavailability_is_reported_in_words():
    broken = timetable(b=("10:30", "11:00", "Hall"), k=None)
    messages = [str(v) for v in verify(DATA, broken) if v.rule == "speaker-unavailable"]
    assert messages == [
        "[speaker-unavailable] talk 'b' (2024-07-27 10:30-11:00, Hall): speaker Ada Lovelace is unavailable "
        "2024-07-27 10:30-11:00"
    ]


def test_double_booking_message_names_both_talks():
    messages = [str(v) for v in verify(DATA, timetable(a=("09:30", "10:00", "Hall"), b=("09:30", "10:00", "Hall")))]
    assert "[room-conflict] room 'Hall' holds 'a' (2024-07-27 09:30-10:00) and 'b' (2024-07-27 09:30-10:00)" in messages


def test_unknown_and_duplicate_talks_are_reported():
    extra = [
        *timetable(),
        Assignment(talk="a", day=DAY, start="10:30", end="11:00", room="Hall"),
        Assignment(talk="ghost", day=DAY, start="10:30", end="11:00", room="Hall"),
    ]
    messages = [str(v) for v in verify(DATA, extra)]
    assert "[placed-once] talk 'a' is scheduled 2 times" in messages
    assert "[placed-once] 'ghost' is scheduled but is not a talk in the data file" in messages


def test_rules_the_data_model_rules_out_are_still_checked():
    """verify trusts no one: data built by model copies (which skip validation) can name an undefined speaker."""
    a, *others = DATA.talks
    changed = DATA.model_copy(
        update={"talks": [a.model_copy(update={"rooms": ["Hall"], "speakers": ["ghost"]}), *others]}
    )
    messages = [str(v) for v in verify(changed, timetable())]
    assert messages == [
        "[allowed-rooms] talk 'a' (2024-07-27 09:00-09:30, Annex) is in 'Annex', not one of its allowed rooms",
        "[speaker-exists] talk 'a' (2024-07-27 09:00-09:30, Annex) names speaker 'ghost', who is not defined",
    ]


STACKED = conference(
    conference={"days": [{"date": "2024-07-27", "blocks": [{"start": "08:00", "end": "20:00"}]}]},
    rooms=[{"name": "Hall", "capacity": 500}],
    speakers=[{"id": "ada", "name": "Ada Lovelace"}],
    talks=[{"id": f"t{i}", "title": f"T{i}", "duration": 30, "speakers": ["ada"]} for i in range(2000)],
)


def test_talks_stacked_in_one_room_give_one_conflict_each_not_one_per_pair():
    stacked = [Assignment(talk=f"t{i}", day=DAY, start="09:00", end="09:30", room="Hall") for i in range(2000)]
    found = verify(STACKED, stacked)
    assert sum(v.rule == "room-conflict" for v in found) == 1999
    assert sum(v.rule == "speaker-conflict" for v in found) == 1999
    assert {talk for v in found for talk in v.talks} == {f"t{i}" for i in range(2000)}


def _minutes(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(1, 6)), min_size=1, max_size=12))
def test_room_conflicts_are_reported_exactly_when_two_talks_overlap(spans):
    """Every reported pair overlaps, every talk that starts while another runs is reported, nothing else is."""
    placed = [
        Assignment(talk=f"t{i}", day=DAY, start=_minutes(480 + 15 * s), end=_minutes(480 + 15 * (s + n)), room="Hall")
        for i, (s, n) in enumerate(spans)
    ]
    pairs = [v.talks for v in verify(STACKED, placed) if v.rule == "room-conflict"]
    span = {f"t{i}": (s, s + n) for i, (s, n) in enumerate(spans)}
    for first, second in pairs:
        assert span[first][0] < span[second][1] and span[second][0] < span[first][1]
    starts_inside_another = {
        b
        for b in span
        for a in span
        if a != b and (span[a][0], span[a][1], a) < (span[b][0], span[b][1], b) and span[b][0] < span[a][1]
    }
    assert {second for _, second in pairs} == starts_inside_another
