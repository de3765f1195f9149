"""Document requirements: compile them to patterns, match register facts, read the matches.

Two patterns per requirement: `#match` (kind, tags, issuer, period) and `#link`
(rows that name the criterion and requirement they answer). A linked row that
fails the match conditions is evidence of failure ("not the document required"),
not an absence. Timeliness is judged after matching, from the row's dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from engine.matching import Matcher, MatchResult, Pattern, Test
from engine.outcomes import ONE, ZERO, Item, Outcome, fully_met
from engine.results import EvidenceRef
from engine.scheme import Criterion, DocumentRequirement, Scheme
from evidence.formatting import day
from evidence.references import describe_document
from evidence.register import Document


def rule_ids(criterion_id: str, requirement_id: str) -> tuple[str, str]:
    key = f"{criterion_id}/{requirement_id}"
    return f"{key}#match", f"{key}#link"


def compile_patterns(scheme: Scheme) -> list[Pattern]:
    patterns = []
    for crit in scheme.criteria():
        for req in crit.requires:
            if not isinstance(req, DocumentRequirement):
                continue
            m = req.match
            tests: list[Test] = []
            if m.kind:
                tests.append(Test("kind", "eq", m.kind))
            tests += [Test("tags", "has", tag) for tag in m.tags]
            if m.issuer:
                tests.append(Test("issuer", "eq", m.issuer))
            if m.period:
                tests.append(Test("period", "eq", m.period))
            match_id, link_id = rule_ids(crit.id, req.id)
            patterns.append(Pattern(match_id, (tuple(tests),)))
            patterns.append(Pattern(link_id, ((Test("criterion", "eq", crit.id),
                                               Test("requirement", "eq", req.id)),)))
    return patterns


def to_fact(doc: Document) -> dict[str, object]:
    fact = {
        "kind": doc.kind,
        "tags": doc.tags,
        "issuer": doc.reference.issuer if doc.reference else None,
        "period": doc.period,
        "criterion": doc.criterion,
        "requirement": doc.requirement,
    }
    return {k: v for k, v in fact.items() if v is not None}


def match_documents(matcher: Matcher, documents: Sequence[Document]) -> MatchResult:
    return matcher.match([to_fact(d) for d in documents])


def _wanted(req: DocumentRequirement) -> str:
    m = req.match
    return describe_document(m.kind, m.tags, m.issuer, m.period)


def _mismatch(req: DocumentRequirement, doc: Document) -> str:
    m = req.match
    issues = []
    if m.kind and doc.kind != m.kind:
        issues.append(f"loại {doc.kind or '?'} (cần {m.kind})")
    missing_tags = [t for t in m.tags if t not in doc.tags]
    if missing_tags:
        issues.append(f"thiếu nhãn {', '.join(missing_tags)}")
    issuer = doc.reference.issuer if doc.reference else None
    if m.issuer and issuer != m.issuer:
        issues.append(f"cơ quan ban hành {issuer or '?'} (cần {m.issuer})")
    if m.period and doc.period != m.period:
        issues.append(f"kỳ {doc.period or '?'} (cần {m.period})")
    return "; ".join(issues)


def _lost_on(req: DocumentRequirement, state: str, late: bool, as_of: date, evidence_due: date | None) -> date | None:
    """When a document not counted stopped being winnable: a late document cannot be made on time (lost at its
    due date); a missing or wrong one is lost once its own deadline, or else the evidence deadline, has passed
    (a document arriving later scores nothing). None: it can still be won."""
    if state == "not_due":
        return None
    if late:
        return req.due
    deadline = req.due or evidence_due
    return deadline if deadline is not None and as_of > deadline else None


def evaluate(crit: Criterion, req: DocumentRequirement, result: MatchResult,
             documents: Sequence[Document], placeholders: Sequence[Document], as_of: date,
             evidence_due: date | None = None) -> Outcome:
    """`evidence_due`: the scheme's deadline for evidence, for requirements without a due date of
    their own; before it, a document not yet in is "not yet due" rather than missing."""
    match_id, link_id = rule_ids(crit.id, req.id)
    matched = [documents[i] for i in result.matched.get(match_id, ())]
    linked = [documents[i] for i in result.matched.get(link_id, ()) if documents[i] not in matched]
    owner = tuple(req.owner)
    trace: list[str] = []

    on_time = [d for d in matched if req.due is None or d.effective_date is None or d.effective_date <= req.due]
    if on_time:
        best = min(on_time, key=lambda d: (d.effective_date or date.max, d.row))
        when = "" if best.effective_date else " (không rõ ngày, chưa kiểm được hạn)"
        sent = f", gửi {day(best.sent)}" if best.sent else ""
        due = f", hạn {day(req.due)}" if req.due else ""
        trace.append(f"Đạt — {req.label}: {best.cite()}{sent}{due} — «{best.subject}» ({best.place()}){when}")
        return Outcome(req.id, "met", ONE, good=1, trace=tuple(trace), evidence=(best,))

    label = req.label
    if matched:
        late = min(matched, key=lambda d: d.effective_date or date.max)
        trace.append(f"Không đạt — {label}: {late.cite()} gửi/ban hành {day(late.effective_date)}, "
                     f"sau hạn {day(req.due)} ({late.place()})")
        state = "failed"
    elif linked:
        doc = linked[0]
        trace.append(f"Không đạt — {label}: tài liệu được khai cho yêu cầu này không đúng yêu cầu: "
                     f"{doc.cite()} «{doc.subject}» — {_mismatch(req, doc)} ({doc.place()})")
        state = "failed"
    else:
        noted = [p for p in placeholders if p.criterion == crit.id and p.requirement == req.id]
        why = f"; sổ đăng ký ghi chưa có ({noted[0].place()}{': ' + noted[0].note if noted[0].note else ''})" \
            if noted else ""
        due = req.due or evidence_due
        not_due = due is not None and as_of <= due
        if not_due:
            which = "hạn" if req.due else "hạn nộp tài liệu kiểm chứng"
            trace.append(f"Chưa đến hạn — {label}: chưa có, {which} {day(due)}{why}")
            state = "not_due"
        else:
            trace.append(f"Thiếu — {label}: không có tài liệu nào khớp ({_wanted(req)}){why}")
            state = "missing"
    outcome = Outcome(req.id, state, ZERO, bad=1, trace=tuple(trace))
    resolved = fully_met(outcome, f"Đạt — {label} (giả định đã có)")
    lost_on = _lost_on(req, state, bool(matched), as_of, evidence_due)
    item = Item(req.id, label, owner, req.due or (evidence_due if state == "not_due" else None), state, resolved,
                lost=lost_on is not None, lost_on=lost_on)
    return Outcome(req.id, state, ZERO, bad=1, trace=tuple(trace), items=(item,))


def evidence_refs(outcomes: dict[str, Outcome], used: set[str] | frozenset[str]) -> tuple[EvidenceRef, ...]:
    """The register rows a criterion's score rests on: those that met its document requirements that count
    (requirements only shown for reference move no points, so a form would not cite them)."""
    return tuple(
        EvidenceRef(requirement=rid, reference=doc.reference.raw if doc.reference else "", issued=doc.issued,
                    sent=doc.sent, kind=doc.kind, subject=doc.subject, file=doc.file, source=doc.source, row=doc.row)
        for rid, outcome in outcomes.items() if rid in used and outcome.met
        for doc in outcome.evidence
    )
