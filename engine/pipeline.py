"""From a case name or folder to an Assessment: the path every front end takes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from engine.assess import Assessor
from engine.locations import find_case, find_scheme
from engine.results import Assessment
from engine.scheme import Scheme
from engine.scheme_loader import load_scheme
from evidence.case import Evidence, load_case


def prepare(case: str | Path | None) -> tuple[Scheme, Evidence]:
    folder = find_case(None if case is None else str(case))
    evidence = load_case(folder)
    scheme = load_scheme(find_scheme(evidence.case.scheme, evidence.folder), units=set(evidence.units))
    return scheme, evidence


def run(case: str | Path | None = None, *, as_of: date | None = None, prefer: str = "durable") -> Assessment:
    scheme, evidence = prepare(case)
    return Assessor(scheme, prefer=prefer).assess(evidence, as_of=as_of)
