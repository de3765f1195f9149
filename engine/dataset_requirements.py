"""Deadline and rate requirements, computed with pandas over a case's datasets.

Counts are sums of `_n` (rows may stand for several items), so an export with one
row per dossier and a report that gives only counts are read the same way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pandas as pd

from engine import metrics, rate_reach
from engine.as_of_status import STATUS_WORDS, deadline_status
from engine.outcomes import ONE, ZERO, Item, Outcome
from engine.scheme import DeadlineRequirement, Filter, RateRequirement
from evidence.datasets import header_of
from evidence.formatting import day, percent
from evidence.numbers import RateValue
from evidence.problems import Problem


def _mask(frame: pd.DataFrame, where: Filter) -> pd.Series:
    return metrics.where(frame, where)  # the same filter the Dask path applies (engine/metrics.py)


def evaluate_deadlines(req: DeadlineRequirement, frame: pd.DataFrame | None, as_of: date,
                       source: str) -> tuple[Outcome, list[Problem]]:
    if frame is None:
        return _no_data(req.id, req.label, tuple(req.owner), f"bộ dữ liệu {req.dataset}"), []
    if frame.empty:  # a file with a header and no rows is no evidence, whatever `if_empty` says (W045)
        return _no_data(req.id, req.label, tuple(req.owner), _NO_ROWS.format(req.dataset)), []
    rows = frame[_mask(frame, req.where)]
    status, warnings = deadline_status(rows, as_of, source)
    undecided = rows[status == ""]
    if len(undecided):
        warnings += [Problem.of("E011", file=source, row=int(r)) for r in undecided["_row"]]
    n = metrics.computed({"": metrics.status_counts(rows["_n"], status)})[""]
    on_time, late, overdue, pending = (n[k] for k in metrics.DEADLINE_STATES)
    judged = on_time + late + overdue

    if judged + pending == 0:  # nothing to count: the rule says what that means, and the trace says so
        return _empty(req, f"không có mục nào trong bộ dữ liệu {req.dataset}"
                           + (" thỏa điều kiện lọc" if req.where else ""), good=0), warnings

    def outcome_for(ok: int, total: int, waiting: int, trace: tuple[str, ...]) -> Outcome:
        if total == 0:  # only items still within their deadline
            return Outcome(req.id, "not_due", None, req.threshold, trace=trace)
        ratio = Decimal(ok) / Decimal(total)
        state = "met" if ratio >= req.threshold else "failed"
        return Outcome(req.id, state, ratio, req.threshold, good=ok, bad=total - ok, trace=trace)

    summary = (f"{req.label}: {on_time} đúng hạn, {late} hoàn thành quá hạn, {overdue} quá hạn chưa hoàn "
               f"thành, {pending} còn trong hạn (không tính) → ")
    summary += f"{on_time}/{judged} = {percent(Decimal(on_time) / judged)}" if judged else "chưa có mục nào đến hạn"
    summary += f", ngưỡng {percent(req.threshold)}" if judged else ""
    base = outcome_for(on_time, judged, pending, ())
    verdict = {"met": "Đạt", "failed": "Không đạt", "not_due": "Chưa đến hạn"}[base.state]
    base = replace(base, trace=(f"{verdict} — {summary}",))

    open_rows = rows[status.isin(["tre-han", "qua-han", "trong-han"])]
    # (count, still pending) per open item: resolving items compounds their counts
    weights = [(int(n), code == "trong-han") for n, code in zip(open_rows["_n"], status[open_rows.index],
                                                                  strict=True)]

    def resolver(indexes: tuple[int, ...]) -> Outcome:
        done = sum(weights[i][0] for i in indexes)
        waited = sum(weights[i][0] for i in indexes if weights[i][1])
        return outcome_for(on_time + done, judged + waited, pending - waited,
                           ("Giả định các mục này hoàn thành đúng hạn",))

    items = []
    for i, (_, row) in enumerate(open_rows.iterrows()):
        code = status[row.name]
        basis = f" ({row['basis']})" if row["basis"] else ""
        # done late or overdue: finishing it now is still late, so its points are lost since its due date
        items.append(Item(
            req.id, f"{row['id']} — {row['title']}{basis}: {STATUS_WORDS[code]}",
            (row["unit"],) if row["unit"] else tuple(req.owner),
            row["due"], "not_due" if code == "trong-han" else "failed", resolver((i,)),
            lost=code != "trong-han", lost_on=row["due"] if code != "trong-han" else None,
        ))
    pending_items = tuple(i for i, (_, waiting) in enumerate(weights) if waiting)
    all_done = resolver(pending_items) if pending_items else None
    return replace(base, items=tuple(items), if_due_met=all_done, resolver=resolver), warnings


_NO_ROWS = "số liệu: bộ dữ liệu {} chỉ có dòng tiêu đề, không có hàng nào (W045)"


def _no_data(rid: str, label: str, owner: tuple[str, ...], what: str, threshold: Decimal = ONE) -> Outcome:
    trace = (f"Thiếu — {label}: hồ sơ không có {what}",)
    outcome = Outcome(rid, "missing", None, threshold, trace=trace)
    resolved = Outcome(rid, "met", ONE if threshold >= ONE else threshold, threshold, good=1,
                       trace=(f"Giả định đã có {what} đạt ngưỡng",))
    return replace(outcome, items=(Item(rid, f"{label}: cần {what}", owner, None, "missing", resolved),))


def _empty(req: DeadlineRequirement | RateRequirement, why: str, good: int) -> Outcome:
    """Nothing to count (an empty denominator): met or missing as the rule's `if_empty` says, never
    a plain "Đạt" — the trace and the criterion's status say that nothing was counted. `good`: what
    per_item scoring counts (a rate is one item; a deadline requirement counts its items, here none)."""
    if req.if_empty == "met":
        return Outcome(req.id, "met", ONE, req.threshold, good=good, empty=True,
                       trace=(f"Không có trường hợp phải tính — {req.label}: {why} (mẫu số bằng 0); "
                              f"quy tắc coi là đạt (if_empty: met)",))
    what = f"dữ liệu để tính ({why}, mẫu số bằng 0; quy tắc coi là thiếu dữ liệu: if_empty: missing)"
    return _no_data(req.id, req.label, tuple(req.owner), what, req.threshold)


def _rate_value(req: RateRequirement, frame: pd.DataFrame) -> tuple[RateValue | None, str, int]:
    """The rate seen, where it comes from (for the trace; "" for counted rows), and how many
    denominator items lack the data."""
    if req.dataset == "indicators":
        rows = frame[frame["id"] == req.indicator]
        if rows.empty:
            return None, f"không có chỉ số {req.indicator!r} trong bộ dữ liệu chỉ số", 0
        row = rows.iloc[-1]
        value: RateValue | None = row["rate"]
        if value is None and row["denominator"] == 0:  # 0/0: an empty denominator, as for counted rows
            return None, "mẫu số bằng 0", 0
        if value is None and row["numerator"] is not None and row["denominator"]:
            value = RateValue(Decimal(int(row["numerator"])) / Decimal(int(row["denominator"])),
                              numerator=int(row["numerator"]), denominator=int(row["denominator"]))
        when = f", trích xuất {day(row['extracted'])}" if row["extracted"] else ""
        return value, f"nguồn: {row['source']}{when}; {frame.attrs.get('file', '')} hàng {row['_row']}", 0
    counts = metrics.computed({"": dict(zip(("num", "total", "unknown"),
                                            metrics.rate_counts(frame, req.denominator, req.numerator), strict=True))})
    num, total, unknown = counts[""]["num"], counts[""]["total"], counts[""]["unknown"]
    if total == 0:
        return None, "mẫu số bằng 0", 0
    return RateValue(Decimal(num) / Decimal(total), numerator=num, denominator=total), "", unknown


def evaluate_rate(req: RateRequirement, frame: pd.DataFrame | None, as_of: date, *,
                  period_end: date | None = None, expected: int | None = None) -> Outcome:
    """`period_end`: when the year's counts are settled (the evidence deadline); `expected`: items still
    expected before then (case.yaml `expected_remaining`), for what the rate can still reach."""
    owner = tuple(req.owner)
    if frame is None:
        return _no_data(req.id, req.label, owner, f"bộ dữ liệu {req.dataset}", req.threshold)
    if frame.empty:  # no rows at all: no evidence, never "no case to count" (`if_empty` is about filters)
        return _no_data(req.id, req.label, owner, _NO_ROWS.format(req.dataset), req.threshold)
    value, where, unknown = _rate_value(req, frame)
    goal = f"cần đạt {percent(req.threshold)}"
    if value is None and where == "mẫu số bằng 0":
        return _empty(req, f"không có trường hợp nào trong bộ dữ liệu {req.dataset}"
                           + (f" (chỉ số {req.indicator})" if req.indicator else " thỏa điều kiện của mẫu số"), good=1)
    if unknown:
        columns = ", ".join(f"“{header_of(req.dataset, f)}”" for f in req.numerator)
        what = f"dữ liệu cột {columns} cho {unknown} trường hợp"
        return _no_data(req.id, req.label, owner, what, req.threshold)
    if value is None:
        return _no_data(req.id, req.label, owner, where, req.threshold)
    source = f" ({where})" if where else ""
    if value.value is None:  # only a bound is known: decidable against a threshold at or above it
        assert value.below is not None
        if value.below > req.threshold:
            return _no_data(req.id, req.label, owner, f"số liệu chính xác (chỉ biết {value})", req.threshold)
        ratio = ZERO  # a proportional method cannot use a bound: it scores this as 0, and says "dưới"
    else:
        ratio = value.value
    if ratio >= req.threshold:
        return Outcome(req.id, "met", ratio, req.threshold, good=1,
                       trace=(f"Đạt — {req.label}: {value} ≥ {percent(req.threshold)}{source}",))
    not_due = req.due is not None and as_of < req.due
    state = "not_due" if not_due else "failed"
    word = "Chưa đến kỳ đo" if not_due else "Không đạt"
    compared = f"{value}, chưa tới {percent(req.threshold)}" if value.value is None else \
        f"{value} < {percent(req.threshold)}"
    trace = (f"{word} — {req.label}: {compared}{source}",)
    resolved = Outcome(req.id, "met", req.threshold, req.threshold, good=1,
                       trace=(f"Giả định {req.label} đạt {percent(req.threshold)}",))
    reached = None if not_due else rate_reach.reach(req, frame, value.numerator, value.denominator, as_of,
                                                     period_end, expected)
    now = None
    if reached is not None:
        trace = (*trace, reached.note)
        if reached.best is not None and reached.best > ratio:
            now = Outcome(req.id, "failed", reached.best, req.threshold, bad=1,
                          trace=(f"Giả định mọi mục còn lại đúng hạn: {percent(reached.best)}",))
    item = Item(req.id, f"{req.label}: hiện {value}, {goal}", owner, req.due, state, resolved,
                lost=reached is not None, lost_on=reached.lost_on if reached else None, now=now)
    return Outcome(req.id, state, ratio, req.threshold, bad=1, trace=trace, items=(item,),
                   if_due_met=resolved if not_due else None)
