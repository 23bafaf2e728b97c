"""An .xlsx workbook read within limits (formats/workbooks.py), and its sheets as grids of cells whose errors name
the sheet, row and item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..formats.workbooks import XlsxFile
from .cells import as_name, cell_value, loose_label


@dataclass(frozen=True)
class Sheet:
    """One sheet as a grid of cells (no header row), with where it came from for messages."""

    source: Path
    name: str
    grid: tuple[tuple[Any, ...], ...]  # rows of cells, empty cells as None

    @classmethod
    def of(cls, source: Path, name: str, grid: list[list[Any]]) -> Sheet:
        return cls(source, name, tuple(tuple(cell_value(value) for value in row) for row in grid))

    @property
    def height(self) -> int:
        return len(self.grid)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.grid), default=0)

    def cell(self, row: int, column: int) -> Any:
        """The value at a 1-based row and column; None for an empty cell or one outside the data."""
        if row > self.height or column > len(self.grid[row - 1]):
            return None
        return self.grid[row - 1][column - 1]

    def cells(self, row: int) -> tuple[Any, ...]:
        return self.grid[row - 1] if row <= self.height else ()

    def blank(self, row: int) -> bool:
        return all(value is None for value in self.cells(row))

    def error(self, row: int | None, item: str | None, message: str) -> DataError:
        place = f"sheet '{self.name}'" + (f" row {row}" if row else "")
        return DataError(self.source, None, f"{place}, {item}" if item else place, message)

    def parse(self, row: int, item: str, column: str, value: Any, parser: Callable[[Any], Any]) -> Any:
        """A cell's value read by `parser`; what the parser rejects becomes a DataError naming the row and item."""
        try:
            return parser(value)
        except ValueError as error:
            raise self.error(row, item, f"{column}: {error}") from None

    def row_of(self, name: str) -> int | None:
        for row in range(2, self.height + 1):
            if as_name(self.cell(row, 1)) == name:
                return row
        return None

    def require_header(self, expected: Sequence[str]) -> None:
        for column, wanted in enumerate(expected, start=1):
            found = self.cell(1, column)
            if loose_label(found) != loose_label(wanted):
                got = "an empty cell" if found is None else repr(found)
                raise self.error(1, None, f"column {column} should be headed '{wanted}', found {got}")


@dataclass(frozen=True)
class Workbook:
    """An .xlsx file opened once; its sheets are read on demand."""

    source: Path
    book: XlsxFile

    @classmethod
    def open(cls, source: Path) -> Workbook:
        return cls(source, XlsxFile.open(source))

    def sheet(self, name: str) -> Sheet:
        if name not in self.book.sheet_names:
            raise DataError(
                self.source, None, None, f"no sheet named '{name}' (sheets: {', '.join(self.book.sheet_names)})"
            )
        return Sheet.of(self.source, name, self.book.grid(name))
