"""From a case name or folder to an Assessment: the path every front end takes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from engine.assess import Assessor
from engine.case_checks import check_against_scheme
from engine.locations import find_case
from engine.manifest import rule_files, scheme_folder
from engine.results import Assessment
from engine.scheme import Scheme
from evidence.case import DatasetReader, Evidence
from evidence.problems import InputError


def prepare(case: str | Path | None, *, load: Callable[..., Scheme] | None = None,
            readers: Mapping[str, DatasetReader] | None = None) -> tuple[Scheme, Evidence]:
    """The scheme and evidence of a case, or InputError with every error `cchc evidence check` reports.
    `load`: how the scheme is loaded, when not engine.scheme_loader.load_scheme (see engine/many_cases.py);
    `readers`: datasets read another way than file by file with pandas (engine/dask_datasets.py)."""
    folder = find_case(None if case is None else str(case))
    checked = check_against_scheme(folder, readers=readers) if load is None else \
        check_against_scheme(folder, load=load, readers=readers)
    if checked.errors or checked.scheme is None:
        raise InputError(checked.problems)
    return checked.scheme, checked.read.evidence


def assessor(scheme: Scheme, evidence: Evidence, *, prefer: str = "durable") -> Assessor:
    """An Assessor whose results carry the run manifest's rule hashes (engine/manifest.py)."""
    return Assessor(scheme, prefer=prefer, rule_files=rule_files(scheme_folder(evidence)))


def run(case: str | Path | None = None, *, as_of: date | None = None, prefer: str = "durable") -> Assessment:
    scheme, evidence = prepare(case)
    return assessor(scheme, evidence, prefer=prefer).assess(evidence, as_of=as_of)
