"""Every registered soft rule: its CP-SAT encoding and its independent score agree, and the docs list it.

The instances are small random conferences that give every rule something to count (tracks with chairs and similar
tracks, shared speakers with wishes and a remote time zone, interest, order, conflicts, topics, costs of each
kind). For each rule two timetables are checked, each solved to proven optimality:

- the rule's own optimum (every other rule off): the model's objective equals the rule's score;
- a random valid timetable, fixed, with the rule's helper variables minimised: the rule's terms equal its score.
  This is the stronger check, since a random timetable breaks most rules many times.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
import yaml
from ortools.sat.python import cp_model

from scheduler import parse, verify
from scheduler.data import format_clock
from scheduler.model import build_model
from scheduler.problem import compile_problem
from scheduler.rules import RULES, rules_table
from scheduler.rules.base import FinishedTimetable, SoftRule
from scheduler.schedule import Assignment

ROOT = Path(__file__).resolve().parent.parent
SEEDS = range(6)


def random_conference(seed: int, weights: dict) -> object:
    """A small conference with every feature a soft rule reads, feasible with room to spare."""
    rng = random.Random(seed)
    names = ["morning", "midday", "afternoon"]
    blocks = [("09:00", "10:30"), ("11:00", "12:30"), ("14:00", "15:30")]
    days = [
        {
            "date": date,
            "blocks": [
                {"start": start, "end": end, "name": name, "type": "talks"}
                for (start, end), name in zip(blocks, names, strict=True)
            ],
        }
        for date in ("2024-07-27", "2024-07-28")
    ]
    rooms = [{"name": "Hall", "capacity": 400}, {"name": "Annex", "capacity": 150}, {"name": "Small", "capacity": 40}]
    people = ["ada", "bob", "cy", "dee", "eve"]
    speakers = [{"id": person, "name": person.title()} for person in people]
    speakers[0]["prefers"] = {"days": ["2024-07-27"], "rooms": ["Hall"]}
    speakers[1]["avoids"] = {"blocks": ["morning"], "rooms": ["Small"]}
    speakers[2]["timezone"] = rng.choice(["America/New_York", "Asia/Tokyo"])
    tracks = [
        {"name": "ml", "chair": "dee", "similar": ["vision"]},
        {"name": "vision", "chair": "dee", "tags": ["applied"]},
        {"name": "systems", "chair": "eve", "tags": ["applied"]},
    ]
    talks = []
    for number in range(rng.randint(7, 9)):
        talk = {"id": f"t{number}", "title": f"Talk {number}", "duration": rng.choice([30, 45, 60])}
        talk["track"] = rng.choice(["ml", "vision", "systems", None])
        talk["speakers"] = rng.sample(people, rng.choice([0, 1, 1, 2]))
        talk["attendance"] = rng.choice([10, 60, 120])
        if rng.random() < 0.5:
            talk["topic"], talk["level"] = "llm", rng.choice(["intro", "intermediate", "advanced"])
        if rng.random() < 0.3:
            talk["tags"] = ["sponsor"]
        if number and rng.random() < 0.3:
            talk["after"] = [f"t{rng.randrange(number)}"]
        if number and rng.random() < 0.5:
            talk["conflicts"] = [f"t{rng.randrange(number)}"]
        talks.append({key: value for key, value in talk.items() if value is not None})
    ids = [talk["id"] for talk in talks]
    document = {
        "conference": {"name": "Registry", "timezone": "Europe/Vienna", "days": days},
        "weights": weights,
        "min_pause": 30,
        "exclusive_tags": ["sponsor"],
        "interest": [
            {"talks": [a, b], "count": rng.randint(1, 9)}
            for i, a in enumerate(ids)
            for b in ids[i + 1 :]
            if rng.random() < 0.3
        ],
        "costs": [
            {"talk": rng.choice(ids), "block": rng.choice(names), "cost": rng.randint(1, 9)},
            *(
                {"talk": talk_id, "room": rng.choice(["Hall", "Annex", "Small"]), "cost": rng.randint(1, 9)}
                for talk_id in rng.sample(ids, 3)
            ),
            {"track": "ml", "block": rng.choice(names), "cost": rng.randint(1, 9)},
            {"track": "vision", "room": rng.choice(["Hall", "Annex"]), "cost": rng.randint(1, 9)},
            {"block": rng.choice(names), "room": "Annex", "cost": rng.randint(1, 9)},
            {"tracks": ["ml", "systems"], "cost": rng.randint(1, 9)},
        ],
        "tracks": tracks,
        "rooms": rooms,
        "speakers": speakers,
        "talks": talks,
    }
    return parse(yaml.safe_dump(document, sort_keys=False), "registry.yaml")


def only(rule: SoftRule) -> dict:
    """The rule at weight 1, every other rule off."""
    return {name: (1 if name == rule.name else 0) for name in RULES}


def solve_exactly(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def timetable(problem, built, solver) -> list[Assignment]:
    """The solved coupled model as assignments, in the data file's units (day, minutes, room name)."""
    days = problem.data.conference.days
    result = []
    for talk, start in built.starts(solver).items():
        room = built.rooms(solver)[talk]
        day, minute = divmod(start, 24 * 60)
        result.append(
            Assignment(
                talk=problem.talks[talk].id,
                day=days[day].date,
                start=format_clock(minute),
                end=format_clock(minute + problem.duration(talk)),
                room=problem.data.rooms[room].name,
            )
        )
    return result


def model_count(built, solver, rule: SoftRule) -> int:
    """The violations the model's terms of `rule` count in the solved model."""
    return sum(int(solver.value(term.value)) for term in built.objective.terms if term.rule == rule.name)


def score_count(data, assignments, rule: SoftRule) -> int:
    return sum(amount for _, amount in rule.score(FinishedTimetable(data, assignments)))


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_every_rule_has_an_encoding_and_an_independent_score(rule):
    assert callable(rule.encode) and callable(rule.score)
    assert rule.encode.__module__ == rule.score.__module__, "a rule lives in one module"
    assert rule.decided_by in ("times", "rooms") and rule.unit and rule.weight >= 0
    assert rule.plan is None or rule.plan == "same" or callable(rule.plan)


# the rules' slot forms (scheduler.slots) are checked as their plain forms are
FORMS = [(rule, False) for rule in RULES.values()] + [(rule, True) for rule in RULES.values() if rule.slot_form]
FORM_IDS = [f"{rule.name}{'-slots' if slots else ''}" for rule, slots in FORMS]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("rule", "slots"), FORMS, ids=FORM_IDS)
def test_optimum_of_the_rule_alone_equals_its_score(rule, slots, seed):
    data = random_conference(seed, only(rule))
    problem = compile_problem(data)
    built = build_model(problem, with_rooms=True, weights=data.weights, slots=slots)
    solver = solve_exactly(built.model)
    assignments = timetable(problem, built, solver)
    assert verify(data, assignments) == []
    assert round(solver.objective_value) == 10 * score_count(data, assignments, rule)
    assert model_count(built, solver, rule) == score_count(data, assignments, rule)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("rule", "slots"), FORMS, ids=FORM_IDS)
def test_on_a_random_timetable_the_rules_terms_equal_its_score(rule, slots, seed):
    data = random_conference(seed, only(rule))
    problem = compile_problem(data)
    # a random valid timetable: the hard rules with a random objective over starts and rooms
    rng = random.Random(seed)
    hard = build_model(problem, with_rooms=True)
    hard.model.minimize(
        sum(rng.randint(-5, 5) * var for var in hard.start_vars.values())
        + sum(rng.randint(0, 50) * literal for options in hard.room_choices.values() for _, literal in options)
    )
    solver = solve_exactly(hard.model)
    starts, rooms = hard.starts(solver), hard.rooms(solver)
    built = build_model(
        problem,
        with_rooms=True,
        starts={talk: [start] for talk, start in starts.items()},
        rooms={talk: [room] for talk, room in rooms.items()},
        weights=data.weights,
        slots=slots,
    )
    solver = solve_exactly(built.model)
    assignments = timetable(problem, built, solver)
    assert verify(data, assignments) == []
    assert model_count(built, solver, rule) == score_count(data, assignments, rule)


def test_random_timetables_break_every_rule_somewhere():
    """The random timetables above give every rule something to count, so their equality means something."""
    counted = set()
    for seed in SEEDS:
        data = random_conference(seed, {})
        problem = compile_problem(data)
        rng = random.Random(seed)
        hard = build_model(problem, with_rooms=True)
        hard.model.minimize(
            sum(rng.randint(-5, 5) * var for var in hard.start_vars.values())
            + sum(rng.randint(0, 50) * literal for options in hard.room_choices.values() for _, literal in options)
        )
        solver = solve_exactly(hard.model)
        assignments = timetable(problem, hard, solver)
        counted |= {rule.name for rule in RULES.values() if score_count(data, assignments, rule)}
    assert set(RULES) - counted == set(), f"never broken: {sorted(set(RULES) - counted)}"


def test_the_docs_table_is_the_registry():
    text = (ROOT / "docs" / "format.md").read_text()
    assert rules_table() in text
    listed = re.findall(r"^\| `([a-z-]+)` \| soft", text, flags=re.MULTILINE)
    assert listed == list(RULES)


def test_confsched_rules_prints_the_registry():
    from conftest import run_cli

    result = run_cli("rules")
    assert result.returncode == 0, result.stderr
    assert result.stdout == rules_table()


def test_a_rules_name_is_written_only_in_its_own_module():
    """Everything else reads the name from the rule object, so renaming a rule is a change in one module."""
    package = ROOT / "scheduler"
    for rule in RULES.values():
        own = Path(sys.modules[rule.encode.__module__].__file__).resolve()
        quoted = re.compile(r"[\"']" + re.escape(rule.name) + r"[\"']")
        others = [path for path in package.rglob("*.py") if path.resolve() != own]
        elsewhere = [path for path in others if quoted.search(path.read_text())]
        assert elsewhere == [], f"{rule.name} is spelled out in {elsewhere}"
