"""The assessment as a Vietnamese terminal report (rich tables).

By default a short summary a department reads first: the total, index and class, the change
from last year's official result, the maximum still reachable, what can still be won (by item
and by unit) and what is already lost. With `detail` the full report follows: the table (what
scored what), an explanation of every point lost, then the assumptions the scores rest on.
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from engine.rate_breakdown import Breakdown, GroupRate
from engine.results import ITEM_STATE, STANDING, STATUS, Assessment, CriterionResult, MissingItem
from evidence.formatting import day, percent, points

STATUS_STYLE = {
    "met": "green", "partial": "yellow", "failed": "red", "missing": "red", "not_due": "cyan",
    "met_empty": "green", "partial_empty": "yellow", "entered": "magenta", "not_applicable": "dim",
}
UNVERIFIED = "†"


def _owners(a: Assessment, ids: tuple[str, ...]) -> str:
    return ", ".join(a.units.get(u, u) for u in ids)


def _stake(m: MissingItem) -> str:
    if m.standing == "lost":
        return f"đã mất {points(m.points_lost)}{_since(m)}"
    own = f"+{points(m.points_at_stake)}"
    if m.requirement_points_at_stake != m.points_at_stake:
        own += f" (cả yêu cầu +{points(m.requirement_points_at_stake)})"
    if m.standing == "partial":
        own += f"; đã mất {points(m.points_lost)}{_since(m)}"
    return own


def _since(m: MissingItem) -> str:
    return f" (hạn {day(m.lost_on)} đã qua)" if m.lost_on else ""


def _follows(m: MissingItem) -> str:
    return f" · kéo theo: {'; '.join(m.implies)}" if m.implies else ""


def _missing_cell(a: Assessment, c: CriterionResult) -> Text:
    text = Text()
    for i, m in enumerate(c.missing):
        if i:
            text.append("\n")
        due = f" · hạn {day(m.due)}" if m.due else ""
        text.append(f"• {m.label}", style="bold" if m.standing != "lost" else "dim")
        text.append(f" [{ITEM_STATE[m.state]}, {STANDING[m.standing]}] — {_owners(a, m.owner)}{due} · ", style="dim")
        text.append(_stake(m), style="bold" if m.standing != "lost" else "")
        text.append(_follows(m), style="dim")
    return text


def _table(a: Assessment) -> Table:
    table = Table(show_lines=False, expand=True, title_justify="left")
    table.add_column("TC", no_wrap=True)
    table.add_column("Tiêu chí", ratio=3)
    table.add_column("Điểm / tối đa", justify="right", no_wrap=True)
    table.add_column("Tình trạng", no_wrap=True)
    table.add_column("Còn thiếu · đơn vị chịu trách nhiệm · hạn · điểm còn lấy được / đã mất", ratio=4)
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
    if a.unit_filter:
        mine = [m for c in a.criteria for m in c.missing]
        open_ = [m for m in mine if m.standing != "lost"]
        name = a.units.get(a.unit_filter, a.unit_filter)
        said = [f"{len(open_)} mục còn làm được, nếu khắc phục hết được thêm "
                f"{points(a.stake_by_unit().get(a.unit_filter, 0))} điểm cho Sở"]
        if len(mine) > len(open_):
            said.append(f"{len(mine) - len(open_)} mục đã mất {points(a.lost_by_unit().get(a.unit_filter, 0))} "
                        "điểm (hạn đã qua)")
        t.append(f"\n{name}: {'; '.join(said)}", style="bold")
    if a.winnable > 0:
        t.append(f"\nĐiểm tối đa còn có thể đạt (nếu mọi mục còn lấy được được khắc phục ngay): "
                 f"{points(a.reachable)} (+{points(a.winnable)})")
    else:
        t.append("\nKhông còn điểm nào lấy thêm được: mọi hạn của kỳ đánh giá đã qua")
    if a.lost:
        t.append(f"\nĐã mất {points(a.lost)} điểm của Sở: hạn đã qua, làm bây giờ cũng không được tính "
                 "(bài học cho năm sau)")
    return t


def _item_lines(a: Assessment, items: list[tuple[CriterionResult, MissingItem]], lost: bool) -> Table:
    """One row per item: points, criterion, unit, date, what — short enough for 80 columns."""
    table = Table(box=None, show_header=True, pad_edge=False, expand=False)
    table.add_column("Điểm" if not lost else "Đã mất", justify="right", no_wrap=True)
    table.add_column("TC", no_wrap=True)
    table.add_column("Đơn vị", no_wrap=False, max_width=18)
    table.add_column("Hạn" if not lost else "Hạn đã qua", no_wrap=True)
    table.add_column("Việc", no_wrap=False)
    for c, m in items:
        pts = m.points_lost if lost else m.points_at_stake
        when = (day(m.lost_on) if m.lost_on else "không rõ") if lost else day(m.due) if m.due else "—"
        table.add_row(points(pts), c.id, ", ".join(m.owner), when, m.label + ("" if lost else _follows(m)))
    return table


def _todo(a: Assessment, limit: int | None) -> list[tuple[CriterionResult, MissingItem]]:
    items = [(c, m) for c in a.criteria for m in c.missing if m.standing != "lost" and m.points_at_stake > 0]
    items.sort(key=lambda cm: (-cm[1].points_at_stake, cm[1].due or a.as_of.max, cm[0].id))
    return items[:limit]


def _lessons(a: Assessment, limit: int | None) -> list[tuple[CriterionResult, MissingItem]]:
    items = [(c, m) for c in a.criteria for m in c.missing if m.points_lost > 0]
    items.sort(key=lambda cm: (-cm[1].points_lost, cm[0].id))
    return items[:limit]


def _unit_table(a: Assessment) -> Table:
    """For TCCB: what each unit's open items can still win (joint gain within each criterion), and what is lost."""
    table = Table(title="Điểm còn lấy được và đã mất theo đơn vị", title_justify="left",
                  caption="Mục do nhiều đơn vị cùng phụ trách được tính cho mỗi đơn vị.", caption_justify="left")
    table.add_column("Đơn vị")
    table.add_column("Mã (--unit)", style="dim")
    table.add_column("Tiêu chí", no_wrap=False)
    table.add_column("Còn lấy được", justify="right")
    table.add_column("Đã mất", justify="right")
    stakes, lost = a.stake_by_unit(), a.lost_by_unit()
    for unit in [*stakes, *(u for u in lost if u not in stakes)]:
        crits = ", ".join(c.id for c in a.criteria if c.stake_by_unit.get(unit) or c.lost_by_unit.get(unit))
        table.add_row(a.units.get(unit, unit), unit, crits, points(stakes.get(unit, 0)), points(lost.get(unit, 0)))
    return table


BY_WORD = {"unit": "đơn vị", "procedure": "thủ tục"}
WORST = 3  # units named per rate in the summary
DETAIL_GROUPS = 10  # procedures listed per rate with --chi-tiet (units: all)


def _group_name(a: Assessment, b: Breakdown, g: GroupRate) -> str:
    if not g.key:
        return f"(không ghi {BY_WORD[b.by]})"
    return a.units.get(g.key, g.key) if b.by == "unit" else g.key


def _share(g: GroupRate) -> str:
    return f"{g.numerator}/{g.denominator} = {percent(g.ratio)}"


def _overall(b: Breakdown) -> str:
    num, den = sum(g.numerator for g in b.groups), sum(g.denominator for g in b.groups)
    return f"{num}/{den} = {percent(Decimal(num) / den)}"


def _rates_below(a: Assessment) -> Text | None:
    """For TCCB: per rate, the units whose own share is below the threshold, worst first."""
    lines = []
    for c in a.criteria:
        for b in c.breakdowns:
            below = [g for g in b.below() if g.key] if b.by == "unit" else []
            if not below:
                continue
            named = "; ".join(f"{_group_name(a, b, g)} {_share(g)}" for g in below[:WORST])
            more = f"; và {len(below) - WORST} đơn vị khác" if len(below) > WORST else ""
            lines.append(f"{c.id} {b.label} (cả Sở {_overall(b)}, ngưỡng {percent(b.threshold)}): {named}{more}")
    if not lines:
        return None
    return Text("\nĐơn vị có tỷ lệ dưới ngưỡng (thấp nhất trước; đủ bảng: --chi-tiet)\n", style="bold underline") \
        .append("\n".join(lines), style="")


def _own_rates(a: Assessment, unit: str) -> Text | None:
    """For one unit: its own share of each rate shown, beside the department's."""
    lines = []
    for c in a.criteria:
        for b in c.breakdowns:
            g = b.of(unit) if b.by == "unit" else None
            if g is None:
                continue
            rank = [x.key for x in b.groups].index(unit) + 1
            word = "dưới ngưỡng" if g.ratio < b.threshold else "đạt ngưỡng"
            lines.append(f"{c.id} {b.label}: {_share(g)} ({word} {percent(b.threshold)}; cả Sở {_overall(b)}; "
                         f"thứ {rank}/{len(b.groups)} từ thấp lên)")
    if not lines:
        return None
    return Text(f"\nTỷ lệ của {a.units.get(unit, unit)}\n", style="bold underline").append("\n".join(lines))


def _breakdown_lines(a: Assessment, c: CriterionResult) -> str:
    out = ""
    for b in c.breakdowns:
        shown = b.groups if b.by == "unit" else b.groups[:DETAIL_GROUPS]
        more = f"; … {len(b.groups) - len(shown)} {BY_WORD[b.by]} khác" if len(shown) < len(b.groups) else ""
        cells = "; ".join(f"{_group_name(a, b, g)} {_share(g)}{' ✗' if g.ratio < b.threshold else ''}"
                          for g in shown)
        out += f"  Theo {BY_WORD[b.by]} — {b.label} (thấp nhất trước, ✗ dưới ngưỡng {percent(b.threshold)}): " \
               f"{cells}{more}\n"
    return out


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
        t.append(_breakdown_lines(a, c), style="")
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


def _signed(value: Decimal) -> str:
    return f"+{points(value)}" if value > 0 else points(value)


def _calibration(a: Assessment, *, full: bool) -> list[Text | Table]:
    """Self-score beside the council's points (official.criteria): in the summary only the criteria that
    differ, with --chi-tiet every criterion recorded. Above zero, the self-assessment was optimistic."""
    rows = a.calibrated()
    if not rows:
        return []
    source = f" ({a.official.source})" if a.official else ""
    differ = [c for c in rows if c.difference]
    diff = a.calibration_difference()
    head = Text(f"\nĐối chiếu với kết quả thẩm định{source}", style="bold underline")
    said = Text(f"{len(rows)} tiêu chí có điểm thẩm định; tổng chênh lệch (tự chấm − thẩm định): {_signed(diff)}"
                + ("" if differ else "; không tiêu chí nào chênh lệch")
                + ("" if full or not differ else f"; {len(differ)} tiêu chí chênh lệch:"))
    shown = rows if full else differ
    if not shown:
        return [head, said]
    table = _side_by_side("Thẩm định", "Tiêu chí",
                          [(c.id, c.points, c.official or Decimal(0), c.title) for c in shown])
    if full:
        table.add_row("Tổng", points(sum((c.points for c in rows), Decimal(0))),
                      points(sum((c.official or Decimal(0) for c in rows), Decimal(0))), _signed(diff), "",
                      style="bold")
    return [head, said, table]


def _side_by_side(other: str, last: str, rows: list[tuple[str, Decimal, Decimal, str]]) -> Table:
    """Criterion, self-score, someone else's points, self-score minus them, and a last text column: the
    calibration's layout, shared by the real council's points and TCCB's mock appraisal."""
    table = Table(box=None, pad_edge=False)
    table.add_column("TC", no_wrap=True)
    table.add_column("Tự chấm", justify="right", no_wrap=True)
    table.add_column(other, justify="right", no_wrap=True)
    table.add_column("Chênh lệch", justify="right", no_wrap=True)
    table.add_column(last, no_wrap=False)
    for crit_id, own, theirs, text in rows:
        d = own - theirs
        style = "red" if d > 0 else "yellow" if d < 0 else ""
        table.add_row(crit_id, points(own), points(theirs), Text(_signed(d), style=style), text)
    return table


def _appraisal(a: Assessment) -> list[Text | Table]:
    """TCCB's mock appraisal (tham-dinh-thu.yaml): the appraised total and class, then each override beside the
    self-score with its note. Not the council's result: that is the calibration above."""
    m = a.appraisal
    if m is None:
        return []
    head = Text(f"\nThẩm định thử của TCCB ({m.file})", style="bold underline")
    said = Text()
    said.append(f"Tổng điểm sau thẩm định thử: {points(m.total)} / {points(m.max)}", style="bold")
    said.append(f" · Chỉ số: {percent(m.index_percent / 100)} · Xếp loại: ")
    said.append(m.classification, style="bold")
    said.append(f" (tự chấm {points(m.self_total)}; thẩm định thử {_signed(m.change)} điểm)")
    if not m.criteria:
        return [head, said.append("\nChưa tiêu chí nào được chấm lại.")]
    said.append(f"\n{len(m.criteria)} tiêu chí TCCB chấm lại; chênh lệch = tự chấm − thẩm định thử:")
    rows = []
    for c in m.criteria:
        who = ", ".join(x for x in (c.by, c.at.strftime("%d/%m/%Y %H:%M") if c.at else None) if x)
        text = c.note + (f" ({who})" if who else "") + ("" if c.counted else " — không áp dụng, không tính")
        rows.append((c.id, c.self_points, c.points, text))
    return [head, said, _side_by_side("Thẩm định thử", "Ghi chú", rows)]


def _field_table(a: Assessment) -> Table:
    table = Table(box=None, pad_edge=False)
    table.add_column("Lĩnh vực", no_wrap=True)
    table.add_column("", no_wrap=False)
    table.add_column("Điểm / tối đa", justify="right", no_wrap=True)
    for f in a.fields:
        if f.max:
            table.add_row(f.id, f.title, f"{points(f.points)} / {points(f.max)}")
    return table


TOP = 10  # items in each list of the summary; the unit view and the detailed report show all


def render(a: Assessment, console: Console, *, detail: bool = False) -> None:
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
    console.print(_summary(a))
    if not detail and not a.unit_filter:
        console.print(_field_table(a))
    limit = None if detail or a.unit_filter else TOP
    todo, lessons = _todo(a, None), _lessons(a, None)
    if todo:
        more = f" ({TOP} mục lớn nhất trong {len(todo)})" if limit and len(todo) > limit else ""
        console.print(Text(f"\nCòn lấy được — việc nên làm trước{more}", style="bold underline"))
        console.print(_item_lines(a, todo[:limit], lost=False))
    if not a.unit_filter and (a.stake_by_unit() or a.lost_by_unit()):
        console.print()
        console.print(_unit_table(a))
    rates = _own_rates(a, a.unit_filter) if a.unit_filter else _rates_below(a)
    if rates is not None:
        console.print(rates)
    if lessons:
        more = f" ({TOP} mục lớn nhất trong {len(lessons)})" if limit and len(lessons) > limit else ""
        console.print(Text(f"\nĐã mất — hạn đã qua, bài học cho năm sau{more}", style="bold underline"))
        console.print(_item_lines(a, lessons[:limit], lost=True))
    for part in [*_calibration(a, full=detail), *_appraisal(a)]:
        console.print(part)
    if detail:
        console.print(_table(a))
        explanations = _explanations(a)
        if explanations:
            console.print(Text("\nGiải thích điểm (các tiêu chí chưa đạt đủ điểm)", style="bold underline"))
            console.print(Group(*explanations))
    unverified = [c for c in a.criteria if not c.verified]
    if detail and (unverified or a.assumptions):
        console.print(_assumptions(a))
    elif unverified or a.assumptions:
        console.print(Text(f"\n{UNVERIFIED} {len(unverified)} tiêu chí dựa trên giả định chưa đối chiếu văn bản gốc "
                           "(verified: false)."))
    if not detail:
        console.print(Text("Điểm từng tiêu chí, giải thích và giả định: thêm --chi-tiet.", style="dim"))
    warnings = [w for w in a.warnings if w.code != "W001"]
    if warnings:
        console.print(Text("Cảnh báo:", style="bold yellow"))
        for w in warnings:
            console.print(f"  {w}", markup=False, highlight=False)
