"""CI-sized fuzzing of the loader (a few seconds): mutated data files are loaded or refused with a DataError, never
anything else. `python tests/fuzz/fuzz_loader.py --seconds 600` runs the same property for longer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from check import check_file
from hypothesis import HealthCheck, given, settings
from mutations import mutated_files, seeds

SETTINGS = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,  # the same inputs on every CI run; the script explores new ones
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_every_seed_is_valid(tmp_path):
    for name, raw in seeds():
        assert check_file(tmp_path / f"{name}.yaml", raw) == "loaded", name


@SETTINGS
@given(raw=mutated_files())
def test_loader_loads_or_refuses_mutated_files(raw):
    with tempfile.TemporaryDirectory() as directory:
        check_file(Path(directory) / "fuzzed.yaml", raw)
