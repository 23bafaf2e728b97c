"""Each hard rule: a case the solver must honour (verified), and a case that is impossible only because of the rule.

The second kind fails if the rule is dropped from the model: the solver would then return a schedule.
"""

from __future__ import annotations

import pytest
from conftest import conference, placed, solved

from scheduler import NoScheduleError, solve

TWO_ROOMS = [{"name": "Hall", "capacity": 100}, {"name": "Annex", "capacity": 100}]


def talk(talk_id, duration=30, **fields):
    return {"id": talk_id, "title": talk_id.title(), "duration": duration, **fields}


def no_schedule(data) -> str:
    with pytest.raises(NoScheduleError) as caught:
        solve(data, time_limit=20)
    assert caught.value.proven
    return str(caught.value)


def test_every_talk_placed_exactly_once():
    data = conference(rooms=TWO_ROOMS, talks=[talk(f"t{i}", 20) for i in range(6)])
    schedule = solved(data)
    assert sorted(a.talk for a in schedule.assignments) == [f"t{i}" for i in range(6)]


def test_room_holds_one_talk_at_a_time():
    data = conference(talks=[talk("a"), talk("b")])
    times = placed(solved(data))
    assert {times["a"][0], times["b"][0]} == {"09:00", "09:30"}


def test_room_conflict_makes_two_pinned_talks_impossible():
    pinned = {"start": "09:00", "room": "Hall"}
    message = no_schedule(conference(rooms=TWO_ROOMS, talks=[talk("a", pin=pinned), talk("b", pin=pinned)]))
    assert message.startswith("no schedule exists")


def test_speaker_in_one_place_at_a_time():
    data = conference(rooms=TWO_ROOMS, talks=[talk("a", speakers=["ada"]), talk("b", speakers=["ada"])])
    times = placed(solved(data))
    assert {times["a"][0], times["b"][0]} == {"09:00", "09:30"}


def test_speaker_conflict_makes_parallel_pins_impossible():
    talks = [
        talk("a", speakers=["ada"], pin={"start": "09:00", "room": "Hall"}),
        talk("b", speakers=["ada"], pin={"start": "09:00", "room": "Annex"}),
    ]
    assert no_schedule(conference(rooms=TWO_ROOMS, talks=talks)).startswith("no schedule exists")


def test_speaker_unavailability_is_respected():
    speakers = [{"id": "ada", "unavailable": [{"day": "2024-07-27", "start": "09:00", "end": "09:30"}]}]
    data = conference(speakers=speakers, talks=[talk("a", speakers=["ada"])])
    assert placed(solved(data))["a"][0] == "09:30"


def test_speaker_unavailable_all_day_is_impossible():
    speakers = [{"id": "ada", "name": "Ada Lovelace", "unavailable": [{"day": "2024-07-27"}]}]
    message = no_schedule(conference(speakers=speakers, talks=[talk("a", speakers=["ada"])]))
    assert message == (
        "no schedule exists: talk 'a' cannot be placed: its speakers are unavailable at every time it could start"
    )


def test_room_unavailability_is_respected():
    rooms = [{"name": "Hall", "capacity": 100, "unavailable": [{"start": "09:00", "end": "09:30"}]}]
    assert placed(solved(conference(rooms=rooms, talks=[talk("a")])))["a"][0] == "09:30"


def test_closed_room_leaves_too_little_time():
    rooms = [
        {"name": "Hall", "capacity": 100, "unavailable": [{"day": "2024-07-27", "start": "09:20", "end": "09:40"}]}
    ]
    assert no_schedule(conference(rooms=rooms, talks=[talk("a")])) == (
        "no schedule exists: talk 'a' cannot be placed: its rooms are closed at every time it could start"
    )


def test_partly_closed_room_counts_for_parallel_talks():
    rooms = [
        {"name": "Hall", "capacity": 100},
        {"name": "Annex", "capacity": 100, "unavailable": [{"start": "09:00", "end": "09:30"}]},
    ]
    data = conference(rooms=rooms, talks=[talk("a"), talk("b"), talk("c")])
    times = placed(solved(data))
    assert sorted(t for t, _ in times.values()) == ["09:00", "09:30", "09:30"]
    assert all(room == "Hall" for start, room in times.values() if start == "09:00")


def test_capacity_sends_a_big_audience_to_a_big_room():
    rooms = [{"name": "Small", "capacity": 40}, {"name": "Big", "capacity": 900}]
    data = conference(rooms=rooms, talks=[talk("crowd", attendance=500), talk("niche", attendance=30)])
    assert placed(solved(data))["crowd"][1] == "Big"


def test_capacity_too_small_everywhere_is_impossible():
    message = no_schedule(conference(talks=[talk("crowd", attendance=500)]))
    assert message == "no schedule exists: talk 'crowd' cannot be placed: no allowed room has >= 500 seats"


def test_capacity_counts_big_rooms_per_moment():
    rooms = [{"name": "Small", "capacity": 40}, {"name": "Big", "capacity": 900}]
    data = conference(rooms=rooms, talks=[talk("x", attendance=500), talk("y", attendance=500)])
    times = placed(solved(data))
    assert times["x"][0] != times["y"][0]
    assert times["x"][1] == times["y"][1] == "Big"


def test_required_tags_choose_the_tagged_room():
    rooms = [{"name": "Plain", "capacity": 100}, {"name": "Studio", "capacity": 100, "tags": ["recorded"]}]
    data = conference(rooms=rooms, talks=[talk("a", requires=["recorded"]), talk("b")])
    assert placed(solved(data))["a"][1] == "Studio"


def test_two_talks_needing_the_only_tagged_room_are_sequential():
    rooms = [{"name": "Plain", "capacity": 100}, {"name": "Studio", "capacity": 100, "tags": ["recorded"]}]
    talks = [talk("a", requires=["recorded"]), talk("b", requires=["recorded"]), talk("c", requires=["recorded"])]
    assert no_schedule(conference(rooms=rooms, talks=talks)).startswith("no schedule exists")


def test_kind_restricts_blocks_and_rooms():
    days = [
        {
            "date": "2024-07-27",
            "blocks": [
                {"start": "09:00", "end": "11:30", "type": "tutorial"},
                {"start": "13:00", "end": "15:30", "type": "sessions"},
            ],
        }
    ]
    kinds = {"tutorial": {"block_types": ["tutorial"], "rooms": ["Annex"]}, "talk": {"block_types": ["sessions"]}}
    data = conference(
        conference={"days": days},
        kinds=kinds,
        rooms=TWO_ROOMS,
        talks=[talk("tut", 150, kind="tutorial"), talk("a"), talk("b")],
    )
    times = placed(solved(data))
    assert times["tut"] == ("09:00", "Annex")
    assert all(start >= "13:00" for start, _ in (times["a"], times["b"]))


def test_talk_stays_inside_one_block():
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "09:45"}, {"start": "10:00", "end": "11:00"}]}]
    data = conference(conference={"days": days}, talks=[talk("long", 60)])
    assert placed(solved(data))["long"][0] == "10:00"


def test_block_boundary_makes_overfull_block_impossible():
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "09:45"}, {"start": "09:45", "end": "10:30"}]}]
    talks = [talk("a", 30), talk("b", 30), talk("c", 30)]
    assert no_schedule(conference(conference={"days": days}, talks=talks)).startswith("no schedule exists")


def test_pins_fix_day_start_and_room():
    days = [
        {"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "12:00"}]},
        {"date": "2024-07-28", "blocks": [{"start": "09:00", "end": "12:00"}]},
    ]
    talks = [
        talk("opening", 15, pin={"day": "2024-07-28", "start": "09:00", "room": "Annex"}),
        talk("late", 30, pin={"start": "11:30"}),
        talk("free", 30),
    ]
    schedule = solved(conference(conference={"days": days}, rooms=TWO_ROOMS, talks=talks))
    opening = schedule.assignment("opening")
    assert (opening.day.isoformat(), opening.start, opening.room) == ("2024-07-28", 9 * 60, "Annex")
    assert schedule.assignment("late").start == 11 * 60 + 30


def test_pin_at_a_time_outside_every_block_is_impossible():
    message = no_schedule(conference(talks=[talk("a", pin={"start": "09:45"})]))
    assert message == (
        "no schedule exists: talk 'a' cannot be placed: its pinned start 09:45 leaves it outside every allowed block"
    )


def test_room_consistency_falls_back_to_the_exact_model():
    # At every moment a room exists for each running talk, but 'x' would have to change rooms halfway: only the
    # coupled model sees that, and must move 'x' to the second block.
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "09:30"}, {"start": "10:00", "end": "10:30"}]}]
    rooms = [{"name": "A", "capacity": 100}, {"name": "B", "capacity": 100}]
    talks = [
        talk("y", 10, pin={"start": "09:00", "room": "A"}),
        talk("z", 10, pin={"start": "09:20", "room": "B"}),
        talk("x", 30),
    ]
    for seed in range(3):
        times = placed(
            solved(conference(conference={"days": days, "starts": "grid"}, rooms=rooms, talks=talks), seed=seed)
        )
        assert times["x"][0] == "10:00"


def test_room_consistency_proves_infeasibility():
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "09:30"}]}]
    rooms = [{"name": "A", "capacity": 100}, {"name": "B", "capacity": 100}]
    talks = [
        talk("y", 10, pin={"start": "09:00", "room": "A"}),
        talk("z", 10, pin={"start": "09:20", "room": "B"}),
        talk("x", 30),
    ]
    data = conference(conference={"days": days, "starts": "grid"}, rooms=rooms, talks=talks)
    assert no_schedule(data) == "no schedule exists: the hard rules contradict each other (proven by CP-SAT)"


def test_window_ending_off_the_grid_still_leaves_the_next_grid_start():
    days = [{"date": "2024-07-27", "blocks": [{"start": "09:00", "end": "09:45"}]}]
    speakers = [{"id": "ada", "unavailable": [{"day": "2024-07-27", "start": "09:00", "end": "09:07"}]}]
    data = conference(conference={"days": days}, speakers=speakers, talks=[talk("a", speakers=["ada"])])
    assert placed(solved(data))["a"][0] == "09:10"


def test_pinned_talk_with_absent_speaker_blames_the_speaker():
    speakers = [{"id": "ada", "unavailable": [{"day": "2024-07-27", "start": "09:00", "end": "09:30"}]}]
    data = conference(speakers=speakers, talks=[talk("a", speakers=["ada"], pin={"start": "09:00"})])
    assert no_schedule(data) == (
        "no schedule exists: talk 'a' cannot be placed: its speakers are unavailable at every time it could start"
    )
