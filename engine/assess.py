"""One assessment: a scheme and a case's evidence in, an explained `Assessment` out.

`Assessor` compiles a scheme once (patterns, matcher) so that a monthly run over
many cases, or a benchmark, does not pay for compilation each time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version

from engine import dataset_requirements, document_requirements
from engine.appraisal import mock_appraisal
from engine.as_of_status import dossiers_at
from engine.case_checks import case_problems
from engine.manifest import rules_hash
from engine.matching import Matcher, make_matcher
from engine.outcomes import ONE, Item, Outcome
from engine.results import (
    Assessment,
    CriterionResult,
    FieldResult,
    MissingItem,
    OfficialComparison,
)
from engine.scheme import (
    Criterion,
    DeadlineRequirement,
    DocumentRequirement,
    InputRequirement,
    RateRequirement,
    Scheme,
)
from engine.scoring import breakdown, index_percent, round_points, score, used_requirements
from evidence.case import Evidence, InputValue
from evidence.formatting import day, points
from evidence.problems import InputError, Problem

HUNDRED = Decimal(100)


def engine_version() -> str:
    try:
        return version("cchc")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+source"


class Assessor:
    def __init__(self, scheme: Scheme, *, matcher: Matcher | None = None, prefer: str = "durable",
                 rule_files: dict[str, str] | None = None):
        self.scheme = scheme
        self.rule_files = dict(rule_files or {})  # the scheme's files and their SHA-256, for the run manifest
        self.matcher = matcher or make_matcher(document_requirements.compile_patterns(scheme), prefer=prefer)
        # Python 3.13 cannot load the released durable-rules: every report says which matcher ran and why,
        # and how to get the patched build (W070).
        self.notes = _fallback_notes() if prefer == "durable" and self.matcher.name != "durable-rules" else []

    def assess(self, evidence: Evidence, *, as_of: date | None = None) -> Assessment:
        result = _assess(self.scheme, self.matcher, evidence, as_of or evidence.case.as_of)
        if self.rule_files:
            result = replace(result, rules_hash=rules_hash(self.rule_files), rules_files=dict(self.rule_files))
        return replace(result, warnings=(*self.notes, *result.warnings)) if self.notes else result


def _fallback_notes() -> list[Problem]:
    from engine.doctor import BUILD_COMMAND

    python = sys.version.split()[0]
    return [Problem.of("W003", detail=f"Python {python}"),
            Problem.of("W070", version=python, command=BUILD_COMMAND)]


def _input_outcome(crit: Criterion, req: InputRequirement, value: InputValue | None) -> Outcome:
    if value is None:
        resolved = Outcome(req.id, "met", ONE, good=1, trace=(f"Giả định đã nhập {req.label}",))
        item = Item(req.id, f"{req.label}: cần giá trị nhập ngoài (inputs.yaml: {crit.id}/{req.id})",
                    tuple(req.owner), None, "missing", resolved)
        return Outcome(req.id, "missing", None, trace=(f"Thiếu — {req.label}: chưa có giá trị nhập ngoài",),
                       items=(item,))
    shown = points(value.value) if req.unit == "points" else f"{points(value.value * HUNDRED)}%"
    note = f"; {value.note}" if value.note else ""
    trace = (f"Nhập ngoài — {req.label}: {shown} (nguồn: {value.source}{note})",)
    if req.unit == "points":
        return Outcome(req.id, "entered", None, value=value.value, trace=trace)
    return Outcome(req.id, "entered", value.value, good=1, trace=trace)


def _requirement_outcomes(scheme: Scheme, matcher: Matcher, evidence: Evidence, as_of: date,
                          warnings: list[Problem]) -> dict[str, dict[str, Outcome]]:
    # Documents dated after the as-of date did not exist yet at that date.
    current, later = [], []
    for doc in evidence.documents:
        if doc.placeholder:
            continue
        (later if doc.effective_date and doc.effective_date > as_of else current).append(doc)
    warnings += [Problem.of("W004", file=d.source, row=d.row, as_of=day(as_of), what=d.cite())
                 for d in later]
    placeholders = [d for d in evidence.documents if d.placeholder]
    matches = document_requirements.match_documents(matcher, current)
    evidence_due = scheme.evidence_deadline.due if scheme.evidence_deadline else None

    # Dossier statuses follow their dates at this as-of date (W030 where the source says otherwise).
    frames = dict(evidence.datasets)
    if "dossiers" in frames:
        frames["dossiers"], derived = dossiers_at(frames["dossiers"], as_of)
        warnings += derived

    out: dict[str, dict[str, Outcome]] = {}
    for crit in scheme.criteria():
        found: dict[str, Outcome] = {}
        for req in crit.requires:
            if isinstance(req, DocumentRequirement):
                found[req.id] = document_requirements.evaluate(crit, req, matches, current, placeholders, as_of,
                                                               evidence_due)
            elif isinstance(req, DeadlineRequirement):
                frame = frames.get(req.dataset)
                source = evidence.case.dataset_path(req.dataset)
                found[req.id], problems = dataset_requirements.evaluate_deadlines(req, frame, as_of, source)
                # its errors (E011) were refused before scoring, by case_problems, as `evidence check` reports them
                warnings += [p for p in problems if p.severity == "warning"]
            elif isinstance(req, RateRequirement):
                found[req.id] = dataset_requirements.evaluate_rate(
                    req, frames.get(req.dataset), as_of, period_end=evidence_due,
                    expected=evidence.case.expected_remaining.get(req.dataset))
            else:
                found[req.id] = _input_outcome(crit, req, evidence.inputs.get((crit.id, req.id)))
        if evidence_due is not None and as_of > evidence_due:
            found = {rid: _settled(o, evidence_due) for rid, o in found.items()}
        out[crit.id] = found
    return out


def _settled(outcome: Outcome, evidence_due: date) -> Outcome:
    """After the evidence deadline the year's evidence is closed: nothing open can still be won."""
    if all(item.lost for item in outcome.items):
        return outcome
    items = tuple(item if item.lost else replace(item, lost=True, lost_on=evidence_due) for item in outcome.items)
    return replace(outcome, items=items)


def _status(crit: Criterion, pts: Decimal, outcomes: Mapping[str, Outcome]) -> str:
    used = [outcomes[r] for r in sorted(used_requirements(crit.score))]
    if used and all(o.state == "entered" for o in used):
        return "entered"
    # points that rest on an empty denominator (if_empty: met) say so in the status, never plain "đạt"
    empty = any(o.empty for o in used)
    if pts == crit.max:
        return "met_empty" if empty else "met"
    states = {o.state for o in used if not o.met}
    if states == {"not_due"}:
        return "not_due"
    if pts > 0:
        return "partial_empty" if empty else "partial"
    for state in ("failed", "missing", "not_due"):
        if state in states:
            return state
    return "failed"


def _implied(crit: Criterion) -> dict[str, tuple[RateRequirement, ...]]:
    """Rates whose every counted case is a failure of another rate of the same dataset (the apology rate
    counts only late dossiers): once the other is met in full, their denominator is empty, and a rule
    that says `if_empty: met` makes them met too ("kéo theo")."""
    rates = [r for r in crit.requires if isinstance(r, RateRequirement) and r.dataset != "indicators"]
    out = {}
    for a in rates:
        follows = tuple(
            b for b in rates
            if b is not a and b.dataset == a.dataset and b.if_empty == "met" and a.threshold >= ONE
            and set(a.denominator) <= set(b.denominator)
            and all(set(b.denominator[k]) <= set(a.denominator[k]) for k in a.denominator)
            and any(k in b.denominator and not set(b.denominator[k]) & set(codes) for k, codes in a.numerator.items()))
        if follows:
            out[a.id] = follows
    return out


def _evaluate_criterion(crit: Criterion, field_id: str, outcomes: dict[str, Outcome]) -> CriterionResult:
    cap = crit.max
    pts = round_points(score(crit.score, cap, outcomes))
    used = used_requirements(crit.score)
    implied = _implied(crit)

    def gain(resolved: dict[str, Outcome]) -> Decimal:
        resolved = dict(resolved)
        for rid, follows in implied.items():
            if rid in resolved and resolved[rid].met and (resolved[rid].ratio or ONE) >= ONE:
                resolved.update({b.id: Outcome(b.id, "met", ONE, b.threshold, good=1) for b in follows
                                 if not outcomes[b.id].met})
        return round_points(score(crit.score, cap, {**outcomes, **resolved})) - pts

    def resolve(pick: Callable[[Item], bool], full: Callable[[Item], bool] = lambda _: False) -> dict[str, Outcome]:
        """Each used requirement with its picked items resolved now, and those `full` marks resolved in full."""
        out = {}
        for rid, outcome in outcomes.items():
            if rid not in used:
                continue
            now = tuple(i for i, item in enumerate(outcome.items) if pick(item) and not full(item))
            whole = tuple(i for i, item in enumerate(outcome.items) if pick(item) and full(item))
            if whole:  # a requirement's items resolved in full and now at once: the full ones, plus the rest now
                out[rid] = outcome.resolve(whole + tuple(i for i in now if not outcome.items[i].lost))
            elif now:
                out[rid] = outcome.resolve_now(now)
        return out

    everything_now = resolve(lambda _: True)
    best_now = gain(everything_now)
    missing = []
    for req in crit.requires:
        outcome = outcomes[req.id]
        if req.id not in used or not outcome.items:
            continue
        req_gain = gain({req.id: outcome.resolve_now(tuple(range(len(outcome.items))))})
        for i, item in enumerate(outcome.items):
            now_gain = gain({req.id: outcome.resolve_now((i,))})
            lost = gain(resolve(lambda _: True, lambda it, this=item: it is this)) - best_now if item.lost \
                else Decimal(0)
            standing = "winnable" if not item.lost else "partial" if now_gain > 0 else "lost"
            follows = tuple(b.label for b in implied.get(req.id, ()) if not outcomes[b.id].met)
            missing.append(MissingItem(crit.id, req.id, item.label, item.owner, item.due, item.state,
                                       now_gain, req_gain, standing, item.lost_on, max(lost, Decimal(0)), follows))
    # What each unit's own items are worth together (items compound, so this is not a sum of gains).
    stake_by_unit, lost_by_unit = {}, {}
    for unit in sorted({u for m in missing for u in m.owner}):
        stake_by_unit[unit] = gain(resolve(lambda it, u=unit: u in it.owner))
        lost_by_unit[unit] = max(gain(resolve(lambda _: True, lambda it, u=unit: u in it.owner)) - best_now,
                                 Decimal(0))
    reachable = pts + best_now
    everything = gain(resolve(lambda _: True, lambda _: True))
    # Every trace line reads "Verdict — what: why"; for requirements only shown, the verdict would
    # mislead (they move no points), so it becomes "Tham khảo".
    trace = [line if req.id in used else f"Tham khảo, không tính điểm — {line.split(' — ', 1)[-1]}"
             for req in crit.requires for line in outcomes[req.id].trace]
    return CriterionResult(
        id=crit.id, title=crit.title, field=field_id, max=cap, points=pts,
        status=_status(crit, pts, outcomes), owners=tuple(crit.owners), trace=tuple(trace),
        missing=tuple(missing), parts=tuple(breakdown(crit.score, cap, outcomes)),
        verified=crit.verified, assumptions=tuple(crit.assumptions()), reachable=max(reachable, pts),
        remedy=crit.remedy, stake_by_unit=stake_by_unit, lost_by_unit=lost_by_unit,
        met=frozenset(rid for rid, o in outcomes.items() if o.met), lost=max(everything - best_now, Decimal(0)),
        evidence=document_requirements.evidence_refs(outcomes, used),
        breakdowns=tuple(b for req in crit.requires for b in outcomes[req.id].breakdowns),
    )


def _classify(scheme: Scheme, index: Decimal) -> str:
    for band in scheme.classification.bands:
        if (band.min is None or index >= band.min) and (band.below is None or index < band.below):
            return band.label
    return "?"


def _assess(scheme: Scheme, matcher: Matcher, evidence: Evidence, as_of: date) -> Assessment:
    problems = case_problems(scheme, evidence)  # the checks `cchc evidence check` reports, no more, no less
    if any(p.severity == "error" for p in problems):
        raise InputError([p for p in problems if p.severity == "error"])
    # what reading the case found (duplicates, fonts…), then what only the scheme tells (W056)
    warnings: list[Problem] = [*evidence.warnings, *problems]
    case = evidence.case
    if case.scheme_version and case.scheme_version != scheme.version:
        warnings.append(Problem.of("W002", file="case.yaml", case_version=case.scheme_version,
                                   scheme_version=scheme.version))
    outcomes = _requirement_outcomes(scheme, matcher, evidence, as_of, warnings)

    results: list[CriterionResult] = []
    for fld in scheme.fields:
        for crit in fld.criteria:
            result = _evaluate_criterion(crit, fld.id, outcomes[crit.id])
            if crit.id in case.not_applicable:
                result = replace(result, points=Decimal(0), status="not_applicable", applicable=False,
                                 missing=(), reachable=Decimal(0), stake_by_unit={}, lost_by_unit={},
                                 lost=Decimal(0), breakdowns=(),
                                 trace=(f"Không áp dụng: {case.not_applicable[crit.id]}",))
            if case.official is not None and crit.id in case.official.criteria:
                result = replace(result, official=case.official.criteria[crit.id])
            results.append(result)

    applicable = [r for r in results if r.applicable]
    total = sum((r.points for r in applicable), Decimal(0))
    maximum = sum((r.max for r in applicable), Decimal(0))
    index = index_percent(total, maximum)
    fields = tuple(
        FieldResult(f.id, f.title, sum((r.points for r in applicable if r.field == f.id), Decimal(0)),
                    sum((r.max for r in applicable if r.field == f.id), Decimal(0)))
        for f in scheme.fields
    )
    appraisal = None if evidence.appraisal is None else mock_appraisal(
        results, evidence.appraisal, evidence.appraisal_file or "", lambda i: _classify(scheme, i))
    last = case.last_official
    comparison = None if last is None else OfficialComparison(
        last.year, last.total, last.classification, total - last.total, last.source)
    this = case.official
    official = None if this is None else OfficialComparison(
        this.year, this.total, this.classification, total - this.total, this.source, this.rank)
    return Assessment(
        case_id=case.id, case_title=case.title, unit_name=case.unit, scheme_id=scheme.id,
        scheme_title=scheme.title, scheme_version=scheme.version, as_of=as_of, total=total, max=maximum,
        index_percent=index, classification=_classify(scheme, index),
        classification_verified=scheme.classification.verified,
        reachable=sum((r.reachable for r in applicable), Decimal(0)), criteria=tuple(results),
        lost=sum((r.lost for r in applicable), Decimal(0)),
        fields=fields, last_official=comparison, units=dict(evidence.units), matcher=matcher.name,
        engine_version=engine_version(), hashes=dict(evidence.hashes),
        warnings=tuple(dict.fromkeys(warnings)),  # a dataset read by two requirements warns once
        assumptions=_scheme_assumptions(scheme), period=case.period, official=official, province=scheme.province,
        year=scheme.year, appraisal=appraisal,
    )


def _scheme_assumptions(scheme: Scheme) -> tuple[str, ...]:
    notes = []
    if not scheme.classification.verified:
        notes.append(f"Xếp loại: {scheme.classification.note}")
    deadline = scheme.evidence_deadline
    if deadline is not None and not deadline.verified:
        notes.append(f"Hạn nộp tài liệu kiểm chứng {day(deadline.due)}: {deadline.note}")
    return tuple(notes)
