"""Writing a CoSPLib solution workbook: the `sol` sheet in the layout CoSPLib's checker reads."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from ..formats.atomic import write_atomic
from .instance import CosplibInstance
from .solution import SOLUTION_SHEET, CosplibSolution, check_shape


def solution_workbook(instance: CosplibInstance, solution: CosplibSolution) -> bytes:
    """The solution as an .xlsx workbook whose first sheet is `sol` in CoSPLib's layout (described at
    :func:`.reading.read_solution`)."""
    check_shape(instance, solution)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SOLUTION_SHEET
    rows: list[list[str | None]] = [[None, *(room.name for room in instance.rooms)]]
    rows += [[session.name, *tracks] for session, tracks in zip(instance.sessions, solution.tracks, strict=True)]
    rows.append([])
    for session, rooms in zip(instance.sessions, solution.submissions, strict=True):
        rows += [[session.name, *(cells[slot] for cells in rooms)] for slot in range(session.slots)]
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value in instance.numbers and row > 1 and column > 1:
                sheet.cell(row, column, instance.numbers[value])
            elif value is not None:
                cell = sheet.cell(row, column, value)
                cell.data_type = "s"  # always text: a name such as '=x' is not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_solution(path: str | Path, instance: CosplibInstance, solution: CosplibSolution) -> Path:
    """Write the solution workbook atomically; CoSPLib's load_solution reads it (it reads the first sheet)."""
    return write_atomic(path, solution_workbook(instance, solution))
