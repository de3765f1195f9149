"""Datasets of a case (tasks, procedure publications, dossiers, staff evaluations,
published indicators): their Vietnamese headers, types and vocabularies.

Each dataset becomes a pandas DataFrame with canonical column names, `_row` (the
spreadsheet row) and `_n` (how many items the row stands for: 1, or the `Số lượng`
column when a source gives counts instead of one row per item). Aggregates are
then plain pandas over these frames.

A dataset comes either from a CSV written with the engine's own headers (`read_dataset`)
or from a system export read through a mapping (`evidence.exports`); both end in
`load_rows`, so the same checks and the same frame come out of either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from evidence.dates import MAX_YEAR, MIN_YEAR, DateError, format_date, parse_date
from evidence.numbers import NumberError, RateValue, parse_count, parse_rate
from evidence.problems import InputError, Problem, did_you_mean
from evidence.tables import Table, find_columns, read_table
from evidence.text import fold

ColumnType = Literal["text", "date", "count", "rate", "code", "unit"]

# File size, row and cell-length limits are read_table's (E015). These keep the messages readable
# when one mistake repeats down a column of thousands of rows, and counts within int64.
MAX_COUNT = 1_000_000_000  # one `Số lượng` cell; sums of 200 000 such rows still fit int64
MAX_CELL_PROBLEMS = 20  # per column and code; the rest are summarised (E036) so 5 000 bad rows stay readable
MAX_ROW_WARNINGS = 20  # per warning code; the rest are summarised (W032)
_SHOWN = 80  # characters of a cell value repeated in a message


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    type: ColumnType = "text"
    required: bool = False
    vocab: dict[str, tuple[str, ...]] = field(default_factory=dict)


DEADLINE_STATUS = {
    "dung-han": ("Hoàn thành đúng hạn", "Đúng hạn", "Đã hoàn thành đúng hạn"),
    "tre-han": ("Hoàn thành quá hạn", "Hoàn thành trễ hạn", "Hoàn thành muộn", "Trễ hạn"),
    "qua-han": ("Chưa hoàn thành, quá hạn", "Chưa hoàn thành quá hạn", "Quá hạn"),
    "trong-han": ("Chưa hoàn thành, trong hạn", "Chưa hoàn thành trong hạn", "Trong hạn",
                  "Đang thực hiện"),
}
# TRUE/FALSE: how Excel shows a boolean cell once read as text
YES_NO = {"co": ("Có", "x", "Đã gửi", "yes", "TRUE"), "khong": ("Không", "Chưa", "no", "FALSE")}
DOSSIER_STATUS = {
    "truoc-han": ("Trước hạn", "Giải quyết trước hạn", "Đã giải quyết trước hạn"),
    "dung-han": ("Đúng hạn", "Giải quyết đúng hạn", "Đã giải quyết đúng hạn"),
    # "quá hạn" is a dossier returned late or one still open past its due date (see engine.as_of_status.dossier_status)
    "qua-han": ("Quá hạn", "Trễ hạn", "Giải quyết quá hạn", "Đã giải quyết quá hạn",
                "Đang giải quyết quá hạn"),
    "dang-giai-quyet": ("Đang giải quyết", "Đang xử lý", "Đang giải quyết trong hạn"),
    "dung-xu-ly": ("Dừng xử lý", "Đã hủy", "Dừng xử lý/đã hủy", "Hủy"),
}
CHANNELS = {
    "truc-tuyen-toan-trinh": ("Trực tuyến toàn trình", "Dịch vụ công trực tuyến toàn trình", "Toàn trình"),
    "truc-tuyen-mot-phan": ("Trực tuyến một phần", "Dịch vụ công trực tuyến một phần", "Một phần"),
    "truc-tiep": ("Trực tiếp", "Nộp trực tiếp", "Trực tiếp tại Bộ phận một cửa"),
    "buu-chinh": ("Bưu chính", "Bưu chính công ích", "Qua dịch vụ bưu chính công ích"),
}

_DEADLINE_ITEMS = (
    Column("id", "Mã", required=True),
    Column("title", "Nội dung", required=True),
    Column("basis", "Văn bản giao"),
    Column("unit", "Đơn vị", "unit"),
    Column("due", "Hạn", "date"),
    Column("done", "Ngày hoàn thành", "date"),
    Column("status", "Tình trạng", "code", vocab=DEADLINE_STATUS),
    Column("n", "Số lượng", "count"),
    Column("note", "Ghi chú"),
)

SPECS: dict[str, tuple[Column, ...]] = {
    "tasks": _DEADLINE_ITEMS,
    "procedures": _DEADLINE_ITEMS,
    # reports units owe by a date (e.g. monthly progress reports to the board): same columns as tasks
    "reports": _DEADLINE_ITEMS,
    "dossiers": (
        Column("id", "Mã hồ sơ"),
        Column("procedure", "Thủ tục"),
        Column("unit", "Đơn vị", "unit"),
        Column("received", "Ngày tiếp nhận", "date"),
        Column("due", "Ngày hẹn trả", "date"),
        Column("returned", "Ngày trả kết quả", "date"),
        # required unless the source gives due dates to derive it from (see ONE_OF)
        Column("status", "Trạng thái", "code", vocab=DOSSIER_STATUS),
        Column("channel", "Hình thức nộp", "code", vocab=CHANNELS),
        Column("paid_online", "Thanh toán trực tuyến", "code", vocab=YES_NO),
        Column("digitised", "Số hóa", "code", vocab=YES_NO),
        Column("e_result", "Kết quả điện tử", "code", vocab=YES_NO),
        Column("apology", "Thư xin lỗi", "code", vocab=YES_NO),
        Column("n", "Số lượng", "count"),
        Column("note", "Ghi chú"),
    ),
    "staff_evaluations": (
        Column("group", "Nhóm", "code", required=True, vocab={
            "cong-chuc": ("Công chức",),
            "vien-chuc": ("Viên chức", "Viên chức và hợp đồng lao động 68", "Viên chức và HĐ 68",
                          "Viên chức, người lao động"),
        }),
        Column("grade", "Xếp loại", "code", required=True, vocab={
            "htxs": ("Hoàn thành xuất sắc nhiệm vụ",),
            "htt": ("Hoàn thành tốt nhiệm vụ",),
            "htt-tro-len": ("Hoàn thành tốt nhiệm vụ trở lên",),
            "ht": ("Hoàn thành nhiệm vụ",),
            "khtnv": ("Không hoàn thành nhiệm vụ",),
        }),
        Column("unit", "Đơn vị", "unit"),
        Column("n", "Số lượng", "count", required=True),
    ),
    "indicators": (
        Column("id", "Mã chỉ số", required=True),
        Column("title", "Tên chỉ số", required=True),
        Column("numerator", "Tử số", "count"),
        Column("denominator", "Mẫu số", "count"),
        Column("rate", "Tỷ lệ", "rate"),
        Column("extracted", "Ngày trích xuất", "date"),
        Column("source", "Nguồn", required=True),
    ),
}

# Columns of which a source must have at least one (the first is the one named when neither is there).
ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {"dossiers": (("status", "due"),)}


def header_of(dataset: str, field: str) -> str:
    """The Vietnamese header people see for a dataset field."""
    return next((c.header for c in SPECS.get(dataset, ()) if c.field == field), field)


def fold_key(value: str) -> str:
    """How headers and coded values are compared: no case, diacritics or spaces."""
    return fold(value).replace(" ", "")


def shown(value: str) -> str:
    """A cell value short enough to repeat in a message (a hostile cell may be megabytes)."""
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"


@dataclass(frozen=True)
class Reading:
    """How to read the cells of one source beyond the engine's own vocabulary (from a mapping).

    `values`: field → folded export value → engine code (None: the value means "no data").
    `date_format`: a strptime format the source's dates follow (ISO dates are always accepted)."""

    values: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    date_format: str | None = None


PLAIN = Reading()


def _code(value: str, column: Column) -> str | None:
    folded = fold_key(value)
    for code, labels in column.vocab.items():
        if folded == fold_key(code) or any(folded == fold_key(lb) for lb in labels):
            return code
    return None


def read_source(path: Path, expect: list[str], sheet: str | None = None,
                columns: list[str] | None = None) -> Table:
    """`read_table` (its limits, its header search below a title block for the `expect`ed headers);
    a reader choking on a corrupt file becomes an E013 problem, never a traceback."""
    try:
        return read_table(path, expect=expect, sheet=sheet, columns=columns)
    except InputError:
        raise
    except (ValueError, OverflowError, RecursionError, KeyError, IndexError, OSError) as exc:
        raise InputError(Problem.of("E013", file=path, detail=shown(str(exc) or type(exc).__name__))) from None


class RowsRejected(InputError):
    """Cells of a dataset that cannot be used; the table itself was read (`rows` data rows), so a
    check can still say how many rows were read and which were rejected."""

    def __init__(self, problems: list[Problem], rows: int) -> None:
        super().__init__(problems)
        self.rows = rows


def read_dataset(name: str, path: Path, *, units: dict[str, str]) -> pd.DataFrame:
    """Read one dataset written with the engine's headers; raise InputError naming every bad cell
    by row and column. Dossier statuses still need `engine.as_of_status.dossiers_at` to follow their dates."""
    if name not in SPECS:
        raise InputError(Problem.of("E009", file=path, detail=f"không biết bộ dữ liệu {name!r}"
                                                              f"{did_you_mean(name, list(SPECS))}; "
                                                              f"có: {', '.join(SPECS)}"))
    spec = SPECS[name]
    table = read_source(path, [c.header for c in spec], columns=[c.header for c in spec])
    cols = find_columns(table, {c.field: (c.header, c.required) for c in spec})
    return load_rows(name, table, cols, units)


def load_rows(name: str, table: Table, cols: dict[str, str | None], units: dict[str, str],
              reading: Reading = PLAIN, warnings: list[Problem] | None = None) -> pd.DataFrame:
    """Cells → a typed frame, plus the checks across a row; every problem at once.

    Warnings (the caller's, and those found here) travel in `frame.attrs["warnings"]` so that the
    assessment reports them; they are capped per code, the rest summarised."""
    spec = SPECS[name]
    warnings = [*table.warnings, *(warnings or [])]
    for fields in ONE_OF.get(name, ()):
        if all(cols.get(f) is None for f in fields):
            first, others = header_of(name, fields[0]), ", ".join(repr(header_of(name, f)) for f in fields[1:])
            hint = did_you_mean(first, table.all_headers) + f" (hoặc cột {others})"
            raise InputError(Problem.of("E002", file=table.path, row=table.header_row, header=first, hint=hint,
                                        columns=", ".join(table.all_headers) or "(không có)"))
    frame, problems, same = _parse(table, spec, cols, units, reading)
    # rows with a bad cell are already reported; checking them again would only repeat the cause
    clean_rows = frame[~frame["_row"].isin({p.row for p in problems})] if problems else frame
    repeats = _repeated_rows(frame, same)
    warnings += [Problem.of("W046", file=table.path, row=row, first=first) for row, first in repeats.items()]
    if name == "dossiers":
        problems += _check_dossiers(clean_rows, table.path, cols)
        # a row repeating an earlier one is W046 already: W033 is for one id on rows that differ
        id_codes = same[[c.field for c in spec].index("id")]
        if repeats:
            kept = ~frame["_row"].isin(repeats).to_numpy()
            distinct, id_codes = frame[kept], id_codes[kept]
        else:
            distinct = frame
        if _any_repeated(id_codes):
            warnings += _duplicate_ids(distinct, table.path, cols.get("id") or header_of(name, "id"))
    if name == "indicators":
        problems += _check_indicators(clean_rows, table.path, cols)
    if problems:
        raise RowsRejected(problems, len(table.frame))
    frame.attrs["file"] = table.path.name
    frame.attrs["path"] = str(table.path)
    frame.attrs["warnings"] = cap_warnings(warnings)
    frame.attrs["headers"] = {f: h for f, h in cols.items() if h}  # the source's own headers, for messages
    return frame


class _Bad(Exception):
    """One cell that cannot be read: the code and fields of its Problem."""

    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


def _parse(table: Table, spec: tuple[Column, ...], cols: dict[str, str | None], units: dict[str, str],
           reading: Reading) -> tuple[pd.DataFrame, list[Problem], list[np.ndarray]]:
    """Column by column, each distinct cell read once; problems come out in the order a row-by-row reading
    gives them (row, then column), at most MAX_CELL_PROBLEMS per column and code, the rest summarised (E036).
    Also, per column, a code per cell that is equal where the values read are equal (-1: none), for
    `_repeated_rows`.

    A column the columnar reader built (a Categorical: codes and distinct texts) is read from its codes as
    they are; any other is factorised first. Either way only distinct texts become Python calls."""
    unit_names = {fold_key(name): code for code, name in units.items()}
    frame_in = table.frame
    # a row whose cells are all blank is a blank line; one with data only in columns not read is a row
    used = np.zeros(len(frame_in), dtype=bool)
    for header in frame_in.columns:
        used |= _filled(frame_in[header])
    if table.filled_elsewhere:
        used[list(table.filled_elsewhere)] = True
    index = np.flatnonzero(used)
    every = index.size == len(frame_in)  # no blank line: the columns as they are, no take
    rows = np.asarray([table.sheet_row(int(i)) for i in index], dtype="int64") if table.rows == () else \
        np.asarray(table.rows, dtype="int64")[index]
    out: dict[str, object] = {}
    found: list[tuple[int, int, str, str, dict[str, object]]] = []  # (frame index, spec position, name, code, …)
    same: list[np.ndarray] = []
    alone: dict[str, list[tuple[int, str]]] = {}  # header → (frame index, kind) of its formula and error cells
    for (i, kind_header), kind in table.kinds.items():
        if kind in ("formula", "error"):
            alone.setdefault(kind_header, []).append((i, kind))
    place = np.cumsum(used) - 1  # frame index → its position among the rows read
    for position, column in enumerate(spec):
        header = cols.get(column.field)
        series = frame_in[header] if header and header in frame_in else None
        read = _reader(column, units, unit_names, reading)
        name = header or column.header
        raw: np.ndarray | None = None
        if series is not None and isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy()
            codes = codes if every else codes[index]
            distinct: pd.Index | list[str] = series.cat.categories
        else:
            raw = (series.to_numpy(dtype=object) if every else series.to_numpy(dtype=object)[index]) \
                if series is not None else np.full(len(index), "", dtype=object)
            codes, uniques = pd.factorize(pd.Series(raw, dtype=object), use_na_sentinel=False)
            distinct = ["" if t is None else t if isinstance(t, str) else str(t) for t in uniques]
        # formula and error cells are read alone: what Excel shows is not what the file holds (a number or a
        # date cell reads as its text does, so it goes with the others)
        marked = sorted((int(place[i]), kind, text) for i, kind in alone.get(header, ())
                        if used[i] and (text := _text_at(series, i))) if series is not None else []
        results, failed = _read_distinct(distinct, read, column, name, reading)
        values = results[codes] if len(codes) else np.empty(0, dtype=object)
        read_alone = {k for k, _, _ in marked}
        if failed:
            for k in np.flatnonzero(np.isin(codes, list(failed))).tolist():
                if k not in read_alone:
                    bad = failed[int(codes[k])]
                    found.append((int(index[k]), position, name, bad.code, bad.fields))
        for k, kind, text in marked:
            try:
                values[k] = _read_cell(read, text, column, name, kind)
            except _Bad as bad:
                values[k] = None
                found.append((int(index[k]), position, name, bad.code, bad.fields))
        out[column.field] = values
        if marked:  # a cell read alone may equal any other: compare the values themselves
            value_codes, _ = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
        else:  # the distinct cells' values, compared once each
            if _as_written(column, reading):  # distinct texts are distinct values; blank is None
                by_value = np.arange(len(results))
                by_value[pd.isna(results)] = -1
            else:
                by_value, _ = pd.factorize(pd.Series(results, dtype=object), use_na_sentinel=True)
            value_codes = by_value[codes] if len(codes) else codes
        same.append(value_codes)
    found.sort(key=lambda f: (f[0], f[1]))
    problems: list[Problem] = []
    overflow: dict[tuple[str, str], list[int]] = {}  # exports repeat one mistake thousands of times
    seen: dict[tuple[str, str], int] = {}
    for i, _, name, code, fields in found:
        key = (name, code)
        seen[key] = seen.get(key, 0) + 1
        row = table.sheet_row(i)
        if seen[key] > MAX_CELL_PROBLEMS:
            overflow.setdefault(key, []).append(row)
        else:
            problems.append(Problem.of(code, file=table.path, row=row, column=name, **fields))
    for (name, code), bad_rows in overflow.items():
        problems.append(Problem.of("E036", file=table.path, column=name, count=len(bad_rows), kind=code,
                                   header=name, rows=", ".join(map(str, bad_rows[:5]))))
    out["_row"] = rows
    # object dtype keeps None as None: an all-blank column must not turn into float NaN; copy=False keeps one
    # block per column (consolidating 500 000 rows of objects into one block costs more than reading them)
    frame = pd.DataFrame(out, dtype=object, copy=False)
    frame["_row"] = frame["_row"].astype("int64")
    frame["_n"] = frame["n"].fillna(1).astype("int64") if "n" in frame else 1
    return frame, problems, same


def _filled(series: pd.Series) -> np.ndarray:
    """Which cells of a table column hold text (the columnar reader's Categorical read from its categories)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        filled = np.asarray(series.cat.categories != "", dtype=bool)
        return filled[series.cat.codes.to_numpy()] if filled.size else np.zeros(len(series), dtype=bool)
    return series.to_numpy(dtype=object) != ""


def _text_at(series: pd.Series, i: int) -> str:
    value = series.iat[i]
    return "" if value is None else str(value)


def _as_written(column: Column, reading: Reading) -> bool:
    """A column whose cells are taken as they are (ids, names, notes): blank → None, anything else itself."""
    return column.type == "text" and not column.required and column.field not in reading.values


def _read_distinct(distinct: pd.Index | list[str], read: Callable[[str, str], object], column: Column, name: str,
                   reading: Reading) -> tuple[np.ndarray, dict[int, _Bad]]:
    """Each distinct cell read once. Dates with a time ("26/08/2024 08:30", hundreds of thousands of distinct
    values in a year's export) are read by their day: `parse_date` ignores the time, so the day decides; a
    day that fails is read again in full, so the message shows the cell as written. The days are found by
    Arrow, so such a column never becomes Python text."""
    failed: dict[int, _Bad] = {}
    if _as_written(column, reading):  # read(): as it is (blank: None), with no call per id of a big export
        results = np.array(distinct, dtype=object)  # a copy: never the categories' own array
        results[results == ""] = None
        return results, failed
    if column.type == "date" and reading.date_format is None and len(distinct) > 1:
        return _read_dates(distinct, read, column, name)
    texts = list(distinct)
    results = np.empty(len(texts), dtype=object)
    for d, text in enumerate(texts):
        try:
            results[d] = _read_cell(read, text, column, name, None)
        except _Bad as bad:
            failed[d] = bad
    return results, failed


def _read_dates(distinct: pd.Index | list[str], read: Callable[[str, str], object], column: Column,
                name: str) -> tuple[np.ndarray, dict[int, _Bad]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pa.array(distinct.array if isinstance(distinct, pd.Index) else distinct, pa.large_string())
    keys = pc.replace_substring_regex(texts, _DAY_AND_TIME, r"\1")  # the day alone, where a time follows it
    with_time = pc.not_equal(keys, texts).to_numpy(zero_copy_only=False)
    by_key = pc.dictionary_encode(keys)
    key_codes = by_key.indices.to_numpy(zero_copy_only=False)
    days = np.empty(len(by_key.dictionary), dtype=object)  # each distinct day (or undated text): value or _Bad
    for k, key in enumerate(by_key.dictionary.to_pylist()):
        try:
            days[k] = _read_cell(read, key, column, name, None)
        except _Bad as bad:
            days[k] = bad
    results = days[key_codes]
    failed: dict[int, _Bad] = {}
    is_bad = np.frompyfunc(lambda v: isinstance(v, _Bad), 1, 1)(days).astype(bool) if days.size else \
        np.zeros(0, dtype=bool)
    for d in np.flatnonzero(is_bad[key_codes]).tolist():
        if with_time[d]:  # a day and a time that is no date at all: read it in full, so the message shows it
            text = texts[d].as_py()
            try:
                results[d] = _read_cell(read, text, column, name, None)
                continue
            except _Bad as bad:
                failed[d] = bad
        else:
            failed[d] = results[d]
        results[d] = None
    return results, failed


# "26/08/2024 08:30": the day first, then only a time, as parse_date's _DAY_FIRST reads it (the time is ignored)
_DAY_AND_TIME = r"^([0-9]{1,2}/[0-9]{1,2}/[0-9]{4}) [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?$"


def _read_cell(read: Callable[[str, str], object], raw: str, column: Column, name: str, kind: str | None) -> object:
    if kind in ("formula", "error"):
        raise _Bad("E017", what="công thức" if kind == "formula" else "lỗi Excel", value=shown(raw))
    if raw == "" and column.required:
        raise _Bad("E009", detail=f"ô trống ở cột bắt buộc {name!r}")
    return read(raw, name)


_ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}([ T].*)?")


def _reader(column: Column, units: dict[str, str], unit_names: dict[str, str],
            reading: Reading) -> Callable[[str, str], object]:
    """A function raw text → value for one column, raising _Bad; blank → None."""
    mapped = reading.values.get(column.field)

    def read(raw: str, header: str) -> object:
        if raw == "":
            return None
        if column.type == "date":
            return _date(raw, reading.date_format)
        if column.type == "count":
            return _count(raw, header)
        if column.type == "rate":
            try:
                return parse_rate(raw)
            except (NumberError, ValueError, ArithmeticError):
                if _above_whole(raw):  # readable, but more than all: say so rather than "unreadable"
                    raise _Bad("E062", value=shown(raw), header=header) from None
                raise _Bad("E012", value=shown(raw), header=header) from None
        if mapped is not None and fold_key(raw) in mapped:
            value = mapped[fold_key(raw)]
            if value is None or column.type == "code":
                return value
            raw = value  # a unit name mapped to a unit id: checked against units.yaml below
        if column.type == "code":
            code = _code(raw, column)
            if code is None:
                allowed = [*(mapped or {}), *(labels[0] for labels in column.vocab.values())]
                raise _Bad("E008", value=shown(raw), header=header, allowed="; ".join(allowed))
            return code
        if column.type == "unit":
            if raw in units:
                return raw
            if fold_key(raw) in unit_names:  # exports name units as people do: "Chi cục Kiểm lâm"
                return unit_names[fold_key(raw)]
            raise _Bad("E004", unit=shown(raw), hint=did_you_mean(raw[:200], list(units)))
        return raw

    return read


_FRACTION = re.compile(r"(\d+)/(\d+)")
_PERCENT = re.compile(r"<?(\d+(?:[.,]\d+)?)%")


def _above_whole(raw: str) -> bool:
    """A rate written readably but above 100 % (150%, 5/3)."""
    s = raw.strip().replace(" ", "")
    if (m := _FRACTION.fullmatch(s)) and len(s) < 40:
        return int(m[2]) > 0 and int(m[1]) > int(m[2])
    if (m := _PERCENT.fullmatch(s)) and len(s) < 40:
        return Decimal(m[1].replace(",", ".")) > 100
    return False


def _date(raw: str, date_format: str | None) -> date | None:
    if date_format and not _ISO_DATE.fullmatch(raw):
        try:
            value = datetime.strptime(raw, date_format).date()
        except ValueError:
            raise _Bad("E038", value=shown(raw), format=date_format) from None
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise _Bad("E003", detail=f'không đọc được ngày "{shown(raw)}": năm {value.year} nằm ngoài khoảng '
                                      f"{MIN_YEAR}–{MAX_YEAR}")
        return value
    try:
        return parse_date(raw)
    except DateError as exc:
        raise _Bad("E003", detail=str(exc)) from None


def _count(raw: str, header: str) -> int:
    try:
        value = parse_count(raw)
    except ValueError:  # NumberError, or int() refusing thousands of digits
        digits = raw.replace(" ", "")
        if digits.isdigit():
            raise _Bad("E037", value=shown(raw), header=header, limit=MAX_COUNT) from None
        raise _Bad("E006", value=shown(raw), header=header) from None
    if value > MAX_COUNT:
        raise _Bad("E037", value=shown(raw), header=header, limit=MAX_COUNT)
    return value


# ---- dossiers ------------------------------------------------------------------------------------

def _check_dossiers(frame: pd.DataFrame, path: Path, cols: dict[str, str | None]) -> list[Problem]:
    """A dossier needs a status or a due date; its dates must come in order."""
    problems: list[Problem] = []
    status_header = cols.get("status") or header_of("dossiers", "status")
    undecided = frame["status"].isna() & frame["due"].isna()
    problems += [Problem.of("E034", file=path, row=int(r), column=status_header) for r in frame.loc[undecided, "_row"]]
    # each date column as datetime64 once; a blank date is NaT, which is never before anything
    days = {f: pd.to_datetime(frame[f]).to_numpy() for f in ("received", "due", "returned")}
    rows = frame["_row"].to_numpy()
    for earlier, later in (("received", "due"), ("received", "returned")):
        for i in np.flatnonzero(days[later] < days[earlier]).tolist():
            problems.append(Problem.of(
                "E035", file=path, row=int(rows[i]), column=cols.get(later) or header_of("dossiers", later),
                later=cols.get(later) or header_of("dossiers", later), later_date=format_date(frame[later].iat[i]),
                earlier=cols.get(earlier) or header_of("dossiers", earlier),
                earlier_date=format_date(frame[earlier].iat[i])))
    return _cap(problems, MAX_CELL_PROBLEMS, "E036")


def _repeated_rows(frame: pd.DataFrame, same: list[np.ndarray]) -> dict[int, int]:
    """Rows whose every cell (as read) repeats an earlier row: row → that earlier row.
    A repeat may be genuine (two identical dossiers), so it is counted, but never unseen.
    `same`: per column, codes equal where the values read are equal (-1 for none), from `_parse`."""
    if frame.empty:
        return {}
    group = np.zeros(len(frame), dtype="int64")  # one id per distinct row, built a column at a time
    blank = np.ones(len(frame), dtype=bool)
    # the column with most distinct values first: once every row is its own group (a dossier id column),
    # no row repeats another and the other columns need not be compared
    for codes in sorted(same, key=lambda c: -int(c.max()) if len(c) else 0):
        blank &= codes < 0
        group, groups = pd.factorize(group * (int(codes.max()) + 2) + codes + 1)
        if len(groups) == len(frame):
            return {}
    first_of = pd.Series(np.arange(len(frame))).groupby(group).transform("first").to_numpy()
    rows = frame["_row"].to_numpy()
    repeat = np.flatnonzero((first_of != np.arange(len(frame))) & ~blank)
    return {int(rows[i]): int(rows[first_of[i]]) for i in repeat}


def _check_indicators(frame: pd.DataFrame, path: Path, cols: dict[str, str | None]) -> list[Problem]:
    """A numerator is a part of its denominator: 5 of 3 would score 166,67 %."""
    both = frame[frame["numerator"].notna() & frame["denominator"].notna()]
    bad = both[both["numerator"].astype("int64") > both["denominator"].astype("int64")]
    header = cols.get("numerator") or header_of("indicators", "numerator")
    return [Problem.of("E061", file=path, row=int(r["_row"]), column=header, numerator=r["numerator"],
                       denominator=r["denominator"]) for _, r in bad.iterrows()]


def _any_repeated(codes: np.ndarray) -> bool:
    """Whether any value code (-1: blank) appears twice: a count per code, no hashing of 500 000 ids."""
    given = codes[codes >= 0]
    return bool(given.size) and bool((np.bincount(given) > 1).any())


def _duplicate_ids(frame: pd.DataFrame, path: Path, header: str) -> list[Problem]:
    ids = frame.loc[frame["id"].notna(), ["id", "_row"]]
    dup = ids[ids["id"].duplicated(keep=False)]
    return [Problem.of("W033", file=path, column=header, id=shown(str(key)), count=len(group),
                       rows=", ".join(map(str, group["_row"].head(5))))
            for key, group in dup.groupby("id", sort=False)]


def _cap(problems: list[Problem], limit: int, summary: str) -> list[Problem]:
    """At most `limit` problems per code; one `summary` problem per code for the rest."""
    by_code: dict[str, list[Problem]] = {}
    for p in problems:
        by_code.setdefault(p.code, []).append(p)
    out: list[Problem] = []
    for code, group in by_code.items():
        out += group[:limit]
        rest = group[limit:]
        if rest:
            rows = ", ".join(str(p.row) for p in rest[:5] if p.row is not None)
            fields: dict[str, object] = {"count": len(rest), "kind": code, "rows": rows}
            if summary == "E036":
                fields["header"] = rest[0].column or ""
            out.append(Problem.of(summary, file=rest[0].file, column=rest[0].column, **fields))
    return out


def cap_warnings(warnings: list[Problem]) -> list[Problem]:
    return _cap(warnings, MAX_ROW_WARNINGS, "W032")


__all__ = ["SPECS", "Column", "RateValue", "Reading", "RowsRejected", "load_rows", "read_dataset"]
