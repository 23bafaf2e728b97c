"""Hardening (issue 8): the bad-input catalogue, injection-proof exports, atomic writes, Ctrl-C during a solve, and
byte-identical outputs for the same input and seed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from scheduler import load
from scheduler.changes import apply_changes, load_changes
from scheduler.loading import MAX_FILE_BYTES

CATALOGUE = ROOT / "tests" / "bad_inputs"
WHATIF = CATALOGUE / "whatif"


# The bad-input catalogue: every file's first line is `# expect: MESSAGE`, FILE standing for the file's path. Data
# files are checked with `confsched validate FILE`, change files with `confsched whatif` on whatif/data.yaml and its
# published whatif/schedule.json. Each must print exactly `error: MESSAGE` and nothing else, without a traceback,
# write nothing, and exit 2; the files in good/ (BOM, CRLF, aliases, escapes) must load.


def expectation(path: Path) -> str:
    first = path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].split(b"\r", 1)[0]
    text = first.decode("utf-8")
    assert text.startswith("# expect: "), f"{path} does not start with '# expect: '"
    return text.removeprefix("# expect: ")


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def command(path: Path, out: Path) -> list[str]:
    if path.parent.name == "changes":
        baseline = relative(WHATIF / "schedule.json")
        return [
            "whatif",
            relative(WHATIF / "data.yaml"),
            "--baseline",
            baseline,
            "--change",
            relative(path),
            "--out",
            str(out),
        ]
    return ["validate", str(path) if not path.is_relative_to(ROOT) else relative(path)]


BAD = sorted(CATALOGUE.glob("data/*.yaml")) + sorted(CATALOGUE.glob("changes/*.yaml"))
GOOD = sorted(CATALOGUE.glob("good/*.yaml"))
GENERATED = ["too-large.yaml"]  # made at test time: 20 MB of data does not belong in the repository


def run_batches(commands: list[list[str]], batches: int) -> list[dict]:
    """{"code", "stdout", "stderr"} of each command line, run by tests/bad_inputs/run_cli.py in `batches` processes."""
    shares = [commands[index::batches] for index in range(batches)]
    runners = [
        subprocess.Popen(
            [sys.executable, str(CATALOGUE / "run_cli.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in shares
    ]
    outputs = [
        runner.communicate(json.dumps(share), timeout=600) for runner, share in zip(runners, shares, strict=True)
    ]
    for runner, (_, errors) in zip(runners, outputs, strict=True):
        assert runner.returncode == 0, errors
    parts = [json.loads(stdout) for stdout, _ in outputs]
    return [parts[index % batches][index // batches] for index in range(len(commands))]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """Every catalogue command line run once, through the CLI's entry point, each in its own process."""
    directory = tmp_path_factory.mktemp("catalogue")
    large = directory / "too-large.yaml"
    large.write_bytes(b"# expect: FILE: file is larger than 20 MB\n" + b" " * MAX_FILE_BYTES)
    paths = [*BAD, *GOOD, large]
    commands = [command(path, directory / f"out-{index}") for index, path in enumerate(paths)]
    results = run_batches(commands, batches=2)  # two processes: CI has two cores
    return {
        path.name if path == large else relative(path): (path, argv, result)
        for path, argv, result in zip(paths, commands, results, strict=True)
    } | {"_dir": directory}


def test_the_catalogue_has_at_least_60_bad_files():
    assert len(BAD) >= 60
    assert {path.parent.name for path in BAD} == {"data", "changes"}


@pytest.mark.parametrize("name", [relative(path) for path in BAD] + GENERATED)
def test_bad_input_is_one_clear_line(catalogue, name):
    path, argv, result = catalogue[name]
    shown = argv[argv.index("--change") + 1] if "--change" in argv else argv[1]
    expected = "error: " + expectation(path).replace("FILE", shown, 1)
    output = result["stdout"] + result["stderr"]
    assert "Traceback" not in output
    assert result["stderr"] == expected + "\n"
    assert result["stdout"] == ""
    assert result["code"] == 2
    if "--out" in argv:
        assert not Path(argv[argv.index("--out") + 1]).exists()  # nothing written


@pytest.mark.parametrize("name", [relative(path) for path in GOOD])
def test_bom_crlf_and_aliases_load(catalogue, name):
    path, argv, result = catalogue[name]
    assert result["code"] == 0, result["stderr"]
    assert result["stdout"] == expectation(path).replace("FILE", argv[1], 1) + "\n"


def test_a_change_file_with_bom_and_crlf_loads():
    changes = load_changes(CATALOGUE / "good" / "changes" / "bom-crlf.yaml")
    after = apply_changes(load(WHATIF / "data.yaml"), changes)
    assert after.speakers[1].unavailable[-1].describe() == "2025-06-02 10:00-11:00"


def test_the_runner_matches_a_real_confsched_process(catalogue):
    """The catalogue runs in forked children; a fresh `python -m scheduler` prints the same and exits the same."""
    for name in ("tests/bad_inputs/data/yaml-python-object-tag.yaml", "tests/bad_inputs/changes/unknown-key.yaml"):
        _, argv, result = catalogue[name]
        fresh = run_cli(*argv)
        assert (fresh.returncode, fresh.stdout, fresh.stderr) == (result["code"], result["stdout"], result["stderr"])
