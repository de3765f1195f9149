"""TCCB's mock appraisal ("thẩm định thử") scored: the department's total with TCCB's points where it
overrode a criterion (tham-dinh-thu.yaml, evidence/mock_appraisal.py) and the self-scores elsewhere.

The same arithmetic as the self-assessed total: criterion points (already 2 decimals) added up over the
applicable criteria, the index over the same applicable maximum, the class from the scheme's bands. So for
any applicable criterion c overridden with p, the appraised total is the self-assessed total + (p − self(c)),
exactly: no rounding stands between them (tests/test_mock_appraisal.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from engine.results import AppraisedCriterion, CriterionResult, MockAppraisal
from engine.scoring import index_percent
from evidence.mock_appraisal import Override


def mock_appraisal(results: Iterable[CriterionResult], overrides: dict[str, Override], file: str,
                   classify: Callable[[Decimal], str]) -> MockAppraisal:
    """`results`: every criterion as the engine scored it (not-applicable ones flagged); `overrides`: checked
    against the scheme already (engine/case_checks.py), so each names a criterion and fits its maximum."""
    results = tuple(results)
    applicable = [r for r in results if r.applicable]
    self_total = sum((r.points for r in applicable), Decimal(0))
    total = sum((overrides[r.id].points if r.id in overrides else r.points for r in applicable), Decimal(0))
    maximum = sum((r.max for r in applicable), Decimal(0))
    index = index_percent(total, maximum)
    criteria = tuple(
        AppraisedCriterion(r.id, r.title, r.max, r.points, o.points, o.note, o.by, o.at, counted=r.applicable)
        for r in results if (o := overrides.get(r.id)) is not None)
    return MockAppraisal(file, criteria, total, maximum, index, classify(index), self_total)
