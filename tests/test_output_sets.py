"""Nothing lost (issue 17): the files one command writes are one set. After any failure (a full disk, an I/O error,
Ctrl-C, a killed process) the output directory holds the old set or the new set exactly, never a mix, and no
temporary file is left; every file of the directory outside the set stays as it was. Failures are injected at every
file-system call of a write, one at a time."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, conference

from scheduler import Assignment, Schedule, load, read_schedule, verify
from scheduler.errors import OutputError
from scheduler.exporters import owned_files, render
from scheduler.formats import atomic
from scheduler.formats.atomic import JOURNAL, STAGING_PREFIX, recover, write_files
from scheduler.generate import generate_yaml
from scheduler.whatif.revision import revision_names, write_revision

DAY = "2024-07-27"
CALLS = ("open", "write", "fsync", "mkdir", "link", "symlink", "replace", "rename", "unlink", "rmdir", "chmod")
NEEDS_SPACE = {"open", "write", "fsync", "mkdir", "link", "symlink"}  # what a full disk refuses


def programme(rooms: list[str]) -> Schedule:
    """Two talks at 09:00, one in each room: a schedule small enough to write hundreds of times."""
    data = conference(
        rooms=[{"name": room, "capacity": 100} for room in rooms],
        talks=[
            {"id": "t1", "title": "First", "duration": 30, "speakers": ["ada"]},
            {"id": "t2", "title": "Second", "duration": 30, "speakers": ["bob"]},
        ],
    )
    return Schedule(
        data,
        [
            Assignment(talk="t1", day=DAY, start="09:00", end="09:30", room=rooms[0]),
            Assignment(talk="t2", day=DAY, start="09:00", end="09:30", room=rooms[1]),
        ],
    )


def solve_set(schedule: Schedule, formats: list[str], report: str) -> tuple[dict, list[str]]:
    """What `confsched solve` writes: the formats' files and the report, and the patterns of stale files."""
    return render(schedule, formats) | {"report.json": report}, owned_files(formats)


def tree(directory: Path) -> dict[str, object]:
    """Every file (its bytes and mode) and directory below `directory`, staging directories left out."""
    found: dict[str, object] = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if relative.startswith(STAGING_PREFIX):
            continue
        if path.is_symlink():
            found[relative] = ("link", os.readlink(path))
        elif path.is_dir():
            found[relative] = "directory"
        else:
            found[relative] = (path.read_bytes(), path.stat().st_mode & 0o777)
    return found


def leftovers(directory: Path) -> list[Path]:
    return sorted(directory.glob(STAGING_PREFIX + "*")) + sorted(directory.rglob("*.tmp"))


class Killed(BaseException):
    """The process died at this call: it and every later file-system call raise this, so the disk stays as it was
    at that moment (the clean-up code of the write cannot change it any more than a dead process could)."""


class Faults:
    """Wraps the file-system calls of `os` (CALLS). Off, they pass through; armed with a mode, they are counted and
    the `at`-th one (from 1) fails as the mode says:

    - "count": none fails;
    - "full": ENOSPC, and every later call that needs space fails too (renames, unlinks and rmdirs still work);
    - "eio": EIO for that call only;
    - "ctrl-c": KeyboardInterrupt raised from that call;
    - "kill": that call and every later one raise Killed.
    """

    def __init__(self, monkeypatch):
        self.mode, self.at, self.calls, self.failing = "off", 0, 0, False
        for name in CALLS:
            monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))

    def arm(self, mode: str, at: int = 0) -> None:
        self.mode, self.at, self.calls, self.failing = mode, at, 0, False

    def calls_made_by(self, action) -> int:
        self.arm("count")
        try:
            action()
        finally:
            self.mode = "off"
        return self.calls

    def _wrap(self, name, real):
        if name == "fsync":  # counted and failed like the others, but not waited for: this is not about durability
            real = lambda *args, **kwargs: None  # noqa: E731

        def call(*args, **kwargs):
            if self.mode == "off":
                return real(*args, **kwargs)
            self.calls += 1
            if self.mode != "count" and (self.calls == self.at or (self.failing and name in NEEDS_SPACE)):
                if self.mode == "full":
                    self.failing = True
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                if self.mode == "eio":
                    raise OSError(errno.EIO, os.strerror(errno.EIO))
                if self.mode == "ctrl-c":
                    raise KeyboardInterrupt
                if self.mode == "kill":
                    self.failing = True
                    raise Killed
            if self.mode == "kill" and self.failing:
                raise Killed
            return real(*args, **kwargs)

        return call


def old_directory(tmp_path: Path, write) -> Path:
    """An output directory holding the old set and files of the user's that are no part of any set."""
    directory = tmp_path / "old"
    write(directory)
    (directory / "notes.txt").write_text("the chair's notes\n")
    (directory / "ics" / "rooms").mkdir(parents=True, exist_ok=True)
    (directory / "ics" / "rooms" / "README").write_text("not a calendar: never touched\n")
    (directory / "schedule.v7.json").write_text("an older version\n")
    return directory


SOLVE_OLD = solve_set(programme(["Hall", "Room B"]), ["csv", "ics", "json", "ics-split"], '{"old": true}\n')
# a room renamed (its old calendar is stale and goes), a format added (a new folder), every file's content new
SOLVE_NEW = solve_set(programme(["Hall", "Room C"]), ["csv", "ics", "json", "ics-split", "frab-xml"], '{"new": 1}\n')


def write_solve_set(files_and_owned):
    files, owned = files_and_owned
    return lambda directory: write_files(directory, files, owned=owned)


def write_whatif_set(version: int, tag: str):
    files = {name: f"{name} of version {version}, {tag}\n" for name in revision_names(version)}
    inputs = {"the baseline": None, "the data file": None, "the change file": None}
    return lambda directory: write_revision(directory, files, inputs)


CASES = {
    "solve": (write_solve_set(SOLVE_OLD), write_solve_set(SOLVE_NEW)),
    # a what-if into the directory of its baseline: version 2 is there (an earlier run), version 2 is written again
    "whatif": (write_whatif_set(2, "old"), write_whatif_set(2, "new")),
}


def sweep(tmp_path: Path, faults: Faults, case: str, mode: str) -> None:
    """Write the case's new set over its old one once for every call of a clean write, that call failing as `mode`
    says; each time the directory must hold the old set or the new set exactly, and no journal."""
    write_old, write_new = CASES[case]
    old = old_directory(tmp_path, write_old)
    before = tree(old)
    done = tmp_path / "done"
    shutil.copytree(old, done, symlinks=True)
    calls = faults.calls_made_by(lambda: write_new(done))
    after = tree(done)
    assert after != before and after["notes.txt"] == before["notes.txt"] and calls > 50
    kept_old = 0
    for at in range(1, calls + 1):
        directory = tmp_path / f"at-{at}"
        shutil.copytree(old, directory, symlinks=True)
        faults.arm(mode, at)
        try:
            write_new(directory)
            failed = False
        except OutputError as error:
            assert "\n" not in str(error) and str(error).startswith(str(directory))
            failed = True
        except KeyboardInterrupt:
            failed = True
        finally:
            faults.mode = "off"
        state = tree(directory)
        assert state in (before, after), f"a mix after a failure at call {at} of {calls}"
        kept_old += failed and state == before
        assert not [path for path in leftovers(directory) if (path / JOURNAL).exists()]
        recover(directory)  # what the next write does first: a staging directory without a journal just goes
        assert leftovers(directory) == [] and tree(directory) == state
        shutil.rmtree(directory)
    assert kept_old > calls // 2  # most calls come before the commit point, and a failure there keeps the old set


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("mode", ["full", "eio", "ctrl-c"])
def test_a_failure_at_any_call_leaves_the_old_set_or_the_new_set(tmp_path, monkeypatch, case, mode):
    sweep(tmp_path, Faults(monkeypatch), case, mode)


def test_without_hard_links_the_old_files_are_copied_and_put_back(tmp_path, monkeypatch):
    """A file system without hard links (or a file of another user's, which Linux refuses to link): the old files
    are copied into the staging directory instead."""

    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", no_links)
    sweep(tmp_path, Faults(monkeypatch), "solve", "full")


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_process_killed_at_any_call_leaves_what_the_next_write_turns_into_one_set(tmp_path, monkeypatch, case):
    """SIGKILL or a power cut cannot be caught: what is on disk at that moment is all there is. It is the old set (a
    staging directory beside it), or, during the renames of the commit, a mix plus the journal, which the next
    write into the directory (or recover()) turns back into the old set."""
    write_old, write_new = CASES[case]
    faults = Faults(monkeypatch)
    old = old_directory(tmp_path, write_old)
    before = tree(old)
    done = tmp_path / "done"
    shutil.copytree(old, done, symlinks=True)
    calls = faults.calls_made_by(lambda: write_new(done))
    after = tree(done)
    mixes = 0
    for at in range(1, calls + 1):
        disk = tmp_path / f"at-{at}"
        shutil.copytree(old, disk, symlinks=True)
        faults.arm("kill", at)
        with pytest.raises(Killed):
            write_new(disk)
        faults.mode = "off"
        as_killed = tree(disk)
        journal = [path for path in leftovers(disk) if (path / JOURNAL).exists()]
        if journal:  # killed during the commit: the journal says how to put the old set back
            mixes += as_killed not in (before, after)
        else:
            assert as_killed in (before, after), f"killed at call {at} of {calls}"
        assert recover(disk) == bool(journal)
        assert tree(disk) == (before if journal else as_killed) and leftovers(disk) == []
        write_new(disk)  # and the next write finds nothing in its way
        assert tree(disk) == after and leftovers(disk) == []
        shutil.rmtree(disk)
    assert mixes > 0  # some kills came during the renames: a mix on disk, which recover() undid


def test_ctrl_c_during_the_renames_waits_for_the_new_set(tmp_path, monkeypatch):
    """Ctrl-C arriving while the files are renamed into place is acted on once the whole set is there."""
    write_old, write_new = CASES["solve"]
    old = old_directory(tmp_path, write_old)
    done = tmp_path / "done"
    shutil.copytree(old, done, symlinks=True)
    write_new(done)
    real_replace = os.replace
    renamed = []

    def replace(source, target, **kwargs):
        renamed.append(target)
        if len(renamed) == 3:  # the journal, then the first file of the set: now the second is being moved
            signal.raise_signal(signal.SIGINT)  # to this thread, at once (os.kill may reach another thread first)
        return real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    # Python's own Ctrl-C handler, whatever an earlier test in this process left in place
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_new(old)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(renamed) > 5  # every file was moved before the Ctrl-C was acted on
    assert tree(old) == tree(done) and leftovers(old) == []


def test_only_the_files_of_the_set_are_touched(tmp_path):
    write_old, write_new = CASES["solve"]
    old = old_directory(tmp_path, write_old)
    (old / "ics" / "rooms" / "old-room.ics.bak").write_text("a backup of the user's\n")
    write_new(old)
    assert (old / "notes.txt").read_text() == "the chair's notes\n"
    assert (old / "ics" / "rooms" / "README").exists() and (old / "ics" / "rooms" / "old-room.ics.bak").exists()
    assert not (old / "ics" / "rooms" / "room-b.ics").exists()  # stale: the room is gone
    assert (old / "ics" / "rooms" / "room-c.ics").exists() and (old / "frab" / "schedule.xml").exists()
    assert leftovers(old) == []


def test_a_journal_that_is_not_ours_is_refused_and_nothing_outside_is_touched(tmp_path):
    directory = tmp_path / "out"
    directory.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep\n")
    staging = directory / f"{STAGING_PREFIX}forged"
    staging.mkdir()
    (staging / JOURNAL).write_text(json.dumps({"entries": [{"path": "../precious.txt", "new": True, "old": False}],
                                               "directories": []}))  # fmt: skip
    with pytest.raises(OutputError, match="cut short cannot be undone"):
        recover(directory)
    assert outside.read_text() == "keep\n"


# The output directory through the command line: one line, exit 2, the directory as it was


FAULTY_CLI = """
import errno, os, signal, sys
mode, name, at = sys.argv[1], sys.argv[2], int(sys.argv[3])
real = getattr(os, name)
calls = 0
def faulty(*args, **kwargs):
    global calls
    calls += 1
    if calls == at and mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if calls >= at and mode != "kill":
        number = {"full": errno.ENOSPC, "read-only": errno.EACCES}[mode]
        raise OSError(number, os.strerror(number), args[0] if args else None)
    return real(*args, **kwargs)
setattr(os, name, faulty)
from scheduler.cli import main
sys.argv = ["confsched", *sys.argv[4:]]
main()
"""


def run_faulty(mode: str, call: str, at: int, *args) -> subprocess.CompletedProcess:
    """confsched with the `at`-th call of os.`call` (and every later one) failing as `mode` says, or killed there."""
    return subprocess.run(
        [sys.executable, "-c", FAULTY_CLI, mode, call, str(at), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def run(*args) -> subprocess.CompletedProcess:
    return run_faulty("none", "getcwd", 10**9, *args)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A generated 30-talk conference, its data file and a published schedule of it (solve --out published)."""
    directory = tmp_path_factory.mktemp("small")
    data = directory / "data.yaml"
    data.write_text(generate_yaml(talks=30, rooms=4, days=1, seed=3), encoding="utf-8")
    published = directory / "published"
    result = run("solve", data, "--out", published, "--time-limit", "3")
    assert result.returncode == 0, result.stderr
    return data, published


def copy_of(published: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "out"
    shutil.copytree(published, directory)
    (directory / "notes.txt").write_text("the chair's notes\n")
    return directory


def test_out_an_existing_file_is_one_line_for_every_command(small, tmp_path):
    data, published = small
    in_the_way = tmp_path / "schedule"
    in_the_way.write_text("a file of the user's\n")
    expected = f"error: {in_the_way}: exists and is not a directory; the output files need a directory"
    commands = [
        ["solve", data, "--out", in_the_way, "--time-limit", "1"],
        ["export", published / "schedule.json", "--data", data, "--format", "html", "--out", in_the_way],
        ["whatif", data, "--baseline", published / "schedule.json", "--out", in_the_way, "--withdraw", "talk-0002"],
    ]
    for command in commands:
        assert one_error_line(run(*command)) == expected, command[0]
        assert in_the_way.read_text() == "a file of the user's\n"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write into a read-only directory")
def test_a_read_only_output_directory_is_one_line(small, tmp_path):
    data, published = small
    directory = copy_of(published, tmp_path)
    before = tree(directory)
    directory.chmod(0o555)
    try:
        line = one_error_line(run("solve", data, "--out", directory, "--time-limit", "1"))
    finally:
        directory.chmod(0o755)
    assert line == f"error: {directory}: cannot write the output files: Permission denied; nothing was changed"
    assert tree(directory) == before


def test_an_unwritable_output_directory_is_refused_before_any_work(tmp_path, monkeypatch):
    """solve and whatif call check_output_directory before solving: a directory the process may not write into (as
    os.access says; root may write anywhere, so the permission is simulated) is one line at once."""
    directory = tmp_path / "out"
    directory.mkdir()
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != directory)
    with pytest.raises(OutputError) as refused:
        atomic.check_output_directory(directory)
    assert str(refused.value) == f"{directory}: cannot write the output files: Permission denied; nothing was changed"
    with pytest.raises(OutputError, match=r"out: cannot write the output files: Permission denied"):
        atomic.check_output_directory(directory / "new" / "folder")  # would be created in the unwritable one
    atomic.check_output_directory(tmp_path / "elsewhere")


def test_a_directory_that_refuses_new_files_is_one_line(small, tmp_path):
    """As a read-only directory looks to a process that passes the permission check (root, some network mounts):
    creating the staging directory fails with EACCES."""
    data, published = small
    directory = copy_of(published, tmp_path)
    before = tree(directory)
    line = one_error_line(run_faulty("read-only", "mkdir", 1, "solve", data, "--out", directory, "--time-limit", "1"))
    assert line == f"error: {directory}: cannot write the output files: Permission denied; nothing was changed"
    assert tree(directory) == before and leftovers(directory) == []


def test_a_full_disk_while_solve_writes_is_one_line_and_keeps_the_old_set(small, tmp_path):
    """The disk fills up as the third file is written (every call is covered by the tests above, through the
    library; this is the command line's one line)."""
    data, published = small
    directory = copy_of(published, tmp_path)
    before = tree(directory)
    result = run_faulty("full", "write", 3, "solve", data, "--out", directory, "--time-limit", "1", "--seed", "7")
    line = one_error_line(result)
    assert line == f"error: {directory}: cannot write the output files: No space left on device; nothing was changed"
    assert tree(directory) == before and leftovers(directory) == []


def test_a_full_disk_while_whatif_writes_leaves_no_partial_version(small, tmp_path):
    data, published = small
    directory = copy_of(published, tmp_path)
    before = tree(directory)
    for at in (1, 4):  # the first file; the data file, after schedule.v2.json, .csv and .ics
        result = run_faulty(
            "full", "write", at,
            "whatif", data, "--baseline", directory / "schedule.json", "--out", directory, "--withdraw", "talk-0002",
            "--time-limit", "2",
        )  # fmt: skip
        line = one_error_line(result)
        assert line.endswith(": cannot write the output files: No space left on device; nothing was changed")
        assert tree(directory) == before and leftovers(directory) == []
    result = run(
        "whatif", data, "--baseline", directory / "schedule.json", "--out", directory, "--withdraw", "talk-0002",
        "--time-limit", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert set(tree(directory)) == set(before) | set(revision_names(2)) and leftovers(directory) == []


def test_a_symlinked_output_file_is_refused_in_one_line(small, tmp_path):
    data, published = small
    directory = copy_of(published, tmp_path)
    outside = tmp_path / "somebody-elses.ics"
    outside.write_text("not ours\n")
    (directory / "schedule.ics").unlink()
    (directory / "schedule.ics").symlink_to(outside)
    before = tree(directory)
    line = one_error_line(run("solve", data, "--out", directory, "--time-limit", "1"))
    assert line == (
        f"error: {directory / 'schedule.ics'}: refusing to write: it resolves outside {directory} (a symbolic link)"
    )
    assert outside.read_text() == "not ours\n" and tree(directory) == before and leftovers(directory) == []


def test_a_solve_killed_while_renaming_is_undone(small, tmp_path):
    """SIGKILL in the middle of the renames (deterministically: the process kills itself as it is about to move
    report.md into place) leaves a mix and the journal on disk; recover() puts the old set back, and so does the
    next solve before it writes its own set whole."""
    data, published = small
    directory = copy_of(published, tmp_path)
    before = tree(directory)

    def killed_while_renaming() -> None:
        # os.replace: 1 the journal, then schedule.csv, .ics, .json, report.md, report.json: killed before report.md
        result = run_faulty("kill", "replace", 5, "solve", data, "--out", directory, "--time-limit", "1", "--seed", "5")
        assert result.returncode == -signal.SIGKILL, result.stderr
        staged = leftovers(directory)
        assert len(staged) == 1 and (staged[0] / JOURNAL).exists()
        # a mix on disk: the new schedule.json beside the old report, and the journal that undoes it
        assert json.loads((directory / "schedule.json").read_text())["seed"] == 5
        assert tree(directory)["report.json"] == before["report.json"]

    killed_while_renaming()
    assert recover(directory) is True
    assert tree(directory) == before and leftovers(directory) == []

    killed_while_renaming()
    result = run("solve", data, "--out", directory, "--time-limit", "1", "--seed", "5")
    assert result.returncode == 0, result.stderr
    assert leftovers(directory) == [] and set(tree(directory)) == set(before)
    assert (directory / "notes.txt").read_text() == "the chair's notes\n"
    conference_data = load(data)
    schedule = read_schedule(directory / "schedule.json", conference_data)
    assert verify(conference_data, schedule.assignments) == []
    assert read_schedule(directory / "schedule.csv", conference_data).assignments == schedule.assignments
    assert json.loads((directory / "schedule.json").read_text())["seed"] == 5


def test_atomic_is_the_only_writer():
    """write_files and write_atomic live in scheduler/formats/atomic.py (test_hardening checks no other module
    writes a file itself); the staging prefix is hidden and cannot be a name an exporter writes."""
    assert atomic.STAGING_PREFIX.startswith(".")
    with pytest.raises(ValueError):
        atomic.relative_path(f"{STAGING_PREFIX}x/schedule.csv")


def test_generate_into_a_directory_is_one_line_and_writes_nothing(tmp_path):
    directory = tmp_path / "out"
    directory.mkdir()
    line = one_error_line(run("generate", "--out", directory, "--talks", "5", "--rooms", "2", "--days", "1"))
    assert line == f"error: {directory}: is a directory; give the file to write"
    assert list(directory.iterdir()) == []


def test_generate_with_one_room_writes_a_file_validate_accepts(tmp_path):
    data = tmp_path / "one-room.yaml"
    assert run("generate", "--out", data, "--talks", "5", "--rooms", "1", "--days", "1").returncode == 0
    result = run("validate", data)
    assert result.returncode == 0 and ": OK: " in result.stdout
