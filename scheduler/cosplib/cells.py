"""What one workbook cell holds: empty cells, names, labels, people lists, whole numbers, penalties, times and dates.

Each parser takes a cell's value (as pandas reads it) and returns it typed, or raises ValueError saying what it
expected; :meth:`.sheets.Sheet.parse` turns that into a DataError naming the sheet, row and item.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

PEOPLE_SEPARATOR = ", "  # between presenters, attendees and chairs in one cell; the checker splits on exactly this


def cell_value(value: Any) -> Any:
    """None for an empty cell (or one holding only spaces); an integral float as an int; anything else as it is."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, float):
        if value != value:  # NaN: pandas' empty cell
            return None
        return int(value) if value.is_integer() else value
    if value is pd.NaT:
        return None
    return value


def as_name(value: Any) -> str | None:
    """A name cell as text, exactly as written (a number as its digits)."""
    return None if value is None else str(value)


def plain_label(value: Any) -> str:
    return str(value).strip().rstrip(":")


def loose_label(value: Any) -> str:
    """A label compared loosely: letters and digits only, lower case ('Similar Tracks:' -> 'similartracks')."""
    return "" if value is None else re.sub(r"[^0-9a-z]", "", str(value).lower())


def as_people(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(person for person in str(value).split(PEOPLE_SEPARATOR) if person)


def whole_at_least(minimum: int) -> Callable[[Any], int]:
    """A parser for a whole number >= minimum."""

    def parse(value: Any) -> int:
        if value is None:
            raise ValueError("the cell is empty")
        if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):  # \d would take any script's digits
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise ValueError(f"expected a whole number >= {minimum}, got {value!r}")
        return value

    return parse


def as_penalty(value: Any) -> int:
    """A penalty cell: a whole number; an empty cell is 0."""
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"expected a whole number or an empty cell, got {value!r}")


def as_text(value: Any) -> str:
    if value is None:
        raise ValueError("the cell is empty")
    return str(value).strip()


def as_clock(value: Any) -> dt.time:
    """A time of day to the minute (the checker ignores seconds): a time cell, or text 'HH:MM[:SS]'."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    clock = r"\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*"
    match = re.fullmatch(clock, value, re.ASCII) if isinstance(value, str) else None  # digits 0-9 only
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.time(int(match[1]), int(match[2]))
    got = "an empty cell" if value is None else repr(value)
    raise ValueError(f"expected a time as HH:MM, got {got}")


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a date, got {value!r}") from None
