"""Atomic output: a file is either fully written or not there at all."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from ..errors import DataError


def write_atomic(path: str | Path, content: bytes | str) -> Path:
    """Write `content` to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = content.encode("utf-8") if isinstance(content, str) else content
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
