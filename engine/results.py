"""What an assessment concludes: designed first, because every score must carry its reasons."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from engine.scoring import PartScore
from evidence.problems import Problem

STATUS = {
    "met": "đạt",
    "met_empty": "đạt (không có trường hợp phải tính)",
    "partial": "đạt một phần",
    "partial_empty": "đạt một phần (có phần không có trường hợp phải tính)",
    "failed": "không đạt",
    "missing": "thiếu tài liệu",
    "not_due": "chưa đến hạn",
    "entered": "nhập ngoài",
    "not_applicable": "không áp dụng",
}
ITEM_STATE = {"missing": "thiếu", "failed": "không đạt", "not_due": "chưa đến hạn"}


@dataclass(frozen=True)
class MissingItem:
    criterion: str
    requirement: str
    label: str
    owner: tuple[str, ...]
    due: date | None
    state: str  # key of ITEM_STATE
    points_at_stake: Decimal  # what the criterion gains if this item alone is resolved
    requirement_points_at_stake: Decimal  # what it gains if the whole requirement is met


@dataclass(frozen=True)
class CriterionResult:
    id: str
    title: str
    field: str
    max: Decimal
    points: Decimal
    status: str  # key of STATUS
    owners: tuple[str, ...]
    trace: tuple[str, ...]
    missing: tuple[MissingItem, ...]
    parts: tuple[PartScore, ...]
    verified: bool
    assumptions: tuple[str, ...]
    reachable: Decimal
    remedy: str
    stake_by_unit: dict[str, Decimal] = field(default_factory=dict)  # joint gain of each unit's items
    met: frozenset[str] = frozenset()  # requirement ids the evidence meets (the rest: not met)
    applicable: bool = True


@dataclass(frozen=True)
class FieldResult:
    id: str
    title: str
    points: Decimal
    max: Decimal


@dataclass(frozen=True)
class OfficialComparison:
    year: int
    total: Decimal
    classification: str | None
    change: Decimal
    source: str


@dataclass(frozen=True)
class Assessment:
    case_id: str
    case_title: str
    unit_name: str
    scheme_id: str
    scheme_title: str
    scheme_version: str
    as_of: date
    total: Decimal
    max: Decimal  # applicable maximum
    index_percent: Decimal
    classification: str
    classification_verified: bool
    reachable: Decimal
    criteria: tuple[CriterionResult, ...]
    fields: tuple[FieldResult, ...]
    last_official: OfficialComparison | None
    units: dict[str, str]
    matcher: str
    engine_version: str
    hashes: dict[str, str]
    warnings: tuple[Problem, ...] = ()
    unit_filter: str | None = None
    assumptions: tuple[str, ...] = ()  # scheme-level assumptions not checked against the source

    def stake_by_unit(self) -> dict[str, Decimal]:
        """Points each unit's open items are worth, criterion by criterion added up."""
        out: dict[str, Decimal] = {}
        for c in self.criteria:
            for unit, stake in c.stake_by_unit.items():
                out[unit] = out.get(unit, Decimal(0)) + stake
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def for_unit(self, unit: str) -> Assessment:
        """Only the criteria a unit owns (or has items in), and only that unit's items.

        Totals stay the department's: a unit's checklist is read against them."""
        kept = []
        for c in self.criteria:
            items = tuple(m for m in c.missing if unit in m.owner)
            if unit in c.owners or items:
                kept.append(replace(c, missing=items))
        return replace(self, criteria=tuple(kept), unit_filter=unit)
