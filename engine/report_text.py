"""The assessment as a Vietnamese terminal report (rich tables).

Order follows how a reader works: the table (what scored what), the total and the
comparison with last year's official result, then an explanation of every point
lost, then the assumptions the scores rest on.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from engine.results import ITEM_STATE, STATUS, Assessment, CriterionResult, MissingItem
from evidence.formatting import day, percent, points

STATUS_STYLE = {
    "met": "green", "partial": "yellow", "failed": "red", "missing": "red", "not_due": "cyan",
    "met_empty": "green", "partial_empty": "yellow", "entered": "magenta", "not_applicable": "dim",
}
UNVERIFIED = "†"


def _owners(a: Assessment, ids: tuple[str, ...]) -> str:
    return ", ".join(a.units.get(u, u) for u in ids)


def _stake(m: MissingItem) -> str:
    own = f"+{points(m.points_at_stake)}"
    if m.requirement_points_at_stake != m.points_at_stake:
        own += f" (cả yêu cầu +{points(m.requirement_points_at_stake)})"
    return own


def _missing_cell(a: Assessment, c: CriterionResult) -> Text:
    text = Text()
    for i, m in enumerate(c.missing):
        if i:
            text.append("\n")
        due = f" · hạn {day(m.due)}" if m.due else ""
        text.append(f"• {m.label}", style="bold" if m.state != "not_due" else "")
        text.append(f" [{ITEM_STATE[m.state]}] — {_owners(a, m.owner)}{due} · ", style="dim")
        text.append(_stake(m), style="bold")
    return text


def _table(a: Assessment) -> Table:
    table = Table(show_lines=False, expand=True, title_justify="left")
    table.add_column("TC", no_wrap=True)
    table.add_column("Tiêu chí", ratio=3)
    table.add_column("Điểm / tối đa", justify="right", no_wrap=True)
    table.add_column("Tình trạng", no_wrap=True)
    table.add_column("Còn thiếu · đơn vị chịu trách nhiệm · hạn · điểm có thể lấy lại", ratio=4)
    shown = {c.id for c in a.criteria}
    for f in a.fields:
        rows = [c for c in a.criteria if c.field == f.id]
        if not rows:
            continue
        if not a.unit_filter or len(shown) > 1:
            table.add_row(Text(f.id, style="bold"), Text(f.title, style="bold"),
                          Text(f"{points(f.points)} / {points(f.max)}", style="bold"), "", "")
        for c in rows:
            mark = "" if c.verified else f" {UNVERIFIED}"
            table.add_row(
                f"{c.id}{mark}", c.title, f"{points(c.points)} / {points(c.max)}",
                Text(STATUS[c.status], style=STATUS_STYLE[c.status]), _missing_cell(a, c),
            )
    return table


def _summary(a: Assessment) -> Text:
    t = Text()
    t.append(f"Tổng điểm: {points(a.total)} / {points(a.max)}", style="bold")
    t.append(f" · Chỉ số: {percent(a.index_percent / 100)}")
    t.append(" · Xếp loại: ")
    t.append(a.classification, style="bold")
    if not a.classification_verified:
        t.append(f" {UNVERIFIED}")
    last = a.last_official
    if last is not None:
        word = "tăng" if last.change > 0 else "giảm" if last.change < 0 else "không đổi"
        change = "" if last.change == 0 else f" {points(abs(last.change))} điểm"
        cls = f", {last.classification}" if last.classification else ""
        t.append(f"\nSo với kết quả chính thức năm {last.year} ({points(last.total)} điểm{cls}): {word}{change}")
    stakes = a.stake_by_unit()
    if a.unit_filter:
        own = stakes.get(a.unit_filter)
        n = sum(1 for c in a.criteria for _ in c.missing)
        name = a.units.get(a.unit_filter, a.unit_filter)
        t.append(f"\n{name}: {n} mục còn thiếu hoặc không đạt; nếu khắc phục hết được thêm "
                 f"{points(own or 0)} điểm cho Sở", style="bold")
    if a.reachable > a.total:
        t.append(f"\nĐiểm tối đa còn có thể đạt nếu mọi mục chưa đến hạn được nộp đúng hạn: {points(a.reachable)}")
    return t


def _unit_table(a: Assessment) -> Table:
    """For TCCB: which unit's open items are worth how much (joint gain within each criterion)."""
    table = Table(title="Điểm có thể lấy lại theo đơn vị", title_justify="left",
                  caption="Mục do nhiều đơn vị cùng phụ trách được tính cho mỗi đơn vị.", caption_justify="left")
    table.add_column("Đơn vị")
    table.add_column("Mã", style="dim")
    table.add_column("Tiêu chí", no_wrap=False)
    table.add_column("Điểm", justify="right")
    for unit, stake in a.stake_by_unit().items():
        crits = ", ".join(c.id for c in a.criteria if c.stake_by_unit.get(unit))
        table.add_row(a.units.get(unit, unit), unit, crits, points(stake))
    return table


def _explanations(a: Assessment) -> list[Text]:
    out = []
    for c in a.criteria:
        if c.status == "met" and not c.missing:
            continue
        t = Text()
        t.append(f"{c.id} {c.title}", style="bold")
        t.append(f" — {points(c.points)} / {points(c.max)}, {STATUS[c.status]}\n")
        if len(c.parts) > 1:
            t.append("  Thành phần: " + "; ".join(
                f"{p.id or ''} {p.label or ''}: {points(p.points)}/{points(p.max)}".strip() for p in c.parts) + "\n")
        for line in c.trace:
            t.append(f"  · {line}\n")
        lost = c.max - c.points
        if lost > 0 and c.status != "not_applicable":
            t.append(f"  Mất {points(lost)} điểm. Khắc phục: {c.remedy}\n", style="dim")
        out.append(t)
    return out


def _assumptions(a: Assessment) -> Text:
    t = Text()
    t.append(f"{UNVERIFIED} Điểm dựa trên giả định chưa đối chiếu văn bản gốc (verified: false):\n", style="bold")
    for note in a.assumptions:
        t.append(f"  Bộ tiêu chí — {note}\n")
    for c in a.criteria:
        for note in c.assumptions:
            t.append(f"  {c.id}: {note}\n")
    return t


def render(a: Assessment, console: Console) -> None:
    who = ""
    if a.unit_filter:
        who = f"\nĐơn vị: {a.units.get(a.unit_filter, a.unit_filter)} — chỉ các tiêu chí và mục đơn vị phụ trách"
    header = Text.assemble(
        (a.case_title, "bold"),
        f"\n{a.scheme_title} (phiên bản {a.scheme_version})",
        f"\nMốc đánh giá: {day(a.as_of)} · Bộ so khớp: {a.matcher} · cchc {a.engine_version}",
        who,
    )
    console.print(Panel(header, expand=True))
    console.print(_table(a))
    console.print(_summary(a))
    if not a.unit_filter and a.stake_by_unit():
        console.print(_unit_table(a))
    explanations = _explanations(a)
    if explanations:
        console.print(Text("\nGiải thích điểm (các tiêu chí chưa đạt đủ điểm)", style="bold underline"))
        console.print(Group(*explanations))
    if any(not c.verified for c in a.criteria) or a.assumptions:
        console.print(_assumptions(a))
    warnings = [w for w in a.warnings if w.code != "W001"]
    if warnings:
        console.print(Text("Cảnh báo:", style="bold yellow"))
        for w in warnings:
            console.print(f"  {w}", markup=False, highlight=False)

