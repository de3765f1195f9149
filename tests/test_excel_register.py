"""Excel registers as units keep them, the template TCCB sends, and a folder of registers merged.

Every workbook here is a real .xlsx written with openpyxl; every row number asserted is the one a
person sees in Excel."""

from __future__ import annotations

import datetime
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main
from evidence.case import load_case
from evidence.excel_template import TemplateRow, write_template
from evidence.problems import InputError, Problem
from evidence.register import RegisterRead, inspect_register, read_register
from evidence.registers import load_registers
from evidence.tables import read_table
from evidence.text import encode_legacy
from tests.conftest import SEED

UNITS = {"thanh-tra": "Thanh tra Sở", "tccb": "Phòng Tổ chức cán bộ", "van-phong": "Văn phòng Sở"}
HEADERS = ["Số, ký hiệu", "Ngày ban hành", "Loại", "Trích yếu", "Đơn vị", "Nhãn", "Tiêu chí", "Yêu cầu", "Tệp"]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, headers: Sequence[str] = HEADERS,
               title: Sequence[str] = (), sheet: str = "Sổ đăng ký", formulas: bool = False) -> Path:
    """A workbook with optional title rows above the header. Strings are text cells unless `formulas`."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    r = 1
    for line in title:
        ws.cell(r, 1, line)
        r += 1
    for c, header in enumerate(headers, start=1):
        ws.cell(r, c, header)
    for row in rows:
        r += 1
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(r, c, value)
            if isinstance(value, str) and not formulas:
                cell.data_type = "s"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def read(path: Path, case: Path | None = None) -> RegisterRead:
    return inspect_register(path, case_folder=case or path.parent, units=UNITS)


def codes(problems: Iterable[Problem]) -> list[tuple[str, int | None, str | None]]:
    return [(p.code, p.row, p.column) for p in problems]


# ---- reading ---------------------------------------------------------------------------------------


def test_title_rows_blank_rows_and_real_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [
        ["62/KH-SNN-TCCB", "26/8/2023", "Kế hoạch", "Kế hoạch giáo dục chính trị", "tccb"],
        [],
        ["386/BC-UBND", "ngày 5 tháng 11 năm 2023", "BC", "Báo cáo", "van-phong"],
    ], title=["SỔ ĐĂNG KÝ TÀI LIỆU KIỂM CHỨNG", "Thanh tra Sở"])
    table = read_table(path, expect=HEADERS)
    assert (table.header_row, table.rows, table.sheet) == (3, (4, 6), "Sổ đăng ký")
    result = read(path)
    assert result.errors == [] and [d.row for d in result.documents] == [4, 6]
    assert [d.issued for d in result.documents] == [datetime.date(2023, 8, 26), datetime.date(2023, 11, 5)]


def test_excel_date_cells_serials_and_every_written_form(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [
        ["1/KH-SNN", datetime.datetime(2023, 8, 26), "KH", "a", "tccb"],
        ["2/KH-SNN", datetime.date(2023, 8, 26), "KH", "b", "tccb"],
        ["3/KH-SNN", 45164, "KH", "c", "tccb"],  # a date cell formatted as a number
        ["4/KH-SNN", "26/08/2023", "KH", "d", "tccb"],
        ["5/KH-SNN", "2023-08-26", "KH", "e", "tccb"],
        ["6/KH-SNN", "Ngày 26 tháng 8 năm 2023", "KH", "f", "tccb"],
        ["7/KH-SNN", 20230826, "KH", "g", "tccb"],  # a number that is no date serial: refused, never guessed
        ["8/KH-SNN", 12, "KH", "h", "tccb"],  # a serial in 1900: refused
    ])
    result = read(path)
    assert [d.issued for d in result.documents] == [datetime.date(2023, 8, 26)] * 6
    assert codes(result.problems) == [("W021", 4, "Ngày ban hành"), ("E003", 8, "Ngày ban hành"),
                                      ("E003", 9, "Ngày ban hành")]
    assert "26/08/2023" in result.problems[0].message
    assert (result.rows, result.accepted, result.rejected) == (8, 6, 2)


def test_formulas_are_text_never_evaluated(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [
        ["1/KH-SNN", "=DATE(2023,8,26)", "KH", "a", "tccb"],
        ["2/KH-SNN", "26/8/2023", "KH", '=HYPERLINK("http://x","bấm")', "tccb"],
    ], formulas=True)
    result = read(path)
    assert codes(result.errors) == [("E017", 2, "Ngày ban hành"), ("E017", 3, "Trích yếu")]
    assert "=DATE(2023,8,26)" in result.errors[0].message  # the formula's text, not a computed value
    text = write_xlsx(tmp_path / "chu.xlsx", [
        ["1/KH-SNN", "26/8/2023", "KH", "=1+1", "tccb"],
        ["2/KH-SNN", "26/8/2023", "KH", "+84 912 345 678", "tccb"],
        ["3/KH-SNN", "26/8/2023", "KH", "-Kế hoạch", "tccb"],
        ["4/KH-SNN", "26/8/2023", "KH", "@SUM(A1)", "tccb"],
    ])
    assert [d.subject for d in read(text).documents] == ["=1+1", "+84 912 345 678", "-Kế hoạch", "@SUM(A1)"]


def test_error_cells_and_booleans(tmp_path: Path) -> None:
    path = tmp_path / "so.xlsx"
    write_xlsx(path, [["1/KH-SNN", "26/8/2023", "KH", "a", "tccb"]])
    book = openpyxl.load_workbook(path)
    cell = book.active.cell(2, 4)
    cell.value, cell.data_type = "#N/A", "e"
    book.save(path)
    assert codes(read(path).errors) == [("E017", 2, "Trích yếu")]


def test_helper_columns_ignored_unknown_columns_listed(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [
        ["1/KH-SNN", "26/8/2023", "KH", "a", "tccb", "", "", "", "", "cần có gì", "10/11/2023", "ông A", None, "x"],
    ], headers=[*HEADERS, "Cần có", "Hạn", "Người ký", "", ""])
    result = read(path)
    assert result.errors == [] and len(result.documents) == 1
    assert codes(result.problems) == [("W025", 1, "N"), ("W025", 1, "Người ký")]


def test_duplicate_header_and_missing_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [["1/KH-SNN", "26/8/2023", "KH", "a", "tccb", "BC"]],
                      headers=[*HEADERS[:5], "loai"])
    result = read(path)
    assert not result.readable and codes(result.problems) == [("E018", 1, "loai")]
    missing = write_xlsx(tmp_path / "thieu.xlsx", [["1/KH-SNN"]], headers=["Số, ký hiệu", "Ngay ban hanh"])
    with pytest.raises(InputError) as exc:
        read_register(missing, case_folder=tmp_path, units=UNITS)
    assert {p.code for p in exc.value.problems} == {"E002"}


def test_legacy_font_cells_are_converted_and_each_one_reported(tmp_path: Path) -> None:
    subject = "Báo cáo kết quả theo dõi thi hành pháp luật năm 2023"
    path = write_xlsx(tmp_path / "so.xlsx", [
        ["1/BC-SNN", "26/8/2023", "BC", encode_legacy(subject, "TCVN3"), "thanh-tra"],
        ["2/BC-SNN", "26/8/2023", encode_legacy("Báo cáo", "TCVN3"), encode_legacy("Tờ trình", "TCVN3"),
         "thanh-tra"],
        ["3/BC-SNN", "26/8/2023", "BC", "Báo cáo tổng hợp năm 2023", "thanh-tra"],
        ["4/BC-SNN", "26/8/2023", "BC", encode_legacy("Báo cáo quý", "VNI"), "thanh-tra"],
    ])
    result = read(path)
    assert result.errors == []
    assert [d.subject for d in result.documents] == [subject, "Tờ trình", "Báo cáo tổng hợp năm 2023",
                                                     "Báo cáo quý"]
    assert result.documents[1].kind == "BC"  # "B¸o c¸o" in the Loại column read as Báo cáo
    warned = [(p.row, p.column) for p in result.problems if p.code == "W020"]
    assert warned == [(3, "Loại"), (2, "Trích yếu"), (3, "Trích yếu"), (5, "Trích yếu")]
    assert "TCVN3" in result.problems[0].message and "VNI" in result.problems[-1].message


def test_corrupt_huge_and_old_workbooks_are_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "hong.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (tmp_path / "cu.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 200)
    (tmp_path / "mat-khau.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200)
    with zipfile.ZipFile(tmp_path / "khong-phai.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-a-workbook/>")
    for name in ("hong.xlsx", "cu.xls", "mat-khau.xlsx", "khong-phai.xlsx"):
        result = read(tmp_path / name)
        assert not result.readable and [p.code for p in result.problems] == ["E016"], name
    big = write_xlsx(tmp_path / "lon.xlsx", [[f"{i}/KH-SNN", "26/8/2023", "KH", "a", "tccb"] for i in range(1, 30)])
    monkeypatch.setattr("evidence.register.MAX_REGISTER_ROWS", 10)
    assert [p.code for p in read(big).problems] == ["E015"]
    monkeypatch.setattr("evidence.register.MAX_REGISTER_BYTES", 1000)
    assert "MB" in read(big).problems[0].message


def test_csv_rows_keep_their_numbers_and_misaligned_rows_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "so.csv"
    path.write_text('"Số, ký hiệu",Ngày ban hành,Loại,Trích yếu,Đơn vị\n'
                    "1/KH-SNN,26/8/2023,KH,a,tccb\n\n"
                    '"2/KH-SNN",26/8/2023,KH,"nhiều\ndòng",tccb\n'
                    "3/KH-SNN,26/8/2023,KH,Kế hoạch A, B,tccb\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_table(path)
    assert codes(exc.value.problems) == [("E023", 5, None)]  # Excel shows that record on row 5
    path.write_text('"Số, ký hiệu",Ngày ban hành,Loại,Trích yếu,Đơn vị\n'
                    "1/KH-SNN,26/8/2023,KH,a,tccb\n\n"
                    '"2/KH-SNN",31/2/2023,KH,"nhiều\ndòng",tccb\n', encoding="utf-8")
    assert codes(read(path).errors) == [("E003", 4, "Ngày ban hành")]


# ---- the template ----------------------------------------------------------------------------------


def test_template_is_a_valid_register_of_placeholders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "thanh-tra.xlsx"
    assert main(["evidence", "template", str(SEED), "--unit", "thanh-tra", "--out", str(out)]) == 0
    assert "3 tài liệu" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Sổ đăng ký", "Hướng dẫn", "Danh mục"] and book["Danh mục"].sheet_state == "hidden"
    sheet = book["Sổ đăng ký"]
    headers = [c.value for c in sheet[3]]
    assert headers[:3] == ["Tiêu chí", "Yêu cầu", "Loại"] and headers[-2:] == ["Cần có", "Hạn"]
    assert sheet.freeze_panes == "A4" and sheet.protection.sheet
    assert sheet.cell(4, headers.index("Cần có") + 1).protection.locked
    assert not sheet.cell(4, headers.index("Số, ký hiệu") + 1).protection.locked
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert any("Danh mục" in f and "$A$2" in f for f in lists)
    kinds = [c.value for c in book["Danh mục"]["A"][1:]]
    assert {"Kế hoạch", "Báo cáo", "Quyết định", "Công văn", "Tờ trình"} <= set(kinds)
    guide = " ".join(str(c.value) for row in book["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "hoat-dong-khac" in guide and "inputs.yaml" in guide

    result = read(out, SEED)
    assert result.errors == [] and result.rows == 3 and result.placeholders == 3
    row = result.documents[2]
    assert (row.row, row.criterion, row.requirement, row.kind, row.tags, row.unit) == (
        6, "2.2", "bao-cao-thpl", "BC", ("ket-qua-thpl", "thpl"), "thanh-tra")

    assert main(["evidence", "template", str(SEED), "--unit", "thanh-tra", "--out", str(out)]) == 2  # never overwrites
    assert main(["evidence", "template", str(SEED), "--unit", "thanh-tra", "--out", str(out), "--force"]) == 0
    assert main(["evidence", "template", str(SEED), "--unit", "thanh-tr", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert 'có phải là "thanh-tra"' in capsys.readouterr().err


def test_template_text_is_never_a_formula(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    row = TemplateRow("1.1", "x", '=HYPERLINK("http://x")', "BC", ("a",), None, None, datetime.date(2023, 11, 9),
                      None)
    write_template(out, rows=[row], others=[], unit="tccb", unit_name="TCCB", case_title="Thử", period="2023",
                   units=list(UNITS))
    sheet = openpyxl.load_workbook(out)["Sổ đăng ký"]
    subject = next(c for c in sheet[4] if c.value == '=HYPERLINK("http://x")')
    assert subject.data_type == "s"
    assert read(out).documents[0].subject == '=HYPERLINK("http://x")'


# ---- a folder of registers ---------------------------------------------------------------------------


@pytest.fixture
def folder_case(tmp_path: Path) -> Path:
    case = tmp_path / "case"
    shutil.copytree(SEED, case)
    (case / "so-dang-ky").mkdir()
    (case / "documents.csv").rename(case / "so-dang-ky" / "a-chung.csv")
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("documents: documents.csv", "documents: so-dang-ky/"),
                                    encoding="utf-8")
    return case


def test_seed_case_loads_unchanged() -> None:
    evidence = load_case(SEED)
    assert len(evidence.documents) == 23 and {d.source for d in evidence.documents} == {"documents.csv"}
    assert evidence.warnings == [] and evidence.registers.files[0].rows == 23


def test_folder_merges_registers_and_shows_a_document_once(folder_case: Path) -> None:
    reg = folder_case / "so-dang-ky"
    (reg / "tai-lieu.pdf").write_bytes(b"not a register")
    (reg / "~$thanh-tra.xlsx").write_bytes(b"lock")
    write_xlsx(reg / "nam-truoc" / "cu.xlsx", [])  # a subfolder is not read, and said so
    write_xlsx(reg / "thanh-tra.xlsx", [
        ["62/KH-SNN-TCCB", datetime.date(2023, 8, 26), "KH", "Kế hoạch 62", "thanh-tra", "thpl", "", "", ""],
        ["215/BC-SNN", "5/12/2023", "BC", "Báo cáo THPL", "thanh-tra", "thpl", "2.2", "bao-cao-thpl", ""],
    ])
    write_xlsx(reg / "tong-hop-tccb.xlsx", [  # after thanh-tra.xlsx in name order
        ["215/BC-SNN", "05/12/2023", "Báo cáo", "Báo cáo THPL (bản TCCB gửi)", "tccb", "tong-hop", "", "", ""],
    ])
    evidence = load_case(folder_case)
    sources = [d.source for d in evidence.documents]
    # 62/KH-SNN-TCCB of 26/8/2023 is already in the shared register: the unit's row is a duplicate too
    assert sources == ["so-dang-ky/a-chung.csv"] * 23 + ["so-dang-ky/thanh-tra.xlsx"]
    thpl = evidence.documents[-1]
    assert (thpl.row, thpl.tags, thpl.requirement) == (3, ("thpl", "tong-hop"), "bao-cao-thpl")
    plan = evidence.documents[2]
    assert (plan.reference.raw, plan.row, plan.tags) == ("62/KH-SNN-TCCB", 4, ("giao-duc-chinh-tri", "thpl"))
    dups = [p for p in evidence.warnings if p.code == "W022"]
    assert [(Path(p.file).name, p.row) for p in dups] == [("thanh-tra.xlsx", 2), ("tong-hop-tccb.xlsx", 2)]
    assert "so-dang-ky/a-chung.csv hàng 4" in dups[0].message
    assert "so-dang-ky/thanh-tra.xlsx hàng 3" in dups[1].message
    assert {p.code for p in evidence.warnings} == {"W022", "W026"}
    assert sorted(p.message.split("'")[1] for p in evidence.warnings if p.code == "W026") == [
        "so-dang-ky/nam-truoc", "so-dang-ky/tai-lieu.pdf", "so-dang-ky/~$thanh-tra.xlsx"]
    assert set(evidence.hashes) >= {"so-dang-ky/a-chung.csv", "so-dang-ky/thanh-tra.xlsx",
                                    "so-dang-ky/tong-hop-tccb.xlsx"}


def test_conflicting_duplicates_are_errors_naming_both_places(folder_case: Path) -> None:
    reg = folder_case / "so-dang-ky"
    (folder_case / "tai-lieu").mkdir()
    (folder_case / "tai-lieu" / "bc.pdf").write_bytes(b"%PDF-1.4 the same file")
    write_xlsx(reg / "b.xlsx", [
        ["215/BC-SNN", "5/12/2023", "BC", "Báo cáo", "thanh-tra", "", "", "", "tai-lieu/bc.pdf"],
    ])
    write_xlsx(reg / "c.xlsx", [
        ["215/BC-SNN", "6/12/2023", "BC", "Báo cáo", "tccb", "", "", "", ""],
        ["216/BC-SNN", "6/12/2023", "BC", "Báo cáo khác", "tccb", "", "", "", "tai-lieu/bc.pdf"],
    ])
    with pytest.raises(InputError) as exc:
        load_case(folder_case)
    errors = {p.code: p for p in exc.value.problems if p.severity == "error"}
    assert set(errors) == {"E019", "E020"}
    assert errors["E019"].row == 2 and "05/12/2023 ở so-dang-ky/b.xlsx hàng 2" in errors["E019"].message
    assert errors["E020"].row == 3 and "'215/BC-SNN' ở so-dang-ky/b.xlsx hàng 2" in errors["E020"].message


def test_files_rows_name_are_checked(folder_case: Path) -> None:
    reg = folder_case / "so-dang-ky"
    (folder_case / "tai-lieu").mkdir()
    (folder_case / "tai-lieu" / "a.pdf").write_bytes(b"%PDF-1.4 a")
    write_xlsx(reg / "b.xlsx", [
        ["1/BC-SNN", "5/12/2023", "BC", "a", "tccb", "", "", "", "tai-lieu/khong-co.pdf"],
        ["2/BC-SNN", "5/12/2023", "BC", "b", "tccb", "", "", "", "tai-lieu/a.pdf", "0" * 64],
        ["", "", "BC", "c", "tccb", "", "", "", "tai-lieu/a.pdf"],
        ["3/BC-SNN", "5/12/2023", "BC", "d", "tccb", "", "", "", "../ngoai.pdf", "xyz"],
    ], headers=[*HEADERS, "SHA-256"])
    result = load_registers(reg / "b.xlsx", case_folder=folder_case, units=UNITS)
    assert sorted(codes(result.problems)) == [("E005", 5, "Tệp"), ("E021", 5, "SHA-256"), ("W023", 2, "Tệp"),
                                             ("W024", 3, "SHA-256"), ("W028", 4, "Tệp")]


def test_empty_folder_and_old_format_in_folder(folder_case: Path) -> None:
    reg = folder_case / "so-dang-ky"
    (reg / "a-chung.csv").unlink()
    with pytest.raises(InputError) as exc:
        load_case(folder_case)
    assert [p.code for p in exc.value.problems] == ["E024"]
    (reg / "cu.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(InputError) as exc:
        load_case(folder_case)
    assert [p.code for p in exc.value.problems] == ["E016"]


def test_every_row_of_a_long_register_is_read(tmp_path: Path) -> None:
    """500 rows take the same streaming path as 5,000; the volume itself (and its speed) is
    benchmarks/bench_evidence.py, which checks that every row is read too."""
    n = 500
    rows = [[f"{i}/BC-SNN", datetime.date(2023, 1 + i % 12, 1 + i % 28), "BC", f"Báo cáo số {i} về công tác CCHC",
             "tccb", "cchc, bao-cao", "", "", ""] for i in range(1, n + 1)]
    path = write_xlsx(tmp_path / "lon.xlsx", rows)
    result = read(path)
    assert result.rows == n and result.errors == []
    assert [d.row for d in result.documents] == list(range(2, n + 2))
    assert [d.reference.number for d in result.documents if d.reference] == [str(i) for i in range(1, n + 1)]
