"""The data file writer: what it writes, `load` reads back as the same data."""

from __future__ import annotations

from conftest import DATA

from scheduler import load
from scheduler.loading import parse
from scheduler.writing import to_yaml


def test_the_written_data_file_reads_back_as_the_same_data():
    for path in sorted(DATA.glob("*.yaml")):
        data = load(path)
        text = to_yaml(data, header="a header\nof two lines")
        assert text.startswith("# a header\n# of two lines\n")
        assert parse(text, path.name) == data
