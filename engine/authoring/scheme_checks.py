"""Checks on a scheme that its types alone cannot express.

Each check returns Problems with file, line and criterion, so `cchc rules check`
and the loader report the same thing in the same words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING

from engine.locations import shown
from engine.scheme import (
    Criterion,
    DeadlineRequirement,
    DocumentRequirement,
    InputRequirement,
    RateRequirement,
    Requirement,
    Scheme,
    Score,
)
from evidence.datasets import SPECS
from evidence.formatting import points as points_text
from evidence.problems import Problem, did_you_mean
from evidence.references import DOCUMENT_KINDS, kind_from_name
from evidence.text import fold

if TYPE_CHECKING:
    from pathlib import Path

    from engine.authoring.locator import Locator

HUNDRED = Decimal(100)


def check_scheme(scheme: Scheme, loc: Locator, *, units: set[str] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_bands(scheme, loc)
    problems += _check_duplicates(scheme, loc)
    total = sum((c.max for c in scheme.criteria()), Decimal(0))
    if total != scheme.total_max:
        file, line = loc.scheme("total_max")
        problems.append(Problem.of("R008", file=file, line=line,
                                   detail=f"các tiêu chí cộng lại {total}, total_max là {scheme.total_max}"))
    seen: Counter[str] = Counter()
    for crit in scheme.criteria():
        problems += _check_criterion(crit, loc, units, occurrence=seen[crit.id])
        seen[crit.id] += 1
    problems += check_authoring(scheme, loc)
    return problems


def _check_bands(scheme: Scheme, loc: Locator) -> list[Problem]:
    """Bands must tile [0, 100] exactly: sorted by min, each `below` is the next band's `min`."""
    file, line = loc.scheme("classification")
    bands = sorted(scheme.classification.bands, key=lambda b: b.min if b.min is not None else Decimal(-1))
    issues: list[str] = []
    if not bands:
        issues.append("không có mức nào")
    else:
        if bands[0].min not in (None, Decimal(0)):
            issues.append(f"không có mức nào cho chỉ số dưới {bands[0].min}")
        if bands[-1].below is not None:
            issues.append(f"không có mức nào cho chỉ số từ {bands[-1].below} trở lên")
        for low, high in pairwise(bands):
            if low.below is None or high.min is None:
                issues.append(f"{low.label!r} và {high.label!r} chồng lấn")
            elif low.below < high.min:
                issues.append(f"khoảng trống [{low.below}, {high.min}) giữa {low.label!r} và {high.label!r}")
            elif low.below > high.min:
                issues.append(f"{low.label!r} và {high.label!r} chồng lấn trên [{high.min}, {low.below})")
        for b in bands:
            if b.min is not None and b.below is not None and b.min >= b.below:
                issues.append(f"{b.label!r}: min {b.min} không nhỏ hơn below {b.below}")
    return [Problem.of("R006", file=file, line=line, detail=i) for i in issues]


def _check_duplicates(scheme: Scheme, loc: Locator) -> list[Problem]:
    """R004 at the second occurrence (its own file and line), naming where the first one is."""
    problems = []
    seen_fields: Counter[str] = Counter()
    for field in scheme.fields:
        if seen_fields[field.id]:
            file, line = loc.field(field.id, seen_fields[field.id])
            first, first_line = loc.field(field.id)
            problems.append(Problem.of("R004", file=file, line=line, id=field.id,
                                       other=f"lĩnh vực trong {_place(first, first_line)}"))
        seen_fields[field.id] += 1
    seen: Counter[str] = Counter()
    for crit in scheme.criteria():
        nth = seen[crit.id]
        seen[crit.id] += 1
        file, line = loc.criterion(crit.id, "id", occurrence=nth)
        if nth:
            first, first_line = loc.criterion(crit.id, "id")
            problems.append(Problem.of("R004", file=file, line=line, criterion=crit.id, id=crit.id,
                                       other=f"tiêu chí trong {_place(first, first_line)}"))
        ids = [r.id for r in crit.requires]
        for i, req_id in enumerate(ids):
            if req_id in ids[:i]:
                first_line = loc.criterion(crit.id, "requires", ids.index(req_id), "id", occurrence=nth)[1]
                problems.append(Problem.of(
                    "R004", file=file, line=loc.criterion(crit.id, "requires", i, "id", occurrence=nth)[1],
                    criterion=crit.id, id=req_id, other=f"yêu cầu của tiêu chí {crit.id}, dòng {first_line}"))
        parts = [(p.id, path) for p, path in _walk_paths(crit.score, ("score",)) if p.id]
        part_ids = [pid for pid, _ in parts]
        for i, (part_id, path) in enumerate(parts):
            if part_id in part_ids[:i]:
                first_line = loc.criterion(crit.id, *parts[part_ids.index(part_id)][1], "id", occurrence=nth)[1]
                problems.append(Problem.of(
                    "R004", file=file, line=loc.criterion(crit.id, *path, "id", occurrence=nth)[1],
                    criterion=crit.id, id=part_id, other=f"phần chấm của tiêu chí {crit.id}, dòng {first_line}"))
    return problems


def _place(file: Path, line: int | None) -> str:
    return f"{shown(file)}, dòng {line}" if line is not None else shown(file)


def _walk(score: Score) -> Iterator[Score]:
    yield score
    for part in score.parts:
        yield from _walk(part)


def _walk_paths(score: Score, path: tuple[str | int, ...]) -> Iterator[tuple[Score, tuple[str | int, ...]]]:
    yield score, path
    for i, part in enumerate(score.parts):
        yield from _walk_paths(part, (*path, "parts", i))


# Requirements that give at most one item each (a document, a rate, an entered value); a
# `deadlines` requirement gives one per task, so per_item over it is capped by design.
ONE_ITEM = (DocumentRequirement, RateRequirement, InputRequirement)


def _impossible(score: Score, cap: Decimal | None, known: dict[str, Requirement]) -> list[tuple[str, str, dict]]:
    """Scoring numbers that can never give the points they promise: (code, key, message fields)."""
    out: list[tuple[str, str, dict]] = []
    if score.max is not None and score.max <= 0:
        out.append(("R031", "max", {"key": "max", "value": score.max, "detail": "điểm tối đa phải lớn hơn 0"}))
    for key in ("per_item", "per_violation"):
        value = getattr(score, key)
        if value is not None and value <= 0:
            out.append(("R031", key, {"key": key, "value": value, "detail": "phải lớn hơn 0"}))
    if score.method == "deduction" and cap is not None and not Decimal(0) <= score.floor <= cap:
        out.append(("R031", "floor", {"key": "floor", "value": score.floor,
                                      "detail": f"sàn phải trong [0, {points_text(cap)}]"}))
    reqs = [known[r] for r in score.requires if r in known]
    if (score.method == "per_item" and score.per_item is not None and score.per_item > 0 and cap is not None
            and reqs and all(isinstance(r, ONE_ITEM) for r in reqs)):
        total = score.per_item * len(reqs)
        if total != cap:
            why = "vượt điểm tối đa: phần thừa bị cắt mà không báo" if total > cap else "không bao giờ đạt điểm tối đa"
            out.append(("R030", "per_item", {"per_item": points_text(score.per_item), "count": len(reqs),
                                             "total": points_text(total), "cap": points_text(cap), "detail": why}))
    return out


def _check_criterion(crit: Criterion, loc: Locator, units: set[str] | None, occurrence: int = 0) -> list[Problem]:
    problems: list[Problem] = []
    file, _ = loc.criterion(crit.id, occurrence=occurrence)

    def at(*path: str | int) -> int | None:
        return loc.criterion(crit.id, *path, occurrence=occurrence)[1]

    def add(code: str, *path: str | int, **fields: object) -> None:
        problems.append(Problem.of(code, file=file, line=at(*path), criterion=crit.id, **fields))

    if units is not None:
        for unit in crit.owners:
            if unit not in units:
                add("R005", "owners", unit=unit, hint=did_you_mean(unit, sorted(units)))
        for i, req in enumerate(crit.requires):
            for unit in req.owner:
                if unit not in units:
                    add("R005", "requires", i, "owner", unit=unit, hint=did_you_mean(unit, sorted(units)))

    for i, req in enumerate(crit.requires):
        if isinstance(req, DeadlineRequirement | RateRequirement) and not Decimal(0) <= req.threshold <= 1:
            add("R007", "requires", i, "threshold", value=req.threshold)

    known = {r.id: r for r in crit.requires}
    used: set[str] = set()
    if crit.score.max is not None and crit.score.max != crit.max:
        add("R008", "score", "max", detail=f"score.max {crit.score.max} khác max {crit.max}")
    for score, path in _walk_paths(crit.score, ("score",)):
        problems += [Problem.of(code, file=file, line=at(*path, key), criterion=crit.id, **fields)
                     for code, key, fields in _impossible(score, crit.max if score is crit.score else score.max,
                                                          known)]
    for score in _walk(crit.score):
        used.update(score.requires)
        used.update(score.shows)
        for rid in [*score.requires, *score.shows]:
            if rid not in known:
                add("R010", "score", id=rid, hint=did_you_mean(rid, sorted(known)))
        problems += [Problem.of("R013", file=file, line=at("score"), criterion=crit.id,
                                method=score.method, detail=d) for d in _method_needs(score, known)]
        cap = crit.max if score is crit.score else score.max
        for band in score.bands:
            if not Decimal(0) <= band.min <= 1:
                add("R007", "score", value=band.min)
            if cap is not None and not Decimal(0) <= band.points <= cap:
                add("R014", "score", detail=f"mức {band.min} cho {band.points} điểm, ngoài [0, {cap}]")
        if score.method == "sum":
            part_total = sum((p.max or Decimal(0) for p in score.parts), Decimal(0))
            if cap is not None and part_total != cap:
                add("R008", "score", detail=f"{score.id or crit.id}: các phần cộng lại {part_total}, "
                                            f"tối đa là {cap}")
    for i, req in enumerate(crit.requires):
        if req.id not in used:
            add("R009", "requires", i, id=req.id)
    if not crit.source.verified:
        problems.append(Problem.of("W001", file=file, line=at("source"), criterion=crit.id,
                                   points=points_text(crit.max)))
    return problems


def _method_needs(score: Score, known: dict[str, object]) -> list[str]:
    needs: list[str] = []
    reqs = [known[r] for r in score.requires if r in known]
    if score.method == "sum":
        if not score.parts:
            needs.append("parts (các tiêu chí thành phần)")
        needs += [f"max cho phần {p.id or p.label or '?'}" for p in score.parts if p.max is None]
        if score.requires:
            needs.append("không dùng requires ở phần sum (đặt vào từng phần)")
        return needs
    if score.parts:
        needs.append("parts chỉ dùng với method: sum")
    if not score.requires:
        needs.append("requires (ít nhất một yêu cầu)")
    if score.method == "bands" and (not score.bands or len(score.requires) != 1):
        needs.append("bands và đúng một yêu cầu")
    if score.method == "proportional" and score.below_threshold is None:
        needs.append("below_threshold: proportional (dưới ngưỡng: theo tỷ lệ) hoặc zero (dưới ngưỡng: 0); "
                     "đạt ngưỡng luôn đủ điểm")
    if score.method != "proportional" and score.below_threshold is not None:
        needs.append("không dùng below_threshold (chỉ dùng với method: proportional)")
    if score.method == "per_item" and score.per_item is None:
        needs.append("per_item (điểm cho mỗi mục đạt)")
    if score.method == "deduction" and score.per_violation is None:
        needs.append("per_violation (điểm trừ mỗi vi phạm)")
    if score.method == "entered" and (
        len(reqs) != 1 or not isinstance(reqs[0], InputRequirement) or reqs[0].unit != "points"
    ):
        needs.append("đúng một yêu cầu type: input, unit: points")
    if score.method != "entered" and any(
        isinstance(r, InputRequirement) and r.unit == "points" for r in reqs
    ):
        needs.append("yêu cầu input unit: points chỉ dùng với method: entered")
    return needs


# ---- what rule authors get wrong without any schema error (cchc rules check) ---------------------

FILTERABLE = ("text", "code", "unit")  # date, count and rate cells are typed values, never equal to text


def check_authoring(scheme: Scheme, loc: Locator) -> list[Problem]:
    """Names a rule can only get right by knowing the datasets and the register: a typo there
    would silently never match, so it is an error; a date left in last year is a warning."""
    problems: list[Problem] = []
    if not scheme.decision:
        file, line = loc.scheme("version")
        problems.append(Problem.of("W010", file=file, line=line))
    for crit in scheme.criteria():
        for i, req in enumerate(crit.requires):
            problems += _check_requirement_names(crit, i, req, scheme.year, loc)
    return problems


def _check_requirement_names(crit: Criterion, i: int, req: Requirement, year: int, loc: Locator) -> list[Problem]:
    problems: list[Problem] = []

    def add(code: str, *path: str | int, **fields: object) -> None:
        file, line = loc.criterion(crit.id, "requires", i, *path)
        problems.append(Problem.of(code, file=file, line=line, criterion=crit.id, **fields))

    if isinstance(req, DocumentRequirement):
        kind = req.match.kind
        if kind is not None and kind not in DOCUMENT_KINDS:
            code = kind_from_name(kind)
            add("R018", "match", "kind", kind=kind,
                hint=f' (có phải là "{code}"?)' if code else did_you_mean(kind, list(DOCUMENT_KINDS)))
        if req.match.period is not None and req.match.period != str(year):
            add("W011", "match", "period", what="kỳ", value=req.match.period, year=year)
    if isinstance(req, DocumentRequirement | RateRequirement) and req.due and req.due.year != year:
        add("W011", "due", what="hạn", value=req.due.strftime("%d/%m/%Y"), year=year)
    if isinstance(req, DeadlineRequirement):
        for code, fields in _filter_issues(req.dataset, req.where):
            add(code, "where", **fields)
    elif isinstance(req, RateRequirement):
        if req.dataset not in SPECS:
            add("R015", "dataset", name=req.dataset, hint=did_you_mean(req.dataset, list(SPECS)),
                known=", ".join(SPECS))
            return problems
        for key in ("numerator", "denominator"):
            for code, fields in _filter_issues(req.dataset, getattr(req, key)):
                add(code, key, **fields)
    return problems


def _filter_issues(dataset: str, where: dict[str, list[str]]) -> list[tuple[str, dict[str, object]]]:
    """R016/R017 for a filter: the column must exist and be filterable, each value in its vocabulary."""
    columns = {c.field: c for c in SPECS.get(dataset, ()) if c.type in FILTERABLE}
    issues: list[tuple[str, dict[str, object]]] = []
    for field, values in where.items():
        column = columns.get(field)
        if column is None:
            issues.append(("R016", {"dataset": dataset, "field": field, "hint": did_you_mean(field, list(columns)),
                                    "known": ", ".join(columns)}))
            continue
        if column.type != "code":
            continue
        for value in values:
            if value in column.vocab:
                continue
            label_of = {fold(label).replace(" ", ""): code for code, labels in column.vocab.items() for label in labels}
            code = label_of.get(fold(value).replace(" ", ""))
            hint = f' (có phải là "{code}"?)' if code else did_you_mean(value, list(column.vocab))
            issues.append(("R017", {"dataset": dataset, "field": field, "value": value, "hint": hint,
                                    "allowed": ", ".join(column.vocab)}))
    return issues
