"""Merged cells in an .xlsx register or export are never read as blanks without a word
(evidence/tables.py): filled down and said (W040), or refused with their range (E053, E055)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.problems import InputError
from evidence.register import COLUMNS, inspect_register
from evidence.tables import read_table
from tests.conftest import SEED

HEADERS = [h for h, _ in COLUMNS.values()]


def _seed_rows(count: int) -> list[list[str]]:
    with (SEED / "documents.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, data = rows[0], rows[1 : count + 1]
    return [[dict(zip(header, r, strict=False)).get(h, "") for h in HEADERS] for r in data]


def _register(path: Path, rows: list[list[str]], merges: list[str], title: bool = True) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["SỔ ĐĂNG KÝ TÀI LIỆU KIỂM CHỨNG"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))  # the template's title
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)  # openpyxl empties every cell of the range but the first, as Excel does
    workbook.save(path)
    return path


def test_a_unit_merged_down_a_column_is_filled_and_said(tmp_path: Path) -> None:
    rows = _seed_rows(4)
    unit = HEADERS.index("Đơn vị")
    for row in rows:
        row[unit] = "tccb"
    path = _register(tmp_path / "so.xlsx", rows, ["F3:F6"])
    read = inspect_register(path, case_folder=tmp_path, units={"tccb": "TCCB", "van-phong": "VP"})
    assert read.rejected == 0 and len(read.documents) == 4
    assert [d.unit for d in read.documents] == ["tccb"] * 4  # not three rows "missing a unit"
    (note,) = [p for p in read.problems if p.code == "W040"]
    assert (note.row, note.column) == (3, "F") and "F3:F6" in note.message


def test_a_merged_header_is_refused_with_its_range(tmp_path: Path) -> None:
    path = _register(tmp_path / "so.xlsx", _seed_rows(2), ["B2:C2"])
    read = inspect_register(path, case_folder=tmp_path, units={"tccb": "TCCB", "van-phong": "VP"})
    assert not read.readable
    assert [(p.code, p.row) for p in read.problems] == [("E053", 2)] and "B2:C2" in read.problems[0].message


def test_a_data_merge_across_columns_is_refused_with_its_range(tmp_path: Path) -> None:
    path = _register(tmp_path / "so.xlsx", _seed_rows(3), ["D4:E4"])
    with pytest.raises(InputError) as exc:
        read_table(path, expect=HEADERS)
    (problem,) = exc.value.problems
    assert (problem.code, problem.row) == ("E055", 4) and "D4:E4" in problem.message


def test_an_export_with_merged_cells_is_filled_too(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã hồ sơ", "Lĩnh vực", "Trạng thái"])
    sheet.append(["H1", "Đất đai", "Đúng hạn"])
    sheet.append(["H2", None, "Trễ hạn"])
    sheet.merge_cells("B2:B3")
    workbook.save(tmp_path / "x.xlsx")
    table = read_table(tmp_path / "x.xlsx", expect=["Mã hồ sơ", "Lĩnh vực"])
    assert table.frame["Lĩnh vực"].tolist() == ["Đất đai", "Đất đai"]
    assert [p.code for p in table.warnings] == ["W040"]


GRID = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@GRID
@given(data=st.data())
def test_no_merged_cell_is_read_blank_unsaid(tmp_path: Path, data: st.DataObject) -> None:
    """Any rectangle merged anywhere below the title: the table reads every covered cell with the
    merge's value (and a W040 names the range), or refuses the file naming the range."""
    width, height = 4, 6
    top = data.draw(st.integers(2, height + 1), label="top")  # row 2 is the header
    left = data.draw(st.integers(1, width), label="left")
    bottom = data.draw(st.integers(top, height + 1), label="bottom")
    right = data.draw(st.integers(left, width), label="right")
    if (top, left) == (bottom, right):
        right = left + 1 if left < width else left - 1
        left, right = min(left, right), max(left, right)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tiêu đề"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    headers = [f"Cột {c}" for c in "ABCD"]
    sheet.append(headers)
    for r in range(3, height + 2):
        sheet.append([f"r{r}c{c}" for c in range(1, width + 1)])
    sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    ref = f"{'ABCD'[left - 1]}{top}:{'ABCD'[right - 1]}{bottom}"
    workbook.save(tmp_path / "t.xlsx")
    try:
        table = read_table(tmp_path / "t.xlsx", expect=headers)
    except InputError as exc:
        (problem,) = exc.problems
        assert problem.code == ("E053" if top == 2 else "E055") and ref in problem.message
        assert top == 2 or right > left
        return
    assert top > 2 and left == right
    value = f"r{top}c{left}"
    assert table.frame[headers[left - 1]].tolist()[top - 3 : bottom - 2] == [value] * (bottom - top + 1)
    assert [ref in p.message for p in table.warnings if p.code == "W040"] == [True]
