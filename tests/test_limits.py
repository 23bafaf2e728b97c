"""Issue 17: work bounded by the input's size. Every file confsched reads has a limit on its bytes, and on what it
expands to (rows, cells, talks); each is refused with one line naming the file, exit 2, and never read past the
limit. The limits are module constants (docs/format.md, "Limits"); most tests build a file just over a lowered one,
since one over the real limit would be huge. The data file's own limits are in the bad-input catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from scheduler import DataError, load, read_schedule
from scheduler import schedule as schedule_module

WHATIF = ROOT / "tests" / "bad_inputs" / "whatif"
DATA = WHATIF / "data.yaml"
BASELINE = WHATIF / "schedule.json"


def sparse(path: Path, size: int) -> Path:
    """A file of `size` zero bytes that takes no disk space."""
    with path.open("wb") as stream:
        stream.truncate(size)
    return path


# Schedules: check, export, diff and whatif --baseline read a schedule.json or schedule.csv whole.


def test_schedule_commands_refuse_an_endless_or_huge_schedule(tmp_path):
    """`check` read /dev/zero until it had taken 6 GB, and accepted a 300 MB JSON; now at most the limit + 1 bytes
    are read, whoever asks."""
    huge = sparse(tmp_path / "schedule.json", schedule_module.MAX_SCHEDULE_BYTES + 1)
    out = tmp_path / "out"
    commands = [
        ["check", DATA, "/dev/zero"],
        ["check", DATA, huge],
        ["export", huge, "--data", DATA, "--format", "csv", "--out", out],
        ["diff", BASELINE, huge, "--data", DATA],
        ["whatif", DATA, "--baseline", huge, "--withdraw", "numbers", "--out", out],
    ]
    for command in commands:
        result = run_cli(*command)
        shown = "/dev/zero" if "/dev/zero" in command else huge
        assert (result.returncode, result.stdout, result.stderr) == (
            2,
            "",
            f"error: {shown}: file is larger than 20 MB\n",
        ), command
    assert not out.exists()


def test_a_schedule_just_over_the_limit_is_refused_and_one_at_it_is_read(tmp_path, monkeypatch):
    text = BASELINE.read_bytes()
    data = load(DATA)
    for suffix in (".json", ".csv"):
        path = tmp_path / f"schedule{suffix}"
        if suffix == ".csv":
            path.write_text("talk_id,day,start,end,room\nkeynote,2025-06-02,09:00,09:45,Hall A\n")
        else:
            path.write_bytes(text)
        size = path.stat().st_size
        monkeypatch.setattr(schedule_module, "MAX_SCHEDULE_BYTES", size)
        assert read_schedule(path, data).assignments
        monkeypatch.setattr(schedule_module, "MAX_SCHEDULE_BYTES", size - 1)
        with pytest.raises(DataError) as caught:
            read_schedule(path, data)
        assert str(caught.value) == f"{path}: file is larger than {(size - 1) / 1048576:g} MB"


def test_a_schedule_nested_too_deep_or_a_directory_is_one_line(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataError) as caught:
        read_schedule(deep, load(DATA))
    assert str(caught.value) == f"{deep}: invalid JSON: nested too deep"
    with pytest.raises(DataError) as caught:
        read_schedule(tmp_path, load(DATA))
    assert str(caught.value) == f"{tmp_path}: is a directory; expected a file"
