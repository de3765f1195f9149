"""tham-dinh-thu.yaml: TCCB's mock appraisal ("thẩm định thử"), acting as the council before the council does.

One entry per overridden criterion: the points TCCB would give, a mandatory note saying why, who and when:

    "2.2":
      points: 0.5
      note: "Báo cáo gửi muộn 3 ngày, Hội đồng chỉ chấm 0,5"
      by: tccb
      at: 2026-11-30T10:15:00

Read here, the file is checked on its own (shape, points a plain decimal of at most 2 places, note present,
`at` a date and time); what only the scheme can tell (the criterion exists, points within its maximum) is
checked in engine/case_checks.py, on the path `cchc evidence check` and `cchc assess` share. The engine then
computes the appraised total (engine/appraisal.py): nothing here scores.

Distinct from `official.criteria` in case.yaml: those are the real council's points after the fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from evidence.numbers import points_number
from evidence.problems import InputError, Problem
from evidence.yaml_lines import LineIndex, load_yaml

MOCK_APPRAISAL_FILE = "tham-dinh-thu.yaml"
KEYS = ("points", "note", "by", "at")
# Points as a council writes them: a plain decimal with at most 2 places (the engine rounds every criterion
# to 2 places; a third would be cut unseen, so it is refused instead).


@dataclass(frozen=True)
class Override:
    """TCCB's points for one criterion, with the reason and who gave them when."""

    criterion: str
    points: Decimal
    note: str
    by: str | None
    at: datetime | None
    line: int | None  # of the criterion's key in the file
    points_line: int | None = None  # of its `points`, for a value only the scheme can refuse


def _shown(raw: object) -> str:
    """A value as the person typed it, for a message."""
    if raw is None:
        return "(trống)"
    return format(raw, "f") if isinstance(raw, Decimal) else str(raw)


def _moment(raw: object) -> datetime | None:
    """`at` as the loader reads it (a timestamp or a date), or quoted ISO text; None when unreadable."""
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def read_mock_appraisal(path: Path) -> dict[str, Override]:
    """The overrides in `path`, by criterion id; InputError naming the line of every bad entry."""
    data, index = load_yaml(path)
    return parse_mock_appraisal(data, path, index)


def parse_mock_appraisal(data: object, path: Path, index: LineIndex) -> dict[str, Override]:
    if data is None:  # an empty file: no criterion overridden
        return {}
    if not isinstance(data, dict):
        raise InputError(Problem.of("E085", file=path, line=index.line([]), key="tham-dinh-thu",
                                    detail="cần bảng dạng «mã-tiêu-chí: {points, note, by, at}»"))
    out: dict[str, Override] = {}
    problems: list[Problem] = []
    for crit, entry in data.items():
        crit = str(crit)
        line = index.line([crit])
        if not isinstance(entry, dict):
            problems.append(Problem.of("E085", file=path, line=line, key=crit,
                                       detail="cần bảng «points, note, by, at» dưới mã tiêu chí"))
            continue
        unknown = sorted(str(k) for k in entry if k not in KEYS)
        if unknown:
            problems.append(Problem.of("E085", file=path, line=index.line([crit, unknown[0]]), key=crit,
                                       detail=f"khóa không dùng được {', '.join(unknown)}; chỉ dùng "
                                              f"{', '.join(KEYS)}"))
            continue
        points = points_number(entry.get("points"))
        if points is None:
            problems.append(Problem.of("E086", file=path, line=index.line([crit, "points"]), key=crit,
                                       value=_shown(entry.get("points"))))
        note = entry.get("note")
        if not isinstance(note, str) or not note.strip():
            problems.append(Problem.of("E087", file=path, line=index.line([crit, "note"]), key=crit))
        by = entry.get("by")
        if by is not None and (not isinstance(by, str) or not by.strip()):
            problems.append(Problem.of("E085", file=path, line=index.line([crit, "by"]), key=crit,
                                       detail="by cần tên đăng nhập của người thẩm định (chữ)"))
        at = _moment(entry["at"]) if entry.get("at") is not None else None
        if entry.get("at") is not None and at is None:
            problems.append(Problem.of("E088", file=path, line=index.line([crit, "at"]), key=crit,
                                       value=_shown(entry.get("at"))))
        if points is None or not isinstance(note, str) or not note.strip():
            continue
        out[crit] = Override(crit, points, note.strip(), by.strip() if isinstance(by, str) else None, at, line,
                             index.line([crit, "points"]))
    if problems:
        raise InputError(problems)
    return out
