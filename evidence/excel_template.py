"""The Excel register TCCB sends each unit: one pre-filled row per document the unit owes.

The workbook is itself a valid register (evidence/register.py reads it as it is): a title
block, then the register's Vietnamese headers, then one row per document requirement the
unit owns with `Tiêu chí`, `Yêu cầu`, `Loại`, `Trích yếu`, `Đơn vị` and `Nhãn` filled in. An
untouched row has no reference and no date, so it reads as "not yet provided". Helper columns
`Cần có` and `Hạn` (what is expected, and by when) come after the register columns, are
locked, and are never read. A "Hướng dẫn" sheet explains the work in Vietnamese and lists what
the unit owes that is not a document (datasets, entered values).

The engine's scheme types live in `engine`; this module takes plain rows so that `evidence`
never imports `engine`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from evidence.references import DOCUMENT_KINDS, describe_document
from evidence.register import COLUMNS, HELPER_COLUMNS

REGISTER_SHEET = "Sổ đăng ký"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
HEADER_ROW = 3  # rows 1–2 are the title block; the reader finds the header by its names
SPARE_ROWS = 300  # unlocked, formatted rows below the template rows for documents not foreseen

# Register columns in the order a person fills them; every COLUMNS header appears exactly once.
ORDER = ("criterion", "requirement", "kind", "reference", "issued", "sent", "subject", "file", "unit", "tags",
         "period", "note", "sha256")
HELPERS = (HELPER_COLUMNS[0], HELPER_COLUMNS[1])  # "Cần có", "Hạn"
WIDTHS = {"criterion": 8, "requirement": 24, "kind": 14, "reference": 20, "issued": 14, "sent": 14,
          "subject": 50, "file": 32, "unit": 16, "tags": 22, "period": 8, "note": 30, "sha256": 20}
DATE_FORMAT = "dd/mm/yyyy"
KIND_NAMES = tuple(dict.fromkeys(DOCUMENT_KINDS.values()))

_FILL_HEADER = "1F4E78"
_FILL_PREFILLED = "EAF1FB"
_FILL_HELPER = "E7E6E6"


@dataclass(frozen=True)
class TemplateRow:
    """One document the unit owes (a DocumentRequirement of the scheme)."""

    criterion: str
    requirement: str
    label: str
    kind: str | None  # a code of DOCUMENT_KINDS
    tags: tuple[str, ...]
    issuer: str | None
    period: str | None
    due: date | None
    basis: str | None


@dataclass(frozen=True)
class OtherDuty:
    """Something the unit owes that is not a register row: a dataset or an entered value."""

    criterion: str
    requirement: str
    label: str
    how: str  # where it goes, in Vietnamese: "bộ dữ liệu tasks (datasets/tasks.csv)", "inputs.yaml"


def expected_text(row: TemplateRow) -> str:
    """The "Cần có" helper: what document answers the requirement, in words."""
    parts = [row.label, describe_document(row.kind, row.tags, row.issuer, row.period)]
    if row.basis:
        parts.append(f"căn cứ {row.basis}")
    return "; ".join(parts)


def write_template(path: Path, *, rows: Sequence[TemplateRow], others: Sequence[OtherDuty], unit: str,
                   unit_name: str, case_title: str, period: str, units: Sequence[str]) -> None:
    """Write the unit's register workbook to `path` (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = REGISTER_SHEET
    headers = [COLUMNS[name][0] for name in ORDER] + list(HELPERS)
    last = get_column_letter(len(headers))
    letter = {name: get_column_letter(i + 1) for i, name in enumerate(ORDER)}

    _text(sheet, 1, 1, f"SỔ ĐĂNG KÝ TÀI LIỆU KIỂM CHỨNG CHỈ SỐ CCHC {period} — {unit_name}")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.merge_cells(f"A1:{last}1")
    _text(sheet, 2, 1, f"{case_title}. Mã đơn vị: {unit}. Điền số, ký hiệu, ngày, trích yếu và tệp của từng tài "
                       "liệu; để trống nếu chưa có. Cột xám chỉ để xem. Xem trang «Hướng dẫn».")
    sheet.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(f"A2:{last}2")
    sheet.row_dimensions[2].height = 32

    for column, header in enumerate(headers, start=1):
        cell = _text(sheet, HEADER_ROW, column, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_FILL_HEADER if column <= len(ORDER) else "7F7F7F")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.row_dimensions[HEADER_ROW].height = 30

    unlocked = Protection(locked=False)
    prefilled_fill = PatternFill("solid", fgColor=_FILL_PREFILLED)
    helper_fill = PatternFill("solid", fgColor=_FILL_HELPER)
    first_data = HEADER_ROW + 1
    last_data = first_data + len(rows) + SPARE_ROWS - 1
    for offset, req in enumerate(rows):
        r = first_data + offset
        values = {
            "criterion": req.criterion, "requirement": req.requirement,
            "kind": DOCUMENT_KINDS.get(req.kind, "") if req.kind else "", "subject": req.label, "unit": unit,
            "tags": ", ".join(req.tags),
        }
        for name, value in values.items():
            if value:
                _text(sheet, r, ORDER.index(name) + 1, value).fill = prefilled_fill
        helper = _text(sheet, r, len(ORDER) + 1, expected_text(req))
        helper.alignment = Alignment(wrap_text=True, vertical="top")
        due = sheet.cell(r, len(ORDER) + 2, req.due if req.due else "không có hạn")
        if req.due:
            due.number_format = DATE_FORMAT
    for r in range(first_data, last_data + 1):
        for column in range(1, len(ORDER) + 1):
            cell = sheet.cell(r, column)
            cell.protection = unlocked
            if ORDER[column - 1] in ("issued", "sent"):
                cell.number_format = DATE_FORMAT
            elif cell.value is None:
                cell.number_format = "@"  # text: "1/2023" or "=…" typed here stay as typed
        for column in (len(ORDER) + 1, len(ORDER) + 2):
            sheet.cell(r, column).fill = helper_fill

    for name, width in WIDTHS.items():
        sheet.column_dimensions[letter[name]].width = width
    sheet.column_dimensions[get_column_letter(len(ORDER) + 1)].width = 60
    sheet.column_dimensions[get_column_letter(len(ORDER) + 2)].width = 13
    sheet.freeze_panes = f"A{first_data}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{last_data}"

    lists = workbook.create_sheet(LISTS_SHEET)
    _text(lists, 1, 1, "Loại văn bản (Nghị định 30/2020/NĐ-CP)")
    _text(lists, 1, 2, "Mã đơn vị")
    for i, name in enumerate(KIND_NAMES, start=2):
        _text(lists, i, 1, name)
    for i, code in enumerate(units, start=2):
        _text(lists, i, 2, code)
    lists.sheet_state = "hidden"
    kinds = DataValidation(type="list", formula1=f"='{LISTS_SHEET}'!$A$2:$A${len(KIND_NAMES) + 1}",
                           allow_blank=True, showErrorMessage=True, errorTitle="Loại văn bản",
                           error="Chọn một loại văn bản trong danh sách (Nghị định 30/2020/NĐ-CP).",
                           promptTitle="Loại văn bản", prompt="Chọn loại văn bản; phải khớp loại trong số, ký hiệu.",
                           showInputMessage=True)
    kinds.add(f"{letter['kind']}{first_data}:{letter['kind']}{last_data}")
    unit_list = DataValidation(type="list", formula1=f"='{LISTS_SHEET}'!$B$2:$B${len(units) + 1}",
                               allow_blank=True, showErrorMessage=True, errorTitle="Đơn vị",
                               error="Chọn mã đơn vị trong danh sách.")
    unit_list.add(f"{letter['unit']}{first_data}:{letter['unit']}{last_data}")
    sheet.add_data_validation(kinds)
    sheet.add_data_validation(unit_list)

    protection = sheet.protection
    protection.sheet = True  # no password: protection only keeps the helper columns from being edited by mistake
    for allowed in ("formatCells", "formatColumns", "formatRows", "insertRows", "insertHyperlinks", "sort",
                    "autoFilter"):
        setattr(protection, allowed, False)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    _guide(workbook.create_sheet(GUIDE_SHEET, 1), rows=rows, others=others, unit=unit, unit_name=unit_name)
    workbook.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def _text(sheet: Any, row: int, column: int, value: str) -> Any:
    """A text cell that stays text: a value starting with = + - @ is never stored as a formula."""
    cell = sheet.cell(row, column)
    cell.value = value
    cell.data_type = "s"
    return cell


GUIDE = (
    ("Sổ đăng ký tài liệu kiểm chứng là gì?", (
        "Mỗi hàng của trang «Sổ đăng ký» là một tài liệu kiểm chứng đơn vị phải có cho Chỉ số CCHC. "
        "Các cột Tiêu chí, Yêu cầu, Loại, Trích yếu, Đơn vị, Nhãn đã được điền sẵn theo bộ tiêu chí; "
        "cột «Cần có» nói rõ tài liệu cần có, cột «Hạn» là hạn phải ban hành hoặc gửi.",
    )),
    ("Điền thế nào?", (
        "Số, ký hiệu: đúng như trên văn bản, ví dụ 62/KH-SNN-TCCB (loại trong số, ký hiệu phải khớp cột Loại).",
        "Ngày ban hành: ngày trên văn bản, ví dụ 26/8/2023. Ngày gửi: ngày gửi đi (nếu có), hạn được xét theo "
        "ngày này.",
        "Trích yếu: tài liệu là gì (có thể giữ nội dung đã điền sẵn).",
        "Tệp: đường dẫn tới tệp PDF hoặc Word trong thư mục hồ sơ, ví dụ tai-lieu/thanh-tra/bao-cao-thpl.pdf.",
        "Chưa có tài liệu: để trống số, ký hiệu và ngày; cchc ghi nhận là còn thiếu, không coi là lỗi.",
        "Có thêm tài liệu không có trong danh sách: điền vào các hàng trống bên dưới.",
        "Không dùng công thức Excel trong sổ: cchc không tính công thức, ô công thức bị báo lỗi E017.",
        "Gõ chữ Unicode (Unikey: bảng mã Unicode); chữ gõ phông .VnTime hoặc VNI-Times sẽ bị cảnh báo.",
    )),
    ("Quét tệp tự động", (
        "Đặt các tệp PDF (có lớp chữ) và Word (.docx) đã ký vào một thư mục của hồ sơ, rồi chạy: "
        "cchc evidence scan <thư mục tệp> --out <sổ này>.xlsx --unit <mã đơn vị>",
        "cchc đọc số, ký hiệu, ngày, loại và trích yếu của từng tệp: điền vào ô còn trống của hàng có cột Tệp "
        "trỏ tới tệp đó, hoặc thêm hàng mới; không bao giờ sửa ô người đã điền. Tệp không đọc được được liệt kê "
        "kèm lý do.",
    )),
    ("Kiểm tra trước khi gửi Phòng TCCB", (
        "cchc evidence check <thư mục hồ sơ>: liệt kê mọi lỗi kèm tệp, hàng, cột và điều cần sửa.",
        "cchc assess <thư mục hồ sơ> --unit <mã đơn vị>: các mục đơn vị còn thiếu và số điểm lấy lại được.",
    )),
)


def _guide(sheet: Any, *, rows: Sequence[TemplateRow], others: Sequence[OtherDuty], unit: str,
           unit_name: str) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 90
    r = 1
    _text(sheet, r, 1, f"HƯỚNG DẪN ĐIỀN SỔ ĐĂNG KÝ — {unit_name} ({unit})").font = Font(bold=True, size=14)
    r += 2
    for title, lines in GUIDE:
        _text(sheet, r, 1, title).font = Font(bold=True)
        r += 1
        for line in lines:
            cell = _text(sheet, r, 2, "• " + line)
            sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[r].height = 15 * (1 + len(line) // 110)
            r += 1
        r += 1
    _text(sheet, r, 1, f"Tài liệu trong sổ này: {len(rows)}").font = Font(bold=True)
    r += 2
    _text(sheet, r, 1, "Không ghi vào sổ này (đơn vị cung cấp theo cách khác):").font = Font(bold=True)
    r += 1
    if not others:
        _text(sheet, r, 2, "Không có.")
        return
    for column, header in enumerate(("Tiêu chí", "Yêu cầu", "Nội dung — cung cấp qua"), start=1):
        _text(sheet, r, column, header).font = Font(bold=True)
    r += 1
    for duty in others:
        _text(sheet, r, 1, duty.criterion)
        _text(sheet, r, 2, duty.requirement)
        cell = _text(sheet, r, 3, f"{duty.label} — {duty.how}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        r += 1
