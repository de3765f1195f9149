"""Reading tabular evidence (CSV today) into text cells, and finding columns by header.

Every cell is kept as text so that nothing is coerced silently; typed parsing
happens per column with a message that names the row and the column. Row numbers
are those a person sees in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evidence.problems import InputError, Problem, did_you_mean
from evidence.text import TextEncodingError, clean, decode_bytes, fold

HEADER_ROW = 1


@dataclass(frozen=True)
class Table:
    path: Path
    frame: pd.DataFrame  # all cells str, NFC, stripped; "" for blank
    encoding: str

    def sheet_row(self, index: int) -> int:
        """Spreadsheet row number of the frame's `index`-th data row."""
        return HEADER_ROW + 1 + index


def read_table(path: Path) -> Table:
    if not path.is_file():
        raise InputError(Problem.of("E001", file=path, path=path))
    try:
        text, encoding = decode_bytes(path.read_bytes())
    except TextEncodingError as exc:
        raise InputError(Problem.of("E013", file=path, detail=str(exc))) from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(Problem.of("E013", file=path, detail=str(exc).strip())) from None
    frame.columns = [clean(c) for c in frame.columns]
    frame = frame.map(clean)
    return Table(path, frame, encoding)


def find_columns(table: Table, wanted: dict[str, tuple[str, bool]]) -> dict[str, str | None]:
    """Map field → actual header. `wanted` is field → (header, required).

    Headers match ignoring case, diacritics and spacing; a missing required column is an
    E002 problem with a "did you mean" drawn from the headers present."""
    present = {fold(h).replace(" ", ""): h for h in table.frame.columns}
    found: dict[str, str | None] = {}
    problems = []
    for field, (header, required) in wanted.items():
        actual = present.get(fold(header).replace(" ", ""))
        if actual is None and required:
            problems.append(Problem.of("E002", file=table.path, line=HEADER_ROW, header=header,
                                       hint=did_you_mean(header, list(table.frame.columns)),
                                       columns=", ".join(table.frame.columns) or "(không có)"))
        found[field] = actual
    if problems:
        raise InputError(problems)
    return found
