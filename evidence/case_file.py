"""case.yaml: what a case is (unit, scheme, period, as-of date, known official results)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OfficialResult(_Model):
    """A result published by the province, e.g. by Quyết định 2555/QĐ-UBND."""

    year: int
    total: Decimal
    classification: str | None = None
    rank: str | None = None
    source: str
    # the council's points per criterion (criterion id → points), where the decision or the plan gives them:
    # every report sets the self-score beside them (checked against the scheme in engine/case_checks.py)
    criteria: dict[str, Decimal] = {}


class DatasetSource(_Model):
    """Where a dataset comes from: a CSV with cchc's own headers, or a system export read through a
    mapping (the name of a mapping shipped in evidence/mappings/, or a .yaml path in the case folder)."""

    # one file, a glob (`exports/ho-so-2024-*.csv`) or a list of either: the files are read one by one (each
    # message names its own file and row) and their rows put one after another, in the order listed (a glob's
    # matches in name order)
    path: str | Annotated[list[str], Field(min_length=1)]
    mapping: str | None = None

    @property
    def patterns(self) -> list[str]:
        return [self.path] if isinstance(self.path, str) else list(self.path)

    @property
    def shown(self) -> str:
        """As case.yaml names the files, for messages."""
        return ", ".join(self.patterns)


class CaseFile(_Model):
    id: str
    title: str
    unit: str
    scheme: str
    scheme_version: str | None = None
    period: str
    as_of: date
    last_official: OfficialResult | None = None
    official: OfficialResult | None = None
    documents: str = "documents.csv"
    datasets: dict[str, DatasetSource] = {}
    inputs: str | None = "inputs.yaml"
    # TCCB's mock appraisal (evidence/mock_appraisal.py): None reads tham-dinh-thu.yaml when the case has one
    mock_appraisal: str | None = None
    not_applicable: dict[str, str] = {}
    # items of a dataset still expected before the counting period ends (e.g. dossiers: 120), for the
    # best rate still reachable; without it, the pace so far is assumed to go on
    expected_remaining: dict[str, Annotated[int, Field(ge=0, strict=True)]] = {}
    note: str | None = None

    @field_validator("datasets", mode="before")
    @classmethod
    def _plain_paths(cls, value: object) -> object:
        # `tasks: datasets/tasks.csv`, the first form, stays valid: it is `{path: datasets/tasks.csv}`
        if isinstance(value, dict):
            return {k: {"path": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _expected_for_declared_datasets(self) -> CaseFile:
        # a misspelt dataset name would silently fall back to the pace assumption
        unknown = sorted(set(self.expected_remaining) - set(self.datasets))
        if unknown:
            raise ValueError(f"expected_remaining nêu bộ dữ liệu không khai trong datasets: {', '.join(unknown)}")
        return self

    def dataset_path(self, name: str) -> str:
        """The case-relative file of a dataset (its name when the case has none), for messages."""
        source = self.datasets.get(name)
        return source.shown if source else name
