"""Terminal views beside the report of one run: a scenario's projection, and the history of saved runs.

Both lay out results the engine produced (`Assessment`, `HistoryPoint`); neither computes a score.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.reports.inputs import HistoryPoint
from engine.results import Assessment
from evidence.formatting import day, percent, points


def _signed(value) -> str:  # type: ignore[no-untyped-def]
    return "0" if value == 0 else f"{'+' if value > 0 else '−'}{points(abs(value))}"


def render_scenario(current: Assessment, projected: Assessment, name: str, console: Console,
                    title: str | None = None) -> None:
    """Current and projected side by side: the totals, then each criterion whose points the scenario moves."""
    head = Text(f"\nKịch bản {name}" + (f" — {title}" if title else ""), style="bold underline")
    console.print(head)
    console.print(Text(
        f"Hiện tại ({day(current.as_of)}): {points(current.total)} / {points(current.max)} · "
        f"{percent(current.index_percent / 100)} · {current.classification}\n"
        f"Dự kiến ({day(projected.as_of)}): {points(projected.total)} / {points(projected.max)} · "
        f"{percent(projected.index_percent / 100)} · {projected.classification} "
        f"({_signed(projected.total - current.total)} điểm)"))
    now = {c.id: c for c in current.criteria}
    table = Table(box=None, pad_edge=False)
    for name_, justify in (("TC", "left"), ("Hiện tại", "right"), ("Dự kiến", "right"), ("Chênh", "right"),
                           ("Tiêu chí", "left")):
        table.add_column(name_, justify=justify)  # type: ignore[arg-type]
    moved = 0
    for c in projected.criteria:
        before = now.get(c.id)
        if before is None or before.points == c.points:
            continue
        moved += 1
        table.add_row(c.id, points(before.points), points(c.points), _signed(c.points - before.points), c.title)
    if moved:
        console.print(table)
    else:
        console.print(Text("Kịch bản không làm thay đổi điểm tiêu chí nào.", style="dim"))
    for w in (w for w in projected.warnings if w not in current.warnings):
        console.print(f"  Cảnh báo của kịch bản: {w}", markup=False, highlight=False)
    if projected.as_of != current.as_of:
        console.print(Text(f"Điểm dự kiến chấm tại mốc {day(projected.as_of)}: tài liệu dự kiến ghi ngày sau mốc "
                           "này không được tính; việc khác chưa làm đến mốc ấy có thể đã quá hạn.", style="dim"))


def _units(counts: dict[str, int]) -> str:
    return ", ".join(f"{u} {n}" for u, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "—"


def render_history(history: Sequence[HistoryPoint], console: Console, case_title: str) -> None:
    console.print(Text(f"Lịch sử chấm thử — {case_title}", style="bold"))
    if not history:
        console.print("Chưa có lần chấm nào được lưu (cchc assess --save).")
        return
    table = Table(box=None, pad_edge=False, caption="Mục mới thiếu, đã xong: số mục của mỗi đơn vị so với lần lưu "
                  "trước.", caption_justify="left")
    table.add_column("Mốc", no_wrap=True)
    table.add_column("Điểm", justify="right", no_wrap=True)
    table.add_column("Chỉ số", justify="right", no_wrap=True)
    table.add_column("Tối đa còn đạt", justify="right")
    table.add_column("Xếp loại")
    appraised = any(h.appraised_total is not None for h in history)
    if appraised:  # only then: a case without a mock appraisal shows the table it always did
        table.add_column("Sau thẩm định thử", justify="right")
    table.add_column("Mới thiếu")
    table.add_column("Đã xong")
    for i, h in enumerate(history):
        first = i == 0
        after = [] if not appraised else [
            "—" if h.appraised_total is None else f"{points(h.appraised_total)} ({h.appraised_classification})"]
        table.add_row(day(h.as_of), points(h.total), percent(h.index_percent / 100),
                      points(h.reachable), h.classification, *after,
                      "(lần đầu)" if first else _units(h.opened_by_unit),
                      "(lần đầu)" if first else _units(h.closed_by_unit))
    console.print(table)
