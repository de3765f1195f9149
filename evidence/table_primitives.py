"""What every table reader shares: the :class:`Table` it builds, the limits on a sheet's shape, the header
search, and the cleaning rules of one cell (the CSV apostrophe escape, control characters).

The row reader (evidence/tables.py) and the column-wise CSV reader (evidence/columnar.py) both build on this
module and on nothing of each other's, so neither imports the other to reach a primitive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from evidence.problems import Problem
from evidence.text import clean, fold

if TYPE_CHECKING:
    import pandas as pd

HEADER_ROW = 1
SPLIT_HINT = ("hãy tách thành nhiều tệp (ví dụ mỗi tháng một tệp) và liệt kê chúng trong datasets của case.yaml, "
              "hoặc dùng mẫu glob như exports/ho-so-*.csv (docs/case-format.md)")
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
HEADER_SEARCH_ROWS = 30  # a header below a title block is found within these rows

CellKind = Literal["number", "date", "formula", "error", "bool"]

_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r") | {0x7F: None}


@dataclass(frozen=True)
class Table:
    path: Path
    frame: pd.DataFrame  # all cells str, NFC, stripped; "" for blank
    encoding: str  # "utf-8", "utf-8-sig", "cp1258", or "xlsx"
    header_row: int = HEADER_ROW
    rows: tuple[int, ...] = ()  # spreadsheet row of each frame row (blank rows are not in the frame)
    sheet: str | None = None
    kinds: Mapping[tuple[int, str], CellKind] = field(default_factory=dict)  # (frame index, header) → kind
    letters: Mapping[str, str] = field(default_factory=dict)  # header → spreadsheet column letter
    warnings: tuple[Problem, ...] = ()  # data the table holds but no column reads (W025)
    # Every header of the file, when `frame` holds only the columns a reader asked for (`read_table(columns=…)`)
    headers: tuple[str, ...] | None = None
    # Frame rows holding data only in columns left out of `frame` (they are rows, not blank lines)
    filled_elsewhere: frozenset[int] = frozenset()

    @property
    def all_headers(self) -> list[str]:
        """The file's headers, read or not: what messages list and what W031 compares."""
        return list(self.headers) if self.headers is not None else list(self.frame.columns)

    def sheet_row(self, index: int) -> int:
        """Spreadsheet row number of the frame's `index`-th data row."""
        return self.rows[index] if self.rows else self.header_row + 1 + index

    def kind(self, index: int, header: str | None) -> CellKind | None:
        return None if header is None else self.kinds.get((index, header))


def column_letter(position: int) -> str:
    """0 → "A", 26 → "AA": how Excel names a column."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_ESCAPED_FORMULA = re.compile(r"'+[=+\-@]")


def _csv_cell(text: str) -> str:
    # cchc writes text starting with = + - @ to CSV behind an apostrophe so that Excel never runs it
    # (and "'=…" behind two): one apostrophe before those characters is taken off again.
    return text[1:] if _ESCAPED_FORMULA.match(text) else text


def _too_many_rows(path: Path, max_rows: int) -> Problem:
    return Problem.of("E015", file=path, detail=f"hơn {max_rows:,} hàng dữ liệu".replace(",", ".") + f"; {SPLIT_HINT}")


def repeated_headers(headers: list[str], path: Path, header_row: int) -> tuple[dict[str, int], list[Problem]]:
    """Each header's first column (by its `_header_key`), and E018 for every header written a second time."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for position, header in enumerate(headers):
        if not header:
            continue
        key = _header_key(header)
        if key in seen:
            problems.append(Problem.of("E018", file=path, row=header_row, column=header, header=header,
                                       first=column_letter(seen[key]), second=column_letter(position)))
        else:
            seen[key] = position
    return seen, problems


def _header_key(text: str) -> str:
    return fold(text).replace(" ", "")


def _find_header(records: list[tuple[int, list[str]]], expect: tuple[str, ...]) -> int:
    """Index in `records` of the header row."""
    if not expect:
        return 0
    wanted = {_header_key(h) for h in expect}
    best, best_hits = 0, 0
    for i, (_, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        hits = len(wanted & {_header_key(clean(c)) for c in cells})
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def strip_control(text: str) -> str:
    """Without control characters: invisible bytes, never data (and an .xlsx cannot hold them)."""
    return text.translate(_CONTROL)


