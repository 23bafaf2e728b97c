"""The synthetic generator: seeded, valid data, feasible by construction."""

from __future__ import annotations

import pytest
from conftest import solved

from scheduler import parse
from scheduler.generate import generate_yaml


def test_same_seed_same_file_and_different_seed_differs():
    assert generate_yaml(talks=120, rooms=6, days=2, seed=3) == generate_yaml(talks=120, rooms=6, days=2, seed=3)
    assert generate_yaml(talks=120, rooms=6, days=2, seed=3) != generate_yaml(talks=120, rooms=6, days=2, seed=4)


@pytest.mark.parametrize("seed", [0, 1])
def test_generated_conference_solves_and_verifies(seed):
    data = parse(generate_yaml(talks=300, rooms=12, days=2, seed=seed), "generated.yaml")
    assert len(data.talks) == 300
    shared = [s for s in data.speakers if sum(s.id in t.speakers for t in data.talks) > 1]
    assert shared, "realistic data reuses some speakers"
    assert any(s.unavailable for s in data.speakers)
    solved(data, seed=seed, time_limit=6)


def test_generator_refuses_an_overfull_conference():
    with pytest.raises(ValueError, match="add rooms or days"):
        generate_yaml(talks=1000, rooms=3, days=1, seed=0)
