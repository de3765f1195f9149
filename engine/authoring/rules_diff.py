"""What changed between two schemes, and what a case scores under each.

A year's changes are a new scheme version, never an edit in place (CISO Assistant's libraries):
this module says, criterion by criterion, what the new version adds, removes or changes —
maxima, thresholds, requirements, due dates, owners, scoring — in the words of `rules_docs`.
With a case, the case is scored under both schemes by the real Assessor; register rows and
inputs that name criteria one scheme does not have are set aside for that scheme, and said so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Literal

from engine.assess import Assessor
from engine.authoring.rule_words import cell, requirement_words, scoring_lines
from engine.locations import find_case
from engine.scheme import Criterion, DocumentRequirement, Requirement, Scheme
from engine.scheme_loader import load_scheme
from evidence.case import Evidence, load_case
from evidence.formatting import day, percent, points
from evidence.problems import Problem

Kind = Literal["added", "removed", "changed"]
MARK = {"added": "+", "removed": "−", "changed": "~"}


@dataclass(frozen=True)
class Change:
    criterion: str | None  # None: the scheme itself
    subject: str
    old: str | None
    new: str | None
    kind: Kind = "changed"


@dataclass(frozen=True)
class CaseRow:
    criterion: str
    title: str
    old: tuple[Decimal, Decimal] | None  # (points, max) under the old scheme; None: no such criterion
    new: tuple[Decimal, Decimal] | None


@dataclass
class CaseScores:
    case_id: str
    as_of: str
    old_total: tuple[Decimal, Decimal, str]  # points, applicable max, classification
    new_total: tuple[Decimal, Decimal, str]
    rows: list[CaseRow]
    notes: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class SchemeDiff:
    old: Scheme
    new: Scheme
    changes: list[Change]
    case: CaseScores | None = None

    def for_criterion(self, criterion_id: str | None) -> list[Change]:
        return [c for c in self.changes if c.criterion == criterion_id]


# ---- comparing ------------------------------------------------------------------------------------

def _bands(scheme: Scheme) -> str:
    return "; ".join(f"{b.label} {'' if b.min is None else '≥ ' + points(b.min)}"
                     f"{'' if b.below is None else ' < ' + points(b.below)}".strip()
                     for b in scheme.classification.bands)


def diff_schemes(old: Scheme, new: Scheme, *, old_units: dict[str, str] | None = None,
                 new_units: dict[str, str] | None = None) -> SchemeDiff:
    changes: list[Change] = []

    def scheme_change(subject: str, a: object, b: object) -> None:
        if a != b:
            changes.append(Change(None, subject, None if a is None else str(a), None if b is None else str(b)))

    scheme_change("mã bộ tiêu chí", old.id, new.id)
    scheme_change("phiên bản", old.version, new.version)
    scheme_change("quyết định", old.decision, new.decision)
    scheme_change("năm đánh giá", old.year, new.year)
    scheme_change("tổng điểm tối đa", points(old.total_max), points(new.total_max))
    scheme_change("hạn nộp tài liệu kiểm chứng",
                  day(old.evidence_deadline.due) if old.evidence_deadline else None,
                  day(new.evidence_deadline.due) if new.evidence_deadline else None)
    scheme_change("xếp loại", _bands(old), _bands(new))
    scheme_change("đã đối chiếu văn bản gốc", _yes(old.source.verified), _yes(new.source.verified))
    if old_units is not None and new_units is not None:
        for unit in sorted(set(old_units) - set(new_units)):
            changes.append(Change(None, f"đơn vị `{unit}`", old_units[unit], None, "removed"))
        for unit in sorted(set(new_units) - set(old_units)):
            changes.append(Change(None, f"đơn vị `{unit}`", None, new_units[unit], "added"))

    old_crits = {c.id: c for c in old.criteria()}
    new_crits = {c.id: c for c in new.criteria()}
    for cid, c in old_crits.items():
        if cid not in new_crits:
            changes.append(Change(cid, c.title, f"{points(c.max)} điểm", None, "removed"))
    for cid, c in new_crits.items():
        if cid not in old_crits:
            changes.append(Change(cid, c.title, None, f"{points(c.max)} điểm", "added"))
        else:
            changes += _criterion_changes(old, new, old_crits[cid], c)
    return SchemeDiff(old, new, changes)


def _yes(flag: bool) -> str:
    return "có" if flag else "chưa"


def _criterion_changes(old: Scheme, new: Scheme, a: Criterion, b: Criterion) -> list[Change]:
    out: list[Change] = []

    def change(subject: str, x: object, y: object) -> None:
        if x != y:
            out.append(Change(b.id, subject, str(x), str(y)))

    change("tên", a.title, b.title)
    change("lĩnh vực", old.field_of(a.id).id, new.field_of(b.id).id)
    change("điểm tối đa", points(a.max), points(b.max))
    change("đơn vị phụ trách", ", ".join(a.owners), ", ".join(b.owners))
    change("đã đối chiếu văn bản gốc", _yes(a.verified), _yes(b.verified))
    change("cách chấm", " ".join(scoring_lines(a.score, a.max)), " ".join(scoring_lines(b.score, b.max)))
    old_reqs = {r.id: r for r in a.requires}
    new_reqs = {r.id: r for r in b.requires}
    for rid, r in old_reqs.items():
        if rid not in new_reqs:
            out.append(Change(b.id, f"yêu cầu `{rid}`", r.label, None, "removed"))
    for rid, r in new_reqs.items():
        if rid not in old_reqs:
            out.append(Change(b.id, f"yêu cầu `{rid}`", None, f"{r.label}: {requirement_words(b, r)}", "added"))
            continue
        for subject, x, y in _requirement_fields(old_reqs[rid], r):
            if x != y:
                out.append(Change(b.id, f"yêu cầu `{rid}`: {subject}", x, y))
    return out


def _requirement_fields(a: Requirement, b: Requirement) -> list[tuple[str, str, str]]:
    """(what, old, new) for every property a rule author sets, each in words."""

    def get(req: Requirement, name: str) -> str:
        value = getattr(req, name, None)
        if value is None or value == {} or value == []:
            return "—"
        if name == "due":
            return day(value)
        if name == "threshold":
            return percent(value)
        if isinstance(value, list):
            return ", ".join(value)
        if isinstance(value, dict):
            return "; ".join(f"{k}: {', '.join(v)}" for k, v in value.items())
        return str(value)

    rows = [("loại", a.type, b.type), ("nội dung", a.label, b.label), ("phụ trách", get(a, "owner"), get(b, "owner"))]
    for name, word in (("due", "hạn"), ("threshold", "ngưỡng"), ("dataset", "bộ dữ liệu"), ("where", "lọc"),
                       ("numerator", "tử số"), ("denominator", "mẫu số"), ("indicator", "chỉ số"),
                       ("unit", "đơn vị giá trị"), ("if_empty", "khi không có trường hợp nào"), ("basis", "căn cứ")):
        rows.append((word, get(a, name), get(b, name)))
    if isinstance(a, DocumentRequirement) or isinstance(b, DocumentRequirement):
        for name, word in (("kind", "loại văn bản"), ("tags", "nhãn"), ("issuer", "cơ quan ban hành"),
                           ("period", "kỳ")):
            x = getattr(a.match, name) if isinstance(a, DocumentRequirement) else None
            y = getattr(b.match, name) if isinstance(b, DocumentRequirement) else None
            rows.append((word, ", ".join(x) if isinstance(x, list) else str(x or "—"),
                         ", ".join(y) if isinstance(y, list) else str(y or "—")))
    return rows


# ---- a case under both schemes --------------------------------------------------------------------

def _fit(scheme: Scheme, evidence: Evidence) -> tuple[Evidence, list[str]]:
    """The case's evidence without links to criteria or requirements this scheme does not have."""
    notes: list[str] = []
    documents = []
    for doc in evidence.documents:
        crit = scheme.criterion(doc.criterion or "") if doc.criterion else None
        if doc.criterion and (crit is None or (doc.requirement and crit.requirement(doc.requirement) is None)):
            notes.append(f"{scheme.id}: dòng {doc.row} của sổ đăng ký khai cho {doc.criterion}/{doc.requirement or ''}"
                         f" — bộ này không có, tài liệu vẫn được xét theo điều kiện của từng yêu cầu")
            doc = replace(doc, criterion=None, requirement=None)
        documents.append(doc)
    inputs = {}
    for (cid, rid), value in evidence.inputs.items():
        crit = scheme.criterion(cid)
        if crit is None or crit.requirement(rid) is None:
            notes.append(f"{scheme.id}: giá trị nhập ngoài {cid}/{rid} không dùng — bộ này không có yêu cầu đó")
            continue
        inputs[(cid, rid)] = value
    case = evidence.case
    ids = {c.id for c in scheme.criteria()}
    dropped = {k: v for k, v in case.not_applicable.items() if k not in ids}
    if dropped:
        case = case.model_copy(update={"not_applicable": {k: v for k, v in case.not_applicable.items() if k in ids}})
        notes += [f"{scheme.id}: tiêu chí không áp dụng {k} — bộ này không có" for k in dropped]
    return replace(evidence, documents=documents, inputs=inputs, case=case), notes


def score_case(old_folder: Path, new_folder: Path, case: str) -> tuple[Scheme, Scheme, CaseScores]:
    evidence = load_case(find_case(case))
    units = set(evidence.units)
    schemes = (load_scheme(old_folder, units=units), load_scheme(new_folder, units=units))
    results, notes, warnings = [], [], []
    for scheme in schemes:
        fitted, why = _fit(scheme, evidence)
        notes += why
        result = Assessor(scheme).assess(fitted)
        results.append(result)
        warnings += [w for w in result.warnings if w.code == "W002"]
    old_r, new_r = results
    by_old = {c.id: c for c in old_r.criteria}
    by_new = {c.id: c for c in new_r.criteria}
    order = [c.id for c in new_r.criteria] + [c.id for c in old_r.criteria if c.id not in by_new]
    rows = []
    for cid in order:
        a, b = by_old.get(cid), by_new.get(cid)
        title = (b or a).title  # type: ignore[union-attr]
        rows.append(CaseRow(cid, title, (a.points, a.max) if a and a.applicable else None,
                            (b.points, b.max) if b and b.applicable else None))
    scores = CaseScores(evidence.case.id, day(old_r.as_of), (old_r.total, old_r.max, old_r.classification),
                        (new_r.total, new_r.max, new_r.classification), rows, notes, warnings)
    return schemes[0], schemes[1], scores


def diff_folders(old_folder: Path, new_folder: Path, *, case: str | None = None) -> SchemeDiff:
    from engine.authoring.criterion_cases import scheme_units

    if case is None:
        old, new = load_scheme(old_folder), load_scheme(new_folder)
        scores = None
    else:
        old, new, scores = score_case(old_folder, new_folder, case)
    result = diff_schemes(old, new, old_units=scheme_units(old_folder, old), new_units=scheme_units(new_folder, new))
    result.case = scores
    return result


# ---- rendering ------------------------------------------------------------------------------------

def _title(d: SchemeDiff) -> str:
    return (f"So sánh bộ tiêu chí {d.old.id} (phiên bản {d.old.version}) → {d.new.id} "
            f"(phiên bản {d.new.version})")


def _change_words(c: Change) -> str:
    if c.kind == "added":
        return f"{c.subject}: thêm — {c.new}"
    if c.kind == "removed":
        return f"{c.subject}: bỏ — {c.old}"
    return f"{c.subject}: {c.old} → {c.new}"


def _unchanged(d: SchemeDiff) -> list[str]:
    touched = {c.criterion for c in d.changes}
    return [c.id for c in d.new.criteria() if c.id not in touched]


def render_text(d: SchemeDiff) -> str:
    out = [_title(d)]
    head = d.for_criterion(None)
    if head:
        out.append("Bộ tiêu chí:")
        out += [f"  {MARK[c.kind]} {_change_words(c)}" for c in head]
    added = [c for c in d.changes if c.criterion and c.kind == "added" and not c.subject.startswith("yêu cầu")]
    removed = [c for c in d.changes if c.criterion and c.kind == "removed" and not c.subject.startswith("yêu cầu")]
    out.append("Tiêu chí thêm: " + ("không có" if not added else ""))
    out += [f"  + {c.criterion} {c.subject} ({c.new})" for c in added]
    out.append("Tiêu chí bỏ: " + ("không có" if not removed else ""))
    out += [f"  − {c.criterion} {c.subject} ({c.old})" for c in removed]
    out.append("Tiêu chí thay đổi:")
    gone = {c.criterion for c in added + removed}
    for crit in d.new.criteria():
        mine = [c for c in d.for_criterion(crit.id) if crit.id not in gone]
        if mine:
            out.append(f"  {crit.id} {crit.title}")
            out += [f"    {MARK[c.kind]} {_change_words(c)}" for c in mine]
    out.append("Không đổi: " + (", ".join(_unchanged(d)) or "không có"))
    if d.case:
        out += _case_text(d)
    return "\n".join(out) + "\n"


def _case_text(d: SchemeDiff) -> list[str]:
    s = d.case
    assert s is not None
    out = [f"Điểm hồ sơ {s.case_id} (mốc {s.as_of}) theo từng bộ:"]
    out.append(f"  {'TC':<6} {d.old.id:>18} {d.new.id:>18}   chênh")
    for r in s.rows:
        a = "—" if r.old is None else f"{points(r.old[0])}/{points(r.old[1])}"
        b = "—" if r.new is None else f"{points(r.new[0])}/{points(r.new[1])}"
        delta = "" if r.old is None or r.new is None or r.old[0] == r.new[0] else f"{_signed(r.new[0] - r.old[0])}"
        out.append(f"  {r.criterion:<6} {a:>18} {b:>18}   {delta}")
    (ot, om, oc), (nt, nm, nc) = s.old_total, s.new_total
    out.append(f"  Tổng   {points(ot)}/{points(om)} ({oc}) → {points(nt)}/{points(nm)} ({nc}), "
               f"chênh {_signed(nt - ot)}")
    out += [f"  Ghi chú: {n}" for n in s.notes]
    out += [f"  Cảnh báo: {w}" for w in s.warnings]
    return out


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + points(value)


def render_markdown(d: SchemeDiff) -> str:
    out = [f"# {_title(d)}", ""]
    out += ["| | Bộ cũ | Bộ mới |", "|---|---|---|",
            f"| Mã | `{d.old.id}` | `{d.new.id}` |",
            f"| Phiên bản | {cell(d.old.version)} | {cell(d.new.version)} |",
            f"| Quyết định | {cell(d.old.decision or '—')} | {cell(d.new.decision or '—')} |",
            f"| Năm | {d.old.year} | {d.new.year} |",
            f"| Số tiêu chí | {len(d.old.criteria())} | {len(d.new.criteria())} |",
            f"| Tổng điểm tối đa | {points(d.old.total_max)} | {points(d.new.total_max)} |"]
    others = [c for c in d.for_criterion(None)
              if c.subject not in ("mã bộ tiêu chí", "phiên bản", "quyết định", "năm đánh giá", "tổng điểm tối đa")]
    if others:
        out += ["", "Thay đổi khác của bộ tiêu chí:", ""]
        out += [f"- {cell(_change_words(c))}" for c in others]
    added = [c for c in d.changes if c.criterion and c.kind == "added" and not c.subject.startswith("yêu cầu")]
    removed = [c for c in d.changes if c.criterion and c.kind == "removed" and not c.subject.startswith("yêu cầu")]
    out += ["", "## Tiêu chí thêm", ""]
    out += [f"- **{c.criterion}** {cell(c.subject)} ({c.new})" for c in added] or ["Không có."]
    out += ["", "## Tiêu chí bỏ", ""]
    out += [f"- **{c.criterion}** {cell(c.subject)} ({c.old})" for c in removed] or ["Không có."]
    out += ["", "## Tiêu chí thay đổi", "", "| Tiêu chí | Nội dung thay đổi | Bộ cũ | Bộ mới |", "|---|---|---|---|"]
    gone = {c.criterion for c in added + removed}
    for crit in d.new.criteria():
        if crit.id in gone:
            continue
        for c in d.for_criterion(crit.id):
            old = "—" if c.old is None else cell(c.old)
            new = "—" if c.new is None else cell(c.new)
            word = {"added": " (thêm)", "removed": " (bỏ)", "changed": ""}[c.kind]
            out.append(f"| {crit.id} | {cell(c.subject)}{word} | {old} | {new} |")
    out += ["", "Không đổi: " + (", ".join(_unchanged(d)) or "không có") + "."]
    if d.case:
        s = d.case
        out += ["", f"## Điểm hồ sơ `{s.case_id}` (mốc {s.as_of}) theo từng bộ", "",
                f"| Tiêu chí | {d.old.id} | {d.new.id} | Chênh |", "|---|---:|---:|---:|"]
        for r in s.rows:
            a = "—" if r.old is None else f"{points(r.old[0])} / {points(r.old[1])}"
            b = "—" if r.new is None else f"{points(r.new[0])} / {points(r.new[1])}"
            delta = "" if r.old is None or r.new is None else _signed(r.new[0] - r.old[0])
            out.append(f"| {r.criterion} | {a} | {b} | {delta} |")
        (ot, om, oc), (nt, nm, nc) = s.old_total, s.new_total
        out.append(f"| **Tổng** | {points(ot)} / {points(om)} ({oc}) | {points(nt)} / {points(nm)} ({nc}) | "
                   f"{_signed(nt - ot)} |")
        out += [""] + [f"- {cell(n)}" for n in s.notes] + [f"- Cảnh báo: {cell(str(w))}" for w in s.warnings]
    return "\n".join(out).rstrip("\n") + "\n"
