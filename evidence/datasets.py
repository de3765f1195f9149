"""Datasets of a case (tasks, procedure publications, dossiers, staff evaluations,
published indicators): their Vietnamese headers, types and vocabularies.

Each dataset becomes a pandas DataFrame with canonical column names, `_row` (the
spreadsheet row) and `_n` (how many items the row stands for: 1, or the `Số lượng`
column when a source gives counts instead of one row per item). Aggregates are
then plain pandas over these frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from evidence.dates import DateError, parse_date
from evidence.numbers import NumberError, RateValue, parse_count, parse_rate
from evidence.problems import InputError, Problem, did_you_mean
from evidence.tables import Table, find_columns, read_table
from evidence.text import fold

ColumnType = Literal["text", "date", "count", "rate", "code", "unit"]


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
YES_NO = {"co": ("Có", "x", "Đã gửi", "yes"), "khong": ("Không", "Chưa", "no")}

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
    "dossiers": (
        Column("id", "Mã hồ sơ"),
        Column("procedure", "Thủ tục"),
        Column("unit", "Đơn vị", "unit"),
        Column("status", "Trạng thái", "code", required=True, vocab={
            "truoc-han": ("Trước hạn", "Giải quyết trước hạn", "Đã giải quyết trước hạn"),
            "dung-han": ("Đúng hạn", "Giải quyết đúng hạn", "Đã giải quyết đúng hạn"),
            "qua-han": ("Quá hạn", "Trễ hạn", "Giải quyết quá hạn", "Đã giải quyết quá hạn"),
            "dang-giai-quyet": ("Đang giải quyết", "Đang xử lý"),
            "dung-xu-ly": ("Dừng xử lý", "Đã hủy", "Dừng xử lý/đã hủy", "Hủy"),
        }),
        Column("apology", "Thư xin lỗi", "code", vocab=YES_NO),
        Column("n", "Số lượng", "count"),
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


def header_of(dataset: str, field: str) -> str:
    """The Vietnamese header people see for a dataset field."""
    return next((c.header for c in SPECS.get(dataset, ()) if c.field == field), field)


def _code(value: str, column: Column) -> str | None:
    folded = fold(value).replace(" ", "")
    for code, labels in column.vocab.items():
        if folded == fold(code).replace(" ", "") or any(folded == fold(lb).replace(" ", "") for lb in labels):
            return code
    return None


def read_dataset(name: str, path: Path, *, units: dict[str, str]) -> pd.DataFrame:
    """Read one dataset; raise InputError naming every bad cell by row and column."""
    if name not in SPECS:
        raise InputError(Problem.of("E009", file=path, detail=f"không biết bộ dữ liệu {name!r}"
                                                              f"{did_you_mean(name, list(SPECS))}; "
                                                              f"có: {', '.join(SPECS)}"))
    spec = SPECS[name]
    table = read_table(path)
    cols = find_columns(table, {c.field: (c.header, c.required) for c in spec})
    frame = parse_rows(table, spec, cols, units)
    frame.attrs["file"] = path.name
    return frame


def parse_rows(table: Table, spec: tuple[Column, ...], cols: dict[str, str | None],
               units: dict[str, str]) -> pd.DataFrame:
    problems: list[Problem] = []
    out: dict[str, list[object]] = {c.field: [] for c in spec}
    out["_row"] = []
    for index, record in enumerate(table.frame.to_dict("records")):
        if not any(record.values()):
            continue
        row = table.sheet_row(index)
        for column in spec:
            header = cols.get(column.field)
            raw = record.get(header, "") if header else ""
            out[column.field].append(_parse_cell(raw, column, table.path, row, units, problems))
        out["_row"].append(row)
    if problems:
        raise InputError(problems)
    # object dtype keeps None as None: an all-blank column must not turn into float NaN
    frame = pd.DataFrame(out, dtype=object)
    frame["_row"] = frame["_row"].astype("int64")
    frame["_n"] = frame["n"].fillna(1).astype("int64") if "n" in frame else 1
    return frame


def _parse_cell(raw: str, column: Column, path: Path, row: int, units: dict[str, str],
                problems: list[Problem]) -> object:
    def fail(code: str, **fields: object) -> None:
        problems.append(Problem.of(code, file=path, row=row, column=column.header, **fields))

    if raw == "":
        if column.required:
            fail("E009", detail=f"ô trống ở cột bắt buộc {column.header!r}")
        return None
    try:
        if column.type == "date":
            return parse_date(raw)
        if column.type == "count":
            return parse_count(raw)
        if column.type == "rate":
            return parse_rate(raw)
    except DateError as exc:
        fail("E003", detail=str(exc))
        return None
    except NumberError:
        fail("E012" if column.type == "rate" else "E006", value=raw, header=column.header)
        return None
    if column.type == "code":
        code = _code(raw, column)
        if code is None:
            allowed = "; ".join(labels[0] for labels in column.vocab.values())
            fail("E008", value=raw, header=column.header, allowed=allowed)
        return code
    if column.type == "unit" and raw not in units:
        fail("E004", unit=raw, hint=did_you_mean(raw, list(units)))
        return None
    return raw


__all__ = ["SPECS", "Column", "RateValue", "read_dataset"]
