"""Errors a chair can act on: each renders as one line naming the file, line and item."""

from __future__ import annotations

import re
from pathlib import Path

# Line breaks and other control characters, which a quoted YAML value ("a\nb") can put into an id or a name, and what
# is not a character (U+FFFE, U+FFFF, lone surrogates, which a UTF-8 terminal cannot even be sent).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def one_line(text: str) -> str:
    """`text` with every control character written as an escape (a line break as \\n), so it prints as one line."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class ConfschedError(Exception):
    """Base class: the CLI prints str(error) and exits non-zero, never a traceback."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class DataError(ConfschedError):
    """A data file (or schedule file) is malformed or inconsistent."""

    def __init__(self, path: Path | str, line: int | None, item: str | None, message: str):
        self.path = Path(path)
        self.line = line
        self.item = item
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        what = f"{self.item}: " if self.item else ""
        return one_line(f"{where}: {what}{self.message}")


class OutputError(DataError):
    """An output file or directory cannot be written (not a directory, no permission, disk full, a symbolic link
    leading elsewhere); the files that were there are unchanged."""

    def __init__(self, path: Path | str, message: str):
        super().__init__(path, None, None, message)


class NoScheduleError(ConfschedError):
    """No schedule satisfies every hard rule (proven, or none found within the time limit).

    `findings` are the counts that proved it before any search (scheduler.checks.counting), each one sentence; the
    message names the first."""

    def __init__(self, message: str, proven: bool, findings: tuple[str, ...] = ()):
        self.proven = proven
        self.findings = tuple(findings)
        super().__init__(message)


def after_ctrl_c(error: BaseException | None) -> bool:
    """Whether a KeyboardInterrupt is among the exceptions that led to `error` (its causes and contexts): typer turns
    one into an exit, and an extension module interrupted while it loads raises ImportError from it."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
