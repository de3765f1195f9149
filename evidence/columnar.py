"""Reading a CSV column-wise with Arrow: the same :class:`~evidence.tables.Table` as the row reader, in a
fraction of the time and memory.

Arrow parses the file in C++ into one text column per CSV column (nothing is typed: every cell stays
text, so "0123" keeps its zero). Python then touches each DISTINCT value of a column once — the
apostrophe rule, control characters, NFC and spaces (``clean``) — and never touches the columns no
reader asked for: their blank or not is computed by Arrow itself with a regular expression. An export
of 500 000 dossiers repeats a few dozen statuses, units and channels, so most columns cost a few
hundred Python calls instead of 500 000.

Anything this reader does not reproduce exactly returns ``None`` and the row reader
(``tables._csv_records``) reads the file as before, with its exact messages: bytes that are not UTF-8
(Windows-1258, legacy fonts, broken files: ``decode_bytes`` says which), NUL bytes, rows of another
width than the first (E023 and friends), over-long cells (E015), more than ``MAX_COLUMNS`` columns.
A blank line is a record of blank cells to Arrow as to the row reader, so row numbers agree.
Those files are small or broken; big exports are none of them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from evidence.problems import InputError, Problem
from evidence.table_primitives import (
    HEADER_ROW,
    HEADER_SEARCH_ROWS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    Table,
    _csv_cell,
    _find_header,
    _header_key,
    _too_many_rows,
    column_letter,
    repeated_headers,
    strip_control,
)
from evidence.text import clean

# The characters Python's str.isspace() accepts (what `str.strip` and `str.split` remove), as an RE2 class.
SPACE_CLASS = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
# A raw cell holds something other than spaces: the row reader's "blank record" test (`c.strip()`).
NOT_SPACE = f"[^{SPACE_CLASS}]"
# A cell still holds text after strip_control and clean: not only spaces, control or zero-width characters.
NOT_EMPTY = rf"[^{SPACE_CLASS}\x00-\x1f\x7f\x{{200b}}\x{{feff}}\x{{2060}}]"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
# Arrow cuts the file into blocks between records (it follows the quotes: a quoted line break never ends a block) and
# parses them on every core; a block holds the longest record a file is likely to have. Blocks of 1 MB parse 182 MB
# no faster than these (benchmarks/bench_stages.py prints both) and would refuse a record longer than 1 MB.
BLOCK = 16 << 20


def read_csv_columnar(path: Path, expect: tuple[str, ...], max_rows: int,
                      columns: tuple[str, ...] | None) -> Table | None:
    """The CSV at `path` as `read_table` would build it, or None when only the row reader gives the exact
    messages for this file. Raises InputError for what both readers refuse alike (rows, duplicate headers)."""
    if path.stat().st_size == 0:
        return None
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith(_UTF16_32_BOMS):
        return None
    bom = start[:3] == _UTF8_BOM
    try:
        arrow = _parse(path, bom, BLOCK)
    except (pa.ArrowException, ValueError):  # not UTF-8, ragged rows, empty file…
        return None
    cells = [arrow.column(i) for i in range(arrow.num_columns)]
    del arrow
    if len(cells) > MAX_COLUMNS or not all(pa.types.is_string(c.type) for c in cells) \
            or any(_holds_nul(c) for c in cells):
        return None
    for c in cells:  # bytes bound characters from above: count characters only where bytes exceed the limit
        if (pc.max(pc.binary_length(c)).as_py() or 0) > MAX_CELL_CHARS \
                and (pc.max(pc.utf8_length(c)).as_py() or 0) > MAX_CELL_CHARS:
            return None
    encoding = "utf-8-sig" if bom else "utf-8"
    nonblank = _any_match(cells, NOT_SPACE)
    records = np.flatnonzero(nonblank)  # 0-based record index; the spreadsheet row is index + 1
    if records.size == 0:
        return Table(path, pd.DataFrame(), encoding, HEADER_ROW, (), None)
    if records[-1] + 1 > max_rows + HEADER_SEARCH_ROWS:
        raise InputError(_too_many_rows(path, max_rows))
    head = [(int(r) + 1, [_csv_cell(c[int(r)].as_py()) for c in cells]) for r in records[:HEADER_SEARCH_ROWS]]
    at = _find_header(head, expect)
    header_row = head[at][0]
    data_rows = records[at + 1:]
    if data_rows.size > max_rows:
        raise InputError(_too_many_rows(path, max_rows))
    headers = [clean(h) for h in head[at][1]]
    seen, problems = repeated_headers(headers, path, header_row)
    if problems:
        raise InputError(problems)
    keep = {position: header for position, header in enumerate(headers)
            if header and seen.get(_header_key(header)) == position}
    notes = []
    for position, header in enumerate(headers):
        if not header:  # data under no header: counted from Arrow alone (W025)
            count = int(_any_match([cells[position]], NOT_EMPTY, data_rows).sum())
            if count:
                notes.append(Problem.of("W025", file=path, row=header_row, column=column_letter(position),
                                        header=f"{column_letter(position)} (không có tiêu đề)", count=count))
    wanted = None if columns is None else {_header_key(h) for h in columns}
    read = {p: h for p, h in keep.items() if wanted is None or _header_key(h) in wanted}
    frame_columns = {header: _clean_column(cells[position], data_rows) for position, header in read.items()}
    frame = pd.DataFrame(frame_columns, copy=False)  # categorical columns, as they are
    filled: frozenset[int] = frozenset()
    if len(read) < len(cells):  # a row with data only in columns not read is still a row, never a blank line
        here = np.zeros(len(data_rows), dtype=bool)
        for values in frame_columns.values():
            here |= filled_cells(values)
        # only rows with nothing in the columns read are asked about the others
        everywhere = here.copy()
        everywhere[~here] = _any_match(cells, NOT_EMPTY, data_rows[~here])
        filled = frozenset(np.flatnonzero(everywhere & ~here).tolist())
    letters = {header: column_letter(position) for position, header in keep.items()}
    # the file's text is no longer needed (the categories hold what was read): give its memory back now, before
    # the reader builds Python values beside it, rather than whenever the allocator decides
    del cells, frame_columns
    pa.default_memory_pool().release_unused()
    return Table(path, frame, encoding, header_row, tuple((data_rows + 1).tolist()), None, {}, letters,
                 tuple(notes), tuple(keep.values()) if columns is not None else None, filled)


def _parse(path: Path, bom: bool, block: int) -> pa.Table:
    """Every cell of the CSV as text, parsed in blocks of `block` bytes cut between records; Arrow's exception
    when it refuses the file."""
    # streamed block by block: the whole file is never in memory beside its table (a mapped file counts as
    # resident memory too)
    with pa.OSFile(str(path)) as stream:
        if bom:
            stream.seek(3)
        return pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=block),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            # every cell text, never null: names are f0, f1… (entries for columns the file lacks are unused)
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(MAX_COLUMNS + 1)},
                strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True),
        )


def _holds_nul(column: pa.ChunkedArray) -> bool:
    """Whether a cell of `column` holds a NUL byte, read from its text buffers in C. Every byte of the file but
    the separators, quotes, line breaks and the BOM is in some cell, so no NUL in any column is no NUL in the
    file (the row reader's csv module refuses one): no second pass over the file."""
    for chunk in column.chunks:
        offsets, data = chunk.buffers()[1:3]
        if data is None or len(chunk) == 0:
            continue
        first, last = np.frombuffer(offsets, np.int32)[[chunk.offset, chunk.offset + len(chunk)]]
        if last > first and np.frombuffer(data, np.uint8)[first:last].min() == 0:
            return True
    return False


def filled_cells(values: pd.Categorical) -> np.ndarray:
    """Which cells of a column `_clean_column` built hold text."""
    filled = pc.not_equal(pa.array(values.categories.array), "").to_numpy(zero_copy_only=False)
    return filled[values.codes] if filled.size else np.zeros(len(values), dtype=bool)


def _any_match(cells: list[pa.ChunkedArray], pattern: str, rows: np.ndarray | None = None) -> np.ndarray:
    """Per record (of `rows`, else all): does any of `cells` match `pattern`. Each column is only asked about
    the records no earlier column settled, so a filled first column makes the rest nearly free."""
    rows = np.arange(len(cells[0]) if cells else 0) if rows is None else rows
    hit = np.zeros(len(rows), dtype=bool)
    open_ = np.arange(len(rows))  # positions in `rows` still unsettled
    for column in cells:
        if open_.size == 0:
            break
        asked = rows[open_]
        whole = asked.size == len(column) and bool((asked == np.arange(asked.size)).all())
        matched = pc.match_substring_regex(column if whole else column.take(pa.array(asked)), pattern)
        found = matched.to_numpy(zero_copy_only=False) if isinstance(matched, pa.Array) else \
            np.concatenate([c.to_numpy(zero_copy_only=False) for c in matched.chunks] or [np.zeros(0, bool)])
        hit[open_[found]] = True
        open_ = open_[~found]
    return hit


def _clean_column(column: pa.ChunkedArray, rows: np.ndarray) -> pd.Categorical:
    """The cells of `rows` as the row reader cleans them, as a pandas Categorical: one code a cell and each
    distinct cleaned text once (cells that differ only by what cleaning removes share a category). A reader
    that needs one value per distinct cell (evidence/datasets.py) reads the categories, never 500 000 cells."""
    # one dictionary for the whole column (per-chunk dictionaries cost a second hashing to unify)
    return cleaned_categorical(column.combine_chunks() if column.num_chunks != 1 else column.chunk(0), rows)


def cleaned_categorical(column: pa.Array, rows: np.ndarray | None = None, *, apostrophe: bool = True
                        ) -> pd.Categorical:
    """`column` (its `rows`, else all) cleaned as :func:`clean_distinct_arrow` cleans, as a Categorical."""
    rows = np.arange(len(column)) if rows is None else rows
    encoded = pc.dictionary_encode(column)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    cleaned, changed = clean_distinct_arrow(encoded.dictionary, apostrophe=apostrophe)
    dictionary = encoded.dictionary
    if changed:  # "a " and "a" become one category
        merged = pc.dictionary_encode(cleaned)
        indices = merged.indices.to_numpy(zero_copy_only=False)[indices]
        dictionary = merged.dictionary
    whole = rows.size == indices.size  # rows are increasing: all of them is the column as it is
    codes = indices if whole else indices[rows]
    # categories stay Arrow text: a year's "26/08/2024 08:30" cells are 500 000 distinct values, and only the
    # reader of a text column needs them as Python str
    categories = pd.Index(pd.arrays.ArrowStringArray(dictionary))
    return pd.Categorical.from_codes(codes, dtype=_categories(categories), validate=False)


def _categories(categories: pd.Index) -> pd.CategoricalDtype:
    """The dtype of categories Arrow's dictionary encoding already made unique: pandas' public constructor would
    hash them all again to check (a third of the cost of a column of 500 000 dossier ids)."""
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    return fast(categories, False) if fast is not None else pd.CategoricalDtype(categories)


# The row reader's cleaning of an ASCII cell, done by Arrow: the apostrophe before = + - @ (_csv_cell), control
# characters (strip_control, which runs before clean and so removes \x0b \x0c \x1c-\x1f rather than spacing
# them), then runs of spaces made one and the ends trimmed (clean; NFC changes no ASCII text).
_APOSTROPHE = (r"^'('*[=+\-@])", r"\1")
_ASCII_CONTROL = (r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "")
_ASCII_SPACES = (r"[\t\n\r ]+", " ")


# An ASCII value the cleaning above leaves as it is matches none of these: no apostrophe escape, no control
# character, no tab or line break, no two spaces in a row, no space at either end.
_ASCII_UNCLEAN = r"[\x00-\x1f\x7f]|  |^ | $"
_ASCII_DIRTY = r"^'+[=+\-@]|" + _ASCII_UNCLEAN


def clean_distinct(values: pa.Array, *, apostrophe: bool = True) -> list[str]:
    """`clean(strip_control(_csv_cell(v)))` for each of `values` (without `_csv_cell`: `apostrophe=False`)."""
    return clean_distinct_arrow(values, apostrophe=apostrophe)[0].to_pylist()


def clean_distinct_arrow(values: pa.Array, *, apostrophe: bool = True) -> tuple[pa.Array, bool]:
    """`clean_distinct`, kept in Arrow, and whether any value changed. Clean ASCII values (most ids, dates and
    numbers) are left as they are; other ASCII values are cleaned in C++, the rest (Vietnamese text: NFC,
    Unicode spaces) by Python, one call each. `apostrophe=False`: without the CSV escape rule (`_csv_cell`),
    for cells already taken off it or from a spreadsheet (tables._build)."""
    ascii_ = pc.string_is_ascii(values)
    dirty_ascii = pc.and_(ascii_, pc.match_substring_regex(values, _ASCII_DIRTY if apostrophe else _ASCII_UNCLEAN))
    others = pc.invert(ascii_)
    out = values
    if pc.any(dirty_ascii).as_py():
        out = pc.replace_with_mask(out, dirty_ascii, _clean_ascii(values.filter(dirty_ascii), apostrophe))
    if pc.any(others).as_py():
        unescape = _csv_cell if apostrophe else str
        texts = [clean(strip_control(unescape(v))) for v in values.filter(others).to_pylist()]
        out = pc.replace_with_mask(out, others, pa.array(texts, values.type))
    changed = out is not values and bool(pc.any(pc.not_equal(out, values)).as_py())
    return out, changed


def _clean_ascii(values: pa.Array, apostrophe: bool = True) -> pa.Array:
    for pattern, replacement in ((_APOSTROPHE,) if apostrophe else ()) + (_ASCII_CONTROL, _ASCII_SPACES):
        values = pc.replace_substring_regex(values, pattern, replacement)
    return pc.utf8_trim(values, " ")
