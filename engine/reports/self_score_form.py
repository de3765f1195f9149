"""The self-scoring form a unit submits with its evidence (biểu tự chấm điểm kèm tài liệu kiểm chứng):
`cchc report --out bieu-tu-cham.xlsx --loai bieu-tu-cham`.

The layout councils receive: a heading block (province, department, year), then every criterion
grouped by field in the scheme's order with STT/TC, Tiêu chí, Điểm tối đa, Điểm tự chấm, Giải trình,
Tài liệu kiểm chứng; a second sheet lists the evidence documents one per row (số, ký hiệu, dates,
trích yếu, file, register row) for upload. Scores and evidence come from the `Assessment` as they are.
What cchc cannot know (the signer, the document number) stays a visible blank.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.reports import fallback_note
from engine.reports import xlsx_layout as x
from engine.reports.inputs import ReportInputs
from engine.results import STATUS, Assessment, CriterionResult, EvidenceRef
from evidence.formatting import day, number

FORM, DOCUMENTS = "Biểu tự chấm", "Tài liệu kiểm chứng"
UNVERIFIED = "†"
LINE_MAX = 220  # characters of each justification line; the detailed report has the whole trace
BLANK = "……"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
ENTERED_ONLY = "Điểm từ giá trị nhập ngoài (điểm thẩm định, điều tra xã hội học), không dựa trên tài liệu trong sổ " \
               "đăng ký; nguồn:"
_PROVINCE = re.compile(r"\s+(tỉnh|thành phố)\s+(.+)$", re.IGNORECASE)

COLUMNS = [x.Column("STT"), x.Column("TC"), x.Column("Tiêu chí", width=45), x.Column("Điểm tối đa", "points"),
           x.Column("Điểm tự chấm", "points"), x.Column("Giải trình", width=60),
           x.Column("Tài liệu kiểm chứng", width=55)]
DOCUMENT_COLUMNS = [x.Column("TC"), x.Column("Yêu cầu"), x.Column("Số, ký hiệu"), x.Column("Loại"),
                    x.Column("Ngày ban hành", "date"), x.Column("Ngày gửi", "date"),
                    x.Column("Trích yếu", width=55), x.Column("Tệp", width=40), x.Column("Sổ đăng ký"),
                    x.Column("Hàng", "int")]


def heading_names(unit_name: str) -> tuple[str, str]:
    """("UBND TỈNH HÀ GIANG", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN") from the case's unit name; the
    province stays a visible blank when the name does not end with "tỉnh …" or "thành phố …"."""
    found = _PROVINCE.search(unit_name)
    if not found:
        return f"UBND TỈNH {BLANK}", unit_name.upper()
    return f"UBND {found.group(1)} {found.group(2)}".upper(), unit_name[:found.start()].strip().upper()


def cite(e: EvidenceRef) -> str:
    """One document as a form cites it: "62/KH-SNN ngày 26/08/2023 — trích yếu (tệp: …)"."""
    when = f" ngày {day(e.issued)}" if e.issued else ""
    sent = f", gửi {day(e.sent)}" if e.sent else ""
    where = f"tệp: {e.file}" if e.file else f"{e.source} hàng {e.row}"
    return f"{e.reference or '(không số)'}{when}{sent} — {e.subject} ({where})"


def justification(c: CriterionResult) -> str:
    """Why the self-score: the verdict, then the scoring trace in short. A criterion resting only on
    entered values says so: it has no register document to cite."""
    lines = [line if len(line) <= LINE_MAX else line[:LINE_MAX - 1] + "…" for line in c.trace]
    if not c.applicable:
        return "\n".join(lines)
    head = f"{STATUS[c.status].capitalize()}."
    if c.status == "entered" and not c.evidence:
        head += " " + ENTERED_ONLY
    return "\n".join([head, *lines])


def write(inputs: ReportInputs, out: Path) -> None:
    a = inputs.result
    workbook = x.new_workbook()
    _form(workbook.create_sheet(FORM), a)
    _documents(workbook.create_sheet(DOCUMENTS), a)
    for sheet in workbook.worksheets:
        x.print_a4_landscape(sheet)
    x.save(workbook, out, a.as_of)


def _heading(sheet: Any, a: Assessment) -> int:
    from openpyxl.styles import Alignment, Font

    province, department = heading_names(a.unit_name)
    year = a.period or str(a.as_of.year)
    left, right = (1, 3), (4, 7)
    lines = [(province, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), (department, "Độc lập - Tự do - Hạnh phúc")]
    for row, (l_text, r_text) in enumerate(lines, start=1):
        for (first, last), text in ((left, l_text), (right, r_text)):
            cell = x.put(sheet, row, first, text)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    x.put(sheet, 3, 4, f"{BLANK}, ngày {BLANK} tháng {BLANK} năm {BLANK}").font = Font(italic=True)
    sheet.merge_cells(start_row=3, start_column=4, end_row=3, end_column=7)
    sheet.cell(3, 4).alignment = Alignment(horizontal="center")
    title = f"BIỂU TỰ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"
    who = f" — {a.units.get(a.unit_filter, a.unit_filter)}" if a.unit_filter else ""
    matcher = f" {note}." if (note := fallback_note(a.warnings)) else ""
    rows = [(title, Font(bold=True, size=13)),
            (f"(Kèm theo tài liệu kiểm chứng; theo {a.scheme_title}, phiên bản {a.scheme_version}){who}",
             Font(italic=True)),
            (f"Tự chấm tại ngày {day(a.as_of)} bằng cchc {a.engine_version}. {UNVERIFIED}: tiêu chí có giả định chưa "
             f"đối chiếu văn bản gốc (liệt kê cuối biểu).{matcher}", Font(size=9))]
    for row, (text, font) in enumerate(rows, start=5):
        cell = x.put(sheet, row, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
    return 9


def _form(sheet: Any, a: Assessment) -> None:
    from openpyxl.styles import Font

    top = _heading(sheet, a)
    rows: list[list[object]] = []
    fills: list[str | None] = []
    shown = [f for f in a.fields if any(c.field == f.id for c in a.criteria)]
    for n, f in enumerate(shown):
        crits = [c for c in a.criteria if c.field == f.id]
        stt = ROMAN[n] if n < len(ROMAN) else str(n + 1)
        rows.append([stt, f.id, f.title, _sum(c.max for c in crits if c.applicable),
                     _sum(c.points for c in crits if c.applicable), "", ""])
        fills.append(x.GROUP_FILL)
        for i, c in enumerate(crits, start=1):
            mark = "" if c.verified else f" {UNVERIFIED}"
            rows.append([str(i), c.id, c.title + mark, c.max, c.points if c.applicable else None,
                         justification(c), "\n".join(f"{k}. {cite(e)}" for k, e in enumerate(c.evidence, start=1))])
            fills.append(None)
    if not a.unit_filter:
        rows.append(["", "", "TỔNG CỘNG (các tiêu chí áp dụng)", a.max, a.total,
                     f"Chỉ số {number(a.index_percent)}%; xếp loại {a.classification}"
                     + ("" if a.classification_verified else f" {UNVERIFIED}"), ""])
        fills.append(x.GROUP_FILL)
    row = x.table(sheet, top, COLUMNS, rows, fills=fills)

    notes = [f"Bộ tiêu chí: {n}" for n in a.assumptions]
    notes += [f"{c.id}: {n}" for c in a.criteria for n in c.assumptions]
    notes += [f"{c.id}: tiêu chí ghi verified: false" for c in a.criteria if not c.verified and not c.assumptions]
    row += 1
    if notes:
        row = x.title(sheet, row, f"{UNVERIFIED} Giả định chưa đối chiếu văn bản gốc:", size=10, span=len(COLUMNS))
        for note in notes:
            row = x.title(sheet, row, note, size=9, bold=False, span=len(COLUMNS))
        row += 1
    for column, (role, hint) in ((2, ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")),
                                 (6, ("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký tên, đóng dấu)"))):
        x.put(sheet, row, column, role).font = Font(bold=True)
        x.put(sheet, row + 1, column, hint).font = Font(italic=True)


def _sum(values: Any) -> Decimal:
    return sum(values, Decimal(0))


def _documents(sheet: Any, a: Assessment) -> None:
    row = x.title(sheet, 1, f"DANH MỤC TÀI LIỆU KIỂM CHỨNG — {a.unit_name}", span=len(DOCUMENT_COLUMNS))
    row = x.title(sheet, row, "Mỗi hàng là một tài liệu trong sổ đăng ký đáp ứng một yêu cầu có tính điểm "
                              "của tiêu chí.", size=10, bold=False, span=len(DOCUMENT_COLUMNS))
    rows = [[c.id, e.requirement, e.reference, e.kind, e.issued, e.sent, e.subject, e.file, e.source, e.row]
            for c in a.criteria for e in c.evidence]
    if not rows:
        x.put(sheet, row, 1, "Không tiêu chí nào có tài liệu trong sổ đăng ký đáp ứng yêu cầu tính điểm.")
    x.table(sheet, row + 1, DOCUMENT_COLUMNS, rows)
