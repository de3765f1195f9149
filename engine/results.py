"""What an assessment concludes: designed first, because every score must carry its reasons."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from engine.rate_breakdown import Breakdown
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
STANDING = {"winnable": "còn lấy được", "partial": "chỉ lấy được một phần", "lost": "đã mất"}


@dataclass(frozen=True)
class MissingItem:
    criterion: str
    requirement: str
    label: str
    owner: tuple[str, ...]
    due: date | None
    state: str  # key of ITEM_STATE
    points_at_stake: Decimal  # what the criterion can still gain if this item alone is resolved now
    requirement_points_at_stake: Decimal  # what it can still gain if the whole requirement is resolved now
    standing: str = "winnable"  # key of STANDING, at the as-of date
    lost_on: date | None = None  # when its points (or part of them) were lost; None: not lost, or no date known
    points_lost: Decimal = Decimal(0)  # what no action now can win back (the lesson for next year)
    implies: tuple[str, ...] = ()  # requirements met as a consequence when this one is met ("kéo theo")


@dataclass(frozen=True)
class EvidenceRef:
    """A register row that satisfied a requirement: what a self-scoring form cites for the criterion."""

    requirement: str
    reference: str  # số, ký hiệu as written (empty when the row has none)
    issued: date | None
    sent: date | None
    kind: str | None
    subject: str  # trích yếu
    file: str | None  # the `Tệp` column, relative to the case folder
    source: str  # the register file, relative to the case folder
    row: int


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
    reachable: Decimal  # points if every item still winnable is resolved now
    remedy: str
    stake_by_unit: dict[str, Decimal] = field(default_factory=dict)  # joint gain still winnable, by unit
    lost_by_unit: dict[str, Decimal] = field(default_factory=dict)  # joint gain no longer winnable, by unit
    met: frozenset[str] = frozenset()  # requirement ids the evidence meets (the rest: not met)
    applicable: bool = True
    lost: Decimal = Decimal(0)  # what resolving every item in full would add beyond `reachable`
    evidence: tuple[EvidenceRef, ...] = ()  # the register rows that met its document requirements
    official: Decimal | None = None  # the council's points for it, where case.yaml records them
    breakdowns: tuple[Breakdown, ...] = ()  # its counted rates by unit / procedure, worst first

    def below_threshold(self, unit: str) -> bool:
        """Whether the unit's own share of one of its rates is below that rate's threshold."""
        return any(b.by == "unit" and (g := b.of(unit)) is not None and g.ratio < b.threshold
                   for b in self.breakdowns)

    @property
    def difference(self) -> Decimal | None:
        """Self-score minus the council's points: above zero, the self-assessment was optimistic."""
        return None if self.official is None else self.points - self.official


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
    rank: str | None = None


@dataclass(frozen=True)
class AppraisedCriterion:
    """One criterion TCCB overrode in its mock appraisal (tham-dinh-thu.yaml): its self-score beside the override."""

    id: str
    title: str
    max: Decimal
    self_points: Decimal  # what the engine scored from the evidence
    points: Decimal  # what TCCB, acting as the council, would give
    note: str  # why (mandatory)
    by: str | None
    at: datetime | None
    counted: bool = True  # False: the criterion is not applicable to the case, so the override moves nothing

    @property
    def difference(self) -> Decimal:
        """Self-score minus the override, as the calibration reads it: above zero, the self-score was optimistic."""
        return self.self_points - self.points


@dataclass(frozen=True)
class MockAppraisal:
    """The department's result as TCCB's mock appraisal would have it: overrides where given, self-scores
    elsewhere, over the same applicable criteria (engine/appraisal.py computes it)."""

    file: str  # relative to the case folder
    criteria: tuple[AppraisedCriterion, ...]  # in the scheme's order
    total: Decimal
    max: Decimal
    index_percent: Decimal
    classification: str
    self_total: Decimal  # the self-assessed total it is compared with

    @property
    def change(self) -> Decimal:
        """Appraised total minus the self-assessed total (exactly minus the sum of the counted differences)."""
        return self.total - self.self_total


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
    lost: Decimal = Decimal(0)  # the department's points no action at the as-of date can win back
    rules_hash: str | None = None  # SHA-256 over the scheme's rule files, for the run manifest
    period: str = ""  # the case's assessment year ("2023"), for the heading of the forms a unit submits
    rules_files: dict[str, str] = field(default_factory=dict)  # each rule file → SHA-256, to name what changed
    # this period's official result where case.yaml records it (`change`: self-score total minus its total)
    official: OfficialComparison | None = None
    province: str | None = None  # the scheme's province (a plan's place and heading)
    year: int | None = None  # the year the scheme assesses (a plan remedies year N for year N+1)
    appraisal: MockAppraisal | None = None  # TCCB's mock appraisal, when the case has tham-dinh-thu.yaml
    dataset_engine: str = "pandas"  # what summed the counted datasets ("dask": `cchc assess --engine dask`)

    def stake_by_unit(self) -> dict[str, Decimal]:
        """Points each unit's open items can still win, criterion by criterion added up."""
        return _by_unit(self.criteria, "stake_by_unit")

    def lost_by_unit(self) -> dict[str, Decimal]:
        """Points each unit's items can no longer win at the as-of date."""
        return _by_unit(self.criteria, "lost_by_unit")

    @property
    def winnable(self) -> Decimal:
        return self.reachable - self.total

    def calibrated(self) -> tuple[CriterionResult, ...]:
        """The criteria the council's points are recorded for (official.criteria in case.yaml)."""
        return tuple(c for c in self.criteria if c.official is not None)

    def calibration_difference(self) -> Decimal:
        """Self-score minus official points, added up over the calibrated criteria."""
        return sum((c.points - c.official for c in self.calibrated() if c.official is not None), Decimal(0))

    def for_unit(self, unit: str) -> Assessment:
        """Only the criteria a unit owns, has items in, or whose rate its own share pulls below the
        threshold; and only that unit's items.

        Totals stay the department's: a unit's checklist is read against them."""
        kept = []
        for c in self.criteria:
            items = tuple(m for m in c.missing if unit in m.owner)
            if unit in c.owners or items or c.below_threshold(unit):
                kept.append(replace(c, missing=items))
        return replace(self, criteria=tuple(kept), unit_filter=unit)


def _by_unit(criteria: tuple[CriterionResult, ...], attribute: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for c in criteria:
        for unit, stake in getattr(c, attribute).items():
            out[unit] = out.get(unit, Decimal(0)) + stake
    return {u: v for u, v in sorted(out.items(), key=lambda kv: (-kv[1], kv[0])) if v}
