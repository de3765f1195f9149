"""The criteria set (scheme) as typed data: what rule authors write in rules/<scheme>/.

A scheme is fields of criteria. A criterion lists the evidence it requires and a
scoring method over that evidence. Every model forbids unknown keys, so a typo in
a rule file is an error with its line, never a silently ignored setting.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """Where a rule comes from, and whether its text was checked against that source."""

    document: str
    clause: str | None = None
    verified: bool
    note: str | None = None

    @model_validator(mode="after")
    def _unverified_needs_note(self) -> Source:
        if not self.verified and not self.note:
            raise ValueError("verified: false cần note giải thích giả định")
        return self


class Band(_Model):
    """One classification band over the index %, [min, below)."""

    label: str
    min: Decimal | None = None
    below: Decimal | None = None


class EvidenceDeadline(_Model):
    """When the unit's evidence for the self-assessment is due. A document requirement without a
    `due` of its own is not yet missing before this date (it is "not yet due"); it is never used to
    call an existing document late."""

    due: date
    verified: bool
    note: str | None = None


class Classification(_Model):
    bands: list[Band]
    verified: bool = False
    note: str | None = None


# ---- requirements: the evidence a criterion needs -------------------------------------------

Owner = Annotated[list[str], Field(min_length=1)]


class _Requirement(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    label: str
    owner: Owner

    @field_validator("owner", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v


class DocumentMatch(_Model):
    """Which register rows can answer the requirement (besides rows that name it)."""

    kind: str | None = None
    tags: list[str] = []
    issuer: str | None = None
    period: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> DocumentMatch:
        if not (self.kind or self.tags or self.issuer):
            raise ValueError("match cần ít nhất một trong kind, tags, issuer")
        return self


class DocumentRequirement(_Requirement):
    """A document must exist, optionally issued or sent by a due date."""

    type: Literal["document"]
    match: DocumentMatch
    due: date | None = None
    basis: str | None = None


Filter = dict[str, list[str]]


def _as_lists(v: object) -> object:
    if isinstance(v, dict):
        return {k: [x] if isinstance(x, str) else x for k, x in v.items()}
    return v


IF_EMPTY_MISSING = ("thiếu khóa if_empty: ghi rõ khi không có mục nào phải tính (mẫu số bằng 0) thì "
                    "«if_empty: met» (coi là đạt, vd không có hồ sơ quá hạn thì không có thư xin lỗi nào phải gửi) hay "
                    "«if_empty: missing» (coi là thiếu dữ liệu)")


class _Counted(_Requirement):
    """A requirement over counted items, whose denominator can be empty: the author says what
    that means (`if_empty`), because "nothing counted" must never pass as "met" unseen."""

    if_empty: Literal["met", "missing"]

    @model_validator(mode="before")
    @classmethod
    def _if_empty_stated(cls, data: object) -> object:
        if isinstance(data, dict) and "if_empty" not in data:
            raise ValueError(IF_EMPTY_MISSING)
        return data


class DeadlineRequirement(_Counted):
    """Items of a dataset (tasks, procedures to publish) must meet their deadlines.

    ratio = on time / (on time + late + overdue); items still within their deadline
    are left out of the ratio and reported as not yet due. No item at all: `if_empty`."""

    type: Literal["deadlines"]
    dataset: Literal["tasks", "procedures", "reports"]
    where: Filter = {}
    threshold: Decimal = Decimal(1)

    _lists = field_validator("where", mode="before")(_as_lists)


class RateRequirement(_Counted):
    """A rate from a dataset must reach a threshold; numerator and denominator are kept.

    Either rows of a dataset are counted (numerator ⊂ denominator filters), or a
    published indicator is read from the `indicators` dataset."""

    type: Literal["rate"]
    dataset: str
    numerator: Filter = {}
    denominator: Filter = {}
    indicator: str | None = None
    threshold: Decimal
    due: date | None = None  # when the rate is measured; before then a shortfall is not final

    _lists = field_validator("numerator", "denominator", mode="before")(_as_lists)

    @model_validator(mode="after")
    def _shape(self) -> _Requirement:
        if self.dataset == "indicators":
            if not self.indicator:
                raise ValueError("dataset indicators cần indicator")
        elif not self.numerator:
            raise ValueError("cần numerator (điều kiện của tử số)")
        return self


class InputRequirement(_Requirement):
    """A value supplied from outside the evidence: a survey result or an appraiser's score.

    `points`: the value is points for the scoring part that uses it.
    `ratio`: a share in [0, 1] (e.g. a survey result) for proportional or band scoring."""

    type: Literal["input"]
    unit: Literal["points", "ratio"] = "points"


Requirement = Annotated[
    DocumentRequirement | DeadlineRequirement | RateRequirement | InputRequirement,
    Field(discriminator="type"),
]

# ---- scoring ------------------------------------------------------------------------------------

Method = Literal["all_or_nothing", "proportional", "bands", "per_item", "deduction", "sum", "entered"]


class ScoreBand(_Model):
    min: Decimal
    points: Decimal


class Score(_Model):
    """How points come out of requirement outcomes. `sum` adds sub-criteria (`parts`).

    - all_or_nothing: max when every listed requirement is met, else 0;
    - proportional: max × mean share of the listed requirements, where a requirement at or above its
      threshold counts in full and one below it counts its ratio (`below_threshold: proportional`) or
      nothing (`below_threshold: zero`); rule files must say which (R013), the published rules differ;
    - bands: points of the highest band whose min the (single) requirement's ratio reaches;
    - per_item: `per_item` points for each item met, up to max;
    - deduction: max − `per_violation` × violations, not below `floor`;
    - entered: the points of one `input` requirement, clamped to [0, max];
    - sum: the sum of `parts`, each a Score with its own id, label and max.
    `shows` lists requirements reported for information only: they never move points."""

    method: Method
    id: str | None = None
    label: str | None = None
    max: Decimal | None = None
    requires: list[str] = []
    bands: list[ScoreBand] = []
    per_item: Decimal | None = None
    per_violation: Decimal | None = None
    floor: Decimal = Decimal(0)
    below_threshold: Literal["proportional", "zero"] | None = None  # proportional only; None reads as proportional
    parts: list[Score] = []
    shows: list[str] = []
    source: Source | None = None


class Criterion(_Model):
    id: Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")]
    title: str
    max: Annotated[Decimal, Field(gt=0)]
    owners: Owner
    source: Source
    requires: list[Requirement]
    score: Score
    remedy: str

    def requirement(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requires if r.id == requirement_id), None)

    @property
    def verified(self) -> bool:
        """False when the criterion or any scoring part rests on an unverified assumption."""

        def parts_ok(score: Score) -> bool:
            own = score.source is None or score.source.verified
            return own and all(parts_ok(p) for p in score.parts)

        return self.source.verified and parts_ok(self.score)

    def assumptions(self) -> list[str]:
        notes = [] if self.source.verified else [self.source.note or ""]

        def walk(score: Score) -> None:
            if score.source is not None and not score.source.verified:
                notes.append(f"{score.id or score.label}: {score.source.note}")
            for part in score.parts:
                walk(part)

        walk(self.score)
        return notes


class FieldOfCriteria(_Model):
    """Một lĩnh vực / nội dung of the index, e.g. "3 Cải cách TTHC"."""

    id: str
    title: str
    criteria: list[Criterion]


class Scheme(_Model):
    id: str
    title: str
    province: str
    unit_type: str
    year: int
    version: str
    decision: str | None = None
    total_max: Annotated[Decimal, Field(gt=0)]
    source: Source
    classification: Classification
    evidence_deadline: EvidenceDeadline | None = None
    fields: list[FieldOfCriteria] = []

    def criteria(self) -> list[Criterion]:
        return [c for f in self.fields for c in f.criteria]

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria() if c.id == criterion_id), None)

    def field_of(self, criterion_id: str) -> FieldOfCriteria:
        return next(f for f in self.fields if any(c.id == criterion_id for c in f.criteria))
