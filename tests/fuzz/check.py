"""The property the loader must keep on any input: it returns a ConferenceData or raises a one-line DataError."""

from __future__ import annotations

from pathlib import Path

from scheduler import ConferenceData, DataError, load


class LoaderCrash(AssertionError):
    """The loader did something other than load the file or refuse it with a DataError."""


def check_file(path: Path, raw: bytes) -> str:
    """Write `raw` to `path` and load it; 'loaded' or 'refused', or LoaderCrash saying what went wrong."""
    path.write_bytes(raw)
    try:
        data = load(path)
    except DataError as error:
        message = str(error)
        if "\n" in message or "\r" in message or not message.startswith(str(path)):
            raise LoaderCrash(f"the DataError is not one line naming the file: {message!r}") from None
        return "refused"
    except Exception as error:
        raise LoaderCrash(f"{type(error).__name__}: {error}") from error
    if not isinstance(data, ConferenceData):
        raise LoaderCrash(f"load returned {type(data).__name__}")
    return "loaded"
