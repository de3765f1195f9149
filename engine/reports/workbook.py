"""The results workbook for TCCB (`cchc report --out ket-qua.xlsx`).

Sheets: the summary (total, index, class, change from the last official result, what can still be
won and what is lost, fields, units), every criterion, every open item sorted by the points it
carries, one checklist per unit ready to send, the unverified assumptions, and the trend when
saved runs exist. Every figure is read from the `Assessment`: nothing is scored here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.reports import fallback_note
from engine.reports import xlsx_layout as x
from engine.reports.inputs import HistoryPoint, ReportInputs
from engine.results import ITEM_STATE, STANDING, STATUS, Assessment, CriterionResult, MissingItem
from evidence.formatting import day, percent, points

UNVERIFIED = "†"
TRACE_LINE_MAX = 180  # characters of each trace line in the criteria sheet; `cchc assess --chi-tiet` has all
SUMMARY, CRITERIA, ITEMS, ASSUMPTIONS, TREND = "Tổng hợp", "Tiêu chí", "Việc còn thiếu", "Giả định", "Xu hướng"
APPRAISAL = "Thẩm định thử"
UNIT_PREFIX = "ĐV "


def write(inputs: ReportInputs, out: Path) -> None:
    a = inputs.result
    workbook = x.new_workbook()
    taken = [SUMMARY, CRITERIA, ITEMS, ASSUMPTIONS, TREND, APPRAISAL]
    unit_sheets: dict[str, str] = {}
    for unit in units_with_items(a):  # unit ids are free text: the names are made safe and unique first
        unit_sheets[unit] = x.sheet_name(UNIT_PREFIX + unit, taken)
        taken.append(unit_sheets[unit])
    _summary(workbook.create_sheet(SUMMARY), a, unit_sheets)
    _criteria(workbook.create_sheet(CRITERIA), a)
    if a.appraisal is not None:
        _appraisal(workbook.create_sheet(APPRAISAL), a)
    _items(workbook.create_sheet(ITEMS), a)
    for unit, name in unit_sheets.items():
        _unit(workbook.create_sheet(name), a, unit)
    _assumptions(workbook.create_sheet(ASSUMPTIONS), a)
    if inputs.history:
        _trend(workbook.create_sheet(TREND), inputs.history)
    for sheet in workbook.worksheets:
        x.print_a4_landscape(sheet)
    x.save(workbook, out, a.as_of)


def units_with_items(a: Assessment) -> list[str]:
    """The units that get a checklist: those with an open item, in units.yaml's order (one unit's view: it alone)."""
    if a.unit_filter:
        return [a.unit_filter]
    owners = {u for c in a.criteria for m in c.missing for u in m.owner}
    return [u for u in a.units if u in owners] + sorted(owners - set(a.units))


def _names(a: Assessment, ids: tuple[str, ...]) -> str:
    return ", ".join(a.units.get(u, u) for u in ids)


def _heading(sheet: Any, a: Assessment, what: str, span: int) -> int:
    row = x.title(sheet, 1, f"{what} — {a.unit_name}", span=span)
    who = f" · Đơn vị: {a.units.get(a.unit_filter, a.unit_filter)}" if a.unit_filter else ""
    note = fallback_note(a.warnings)
    who += f" · {note}" if note else ""
    return x.title(sheet, row, f"{a.scheme_title} (phiên bản {a.scheme_version}) · Mốc đánh giá {day(a.as_of)} · "
                               f"cchc {a.engine_version}{who}", size=10, bold=False, span=span) + 1


def _summary(sheet: Any, a: Assessment, unit_sheets: dict[str, str]) -> None:
    row = _heading(sheet, a, "KẾT QUẢ TỰ CHẤM CHỈ SỐ CCHC", 5)
    last = a.last_official
    cls = a.classification + ("" if a.classification_verified else f" {UNVERIFIED}")
    figures: list[tuple[str, object, str, str]] = [
        ("Tổng điểm", a.total, "points", ""),
        ("Điểm tối đa (các tiêu chí áp dụng)", a.max, "points", ""),
        ("Chỉ số (%)", a.index_percent, "points", "tổng điểm ÷ điểm tối đa × 100"),
        ("Xếp loại", cls, "text", "" if a.classification_verified else "ngưỡng xếp loại chưa đối chiếu văn bản gốc"),
    ]
    if last is not None:
        figures += [
            (f"Kết quả chính thức năm {last.year}", last.total, "points",
             f"{last.classification or ''}; {last.source}".strip("; ")),
            (f"Thay đổi so với năm {last.year}", last.change, "points", "dương: tăng, âm: giảm"),
        ]
    figures += [
        ("Điểm tối đa còn có thể đạt", a.reachable, "points", "nếu mọi mục còn lấy được được khắc phục ngay"),
        ("Điểm còn lấy được", a.winnable, "points", "điểm tối đa còn có thể đạt − tổng điểm"),
        ("Điểm đã mất", a.lost, "points", "hạn đã qua: làm bây giờ cũng không được tính"),
    ]
    officials = [c for c in a.criteria if c.official is not None]
    if officials:
        figures.append(("Chênh lệch tự chấm − thẩm định (cộng các tiêu chí có điểm thẩm định)",
                        sum((c.points - c.official for c in officials if c.official is not None), Decimal(0)),
                        "points", f"{len(officials)} tiêu chí có điểm thẩm định; xem trang {CRITERIA}"))
    m = a.appraisal
    if m is not None:
        figures.append(("Tổng điểm sau thẩm định thử của TCCB", m.total, "points",
                        f"chỉ số {percent(m.index_percent / 100)}, xếp loại {m.classification}; "
                        f"{len(m.criteria)} tiêu chí chấm lại, xem trang {APPRAISAL}"))
    from openpyxl.styles import Font

    for label, value, kind, note in figures:
        x.put(sheet, row, 1, label).font = Font(bold=True)
        x.put(sheet, row, 2, value, kind).font = Font(bold=True)
        x.put(sheet, row, 3, note)
        row += 1
    x.fit_widths(sheet, [x.Column("Chỉ tiêu"), x.Column("Giá trị", "points"), x.Column("Ghi chú")],
                 [["", "", ""], *[[f[0], "", f[3]] for f in figures]])
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"

    row += 1
    fields = [f for f in a.fields if f.max or any(c.field == f.id for c in a.criteria)]
    row = x.title(sheet, row, "Điểm theo lĩnh vực", size=11)
    row = x.table(sheet, row, [x.Column("Lĩnh vực"), x.Column("Tên lĩnh vực"), x.Column("Điểm", "points"),
                               x.Column("Điểm tối đa", "points"), x.Column("Điểm còn có thể đạt", "points")],
                  [[f.id, f.title, f.points, f.max,
                    sum((c.reachable for c in a.criteria if c.field == f.id and c.applicable), Decimal(0))]
                   for f in fields], main=False)
    sheet.auto_filter.ref = f"A{row - len(fields) - 1}:E{row - 1}"

    row += 1
    row = x.title(sheet, row, "Điểm còn lấy được và đã mất theo đơn vị (mục nhiều đơn vị cùng phụ trách được tính "
                              "cho mỗi đơn vị)", size=11)
    stakes, lost = _unit_figures(a)
    units = [*stakes, *(u for u in lost if u not in stakes)]
    x.table(sheet, row, [x.Column("Mã đơn vị"), x.Column("Đơn vị"), x.Column("Còn lấy được", "points"),
                         x.Column("Đã mất", "points"), x.Column("Trang danh sách")],
            [[u, a.units.get(u, u), stakes.get(u, Decimal(0)), lost.get(u, Decimal(0)), unit_sheets.get(u, "")]
             for u in units], main=False)


def _unit_figures(a: Assessment) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    stakes, lost = a.stake_by_unit(), a.lost_by_unit()
    if a.unit_filter:  # one unit's view keeps the criteria's other units' stakes: show only its own
        keep = a.unit_filter
        return ({keep: stakes[keep]} if keep in stakes else {}), ({keep: lost[keep]} if keep in lost else {})
    return stakes, lost


def _short_trace(c: CriterionResult) -> str:
    return "\n".join(line if len(line) <= TRACE_LINE_MAX else line[:TRACE_LINE_MAX - 1] + "…" for line in c.trace)


def _criteria(sheet: Any, a: Assessment) -> None:
    official = any(c.official is not None for c in a.criteria)
    columns = [x.Column("TC"), x.Column(UNVERIFIED, width=4), x.Column("Tiêu chí", width=40),
               x.Column("Lĩnh vực"), x.Column("Điểm tối đa", "points"), x.Column("Điểm", "points"),
               x.Column("Tình trạng"), x.Column("Còn có thể đạt", "points"), x.Column("Đã mất", "points"),
               x.Column("Đơn vị phụ trách", width=30), x.Column("Vết chấm điểm")]
    if official:
        columns += [x.Column("Điểm thẩm định", "points"), x.Column("Chênh lệch (tự chấm − thẩm định)", "points")]
    rows = []
    for c in a.criteria:
        row: list[object] = [c.id, "" if c.verified else UNVERIFIED, c.title, c.field, c.max, c.points,
                             STATUS[c.status], c.reachable, c.lost, _names(a, c.owners), _short_trace(c)]
        if official:
            row += [c.official, None if c.official is None else c.points - c.official]
        rows.append(row)
    top = _heading(sheet, a, "ĐIỂM TỪNG TIÊU CHÍ", len(columns))
    x.put(sheet, top - 1, 1, f"{UNVERIFIED}: điểm dựa trên giả định chưa đối chiếu văn bản gốc (trang {ASSUMPTIONS}).")
    x.table(sheet, top, columns, rows)


def _appraisal(sheet: Any, a: Assessment) -> None:
    """TCCB's mock appraisal: each override beside the self-score, with its note, who and when."""
    m = a.appraisal
    assert m is not None
    columns = [x.Column("TC"), x.Column("Tiêu chí", width=40), x.Column("Điểm tối đa", "points"),
               x.Column("Tự chấm", "points"), x.Column("Thẩm định thử", "points"),
               x.Column("Chênh lệch (tự chấm − thẩm định thử)", "points"), x.Column("Ghi chú", width=50),
               x.Column("Người thẩm định"), x.Column("Thời điểm"), x.Column("Tính vào tổng")]
    rows = [[c.id, c.title, c.max, c.self_points, c.points, c.difference, c.note, c.by or "",
             c.at.strftime("%d/%m/%Y %H:%M") if c.at else "", "có" if c.counted else "không (tiêu chí không áp dụng)"]
            for c in m.criteria]
    top = _heading(sheet, a, f"THẨM ĐỊNH THỬ CỦA TCCB ({m.file})", len(columns))
    x.put(sheet, top - 1, 1, f"Tổng điểm sau thẩm định thử {points(m.total)} / {points(m.max)}, chỉ số "
                             f"{percent(m.index_percent / 100)}, xếp loại {m.classification} (tự chấm "
                             f"{points(a.total)}). Không phải kết quả của Hội đồng thẩm định.")
    x.table(sheet, top, columns, rows)


def _at_stake(m: MissingItem) -> Decimal:
    """What the item carries: still winnable plus what is already lost of it (the sort key of the lists)."""
    return m.points_at_stake + m.points_lost


def _sorted_items(a: Assessment, unit: str | None = None) -> list[tuple[CriterionResult, MissingItem]]:
    items = [(c, m) for c in a.criteria for m in c.missing if unit is None or unit in m.owner]
    return sorted(items, key=lambda cm: (-_at_stake(cm[1]), cm[1].due or a.as_of.max, cm[0].id, cm[1].requirement))


ITEM_COLUMNS = [x.Column("TC"), x.Column("Yêu cầu"), x.Column("Việc (cần có)", width=50), x.Column("Đơn vị"),
                x.Column("Hạn", "date"), x.Column("Tình trạng"), x.Column("Khả năng"), x.Column("Mất từ ngày", "date"),
                x.Column("Điểm còn lấy được", "points"), x.Column("Cả yêu cầu còn lấy được", "points"),
                x.Column("Điểm đã mất", "points"), x.Column("Kéo theo")]


def _item_row(a: Assessment, c: CriterionResult, m: MissingItem) -> list[object]:
    return [c.id, m.requirement, m.label, _names(a, m.owner), m.due, ITEM_STATE[m.state], STANDING[m.standing],
            m.lost_on, m.points_at_stake, m.requirement_points_at_stake, m.points_lost, "; ".join(m.implies)]


def _items(sheet: Any, a: Assessment) -> None:
    top = _heading(sheet, a, "VIỆC CÒN THIẾU HOẶC KHÔNG ĐẠT (xếp theo số điểm)", len(ITEM_COLUMNS))
    x.table(sheet, top, ITEM_COLUMNS, [_item_row(a, c, m) for c, m in _sorted_items(a)])


def _unit(sheet: Any, a: Assessment, unit: str) -> None:
    from openpyxl.styles import Font

    name = a.units.get(unit, unit)
    columns = [*ITEM_COLUMNS[:3], x.Column("Tiêu chí", width=36), *ITEM_COLUMNS[4:11], x.Column("Khắc phục", width=50)]
    items = _sorted_items(a, unit)
    rows = [[c.id, m.requirement, m.label, c.title, m.due, ITEM_STATE[m.state], STANDING[m.standing], m.lost_on,
             m.points_at_stake, m.requirement_points_at_stake, m.points_lost, c.remedy] for c, m in items]
    # winnable first, then what is lost: the unit acts on the first part and learns from the second
    rows.sort(key=lambda r: r[6] == STANDING["lost"])
    row = x.title(sheet, 1, f"DANH SÁCH VIỆC CỦA ĐƠN VỊ: {name} ({unit})", span=len(columns))
    row = x.title(sheet, row, f"{a.unit_name} · {a.scheme_title} · Mốc đánh giá {day(a.as_of)}", size=10,
                  bold=False, span=len(columns))
    stakes, lost = a.stake_by_unit(), a.lost_by_unit()
    open_items = sum(1 for _, m in items if m.standing != "lost")
    figures = [
        (f"Còn lấy được cho Sở nếu đơn vị khắc phục ngay ({open_items} mục)", stakes.get(unit, Decimal(0))),
        (f"Đã mất, hạn đã qua ({len(items) - open_items} mục)", lost.get(unit, Decimal(0))),
    ]
    for label, value in figures:
        x.put(sheet, row, 1, label).font = Font(bold=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        x.put(sheet, row, 4, value, "points").font = Font(bold=True)
        row += 1
    x.table(sheet, row + 1, columns, rows)


def _assumptions(sheet: Any, a: Assessment) -> None:
    columns = [x.Column("Phạm vi"), x.Column("Tiêu chí", width=40), x.Column("Điểm tối đa", "points"),
               x.Column("Giả định chưa đối chiếu văn bản gốc (verified: false)", width=90)]
    rows: list[list[object]] = [["Bộ tiêu chí", a.scheme_title, None, note] for note in a.assumptions]
    rows += [[c.id, c.title, c.max, note] for c in a.criteria for note in c.assumptions]
    rows += [[c.id, c.title, c.max, "tiêu chí ghi verified: false"]
             for c in a.criteria if not c.verified and not c.assumptions]
    top = _heading(sheet, a, f"GIẢ ĐỊNH ({UNVERIFIED})", len(columns))
    if not rows:
        x.put(sheet, top - 1, 1, "Không có giả định nào chưa đối chiếu.")
    x.table(sheet, top, columns, rows)


def _trend(sheet: Any, history: tuple[HistoryPoint, ...]) -> None:
    columns = [x.Column("Mốc", "date"), x.Column("Tổng điểm", "points"), x.Column("Điểm tối đa", "points"),
               x.Column("Còn có thể đạt", "points"), x.Column("Chỉ số (%)", "points"), x.Column("Xếp loại"),
               x.Column("Mục mới", "int"), x.Column("Mục đã xong", "int"), x.Column("Theo đơn vị (mới / xong)")]
    appraised = any(p.appraised_total is not None for p in history)
    if appraised:  # only then: a case without a mock appraisal keeps the sheet it had
        columns[6:6] = [x.Column("Sau thẩm định thử", "points"), x.Column("Xếp loại sau thẩm định thử")]
    rows = []
    for p in history:
        units = sorted(set(p.opened_by_unit) | set(p.closed_by_unit))
        detail = "; ".join(f"{u}: {p.opened_by_unit.get(u, 0)} / {p.closed_by_unit.get(u, 0)}" for u in units)
        after = [p.appraised_total, p.appraised_classification or ""] if appraised else []
        rows.append([p.as_of, p.total, p.max, p.reachable, p.index_percent, p.classification, *after,
                     sum(p.opened_by_unit.values()), sum(p.closed_by_unit.values()), detail])
    row = x.title(sheet, 1, "XU HƯỚNG QUA CÁC LẦN CHẤM THỬ", span=len(columns))
    x.table(sheet, row + 1, columns, rows)
