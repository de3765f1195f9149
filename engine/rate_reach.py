"""Whether a rate over the year that falls short can still reach its threshold at the as-of date.

A year's on-time rate is settled one item at a time: once enough dossiers are late, no later dossier
can lift it back. The best rate still possible counts every open item and every item still expected
(`expected_remaining` in case.yaml, else the pace so far kept to the end of the counting period, said
as an assumption) as on time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from engine.scheme import RateRequirement
from evidence.formatting import day, percent

OPEN_STATUS = {"dossiers": "dang-giai-quyet"}  # items still being handled: they may yet land on time
LATE_STATUS = {"dossiers": "qua-han"}


@dataclass(frozen=True)
class Reach:
    lost: bool
    lost_on: date | None  # the deadline whose passing lost it; None: lost, but the data has no dates
    best: Decimal | None  # best rate still possible (None: nothing better than today)
    note: str  # the trace line that says why


def _expand_dates(rows: pd.DataFrame) -> list[date] | None:
    """The due date of each item the rows stand for; None when some row has none."""
    if rows.empty:
        return []
    if "due" not in rows or rows["due"].isna().any():  # counts without dates (a summary table)
        return None
    out = [d for d, n in zip(pd.to_datetime(rows["due"]).dt.date, rows["_n"], strict=True) for _ in range(int(n))]
    return sorted(out)


def reach(req: RateRequirement, frame: pd.DataFrame, num: int | None, den: int | None, as_of: date,
          period_end: date | None, expected: int | None) -> Reach | None:
    """None: the shortfall can still be made good in full. Only called for a rate below its threshold."""
    goal = percent(req.threshold)
    if req.due is not None:  # measured once, at its due date, which has passed (else it is "not yet due")
        return Reach(True, req.due, None, f"Đã mất — tỷ lệ đo tại {day(req.due)} đã chốt dưới {goal}")
    if period_end is not None and as_of > period_end:
        return Reach(True, period_end, None,
                     f"Đã mất — số liệu đã chốt tại hạn nộp tài liệu kiểm chứng {day(period_end)}, dưới {goal}")
    status_open = OPEN_STATUS.get(req.dataset)
    if status_open is None or "status" not in req.numerator or num is None or den is None:
        return None  # no open items to count: the unit can still act on it until the period ends
    others = {k: v for k, v in req.denominator.items() if k != "status"}
    mask = frame["status"].eq(status_open)
    for column, codes in others.items():
        mask &= frame[column].isin(codes)
    still_open = int(frame.loc[mask, "_n"].sum())
    if expected is not None:
        coming, assumed = expected, f"{expected} dự kiến tiếp nhận thêm theo case.yaml"
    elif period_end is not None and as_of < period_end:
        start = date(as_of.year, 1, 1)
        elapsed = (as_of - start).days + 1
        left = (period_end - as_of).days
        so_far = den + still_open
        coming = round(so_far * left / elapsed)
        assumed = (f"giả định {coming} hồ sơ tiếp nhận thêm đến {day(period_end)}, theo nhịp {so_far} hồ sơ "
                   f"từ {day(start)} đến {day(as_of)}")
    else:
        coming, assumed = 0, "không còn hồ sơ mới"
    best = Decimal(num + still_open + coming) / Decimal(den + still_open + coming)
    if best >= req.threshold:
        return None
    final = den + still_open + coming
    allowed_late = math.floor((1 - req.threshold) * final)
    late = _expand_dates(frame[frame["status"].eq(LATE_STATUS.get(req.dataset, ""))])
    lost_on = late[allowed_late] if late and len(late) > allowed_late else None  # the due date it missed
    note = (f"Đã mất — kể cả khi mọi hồ sơ còn lại đều đúng hạn ({still_open} đang giải quyết, {assumed}), "
            f"{req.label.lower()} đạt tối đa {percent(best)} < {goal}")
    return Reach(True, lost_on, best, note)
