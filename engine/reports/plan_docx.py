"""The remediation plan as .docx (python-docx), laid out as Vietnamese administrative documents are.

A4, Times New Roman 14 (13 in the heading block and tables), margins of Nghị định 30/2020/NĐ-CP (top and bottom
2 cm, left 3 cm, right 1,5 cm); the heading block is a borderless two-column table: the agency on the left, the
national motto on the right. Deterministic: core properties and the zip entries' times come from the as-of
date, never from the clock, so the same assessment gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from engine.reports.plan import Heading, Para, Plan, Table

FONT = "Times New Roman"
BODY_PT, SMALL_PT = 14, 13


def _font(run_or_style, size: int | None = None, *, bold: bool | None = None, italic: bool | None = None) -> None:
    run_or_style.font.name = FONT
    # Word picks the font for Vietnamese letters from the east-Asian and complex-script slots too
    fonts = run_or_style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if size is not None:
        run_or_style.font.size = Pt(size)
    if bold is not None:
        run_or_style.font.bold = bold
    if italic is not None:
        run_or_style.font.italic = italic


def _line(paragraph: Paragraph, text: str, size: int, *, bold: bool = False, italic: bool = False,
          align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    _font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def _cell_lines(cell: _Cell, lines: list[tuple[str, int, bool, bool]]) -> None:
    first = True
    for text, size, bold, italic in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        _line(paragraph, text, size, bold=bold, italic=italic)


def _widths(table, widths: list) -> None:
    """Column widths both in the grid (LibreOffice reads it) and in each cell (Word reads those)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _no_borders(table) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is None:
        borders = table._tbl.tblPr.makeelement(qn("w:tblBorders"), {})
        table._tbl.tblPr.append(borders)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"})
        borders.append(element)


def _heading_block(doc, plan: Plan) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _widths(table, [Cm(6.3), Cm(10.2)])
    left, right = table.rows[0].cells
    _cell_lines(left, [(plan.parent, SMALL_PT, False, False), (plan.agency, SMALL_PT, True, False),
                       ("―――――――", SMALL_PT, False, False), (plan.number, SMALL_PT, False, False)])
    _cell_lines(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", SMALL_PT, True, False),
                        ("Độc lập - Tự do - Hạnh phúc", BODY_PT, True, False),
                        ("―――――――――――――――", SMALL_PT, False, False),
                        (plan.place_date, BODY_PT, False, True)])


def _body_paragraph(doc, block: Para) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if block.bullet:
        paragraph.paragraph_format.first_line_indent = Cm(1)
        _font(paragraph.add_run("- "), BODY_PT)
    if block.lead:
        _font(paragraph.add_run(block.lead), BODY_PT, bold=True, italic=block.lead.startswith("*"))
    if block.text:
        _font(paragraph.add_run(block.text), BODY_PT, italic=block.italic)


def _heading(doc, block: Heading) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.keep_with_next = True
    if block.level == 1:
        paragraph.paragraph_format.first_line_indent = Cm(0)
        paragraph.paragraph_format.space_before = Pt(6)
    _font(paragraph.add_run(block.text), BODY_PT, bold=True)


def _table(doc, block: Table) -> None:
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(block.widths)
    widths = [Cm(16.5 * w / total) for w in block.widths]  # the page's text width: 21 − 3 − 1,5 cm

    def fill(cells, values, bold: bool) -> None:
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width  # rows added after _widths need their own
            _line(cell.paragraphs[0], value, 11, bold=bold,
                  align=WD_ALIGN_PARAGRAPH.LEFT if len(value) > 12 else WD_ALIGN_PARAGRAPH.CENTER)

    _widths(table, widths)
    fill(table.rows[0].cells, block.headers, True)
    header = table.rows[0]._tr.get_or_add_trPr()  # the header row repeats on every page
    header.append(header.makeelement(qn("w:tblHeader"), {}))
    for row in block.rows:
        fill(table.add_row().cells, row, False)
    if block.total:
        fill(table.add_row().cells, block.total, True)


def _closing(doc, plan: Plan) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    _widths(table, [Cm(8), Cm(8.5)])
    left, right = table.rows[0].cells
    _cell_lines(left, [("Nơi nhận:", 12, True, True), *((r, 11, False, False) for r in plan.recipients)])
    for paragraph in left.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    signer = [(plan.signer[0], BODY_PT, True, False), *((s, BODY_PT, False, True) for s in plan.signer[1:-1]),
              ("", BODY_PT, False, False), ("", BODY_PT, False, False), (plan.signer[-1], BODY_PT, True, False)]
    _cell_lines(right, signer)


def _document(plan: Plan):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    _font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.first_line_indent = Cm(1)
    normal.paragraph_format.line_spacing = 1.1

    _heading_block(doc, plan)
    _line(doc.add_paragraph(), "", BODY_PT)
    _line(doc.add_paragraph(), plan.title, BODY_PT, bold=True)
    _line(doc.add_paragraph(), plan.subtitle, BODY_PT, bold=True)
    _line(doc.add_paragraph(), "―――――――", BODY_PT)
    _line(doc.add_paragraph(), plan.draft_note, 12, italic=True)
    if plan.matcher_note:
        _line(doc.add_paragraph(), f"{plan.matcher_note}.", 12, italic=True)
    for block in plan.body:
        if isinstance(block, Heading):
            _heading(doc, block)
        elif isinstance(block, Para):
            _body_paragraph(doc, block)
        else:
            _table(doc, block)
    doc.add_paragraph()
    _closing(doc, plan)

    when = datetime.combine(date.fromisoformat(plan.as_of_iso), datetime.min.time())
    props = doc.core_properties
    props.title = f"{plan.title} {plan.subtitle}"
    props.subject = "Dự thảo kế hoạch khắc phục Chỉ số CCHC"
    props.author = props.last_modified_by = "cchc"
    # the core-properties comments field holds at most 255 characters: the full note is in the body
    props.keywords, props.comments, props.category = "CCHC", plan.draft_note[:255], ""
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    return doc, when


def docx_bytes(plan: Plan) -> bytes:
    """The .docx, with every zip entry dated at the as-of date (python-docx stamps them with the clock)."""
    doc, when = _document(plan)
    raw = io.BytesIO()
    doc.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return fixed.getvalue()


def save_docx(plan: Plan, path: Path) -> None:
    path.write_bytes(docx_bytes(plan))
