"""The results workbook (`cchc report --out ket-qua.xlsx`), read back with openpyxl: the same figures as
`cchc assess --format json`, numbers as numeric cells, frozen headers, filters, A4 landscape printing."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.reports import workbook as wb_module
from engine.reports import xlsx_layout as x
from engine.reports.inputs import HistoryPoint, ReportInputs
from tests.conftest import CASES

CASE_NAMES = ["ha-giang-sonnptnt-2023", "ha-giang-sonnptnt-2024-q3"]
NUMBER = (int, float)


def _json(capsys, *args: str) -> dict:
    assert main(["assess", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _report(capsys, out: Path, *args: str) -> openpyxl.Workbook:
    assert main(["report", *args, "--out", str(out)]) == 0
    capsys.readouterr()
    return openpyxl.load_workbook(out)


def _table(sheet) -> tuple[int, list[str], list[dict[str, object]]]:
    """The sheet's main table: its header row is the one its filter starts on."""
    top = int("".join(ch for ch in sheet.auto_filter.ref.split(":")[0] if ch.isdigit()))
    headers = [c.value for c in sheet[top]]
    rows = [dict(zip(headers, values, strict=True))
            for values in sheet.iter_rows(min_row=top + 1, max_col=len(headers), values_only=True) if any(values)]
    return top, headers, rows


def _figures(sheet) -> dict[str, object]:
    out = {}
    for label, value, *_ in sheet.iter_rows(min_row=4, max_col=2, values_only=True):
        if label is None:
            break
        out[label] = value
    return out


def _day(value: object) -> str | None:
    return None if value is None else value.date().isoformat()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_the_workbook_has_the_figures_of_the_json(tmp_path: Path, capsys, name: str) -> None:
    _agree(_json(capsys, str(CASES / name)), _report(capsys, tmp_path / "ket-qua.xlsx", str(CASES / name)))


def test_a_criterion_not_applicable_shows_as_the_json_says(tmp_path: Path, capsys) -> None:
    case = tmp_path / "case"
    shutil.copytree(CASES / CASE_NAMES[1], case)
    with (case / "case.yaml").open("a", encoding="utf-8") as handle:
        handle.write('not_applicable:\n  "1.4": thử, không có kế hoạch khắc phục năm trước\n')
    data = _json(capsys, str(case))
    assert next(c for c in data["criteria"] if c["id"] == "1.4")["status"] == "không áp dụng"
    _agree(data, _report(capsys, tmp_path / "ket-qua.xlsx", str(case)))


def _agree(data: dict, book: openpyxl.Workbook) -> None:
    figures = _figures(book[wb_module.SUMMARY])
    assert figures["Tổng điểm"] == data["total"] and figures["Chỉ số (%)"] == data["index_percent"]
    assert figures["Điểm tối đa (các tiêu chí áp dụng)"] == data["max"]
    assert figures["Xếp loại"].rstrip(" †") == data["classification"]
    assert figures["Điểm tối đa còn có thể đạt"] == data["reachable"]
    assert (figures["Điểm còn lấy được"], figures["Điểm đã mất"]) == (data["winnable"], data["lost"])
    last = data["last_official"]
    assert figures[f"Thay đổi so với năm {last['year']}"] == last["change"]

    _, _, criteria = _table(book[wb_module.CRITERIA])
    assert [r["TC"] for r in criteria] == [c["id"] for c in data["criteria"]]
    for row, c in zip(criteria, data["criteria"], strict=True):
        assert (row["Điểm tối đa"], row["Điểm"], row["Tình trạng"]) == (c["max"], c["points"], c["status"])
        assert (row["Còn có thể đạt"], row["Đã mất"]) == (c["reachable"], c["lost"])
        assert (row["†"] == "†") == (not c["verified"])

    _, _, items = _table(book[wb_module.ITEMS])
    expected = sorted((c["id"], m["requirement"], m["label"], m["points_at_stake"], m["points_lost"], m["due"],
                       m["lost_on"], m["standing"]) for c in data["criteria"] for m in c["missing"])
    got = sorted((r["TC"], r["Yêu cầu"], r["Việc (cần có)"], r["Điểm còn lấy được"], r["Điểm đã mất"], _day(r["Hạn"]),
                  _day(r["Mất từ ngày"]), r["Khả năng"]) for r in items)
    assert got == expected
    carried = [r["Điểm còn lấy được"] + r["Điểm đã mất"] for r in items]
    assert carried == sorted(carried, reverse=True)  # sorted by the points each item carries

    owners = {u for c in data["criteria"] for m in c["missing"] for u in m["owner"]}
    prefix = wb_module.UNIT_PREFIX
    unit_sheets = {s.removeprefix(prefix) for s in book.sheetnames if s.startswith(prefix)}
    assert unit_sheets == owners
    for unit in owners:
        sheet = book[wb_module.UNIT_PREFIX + unit]
        winnable, lost = sheet["D3"].value, sheet["D4"].value
        assert winnable == data["points_at_stake_by_unit"].get(unit, 0)
        assert lost == data["points_lost_by_unit"].get(unit, 0)
        _, _, rows = _table(sheet)
        assert sorted((r["TC"], r["Yêu cầu"], r["Điểm còn lấy được"], r["Điểm đã mất"]) for r in rows) == sorted(
            (c["id"], m["requirement"], m["points_at_stake"], m["points_lost"])
            for c in data["criteria"] for m in c["missing"] if unit in m["owner"])


@pytest.mark.parametrize("name", CASE_NAMES)
def test_numbers_are_numeric_cells_and_every_sheet_prints_a4_landscape(tmp_path: Path, capsys, name: str) -> None:
    book = _report(capsys, tmp_path / "ket-qua.xlsx", str(CASES / name))
    assert book.sheetnames[:3] == [wb_module.SUMMARY, wb_module.CRITERIA, wb_module.ITEMS]
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.freeze_panes and sheet.print_title_rows and sheet.auto_filter.ref
        assert len(sheet.title) <= 31
        if sheet.title == wb_module.SUMMARY:
            continue
        top, headers, rows = _table(sheet)
        assert sheet.freeze_panes == f"A{top + 1}"  # the header stays on screen
        assert sheet.print_title_rows == f"${top}:${top}"  # and on every printed page
        for column, header in enumerate(headers, start=1):
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width
            assert width >= min(max(len(w) for w in str(header).split()) + 2, x.MAX_WIDTH)
        for r in range(top + 1, top + 1 + len(rows)):
            for column, header in enumerate(headers, start=1):
                cell = sheet.cell(r, column)
                if cell.value is None:
                    continue
                if header.startswith(("Điểm", "Còn", "Đã mất", "Chênh")):
                    assert isinstance(cell.value, NUMBER) and cell.data_type == "n", (sheet.title, header, cell.value)
                    assert cell.number_format == x.POINTS
                elif header in ("Hạn", "Mất từ ngày", "Mốc"):
                    assert isinstance(cell.value, datetime) and cell.number_format == x.DATE
    figures = book[wb_module.SUMMARY]
    assert all(isinstance(figures.cell(r, 2).value, NUMBER) for r in range(4, 7))


def test_a_unit_gets_a_workbook_of_its_own(tmp_path: Path, capsys) -> None:
    data = _json(capsys, "--unit", "thanh-tra")
    book = _report(capsys, tmp_path / "thanh-tra.xlsx", "--unit", "thanh-tra")
    assert [s for s in book.sheetnames if s.startswith(wb_module.UNIT_PREFIX)] == ["ĐV thanh-tra"]
    _, _, criteria = _table(book[wb_module.CRITERIA])
    assert [r["TC"] for r in criteria] == [c["id"] for c in data["criteria"]] == ["2.1", "2.2", "6.1"]
    _, _, items = _table(book[wb_module.ITEMS])
    assert {r["Yêu cầu"] for r in items} == {"thu-thap-thong-tin", "dieu-tra-khao-sat", "bao-cao-thpl"}
    assert {r["Đơn vị"] for r in items} == {"Thanh tra Sở"}
    sheet = book["ĐV thanh-tra"]
    assert (sheet["D3"].value, sheet["D4"].value) == (0, 1.75) == (
        data["points_at_stake_by_unit"].get("thanh-tra", 0), data["points_lost_by_unit"]["thanh-tra"])


def test_the_same_assessment_gives_the_same_bytes_dated_from_the_as_of_date(tmp_path: Path, capsys) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _report(capsys, first)
    _report(capsys, second)
    assert first.read_bytes() == second.read_bytes()
    props = openpyxl.load_workbook(first).properties
    assert (props.creator, props.created, props.modified) == ("cchc", datetime(2023, 12, 26), datetime(2023, 12, 26))


def test_the_trend_sheet_appears_with_history_only(tmp_path: Path, seed) -> None:
    from engine.assess import Assessor

    scheme, evidence = seed
    a = Assessor(scheme, prefer="python").assess(evidence)
    wb_module.write(ReportInputs(a), tmp_path / "none.xlsx")
    assert wb_module.TREND not in openpyxl.load_workbook(tmp_path / "none.xlsx").sheetnames
    history = (
        HistoryPoint(date(2023, 10, 31), Decimal("70.5"), Decimal(100), Decimal("80.25"), Decimal("70.5"), "Khá",
                     {"thanh-tra": 2}, {}),
        HistoryPoint(date(2023, 11, 30), Decimal("75.66"), Decimal(100), Decimal("75.66"), Decimal("75.66"), "Khá",
                     {"tccb": 1}, {"thanh-tra": 1, "kh-tc": 2}),
    )
    wb_module.write(ReportInputs(a, history=history), tmp_path / "trend.xlsx")
    _, _, rows = _table(openpyxl.load_workbook(tmp_path / "trend.xlsx")[wb_module.TREND])
    assert [(r["Mốc"].date(), r["Tổng điểm"], r["Còn có thể đạt"], r["Mục mới"], r["Mục đã xong"]) for r in rows] == [
        (date(2023, 10, 31), 70.5, 80.25, 2, 0), (date(2023, 11, 30), 75.66, 75.66, 1, 3)]


def test_a_read_only_target_is_refused_not_replaced(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ket-qua.xlsx"
    out.write_bytes(b"keep")
    out.chmod(0o444)
    assert main(["report", "--out", str(out)]) == 2
    said = capsys.readouterr()
    assert "E022" in said.out + said.err
    assert out.read_bytes() == b"keep"


# ---- properties ------------------------------------------------------------------------------------------

@given(wanted=st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=12))
@settings(max_examples=200, deadline=None)
def test_any_names_become_distinct_sheet_names_excel_accepts(wanted: list[str]) -> None:
    book = x.new_workbook()
    for name in wanted:
        title = x.sheet_name(name, book.sheetnames)
        assert 1 <= len(title) <= 31 and not set(title) & set("\\/?*:[]") and not title.startswith("'")
        assert title.lower() != "history"
        book.create_sheet(title)
        assert book.worksheets[-1].title == title  # openpyxl did not rename it: it was unique
    assert len({s.lower() for s in book.sheetnames}) == len(wanted)


@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=40),
       number=st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False))
@settings(max_examples=60, deadline=None)
def test_any_text_stays_text_and_any_points_stay_numbers(tmp_path_factory, text: str, number: Decimal) -> None:
    book = x.new_workbook()
    sheet = book.create_sheet("t")
    x.put(sheet, 1, 1, text)
    x.put(sheet, 1, 2, number, "points")
    out = tmp_path_factory.mktemp("cells") / "t.xlsx"
    x.save(book, out, date(2024, 9, 30))
    back = openpyxl.load_workbook(out)["t"]
    assert back["A1"].value == text and back["A1"].data_type == "s"  # "=1+1" from a register is no formula
    assert Decimal(str(back["B1"].value)) == number and back["B1"].data_type == "n"


def test_official_points_show_with_their_difference_only_where_recorded(tmp_path: Path, seed) -> None:
    from dataclasses import replace

    from engine.assess import Assessor

    scheme, evidence = seed
    a = Assessor(scheme, prefer="python").assess(evidence)
    a = replace(a, criteria=tuple(replace(c, official=None) for c in a.criteria))  # the seed records the council's
    wb_module.write(ReportInputs(a), tmp_path / "plain.xlsx")
    _, headers, _ = _table(openpyxl.load_workbook(tmp_path / "plain.xlsx")[wb_module.CRITERIA])
    assert "Điểm thẩm định" not in headers
    official = {"1.1": Decimal("1.5"), "2.2": Decimal(0)}  # 1.1 self-scored 1: optimistic by -0,5
    a = replace(a, criteria=tuple(replace(c, official=official.get(c.id)) for c in a.criteria))
    wb_module.write(ReportInputs(a), tmp_path / "official.xlsx")
    book = openpyxl.load_workbook(tmp_path / "official.xlsx")
    _, _, rows = _table(book[wb_module.CRITERIA])
    shown = {r["TC"]: (r["Điểm thẩm định"], r["Chênh lệch (tự chấm − thẩm định)"]) for r in rows}
    assert shown["1.1"] == (1.5, -0.5) and shown["2.2"] == (0, 0) and shown["1.2"] == (None, None)
    assert _figures(book[wb_module.SUMMARY])[
        "Chênh lệch tự chấm − thẩm định (cộng các tiêu chí có điểm thẩm định)"] == -0.5
