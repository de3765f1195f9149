"""case.yaml: what a case is (unit, scheme, period, as-of date, known official results)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OfficialResult(_Model):
    """A result published by the province, e.g. by Quyết định 2555/QĐ-UBND."""

    year: int
    total: Decimal
    classification: str | None = None
    rank: str | None = None
    source: str


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
    datasets: dict[str, str] = {}
    inputs: str | None = "inputs.yaml"
    not_applicable: dict[str, str] = {}
    note: str | None = None
