"""CI-sized fuzzing of the loader (a few seconds): mutated data files are loaded or refused with a DataError, never
anything else. `python tests/fuzz/fuzz_loader.py --seconds 600` runs the same property for longer."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

from check import check_file
from hypothesis import HealthCheck, given, settings
from mutations import mutated_files, seeds

from scheduler import DataError

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


def _read(text: str, fast: bool):
    """What the loader's YAML stage makes of `text`: ('ok', data, lines) or ('refused', message)."""
    from scheduler.formats import loading

    try:
        if fast:
            document = loading.YamlDocument(Path("f.yaml"), text)
        else:
            with mock.patch.object(loading, "_fast_compose", lambda text: None):
                document = loading.YamlDocument(Path("f.yaml"), text)
    except DataError as error:
        return ("refused", str(error))
    return ("ok", document.data, document.lines)


@SETTINGS
@given(raw=mutated_files())
def test_libyaml_reads_every_file_as_pyyaml_does(raw):
    """The fast reader (libyaml's parser) gives the same values, the same lines and the same message as PyYAML's."""
    text = raw.decode("utf-8-sig", errors="replace")
    slow = _read(text, fast=False)
    if slow[0] == "refused" and "but got '?'" in slow[1]:
        return  # the one text libyaml reads and PyYAML refuses: '?' in a plain value inside a flow list
    assert _read(text, fast=True) == slow


def test_the_fast_reader_reads_the_written_programmes():
    from scheduler.formats import loading

    for name, raw in seeds():
        assert loading._fast_compose(raw.decode("utf-8-sig")) is not None, name
