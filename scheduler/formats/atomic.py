"""Atomic output: a file is either fully written or not there at all, and the set of files one command writes is the
old set or the new set, never a mix.

:func:`write_atomic` replaces one file (the data file `import` and `generate` write). :func:`write_files` replaces
the set of files a command writes into a directory (`solve`, `export`, `whatif`) as one unit:

1. **lock**: an exclusive ``flock`` on the directory, so two confsched commands never write into it at once; then
   :func:`recover` undoes a write that a killed process left half done;
2. **stage**: every new file is written and fsynced into a hidden staging directory inside the output directory
   (``.confsched-write-XXXXXXXX/new/``: the same file system, so a rename moves it), and every file of the directory
   that the set replaces or removes gets a hard link (where the file system has none, a copy) in ``.../old/``.
   Nothing outside the staging directory has changed; a failure here (disk full, no permission, Ctrl-C) only
   removes the staging directory again;
3. **journal**: ``commit.json`` lists every path of the set, whether it had an old file, which file (inode, size,
   modification time) the new one is, and the directories the commit creates; it is fsynced and renamed into place.
   From here on the staging directory alone is enough to put the old set back;
4. **commit**: create those directories, rename each new file over its path, remove the stale files, fsync the
   directories. Ctrl-C and SIGTERM are held from here to the end and acted on afterwards;
5. **done**: remove ``commit.json``: from this moment the new set is the set. Then remove the staging directory.

An exception in 4 (an I/O error, a full disk while renaming) puts the old set back from the journal before it is
raised. A process that dies in 4 (SIGKILL, power loss: nothing can catch those) leaves the journal behind, and the
next :func:`write_files` or :func:`recover` on the directory puts the old set back before anything else. Putting
back touches only a path whose file is the new one this write put there (or, for a stale file it removed, a path
that is still empty), so it can be repeated and never undoes what someone else did since. A staging directory
without a journal (a process killed in 2, or after 5) changed nothing and is removed. Only paths of the set are
ever touched: every other file in the directory (the user's, older what-if versions, the baseline) stays.
docs/exports.md ("Nothing half-written") says the same for users.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from ..errors import DataError, OutputError

STAGING_PREFIX = ".confsched-write-"
JOURNAL = "commit.json"
LOCK_WAIT_SECONDS = 60.0  # how long a command waits for another one writing into the same directory
HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)  # held while the files are renamed into place


def write_atomic(path: str | Path, content: bytes | str) -> Path:
    """Write `content` to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    Raises :class:`OutputError` (one line: the path and what is wrong) when it cannot; `path` is then unchanged.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(path, "is a directory; give the file to write")
    try:
        return _replace_file(path, content.encode("utf-8") if isinstance(content, str) else content)
    except OSError as error:
        raise OutputError(path, f"cannot be written: {error.strerror or error}; nothing was changed") from None


def _replace_file(path: Path, payload: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            # mkstemp makes the file readable by its owner only; give it the mode a plain open() would (or keep
            # the mode of the file it replaces), so a calendar served by a web server stays readable
            os.chmod(temporary, _mode_of(path))
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _mode_of(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:  # a new file: what the umask allows
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# Limits (docs/format.md, "Limits") on the files confsched reads but did not write as data files: a programme to
# import (frab, pretalx, CSV, XLSX, CoSPLib) is read whole, then parsed in memory.
MAX_SOURCE_BYTES = 50 * 1024 * 1024


def read_source(source: Path, limit: int | None = None) -> bytes:
    """The source file's bytes; a missing, unreadable or too large file (over `limit` bytes, by default
    MAX_SOURCE_BYTES) is a DataError naming it.

    Never reads more than `limit` + 1 bytes: the path may name something endless, such as /dev/zero."""
    limit = MAX_SOURCE_BYTES if limit is None else limit
    try:
        with source.open("rb") as stream:
            raw = stream.read(limit + 1)
    except FileNotFoundError:
        raise DataError(source, None, None, "file not found") from None
    except IsADirectoryError:
        raise DataError(source, None, None, "is a directory; expected a file") from None
    except OSError as error:
        raise DataError(source, None, None, f"cannot read the file: {error.strerror}") from None
    if len(raw) > limit:
        raise DataError(source, None, None, f"file is larger than {megabytes(limit)}")
    return raw


def megabytes(size: int) -> str:
    """A limit in bytes as people write it: '50 MB' (1 MB = 1,048,576 bytes)."""
    return f"{size / (1024 * 1024):g} MB"


# A set of files as one unit


def relative_path(name: str) -> PurePosixPath:
    """`name` as a plain '/'-separated path inside a directory; ValueError for anything that could leave it."""
    path = PurePosixPath(name)
    if (
        not path.parts
        or path.is_absolute()
        or any(part in ("", ".", "..") or "\\" in part or "\x00" in part for part in path.parts)
        or path.parts[0].startswith(STAGING_PREFIX)
    ):
        raise ValueError(f"refusing to write {name!r}: not a plain path inside the output directory")
    return path


def check_output_directory(directory: str | Path) -> None:
    """Raise :class:`OutputError` at once if `directory` plainly cannot take output files (a file is in its place, or
    it, or the nearest existing directory it would be created in, is not writable), before any work is done."""
    directory = Path(directory)
    if os.path.lexists(directory) and not directory.is_dir():
        raise OutputError(directory, "exists and is not a directory; the output files need a directory")
    existing = directory.absolute()
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(existing, f"is not a directory; cannot create {directory} in it")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(existing, "cannot write the output files: Permission denied; nothing was changed")


def write_files(directory: str | Path, files: Mapping[str, str | bytes], *, owned: Iterable[str] = ()) -> list[Path]:
    """Replace `files` (path relative to `directory` -> content) in `directory` as one unit: afterwards it holds
    every one of them or, after any failure, exactly what it held before. A file matching one of the `owned` glob
    patterns that is not among `files` is stale (the calendar of a renamed room) and removed in the same unit.
    Every other file in the directory is left alone.

    Raises :class:`OutputError` (the path and what is wrong, one line) when the files cannot be written, ValueError
    for a name that is not a plain relative path.
    """
    directory = Path(directory)
    payloads = {relative_path(name): _payload(content) for name, content in files.items()}
    made = _make_directory(directory)
    try:
        with _locked(directory):
            _recover(directory)
            stale = _stale(directory, owned, payloads)
            _check_targets(directory, list(payloads), stale)
            staging, journal = _stage(directory, payloads, stale)
            _commit(directory, staging, journal)
    except BaseException:
        for path in made:  # directories this call created, if still empty
            with contextlib.suppress(OSError):
                os.rmdir(path)
        raise
    return [directory.joinpath(*path.parts) for path in payloads]


def recover(directory: str | Path) -> bool:
    """Put back the files a write into `directory` had replaced when its process was killed halfway through the
    renames (its journal says which), and remove what writes that changed nothing left behind. True if a write was
    undone. :func:`write_files` does this first anyway; a command that reads from the directory can call it."""
    directory = Path(directory)
    if not directory.is_dir() or not any(directory.glob(STAGING_PREFIX + "*")):
        return False
    with _locked(directory):
        return _recover(directory)


def _payload(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _unwritable(directory: Path, error: OSError) -> OutputError:
    return OutputError(directory, f"cannot write the output files: {_reason(error)}; nothing was changed")


def _make_directory(directory: Path) -> list[Path]:
    """Create `directory` and its missing parents; the ones created, deepest first."""
    if directory.is_dir():
        return []
    if os.path.lexists(directory):
        raise OutputError(directory, "exists and is not a directory; the output files need a directory")
    missing = []
    path = directory.absolute()
    while not os.path.lexists(path) and path.parent != path:
        missing.append(path)
        path = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(directory, f"cannot create the directory: {_reason(error)}") from None
    return missing


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive flock on `directory` for the block; unlocked where the platform or file system has no flock."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError as error:
        raise _unwritable(directory, error) from None
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputError(
                        directory,
                        f"another confsched command has been writing here for {LOCK_WAIT_SECONDS:g} s; "
                        "nothing was changed",
                    ) from None
                time.sleep(0.05)
            except OSError:  # a file system without locks (some network file systems)
                break
        yield
    finally:
        os.close(handle)  # releases the lock


def _stale(directory: Path, owned: Iterable[str], payloads: Mapping[PurePosixPath, bytes]) -> list[PurePosixPath]:
    found = set()
    for pattern in owned:
        for path in directory.glob(pattern):
            relative = PurePosixPath(path.relative_to(directory).as_posix())
            if relative not in payloads and (path.is_file() or path.is_symlink()):
                found.add(relative)
    return sorted(found)


def _check_targets(directory: Path, new: list[PurePosixPath], stale: list[PurePosixPath]) -> None:
    """Refuse, before anything is written, a path that leads out of `directory` through a symbolic link, a directory
    where a file goes, and a file where a directory goes."""
    root = directory.resolve()
    for relative in [*new, *(path.parent for path in stale)]:
        path = directory.joinpath(*relative.parts)
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a loop of symbolic links
            raise OutputError(path, "refusing to write: a loop of symbolic links") from None
        if not resolved.is_relative_to(root):
            raise OutputError(path, f"refusing to write: it resolves outside {directory} (a symbolic link)")
    for relative in new:
        path = directory.joinpath(*relative.parts)
        if path.is_dir():
            raise OutputError(path, "is a directory; cannot replace it with a file")
        for parent in relative.parents:
            folder = directory.joinpath(*parent.parts)
            if parent.parts and os.path.lexists(folder) and not folder.is_dir():
                raise OutputError(folder, f"is not a directory; cannot write {relative} inside it")


def _stage(directory: Path, payloads: Mapping[PurePosixPath, bytes], stale: list[PurePosixPath]) -> tuple[Path, dict]:
    """Steps 2 and 3: the staging directory with every new file and a link to every old one, and its journal."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory))
    except OSError as error:
        raise _unwritable(directory, error) from None
    try:
        identities = {
            relative: _write_new(staging / "new" / relative, payload, _mode_of(directory.joinpath(*relative.parts)))
            for relative, payload in payloads.items()
        }
        entries = []
        for relative in [*payloads, *stale]:
            target = directory.joinpath(*relative.parts)
            existed = os.path.lexists(target)
            if existed:
                _keep(target, staging / "old" / relative)
            entry = {"path": relative.as_posix(), "new": relative in payloads, "old": existed}
            if relative in identities:
                entry["file"] = identities[relative]
            entries.append(entry)
        folders = {
            parent
            for relative in payloads
            for parent in relative.parents
            if parent.parts and not directory.joinpath(*parent.parts).is_dir()
        }
        journal = {
            "entries": entries,
            "directories": [path.as_posix() for path in sorted(folders, key=lambda path: len(path.parts))],
        }
        for folder, _, _ in os.walk(staging):  # every staged file's directory entry is on disk before the journal
            _fsync_directory(Path(folder))
        temporary = staging / f"{JOURNAL}.tmp"
        _write_new(temporary, json.dumps(journal).encode("utf-8"), 0o600)
        os.replace(temporary, staging / JOURNAL)
        _fsync_directory(staging)
    except BaseException as error:
        with contextlib.suppress(OSError):  # first the journal: a staging directory without one is only litter
            os.unlink(staging / JOURNAL)
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise _unwritable(directory, error) from None
        raise
    return staging, journal


def _write_new(path: Path, payload: bytes, mode: int) -> list[int]:
    """A new file at `path` holding `payload`, on disk (fsynced) when this returns; its identity (see _identity)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.chmod(path, mode)
        view = memoryview(payload)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
        return _identity(os.fstat(handle))
    finally:
        os.close(handle)


def _identity(status: os.stat_result) -> list[int]:
    """What tells the file a write staged from any other: its inode (kept by a rename), size and modification time."""
    return [status.st_ino, status.st_size, status.st_mtime_ns]


def _is_ours(path: Path, identity: list[int]) -> bool:
    try:
        return _identity(os.lstat(path)) == identity
    except FileNotFoundError:
        return False


def _keep(target: Path, backup: Path) -> None:
    """`backup` becomes the file `target` is now: a hard link where the file system allows one, else a copy."""
    backup.parent.mkdir(parents=True, exist_ok=True)
    try:
        if os.link in os.supports_follow_symlinks:
            os.link(target, backup, follow_symlinks=False)
        else:
            os.link(target, backup)
    except OSError:  # no hard links here (or not to another user's file): a copy, which needs room on the disk
        if os.path.islink(target):
            os.symlink(os.readlink(target), backup)
        else:
            _write_new(backup, target.read_bytes(), stat.S_IMODE(target.stat().st_mode))


def _commit(directory: Path, staging: Path, journal: dict) -> None:
    """Steps 4 and 5, with Ctrl-C and SIGTERM held; on failure the old set is put back before the error is raised."""
    with _signals_held():
        try:
            _apply(directory, staging, journal)
            os.unlink(staging / JOURNAL)  # the commit point: from here on the new set is the set
        except BaseException as error:
            try:
                _roll_back(directory, staging, journal)
            except OSError as second:
                raise OutputError(
                    directory,
                    f"cannot write the output files: {_reason(error) if isinstance(error, OSError) else error!r}; "
                    f"putting the previous files back failed too ({_reason(second)}): the next confsched command "
                    "that writes here puts them back",
                ) from None
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(error, OSError):
                raise OutputError(
                    directory, f"cannot write the output files: {_reason(error)}; the previous files are unchanged"
                ) from None
            raise
        with contextlib.suppress(OSError):
            _fsync_directory(staging)
        shutil.rmtree(staging, ignore_errors=True)


def _apply(directory: Path, staging: Path, journal: dict) -> None:
    for name in journal["directories"]:
        with contextlib.suppress(FileExistsError):
            os.mkdir(directory / name)
    touched = {directory}
    for entry in journal["entries"]:
        target = directory / entry["path"]
        if entry["new"]:
            os.replace(staging / "new" / entry["path"], target)
        elif os.path.lexists(target):
            os.unlink(target)
        touched.add(target.parent)
    for folder in sorted(touched):
        _fsync_directory(folder)


def _roll_back(directory: Path, staging: Path, journal: dict) -> None:
    """Put every path of the journal back as it was before the commit: where the new file of this write is in place,
    the old file (or no file, if there was none); where a stale file was removed and nothing has taken its place,
    the old file. Any other path is left as it is (never moved in, already put back, or changed by someone else
    since), so this is safe to repeat."""
    touched = {directory}
    for entry in reversed(journal["entries"]):
        target = directory / entry["path"]
        backup = staging / "old" / entry["path"]
        if entry["new"]:
            if _is_ours(target, entry["file"]):
                if not entry["old"]:
                    os.unlink(target)
                elif os.path.lexists(backup):
                    os.replace(backup, target)
        elif entry["old"] and not os.path.lexists(target) and os.path.lexists(backup):
            os.replace(backup, target)
        touched.add(target.parent)
    for name in reversed(journal["directories"]):
        with contextlib.suppress(OSError):  # not empty (someone else's file) or already gone
            os.rmdir(directory / name)
    for folder in sorted(touched):
        with contextlib.suppress(OSError):
            _fsync_directory(folder)
    os.unlink(staging / JOURNAL)  # the old set is back


def _recover(directory: Path) -> bool:
    """:func:`recover` with the directory already locked."""
    undone = False
    for staging in sorted(directory.glob(STAGING_PREFIX + "*")):
        if staging.is_symlink() or not staging.is_dir():
            continue
        if os.path.lexists(staging / JOURNAL):
            try:
                _roll_back(directory, staging, _read_journal(staging / JOURNAL))
            except (OSError, ValueError) as error:
                reason = _reason(error) if isinstance(error, OSError) else str(error)
                raise OutputError(
                    staging,
                    f"a write into {directory} that was cut short cannot be undone ({reason}); "
                    "the previous files are kept here until it can",
                ) from None
            undone = True
        shutil.rmtree(staging, ignore_errors=True)
    return undone


def _read_journal(path: Path) -> dict:
    """A journal as written by :func:`_stage`; ValueError for anything else (paths are checked to stay inside)."""
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        entries = [
            {
                "path": relative_path(entry["path"]).as_posix(),
                "new": bool(entry["new"]),
                "old": bool(entry["old"]),
                "file": [int(number) for number in entry["file"]] if entry["new"] else None,
            }
            for entry in journal["entries"]
        ]
        folders = [relative_path(name).as_posix() for name in journal["directories"]]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"unreadable journal {path.name}: {error}") from None
    return {"entries": entries, "directories": folders}


def _fsync_directory(path: Path) -> None:
    """Put `path`'s directory entries on disk (where the platform can open a directory)."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):  # a file system that cannot
            raise
    finally:
        os.close(handle)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM arriving in the block are acted on after it (by the handler that was in place), so the
    renames of a commit are never cut short by them. Only the main thread can set signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {}
    for number in HELD_SIGNALS:
        handler = signal.getsignal(number)
        if handler is not None:  # None: a handler not set from Python, left alone
            previous[number] = handler
            signal.signal(number, lambda received, frame: held.append(received))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in held:
            handler = previous[number]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)
