"""The assessment as JSON: numbers as numbers, dates as YYYY-MM-DD, due may be null."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from engine.rate_breakdown import Breakdown
from engine.results import ITEM_STATE, STANDING, STATUS, Assessment, CriterionResult, MockAppraisal
from engine.scoring import round_points


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _breakdown(b: Breakdown) -> dict[str, Any]:
    """A rate split by unit or procedure, worst first; the groups add up to the overall figure."""
    return {
        "requirement": b.requirement,
        "label": b.label,
        "by": b.by,
        "threshold_percent": _num(round_points(b.threshold * 100)),
        "numerator": sum(g.numerator for g in b.groups),
        "denominator": sum(g.denominator for g in b.groups),
        "groups": [{"key": g.key or None, "numerator": g.numerator, "denominator": g.denominator,
                    "rate_percent": _num(round_points(g.ratio * 100)), "below_threshold": g.ratio < b.threshold}
                   for g in b.groups],
    }


def _criterion(c: CriterionResult) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "field": c.field,
        "max": _num(c.max),
        "points": _num(c.points),
        "status": STATUS[c.status],
        "owners": list(c.owners),
        "trace": list(c.trace),
        "missing": [
            {
                "requirement": m.requirement,
                "label": m.label,
                "owner": list(m.owner),
                "due": _day(m.due),
                "state": ITEM_STATE[m.state],
                "points_at_stake": _num(m.points_at_stake),
                "requirement_points_at_stake": _num(m.requirement_points_at_stake),
                "standing": STANDING[m.standing],
                "standing_code": m.standing,
                "lost_on": _day(m.lost_on),
                "points_lost": _num(m.points_lost),
                "implies": list(m.implies),
            }
            for m in c.missing
        ],
        "parts": [{"id": p.id, "label": p.label, "points": _num(p.points), "max": _num(p.max),
                   "method": p.method} for p in c.parts],
        "reachable": _num(c.reachable),
        "lost": _num(c.lost),
        "verified": c.verified,
        "assumptions": list(c.assumptions),
        "applicable": c.applicable,
        "requirements_met": sorted(c.met),
        "evidence": [
            {"requirement": e.requirement, "reference": e.reference, "issued": _day(e.issued), "sent": _day(e.sent),
             "kind": e.kind, "subject": e.subject, "file": e.file, "source": e.source, "row": e.row}
            for e in c.evidence
        ],
        # the council's points (official.criteria in case.yaml) and self-score minus them; null when not recorded
        "official": None if c.official is None else _num(c.official),
        "difference": None if c.difference is None else _num(c.difference),
        "breakdowns": [_breakdown(b) for b in c.breakdowns],  # key null: rows that name no unit / procedure
    }


def _calibration(a: Assessment) -> dict[str, Any] | None:
    """Self-score against the official appraisal over the criteria it records; null when none is recorded."""
    rows = a.calibrated()
    if not rows:
        return None
    official = a.official
    return {
        "source": None if official is None else official.source,
        "year": None if official is None else official.year,
        "criteria": len(rows),
        "self_points": _num(sum((c.points for c in rows), Decimal(0))),
        "official_points": _num(sum((c.official for c in rows if c.official is not None), Decimal(0))),
        "difference": _num(a.calibration_difference()),  # above zero: the self-assessment was optimistic
        "differing": [c.id for c in rows if c.difference],
    }


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def appraisal_block(m: MockAppraisal) -> dict[str, Any]:
    """TCCB's mock appraisal: the appraised total and class, and per overridden criterion the self-score beside
    the override (`difference`: self-score minus override, as the calibration's)."""
    return {
        "file": m.file,
        "total": _num(m.total),
        "max": _num(m.max),
        "index_percent": _num(m.index_percent),
        "classification": m.classification,
        "change": _num(m.change),  # appraised total minus the self-assessed total
        "criteria": [{"id": c.id, "title": c.title, "max": _num(c.max), "self_points": _num(c.self_points),
                      "points": _num(c.points), "difference": _num(c.difference), "note": c.note, "by": c.by,
                      "at": _moment(c.at), "counted": c.counted} for c in m.criteria],
    }


def to_dict(a: Assessment) -> dict[str, Any]:
    last = a.last_official
    return {
        "case": a.case_id,
        "scheme": a.scheme_id,
        "scheme_version": a.scheme_version,
        "as_of": _day(a.as_of),
        "unit": a.unit_filter,
        "total": _num(a.total),
        "max": _num(a.max),
        "index_percent": _num(a.index_percent),
        "classification": a.classification,
        "classification_verified": a.classification_verified,
        "assumptions": list(a.assumptions),
        "reachable": _num(a.reachable),
        "winnable": _num(a.winnable),
        "lost": _num(a.lost),
        "last_official": None if last is None else {
            "year": last.year, "total": _num(last.total), "classification": last.classification,
            "change": _num(last.change), "source": last.source,
        },
        "official": None if a.official is None else {
            "year": a.official.year, "total": _num(a.official.total), "classification": a.official.classification,
            "rank": a.official.rank, "difference": _num(a.official.change), "source": a.official.source,
        },
        "calibration": _calibration(a),
        # only with tham-dinh-thu.yaml: a case without it gives the same bytes as before
        **({} if a.appraisal is None else {"appraisal": appraisal_block(a.appraisal)}),
        "fields": [{"id": f.id, "title": f.title, "points": _num(f.points), "max": _num(f.max)}
                   for f in a.fields],
        "criteria": [_criterion(c) for c in a.criteria],
        "points_at_stake_by_unit": {u: _num(v) for u, v in a.stake_by_unit().items()},  # still winnable
        "points_lost_by_unit": {u: _num(v) for u, v in a.lost_by_unit().items()},
        "warnings": [str(w) for w in a.warnings],
        "provenance": {"engine_version": a.engine_version, "matcher": a.matcher, "files_sha256": a.hashes},
        "manifest": manifest(a),
    }


def manifest(a: Assessment) -> dict[str, Any]:
    """What produced the result (engine/manifest.py): enough for `cchc verify` to run it again and compare."""
    engine = {} if a.dataset_engine == "pandas" else {"engine": a.dataset_engine}  # the default is not written
    return {
        "cchc_version": a.engine_version,
        **engine,
        "case": a.case_id,
        "scheme": {"id": a.scheme_id, "version": a.scheme_version, "rules_sha256": a.rules_hash,
                   "rule_files_sha256": dict(sorted(a.rules_files.items()))},
        "as_of": _day(a.as_of),
        "unit": a.unit_filter,
        "matcher": a.matcher,
        "evidence_sha256": dict(sorted(a.hashes.items())),
    }


def scenario_block(current: Assessment, projected: Assessment, name: str | None) -> dict[str, Any]:
    """The projection of a scenario (engine/scenario.py) beside the current result, criterion by criterion."""
    now = {c.id: c for c in current.criteria}
    return {
        "file": name,
        "as_of": _day(projected.as_of),
        "total": _num(projected.total),
        "max": _num(projected.max),
        "index_percent": _num(projected.index_percent),
        "classification": projected.classification,
        "reachable": _num(projected.reachable),
        "change": _num(projected.total - current.total),
        "criteria": [{"id": c.id, "points": _num(now[c.id].points) if c.id in now else None,
                      "projected": _num(c.points), "change": _num(c.points - now[c.id].points) if c.id in now else None,
                      "status": STATUS[c.status]} for c in projected.criteria],
        "evidence_sha256": dict(sorted(projected.hashes.items())),
        "warnings": [str(w) for w in projected.warnings if w not in current.warnings],  # what the plan adds
    }


def render(a: Assessment, *, scenario: Assessment | None = None, scenario_name: str | None = None) -> str:
    out = to_dict(a)
    if scenario is not None:
        out["scenario"] = scenario_block(a, scenario, scenario_name)
    return json.dumps(out, ensure_ascii=False, indent=2)
