"""Text cells for spreadsheets (schedule.csv, changes.csv, schedule.xlsx) that no spreadsheet runs as a formula.

A spreadsheet treats a cell that starts with = + - @ tab or CR as a formula ("CSV injection"): a talk titled
=HYPERLINK(...) would become a link, or worse, in a chair's copy of the programme. Such text gets a leading single
quote, as OWASP advises; numbers written as text ('-5', '+1.5') are left alone. Reading our own CSV or XLSX back
(confsched check, import, what-if baselines) removes exactly that quote, so a title survives a round trip unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pandas as pd

# quotes already in front are counted through: a cell that starts with a quote and a formula character keeps its own
# quote on the way back
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: Any) -> Any:
    """`value` with a leading ' if it is text a spreadsheet would run as a formula; anything else as it is."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return f"'{value}"
    return value


def restore(text: str) -> str:
    """The text :func:`neutralise` was given (text it would not have changed comes back as it is)."""
    inner = text[1:]
    return inner if text.startswith("'") and _FORMULA.match(inner) and not _NUMBER.match(inner) else text


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV: a header row, then one row per line ending in \\n, every text cell neutralised.

    A cell holding a line break is quoted, CR included: the csv module (and pandas) quote only the characters of the
    line terminator, so with \\n line ends a title containing a CR would otherwise split its row in two."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes any cell with CR or LF
    lines = []
    for row in [list(frame.columns), *frame.itertuples(index=False, name=None)]:
        writer.writerow([neutralise(cell) for cell in row])
        lines.append(buffer.getvalue().removesuffix("\r\n") + "\n")
        buffer.seek(0)
        buffer.truncate()
    return "".join(lines)
