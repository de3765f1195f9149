"""The dataset fast path — columnar tables carried as dictionary codes into `load_rows` — against the row path:
the same frame, the same warnings and the same per-row, per-column problems on hostile CSV files and on
generated exports with their untidy rows. Also the vectorised pieces against plain references."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.export_generator import AS_OF, HEADERS, generate, write_csv
from engine.as_of_status import dossiers_at
from evidence import columnar, datasets
from evidence.datasets import SPECS, Column, _Bad, _read_cell, _reader, read_dataset
from evidence.exports import read_export
from evidence.problems import InputError
from tests.conftest import SEED
from tests.test_datasets_hostile import cells

UNITS = yaml.safe_load((SEED / "units.yaml").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])



@pytest.fixture(autouse=True)
def _columnar_whatever_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The files here are small: the columnar reader must read them all the same (tables.COLUMNAR_MIN_BYTES)."""
    from evidence import tables as tables_module

    monkeypatch.setattr(tables_module, "COLUMNAR_MIN_BYTES", 0)

def _outcome(read: object) -> object:
    """What a reader gives, comparable: the frame and its warnings, or the problems."""
    try:
        frame = read()  # type: ignore[operator]
    except InputError as exc:
        return [p.message for p in exc.problems]
    return (frame.to_dict("list"), [w.message for w in frame.attrs["warnings"]],
            [str(t) for t in frame.dtypes])


def _both(read: object) -> tuple[object, object]:
    """(columnar path, row path) of the same reading."""
    fast = _outcome(read)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columnar, "read_csv_columnar", lambda *args: None)
        slow = _outcome(read)
    return fast, slow


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@SETTINGS
@given(name=st.sampled_from(list(SPECS)), body=st.lists(st.lists(cells(), min_size=14, max_size=14), max_size=7),
       repeat=st.booleans())
def test_hostile_cells_read_the_same_through_codes_and_row_by_row(name: str, body: list[list[str]],
                                                                  repeat: bool) -> None:
    header = [c.header for c in SPECS[name]]
    rows = [r[:len(header)] for r in body] + ([body[0][:len(header)]] if repeat and body else [])
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp) / f"{name}.csv", header, rows)
        fast, slow = _both(lambda: read_dataset(name, path, units=UNITS))
    assert fast == slow


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), rows=st.integers(1, 120),
       edits=st.lists(st.tuples(st.integers(0, 119), st.integers(0, len(HEADERS) - 1), cells()), max_size=6),
       copies=st.lists(st.integers(0, 119), max_size=3), blank_lines=st.lists(st.integers(0, 119), max_size=3))
def test_an_export_with_bad_cells_repeats_and_blank_lines_reads_the_same_both_ways(
        tmp_path_factory: pytest.TempPathFactory, seed: int, rows: int, edits: list[tuple[int, int, str]],
        copies: list[int], blank_lines: list[int]) -> None:
    """Generated exports, then hostile cells, repeated rows (W046), repeated ids (W033) and blank lines: every
    message the row path gives, at the same row and column, in the same order."""
    folder = tmp_path_factory.mktemp("export")
    export = write_csv(generate(rows, seed=seed), folder / "ho-so.csv")
    lines = list(csv.reader(io.StringIO(export.read_text(encoding="utf-8-sig"), newline="")))
    body = lines[1:]
    for row, column, text in edits:
        body[row % len(body)][column] = text
    body += [list(body[i % len(body)]) for i in copies]
    for i in sorted(blank_lines, reverse=True):
        body.insert(i % (len(body) + 1), [""] * len(HEADERS))
    _write(export, lines[0], body)
    fast, slow = _both(lambda: read_export("dossiers", export, "mot-cua-dien-tu", case_folder=folder, units=UNITS))
    assert fast == slow


def test_a_500_row_export_takes_the_columnar_path_and_gives_categorical_columns(tmp_path: Path) -> None:
    """The path the differential tests compare is the one big exports take (not a silent fallback)."""
    export = write_csv(generate(500, seed=5), tmp_path / "ho-so.csv")
    table = datasets.read_source(export, list(HEADERS), columns=list(HEADERS))
    assert all(isinstance(t, pd.CategoricalDtype) for t in table.frame.dtypes)


_DATE = Column("due", "Ngày hẹn trả", "date")
_DATE_TEXTS = st.one_of(
    st.dates(date(1800, 1, 1), date(2200, 12, 31)).map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}"),
    st.tuples(st.dates(date(1899, 1, 1), date(2101, 12, 31)), st.integers(0, 99), st.integers(0, 99)).map(
        lambda t: f"{t[0].day}/{t[0].month}/{t[0].year} {t[1]}:{t[2]:02d}"),
    st.from_regex(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?", fullmatch=True),
    st.sampled_from(["", "31/02/2024 08:00", "2024-02-30", "ngày 5", "5/5/24 8:00", "00/00/0000 00:00"]),
)


@SETTINGS
@given(texts=st.lists(_DATE_TEXTS, min_size=2, max_size=12, unique=True))
def test_dates_read_by_day_in_arrow_are_the_dates_read_one_by_one(texts: list[str]) -> None:
    """`_read_dates` (days found by Arrow, each read once) against the plain loop it replaced: a cell with a
    time is read by its day; a day that fails is read again in full, so the message shows the cell."""
    read = _reader(_DATE, UNITS, {}, datasets.PLAIN)
    results, failed = datasets._read_distinct(pd.Index(texts, dtype=object), read, _DATE, "Hạn", datasets.PLAIN)
    import re

    for d, text in enumerate(texts):
        day = re.sub(datasets._DAY_AND_TIME, r"\1", text)
        expected: object
        try:
            expected = _read_cell(read, day, _DATE, "Hạn", None)
        except _Bad:
            try:
                expected = _read_cell(read, text, _DATE, "Hạn", None)
            except _Bad as bad:
                expected = bad
        if isinstance(expected, _Bad):
            assert d in failed and (failed[d].code, failed[d].fields) == (expected.code, expected.fields)
            assert results[d] is None
        else:
            assert d not in failed and results[d] == expected


def test_statuses_at_a_date_leave_the_frame_read_untouched(tmp_path: Path) -> None:
    """dossiers_at shares the columns it does not change (no copy of 500 000 rows): the frame the reader gave
    keeps its declared statuses."""
    export = write_csv(generate(300, seed=11), tmp_path / "ho-so.csv")
    frame = read_export("dossiers", export, "mot-cua-dien-tu", case_folder=tmp_path, units=UNITS)
    before = frame["status"].tolist()
    at, _ = dossiers_at(frame, AS_OF)
    assert frame["status"].tolist() == before and at["status"].tolist() != before


@given(codes=st.lists(st.integers(-1, 6), max_size=30))
def test_repeated_codes_are_found_like_pandas_duplicated(codes: list[int]) -> None:
    values = np.asarray(codes, dtype="int64")
    expected = bool(pd.Series(values[values >= 0]).duplicated().any())
    assert datasets._any_repeated(values) == expected


@given(st.lists(st.lists(st.integers(-1, 3), min_size=4, max_size=4), min_size=1, max_size=12))
def test_repeated_rows_stop_early_only_when_no_row_can_repeat(rows: list[list[int]]) -> None:
    """Rows equal in every column (all blank: never a repeat) against a plain dictionary of tuples."""
    same = [np.asarray(column, dtype="int64") for column in zip(*rows, strict=True)]
    frame = pd.DataFrame({"_row": np.arange(2, len(rows) + 2)})
    first: dict[tuple[int, ...], int] = {}
    expected = {}
    for i, row in enumerate(rows):
        key = tuple(row)
        if key in first and any(c >= 0 for c in row):
            expected[i + 2] = first[key]
        first.setdefault(key, i + 2)
    assert datasets._repeated_rows(frame, same) == expected


def test_dates_of_a_big_column_never_become_python_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The date column of a year's export is read from its distinct days: `_read_cell` is called once per day,
    not once per distinct "day and time" text."""
    texts = [f"{d.day:02d}/{d.month:02d}/2024 {h:02d}:{m:02d}" for d in
             (date(2024, 1, 1) + timedelta(days=i) for i in range(30)) for h in range(8, 17) for m in (0, 30)]
    calls = []
    original = datasets._read_cell
    monkeypatch.setattr(datasets, "_read_cell", lambda *a: calls.append(a[1]) or original(*a))
    read = _reader(_DATE, UNITS, {}, datasets.PLAIN)
    results, failed = datasets._read_distinct(pd.Index(texts), read, _DATE, "Hạn", datasets.PLAIN)
    assert not failed and len(calls) == 30 and results[0] == date(2024, 1, 1)


# ---- tables._build a column at a time (big .xlsx sheets, CSV files the row reader reads) ----------------------

# cells of any kind but over-long ones, which the test adds on purpose (one makes the whole table an error)
_RAW = st.one_of(cells().filter(lambda c: len(c) <= 32_767), st.sampled_from(["", " ", "'=1+1", "  a  b ", "x\x0b"]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(header=st.lists(st.sampled_from(["Mã", "Trạng thái", "", "Ngày", "Mã ", "Ghi chú"]), min_size=1, max_size=4)
       .filter(lambda h: len({c.strip() for c in h if c}) == len([c for c in h if c]) or len(h) == 4),  # few E018
       body=st.lists(st.lists(_RAW, min_size=0, max_size=6), min_size=1, max_size=6),
       spreadsheet=st.booleans(), long=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=1),
       data=st.data())
def test_a_table_built_a_column_at_a_time_is_the_table_built_cell_by_cell(
        header: list[str], body: list[list[str]], spreadsheet: bool, long: list[tuple[int, int]],
        data: st.DataObject) -> None:
    """Same texts, row numbers, cell kinds, W025 counts, and the same E015 (over-long cell) and E023 (CSV row
    longer than its header) problems in the same order, whichever way `_build` goes."""
    from evidence import tables

    present = [(n, p) for n, row in enumerate(body, start=2) for p in range(len(row))]
    kinds = data.draw(st.lists(st.tuples(st.sampled_from(present), st.sampled_from(["number", "date", "formula"])),
                               max_size=4)) if present else []
    for row, column in long:
        cells = body[row % len(body)]
        if cells:
            cells[column % len(cells)] = "x" * 32_768
    records = [(1, list(header))] + [(n, list(cells)) for n, cells in enumerate(body, start=2)]
    cell_kinds = {place: k for place, k in kinds} if spreadsheet else {}

    def built(threshold: int) -> object:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(tables, "COLUMNWISE_ROWS", threshold)
            try:
                table = tables._build(Path("bang.xlsx"), [(n, list(c)) for n, c in records], dict(cell_kinds),
                                      "xlsx" if spreadsheet else "utf-8", None, ("Mã", "Trạng thái"), 100)
            except InputError as exc:
                return [p.message for p in exc.problems]
        return (table.frame.to_dict("list"), table.rows, dict(table.kinds), table.header_row,
                [p.message for p in table.warnings])

    assert built(0) == built(10**9)


def _read_both_ways(path: Path) -> tuple[object, object]:
    from evidence import tables

    def read(threshold: int) -> object:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(tables, "COLUMNWISE_ROWS", threshold)
            table = tables.read_table(path)
        return table.frame.to_dict("list"), table.rows, dict(table.kinds), [p.message for p in table.warnings]

    return read(1), read(10**9)


def test_a_big_sheet_read_a_column_at_a_time_is_the_sheet_read_row_by_row(tmp_path: Path) -> None:
    """calamine's values (numbers, dates, booleans beside text) shown a column at a time, each distinct value once,
    as `_excel_row` shows them row by row: True stays "TRUE" next to a 1, 1.5 next to 1, a date next to a
    date and time."""
    from datetime import datetime

    import openpyxl

    from benchmarks.export_generator import write_xlsx

    export = write_xlsx(generate(120, seed=4), tmp_path / "ho-so.xlsx")
    fast, slow = _read_both_ways(export)
    assert fast == slow and any(kind == "date" for kind in fast[2].values())  # type: ignore[index]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã", "Giá trị", "Ngày", ""])
    for i, value in enumerate([True, 1, 1.0, 1.5, False, 0, "1", None, "TRUE", 45164] * 3):
        sheet.append([f"M{i}", value, datetime(2024, 1, 1 + i % 5, 8 * (i % 2)), "ghi chú" if i % 4 else None])
    book.save(tmp_path / "kinds.xlsx")
    fast, slow = _read_both_ways(tmp_path / "kinds.xlsx")
    assert fast == slow
    assert fast[0]["Giá trị"][:4] == ["TRUE", "1", "1", "1.5"]  # type: ignore[index]


def test_a_column_of_one_type_of_value_is_shown_once_per_value_like_cell_by_cell() -> None:
    """Dates, floats (NaN, -0.0 and 0.0 among them) and booleans with blank cells between them, as calamine gives
    a big sheet: the same texts and kinds as one cell at a time."""
    from datetime import datetime

    from evidence import tables

    columns = [[datetime(2024, 1, 1 + i % 3, 8 * (i % 2)) if i % 4 else "" for i in range(40)],
               [[float("nan"), -0.0, 0.0, 1.5, 2.0][i % 5] if i % 3 else "" for i in range(40)],
               [bool(i % 2) if i % 5 else "" for i in range(40)], [f"M{i}" for i in range(40)]]
    rows = [list(cells) for cells in zip(*columns, strict=True)]
    records, kinds = tables._calamine_columns([list(r) for r in rows])
    one_by_one = [(n, tables._excel_row(list(r))) for n, r in enumerate(rows, start=1)]
    assert records == [(n, cells) for n, (cells, _) in one_by_one if any(cells)]
    assert kinds == {(n, p): k for n, (_, row_kinds) in one_by_one for p, k in row_kinds.items()}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(width=st.integers(1, 5), data=st.data())
def test_a_sheet_kept_as_one_array_builds_the_table_its_rows_build(width: int, data: st.DataObject) -> None:
    """`_build_grid` (a big plain sheet from calamine, never a list per row) against `_build` cell by cell on the
    same sheet's records: blank and space-only rows, a title above the header, repeated and empty headers, over-long
    cells, cell kinds; the same table or the same problems."""
    from evidence import tables

    header = data.draw(st.lists(st.sampled_from(["Mã", "Trạng thái", "", "Ngày", "Mã ", "Ghi chú"]), min_size=width,
                                max_size=width))
    row = st.one_of(st.lists(_RAW, min_size=width, max_size=width),
                    st.lists(st.sampled_from(["", " ", "\u3000"]), min_size=width, max_size=width))  # blank rows
    title = data.draw(st.lists(st.lists(st.sampled_from(["", "BÁO CÁO", " "]), min_size=width, max_size=width),
                               max_size=2))
    body = data.draw(st.lists(row, min_size=0, max_size=8))
    for place in data.draw(st.lists(st.tuples(st.integers(0, 7), st.integers(0, width - 1)), max_size=1)):
        if body:
            body[place[0] % len(body)][place[1]] = "x" * 32_768
    grid = np.empty((len(title) + 1 + len(body), width), dtype=object)
    grid[:] = [*title, header, *body]
    places = [(r, c) for r in range(1, len(grid) + 1) for c in range(width)]
    cell_kinds = dict(data.draw(st.lists(st.tuples(st.sampled_from(places), st.sampled_from(["number", "date"])),
                                         max_size=4)))
    expect = ("Mã", "Trạng thái")

    def outcome(build: object) -> object:
        try:
            table = build()  # type: ignore[operator]
        except InputError as exc:
            return [p.message for p in exc.problems]
        return (table.frame.to_dict("list"), table.rows, dict(table.kinds), table.header_row, dict(table.letters),
                [p.message for p in table.warnings], table.sheet)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "COLUMNWISE_ROWS", 1)
        by_column = {p: (np.array([r for r, q in sorted(cell_kinds) if q == p]),
                         np.array([k for (r, q), k in sorted(cell_kinds.items()) if q == p], dtype=object))
                     for p in {q for _, q in cell_kinds}}
        fast = outcome(lambda: tables._build_grid(Path("bang.xlsx"), grid.copy(), by_column, "Trang 1", expect, 100))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "COLUMNWISE_ROWS", 10**9)
        slow = outcome(lambda: tables._build(Path("bang.xlsx"), tables._grid_records(grid), dict(cell_kinds), "xlsx",
                                             "Trang 1", expect, 100))
    assert fast == slow
