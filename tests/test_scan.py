"""`cchc evidence scan`: real PDF (reportlab, DejaVu) and DOCX (python-docx) files laid out as Vietnamese
administrative documents become register rows; rows people entered are never changed; every file not
added is listed with its reason. Ends with the issue's "done": template → filled → PDFs → scan → assess."""

from __future__ import annotations

import csv
import datetime
import shutil
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main
from evidence.document_header import parse_header, read_document
from evidence.register import inspect_register
from evidence.scan import scan_folder
from evidence.text import encode_legacy
from tests.conftest import SEED

FONTS = Path("/usr/share/fonts/truetype/dejavu")
pytestmark = pytest.mark.skipif(not (FONTS / "DejaVuSans.ttf").is_file(), reason="cần phông DejaVu (có chữ Việt)")

ISSUER = ("UBND TỈNH HÀ GIANG", "SỞ NÔNG NGHIỆP VÀ PTNT")
UNITS = {"thanh-tra": "Thanh tra Sở", "tccb": "Phòng Tổ chức cán bộ"}


# ---- real files ---------------------------------------------------------------------------------


def make_pdf(path: Path, *, number: str | None = "62/KH-SNN-TCCB",
             place_date: str | None = "Hà Giang, ngày 26 tháng 8 năm 2023", title: str | None = "KẾ HOẠCH",
             subject: Sequence[str] = ("Triển khai Kế hoạch số 224/KH-UBND ngày 13/8/2021",),
             body: str = "Căn cứ Kế hoạch số 224/KH-UBND ngày 13/8/2021 của UBND tỉnh Hà Giang;",
             password: str | None = None, legacy: str | None = None, stamp: str | None = None) -> Path:
    """A one-page PDF laid out as Nghị định 30/2020 requires, text drawn with a Vietnamese TTF font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuB", str(FONTS / "DejaVuSans-Bold.ttf")))
    path.parent.mkdir(parents=True, exist_ok=True)
    encrypt = StandardEncryption(password, ownerPassword="chu") if password else None
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    w, h = A4
    def shown(text: str) -> str:  # a document typed in a legacy font keeps its legacy bytes in the text layer
        return encode_legacy(text, legacy) if legacy else text

    c.setFont("DejaVu", 11)
    if stamp:  # a digital-signature stamp, always Unicode
        c.drawString(320, h - 30, stamp)
    c.drawCentredString(150, h - 60, shown(ISSUER[0]))
    c.drawCentredString(420, h - 60, shown("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    c.drawCentredString(150, h - 75, shown(ISSUER[1]))
    c.drawCentredString(420, h - 75, shown("Độc lập - Tự do - Hạnh phúc"))
    if number:
        c.drawCentredString(150, h - 100, f"Số: {number}")
    if place_date:
        c.drawCentredString(420, h - 100, place_date)
    y = h - 140
    if title:
        c.setFont("DejaVuB", 13)
        c.drawCentredString(w / 2, y, title)
        c.setFont("DejaVuB", 11)
        for line in subject:
            y -= 16
            c.drawCentredString(w / 2, y, line)
    else:  # công văn: "V/v …" under the number
        c.setFont("DejaVu", 10)
        for i, line in enumerate(subject):
            c.drawCentredString(150, h - 115 - 13 * i, line)
    c.setFont("DejaVu", 11)
    c.drawString(70, y - 30, body)
    c.save()
    return path


def make_docx(path: Path, *, number: str = "52/BC-TTr", place_date: str = "Hà Giang, ngày 10 tháng 10 năm 2023",
              title: str = "BÁO CÁO", subject: str = "Kết quả điều tra, khảo sát tình hình thi hành pháp luật năm 2023"
              ) -> Path:
    """A .docx whose header block is a borderless table, as Word templates of state bodies have it."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "SỞ NÔNG NGHIỆP VÀ PTNT\nTHANH TRA SỞ"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = f"Số: {number}"
    table.cell(1, 1).text = place_date
    document.add_paragraph(title)
    document.add_paragraph(subject)
    document.add_paragraph("Thực hiện Kế hoạch số 12/KH-SNN ngày 10/02/2023 của Sở Nông nghiệp và PTNT;")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


@pytest.fixture
def case(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "case.yaml").write_text("id: x\n", encoding="utf-8")  # enough for the scan to find its case folder
    return folder


# ---- the header block ----------------------------------------------------------------------------


def test_plan_header() -> None:
    h = parse_header("UBND TỈNH HÀ GIANG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ NÔNG NGHIỆP VÀ PTNT\n"
                     "Độc lập - Tự do - Hạnh phúc\nSố: 62/KH-SNN-TCCB\nHà Giang, ngày 26 tháng 8 năm 2023\n"
                     "KẾ HOẠCH\nTriển khai thực hiện Kế hoạch số 224/KH-UBND ngày 13/8/2021\n"
                     "của UBND tỉnh về giáo dục chính trị, tư tưởng\n"
                     "Căn cứ Kế hoạch số 224/KH-UBND ngày 13/8/2021 của UBND tỉnh Hà Giang;")
    assert h.reference is not None and (h.reference.number, h.reference.kind, h.reference.issuer,
                                        h.reference.division) == ("62", "KH", "SNN", "TCCB")
    assert (h.place, h.issued, h.kind) == ("Hà Giang", datetime.date(2023, 8, 26), "KH")
    assert h.subject == ("Triển khai thực hiện Kế hoạch số 224/KH-UBND ngày 13/8/2021 của UBND tỉnh về giáo dục "
                         "chính trị, tư tưởng")
    assert h.notes == ()


def test_number_and_date_on_one_line_and_decision_subject() -> None:
    h = parse_header("Số: 1029/QĐ-UBND Hà Giang, ngày 23 tháng 6 năm 2023\nQUYẾT ĐỊNH\n"
                     "Về việc công bố thủ tục hành chính\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ GIANG\nCăn cứ …")
    assert (h.reference.raw, h.place, h.issued, h.kind) == ("1029/QĐ-UBND", "Hà Giang",
                                                            datetime.date(2023, 6, 23), "QĐ")
    assert h.subject == "Về việc công bố thủ tục hành chính"


def test_cong_van_subject_and_legacy_typed_header() -> None:
    h = parse_header("Số: 3823/UBND-NCPC\nV/v rà soát vị trí việc làm Hà Giang, ngày 22 tháng 11 năm 2023\n"
                     "năm 2023\nKính gửi: Các sở, ban, ngành")
    assert (h.kind, h.issued, h.place) == ("CV", datetime.date(2023, 11, 22), "Hà Giang")
    assert h.subject == "V/v rà soát vị trí việc làm năm 2023"


def test_title_that_disagrees_with_the_reference_is_noted() -> None:
    h = parse_header("Số: 386/BC-UBND\nHà Giang, ngày 5 tháng 11 năm 2023\nKẾ HOẠCH\nNội dung")
    assert h.kind == "BC" and any("KẾ HOẠCH".lower() in n.lower() or "Kế hoạch" in n for n in h.notes)


def test_no_header_is_noted_not_guessed() -> None:
    h = parse_header("Một trang văn bản không có số, ký hiệu\nngày 26/8/2023 họp")
    assert h.reference is None and h.issued is None
    assert any("Số:" in n for n in h.notes) and any("ngày tháng" in n for n in h.notes)


# ---- real files -------------------------------------------------------------------------------


def test_reads_a_real_pdf_and_docx(tmp_path: Path) -> None:
    pdf = read_document(make_pdf(tmp_path / "kh.pdf"), "kh.pdf")
    assert pdf.header.reference.raw == "62/KH-SNN-TCCB" and pdf.header.issued == datetime.date(2023, 8, 26)
    assert pdf.header.kind == "KH" and pdf.header.subject.startswith("Triển khai Kế hoạch số 224/KH-UBND")
    assert len(pdf.sha256) == 64
    word = read_document(make_docx(tmp_path / "bc.docx"), "bc.docx")
    assert (word.header.reference.raw, word.header.kind, word.header.issued) == (
        "52/BC-TTr", "BC", datetime.date(2023, 10, 10))
    assert word.header.subject == "Kết quả điều tra, khảo sát tình hình thi hành pháp luật năm 2023"


def test_a_pdf_typed_in_a_legacy_font_is_converted_and_said(tmp_path: Path) -> None:
    def tcvn3(text: str) -> str:
        return encode_legacy(text, "TCVN3")

    path = make_pdf(tmp_path / "cu.pdf", number="7/BC-TTr", place_date=tcvn3("Hà Giang, ngày 3 tháng 3 năm 2023"),
                    title=tcvn3("BÁO CÁO"), subject=[tcvn3("Kết quả theo dõi thi hành pháp luật")],
                    body=tcvn3("Thực hiện kế hoạch công tác năm"), legacy="TCVN3",
                    stamp="Ký bởi: Thanh tra Sở Nông nghiệp và Phát triển nông thôn")
    scanned = read_document(path, "cu.pdf")
    assert scanned.font == "TCVN3" and scanned.header.issued == datetime.date(2023, 3, 3)
    assert "theo dõi thi hành pháp luật" in scanned.header.subject.lower()
    assert any("TCVN3" in n for n in scanned.header.notes)


# ---- scanning into a register -------------------------------------------------------------------


def _unreadable_files(folder: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(folder / "anh-quet.pdf"))
    c.rect(100, 100, 300, 300, fill=1)  # an image-like page: no text layer
    c.save()
    make_pdf(folder / "mat-khau.pdf", password="bimat")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    (folder / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    (folder / "anh.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "hong.docx").write_bytes(b"PK\x03\x04 not a zip")


def test_scan_into_a_new_csv_lists_every_file_not_added(case: Path) -> None:
    docs = case / "tai-lieu"
    make_pdf(docs / "kh.pdf")
    make_docx(docs / "bc.docx")
    _unreadable_files(docs)
    register = case / "so-dang-ky.csv"
    report = scan_folder(docs, register, case_folder=case, unit="thanh-tra")
    assert [a.file.relative for a in report.added] == ["tai-lieu/bc.docx", "tai-lieu/kh.pdf"]
    reasons = {p.message.split(": ", 1)[0].split("'")[1]: p.message for p in report.problems}
    assert set(reasons) == {f"tai-lieu/{n}" for n in ("anh-quet.pdf", "mat-khau.pdf", "hong.pdf", "cu.doc",
                                                      "anh.jpg", "hong.docx")}
    assert "lớp chữ" in reasons["tai-lieu/anh-quet.pdf"] and "mật khẩu" in reasons["tai-lieu/mat-khau.pdf"]
    assert ".doc" in reasons["tai-lieu/cu.doc"] and "hỏng" in reasons["tai-lieu/hong.pdf"]
    assert all(p.code == "W027" for p in report.problems)
    read = inspect_register(register, case_folder=case, units=UNITS)
    assert read.errors == [] and read.rows == 2
    kh = next(d for d in read.documents if d.file == "tai-lieu/kh.pdf")
    assert (kh.reference.raw, kh.issued, kh.kind, kh.unit) == ("62/KH-SNN-TCCB", datetime.date(2023, 8, 26), "KH",
                                                               "thanh-tra")
    assert kh.sha256 == read_document(docs / "kh.pdf", "x").sha256


def test_rows_people_entered_are_never_changed(case: Path) -> None:
    docs = case / "tai-lieu"
    make_pdf(docs / "kh.pdf")
    make_pdf(docs / "bc.pdf", number="215/BC-SNN", place_date="Hà Giang, ngày 5 tháng 12 năm 2023", title="BÁO CÁO",
             subject=["Kết quả theo dõi thi hành pháp luật năm 2023"])
    make_pdf(docs / "sai.pdf", number="9/BC-SNN", title="BÁO CÁO", subject=["Báo cáo khác"])
    register = case / "so.csv"
    rows = [
        ["Số, ký hiệu", "Ngày ban hành", "Loại", "Trích yếu", "Đơn vị", "Tệp", "Ghi chú"],
        ["62/KH-SNN-TCCB", "26/8/2023", "KH", "Kế hoạch (người nhập)", "tccb", "tai-lieu/kh.pdf", "giữ nguyên"],
        ["", "", "Báo cáo", "Báo cáo THPL", "thanh-tra", "tai-lieu/bc.pdf", ""],
        ["10/BC-SNN", "", "BC", "Người nhập số khác tệp", "thanh-tra", "tai-lieu/sai.pdf", ""],
    ]
    with register.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    report = scan_folder(docs, register, case_folder=case)
    assert report.added == []
    filled = {f.relative: f.columns for f in report.filled}
    # the subject typed differs from the file's: it stays, and the file's goes to the empty Ghi chú
    assert filled["tai-lieu/bc.pdf"] == ("Số, ký hiệu", "Ngày ban hành", "SHA-256", "Ghi chú")
    assert filled["tai-lieu/kh.pdf"] == ("SHA-256",)  # its Ghi chú was not empty
    assert [p.code for p in report.problems] == ["W029"] and "10/BC-SNN" in report.problems[0].message
    with register.open(encoding="utf-8-sig", newline="") as handle:
        after = list(csv.reader(handle))
    for before_row, after_row in zip(rows, after, strict=True):
        kept = [c for c in before_row if c]
        assert [after_row[i] for i, c in enumerate(before_row) if c] == kept  # every entered cell unchanged
    assert after[3][:len(rows[3])] == rows[3]  # the disagreeing row is untouched, not even its blanks
    again = scan_folder(docs, register, case_folder=case)
    assert again.added == [] and again.filled == [] and len(again.already) == 2
    assert [p.code for p in again.problems] == ["W029"]  # still listed until a person settles it


def test_scan_into_the_excel_template_and_formula_text_stays_text(case: Path) -> None:
    docs = case / "tai-lieu"
    make_pdf(docs / "a.pdf", number="5/BC-SNN", title="BÁO CÁO", subject=["=HYPERLINK(\"http://x\",\"bấm\")"])
    make_pdf(docs / "b.pdf", number="6/BC-SNN", title="BÁO CÁO", subject=["+Kết quả năm 2023"])
    register = case / "so.xlsx"
    scan_folder(docs, register, case_folder=case)
    sheet = openpyxl.load_workbook(register).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+"]
    assert cells and all(c.data_type == "s" for c in cells)
    subjects = {d.subject for d in inspect_register(register, case_folder=case, units=UNITS).documents}
    assert subjects == {'=HYPERLINK("http://x","bấm")', "+Kết quả năm 2023"}
    csv_register = case / "so.csv"
    scan_folder(docs, csv_register, case_folder=case)
    assert "'=HYPERLINK" in csv_register.read_text(encoding="utf-8-sig")  # Excel never runs it…
    read = inspect_register(csv_register, case_folder=case, units=UNITS)  # …and cchc reads the text as it was
    assert {d.subject for d in read.documents} == subjects


def test_same_content_under_another_name_is_already_registered(case: Path) -> None:
    docs = case / "tai-lieu"
    make_pdf(docs / "kh.pdf")
    register = case / "so.csv"
    scan_folder(docs, register, case_folder=case)
    shutil.copy(docs / "kh.pdf", docs / "kh-ban-sao.pdf")
    report = scan_folder(docs, register, case_folder=case)
    assert report.added == [] and ("tai-lieu/kh-ban-sao.pdf", "hàng 2 (cùng nội dung, SHA-256)") in report.already


def test_files_outside_the_case_and_registers_outside_are_refused(case: Path, tmp_path: Path) -> None:
    outside = tmp_path / "ngoai"
    make_pdf(outside / "kh.pdf")
    (case / "tai-lieu").mkdir()
    (case / "tai-lieu" / "lien-ket.pdf").symlink_to(outside / "kh.pdf")
    report = scan_folder(case / "tai-lieu", case / "so.csv", case_folder=case)
    assert report.added == [] and "ngoài thư mục hồ sơ" in report.problems[0].message
    code = main(["evidence", "scan", str(outside), "--out", str(case / "so.csv"), "--case", str(case)])
    assert code == 2


def test_cli_scan_exit_statuses(case: Path, capsys) -> None:
    docs = case / "tai-lieu"
    make_pdf(docs / "kh.pdf")
    assert main(["evidence", "scan", str(docs), "--out", str(case / "so.xlsx"), "--unit", "khong-co"]) == 0
    (docs / "anh.jpg").write_bytes(b"\xff\xd8")
    assert main(["evidence", "scan", str(docs), "--out", str(case / "so.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "anh.jpg" in out and "W027" in out and "Đã có trong sổ" in out
    assert main(["evidence", "scan", str(case / "khong-co"), "--out", str(case / "so.xlsx")]) == 2
    assert main(["evidence", "scan", str(docs), "--out", str(case / "so.txt")]) == 2


# ---- the issue's "done" ---------------------------------------------------------------------------


def test_template_filled_pdfs_scanned_and_assessed(tmp_path: Path, capsys) -> None:
    """Thanh tra Sở fills the template TCCB sent, drops its signed files in a folder, scans them, and the
    assessment counts them: the 1,75 points the seed case lost on 2.1 and 2.2 come back (75,66 → 77,41)."""
    import json

    case = tmp_path / "case"
    shutil.copytree(SEED, case)
    (case / "so-dang-ky").mkdir()
    (case / "documents.csv").rename(case / "so-dang-ky" / "documents.csv")
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("documents: documents.csv", "documents: so-dang-ky"),
                                    encoding="utf-8")
    book = case / "so-dang-ky" / "thanh-tra.xlsx"
    assert main(["evidence", "template", str(case), "--unit", "thanh-tra", "--out", str(book)]) == 0

    docs = case / "tai-lieu" / "thanh-tra"
    make_pdf(docs / "thu-thap.pdf", number="45/BC-TTr", place_date="Hà Giang, ngày 15 tháng 9 năm 2023",
             title="BÁO CÁO", subject=["Kết quả thu thập thông tin về tình hình thi hành pháp luật năm 2023"])
    make_docx(docs / "khao-sat.docx")
    make_pdf(docs / "bao-cao-thpl.pdf", number="215/BC-SNN", place_date="Hà Giang, ngày 05 tháng 12 năm 2023",
             title="BÁO CÁO", subject=["Kết quả công tác theo dõi thi hành pháp luật năm 2023"])
    make_pdf(docs / "ke-hoach-2024.pdf", number="12/KH-TTr", place_date="Hà Giang, ngày 20 tháng 12 năm 2023",
             title="KẾ HOẠCH", subject=["Theo dõi thi hành pháp luật năm 2024"])

    workbook = openpyxl.load_workbook(book)  # the unit fills its rows: one by hand, two by naming the file
    sheet = workbook["Sổ đăng ký"]
    column = {c.value: c.column for c in sheet[3] if c.value}
    sheet.cell(4, column["Số, ký hiệu"], "45/BC-TTr")
    sheet.cell(4, column["Ngày ban hành"], datetime.date(2023, 9, 15))
    sheet.cell(4, column["Tệp"], "tai-lieu/thanh-tra/thu-thap.pdf")
    sheet.cell(5, column["Tệp"], "tai-lieu/thanh-tra/khao-sat.docx")
    sheet.cell(6, column["Tệp"], "tai-lieu/thanh-tra/bao-cao-thpl.pdf")
    workbook.save(book)

    assert main(["evidence", "scan", str(docs), "--out", str(book), "--unit", "thanh-tra"]) == 0
    assert main(["evidence", "check", str(case)]) == 0
    out = capsys.readouterr().out
    assert "so-dang-ky/thanh-tra.xlsx (sổ đăng ký)" in out and "0 lỗi, 0 cảnh báo" in out
    assert main(["assess", str(case), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == pytest.approx(77.41)
    criteria = {c["id"]: c for c in result["criteria"]}
    assert criteria["2.1"]["points"] == 1.5 and criteria["2.2"]["points"] == 1
    assert any("215/BC-SNN ngày 05/12/2023" in t and "thanh-tra.xlsx hàng 6" in t for t in criteria["2.2"]["trace"])
