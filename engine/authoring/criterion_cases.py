"""Test cases beside each criterion: small evidence in, expected points, status and open items out.

Like sqlfluff's per-rule YAML cases, every criterion of a scheme has `cases/<criterion id>.yaml`
in the scheme folder. A case's documents and dataset rows are written out as the register and
dataset CSV files a real case keeps and read back with the very same readers, so a wrong date,
unit or status in a case gets the message a unit would get (at the case file's line); then the
real `Assessor` (durable-rules) scores it.

Coverage, as OPA's: a criterion needs a case where it scores in full and one where it does not,
and every requirement must be seen both met and unmet somewhere in its criterion's cases.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.assess import Assessor
from engine.case_checks import entered_caps
from engine.results import STATUS
from engine.scheme import Criterion, InputRequirement, Scheme
from engine.scheme_loader import UNITS_FILE
from evidence.case import Evidence, InputValue, load_units
from evidence.case_file import CaseFile
from evidence.datasets import SPECS, read_dataset
from evidence.formatting import points as shown_points
from evidence.problems import InputError, Problem, did_you_mean
from evidence.register import COLUMNS, Document, read_register, unknown_link
from evidence.yaml_lines import LineIndex, load_yaml, validation_problems

CASES_DIR = "cases"
STATUS_LABELS = {label: key for key, label in STATUS.items()}
REGISTER_FILE = "documents.csv"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputSpec(_Model):
    value: Decimal
    source: str | None = None
    note: str | None = None


class Expect(_Model):
    """What the criterion must conclude. `missing`: requirement ids that still have open items."""

    points: Decimal
    status: str
    missing: list[str]

    @field_validator("status")
    @classmethod
    def _known_status(cls, v: str) -> str:
        if v not in STATUS_LABELS:
            raise ValueError(f"tình trạng {v!r} không có; dùng một trong: {', '.join(STATUS_LABELS)}")
        return v


class CaseSpec(_Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    description: str
    as_of: date | None = None
    documents: list[dict[str, Any]] = []
    datasets: dict[str, list[dict[str, Any]]] = {}
    inputs: dict[str, InputSpec | Decimal] = {}
    expect: Expect


class CasesFile(_Model):
    criterion: str
    cases: Annotated[list[CaseSpec], Field(min_length=1)]


@dataclass(frozen=True)
class CriterionCase:
    scheme: str
    criterion: str
    name: str
    description: str
    file: Path
    line: int | None
    as_of: date
    evidence: Evidence
    expect: Expect

    @property
    def id(self) -> str:
        """`<scheme>::<criterion>::<case>`: the pytest id, so `pytest -k 1.1` runs one criterion."""
        return f"{self.scheme}::{self.criterion}::{self.name}"


@dataclass(frozen=True)
class CaseResult:
    case: CriterionCase
    points: Decimal | None
    status: str | None  # key of STATUS
    missing: tuple[str, ...]
    met: frozenset[str]  # requirements whose outcome is met in this case
    unmet: frozenset[str]
    trace: tuple[str, ...]
    problems: tuple[Problem, ...]  # R022 (not as expected) or R026 (could not be scored)

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class SchemeCases:
    """Every case of a scheme, loaded; `problems` are the case files' own mistakes."""

    folder: Path
    scheme: Scheme
    cases: list[CriterionCase] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # criterion id → its cases file
    problems: list[Problem] = field(default_factory=list)


# ---- loading --------------------------------------------------------------------------------------

def scheme_units(folder: Path, scheme: Scheme) -> dict[str, str]:
    """Units cases may name: the scheme's units.yaml, else every owner the scheme names."""
    path = folder / UNITS_FILE
    if path.is_file():
        return load_units(path)
    owners = {u for c in scheme.criteria() for u in (*c.owners, *(o for r in c.requires for o in r.owner))}
    return {u: u for u in sorted(owners)}


def load_cases(folder: Path, scheme: Scheme, *, units: dict[str, str] | None = None) -> SchemeCases:
    """Read `folder/cases/*.yaml`. Problems are collected, never raised: a rule author sees them all."""
    out = SchemeCases(folder, scheme)
    units = units if units is not None else scheme_units(folder, scheme)
    for path in sorted((folder / CASES_DIR).glob("*.yaml")):
        _load_file(path, scheme, units, out)
    return out


def _load_file(path: Path, scheme: Scheme, units: dict[str, str], out: SchemeCases) -> None:
    try:
        data, index = load_yaml(path)
    except InputError as exc:
        out.problems += exc.problems
        return
    try:
        spec = CasesFile.model_validate(data)
    except ValidationError as exc:
        out.problems += validation_problems(exc, path, index, data, CasesFile)
        return
    crit = scheme.criterion(spec.criterion)
    line = index.line(["criterion"])
    if crit is None:
        known = [c.id for c in scheme.criteria()]
        # the file's own name is the best guess: cases/2.2.yaml that says "2.3" is most likely 2.2
        hint = f' (có phải là "{path.stem}"?)' if path.stem in known else did_you_mean(spec.criterion, known)
        out.problems.append(Problem.of("R019", file=path, line=line, crit=spec.criterion, hint=hint))
        return
    if path.stem != crit.id:
        out.problems.append(Problem.of("R020", file=path, line=line, criterion=crit.id, name=path.name,
                                       crit=crit.id, expected=f"{crit.id}.yaml"))
    out.files.setdefault(crit.id, path)
    seen: set[str] = set()
    for i, case in enumerate(spec.cases):
        at = ["cases", i]
        if case.name in seen:
            out.problems.append(Problem.of("R004", file=path, line=index.line([*at, "name"]), criterion=crit.id,
                                           id=case.name, other=path.name))
            continue
        seen.add(case.name)
        builder = _CaseBuilder(scheme, crit, path, index, at, units)
        built = builder.build(case)
        out.problems += builder.problems
        if built is not None:
            out.cases.append(built)


class _CaseBuilder:
    """One case → a real `Evidence`, through the readers of real register and dataset files."""

    def __init__(self, scheme: Scheme, crit: Criterion, path: Path, index: LineIndex, at: list[str | int],
                 units: dict[str, str]) -> None:
        self.scheme, self.crit, self.path, self.index, self.at, self.units = scheme, crit, path, index, at, units
        self.problems: list[Problem] = []

    def line(self, *path: str | int) -> int | None:
        return self.index.line([*self.at, *path])

    def problem(self, code: str, *path: str | int, **fields: object) -> None:
        self.problems.append(Problem.of(code, file=self.path, line=self.line(*path), criterion=self.crit.id,
                                        **fields))

    def build(self, case: CaseSpec) -> CriterionCase | None:
        as_of = case.as_of or date(self.scheme.year, 12, 31)
        inputs = self._inputs(case)
        for rid in case.expect.missing:
            self._known_requirement(case.name, rid, "expect", "missing")
        documents: list[Document] = []
        datasets: dict[str, pd.DataFrame] = {}
        with tempfile.TemporaryDirectory(prefix="cchc-case-") as tmp:
            folder = Path(tmp)
            if case.documents:
                documents = self._documents(case.documents, folder)
            for name, rows in case.datasets.items():
                frame = self._dataset(name, rows, folder)
                if frame is not None:
                    datasets[name] = frame
        if any(p.severity == "error" for p in self.problems):
            return None
        case_file = CaseFile(
            id=f"{self.scheme.id}::{self.crit.id}::{case.name}", title=case.description, unit="(ca kiểm thử)",
            scheme=self.scheme.id, scheme_version=self.scheme.version, period=str(self.scheme.year), as_of=as_of,
            documents=self.path.name, datasets=dict.fromkeys(datasets, self.path.name), inputs=None,
        )
        evidence = Evidence(folder=self.path.parent, case=case_file, units=dict(self.units), documents=documents,
                            datasets=datasets, inputs=inputs)
        return CriterionCase(self.scheme.id, self.crit.id, case.name, case.description, self.path,
                             self.line("name"), as_of, evidence, case.expect)

    def _known_requirement(self, case: str, rid: str, *path: str | int) -> bool:
        if self.crit.requirement(rid) is not None:
            return True
        self.problem("R021", *path, case=case, req=rid, detail=f"không có trong tiêu chí {self.crit.id}",
                     hint=did_you_mean(rid, [r.id for r in self.crit.requires]))
        return False

    def _inputs(self, case: CaseSpec) -> dict[tuple[str, str], InputValue]:
        out: dict[tuple[str, str], InputValue] = {}
        for rid, given in case.inputs.items():
            if not self._known_requirement(case.name, rid, "inputs", rid):
                continue
            req = self.crit.requirement(rid)
            if not isinstance(req, InputRequirement):
                self.problem("R021", "inputs", rid, case=case.name, req=rid,
                             detail="không phải type: input, không nhận giá trị nhập ngoài")
                continue
            spec = given if isinstance(given, InputSpec) else InputSpec(value=given)
            key = f"{self.crit.id}/{rid}"
            if not spec.value.is_finite() or spec.value < 0 or (req.unit == "ratio" and spec.value > 1):
                detail = "tỷ lệ phải trong [0, 1]" if req.unit == "ratio" else "value phải là số không âm"
                self.problem("E014", "inputs", rid, key=key, detail=detail)
                continue
            above = [(cap, what) for cap, what in entered_caps(self.crit, rid) if spec.value > cap]
            if req.unit == "points" and above:  # what assess would refuse, said at the case's line
                cap, what = above[0]
                self.problem("E060", "inputs", rid, key=key, value=shown_points(spec.value), max=shown_points(cap),
                             what=what)
                continue
            out[(self.crit.id, rid)] = InputValue(spec.value, spec.source or f"ca kiểm thử {case.name}",
                                                  spec.note, self.line("inputs", rid))
        return out

    def _table(self, at: tuple[str, ...], rows: list[dict[str, Any]], headers: Mapping[str, str],
               defaults: Callable[[dict[str, Any]], dict[str, str]]) -> list[list[str]]:
        """Rows of cells under `headers` (field → Vietnamese header). An unknown key is R003, and the
        rest of the row is still read so that every mistake is reported at once."""
        table: list[list[str]] = []
        for r, row in enumerate(rows):
            for key in row:
                if key not in headers:
                    self.problem("R003", *at, r, key, key=key, hint=did_you_mean(str(key), list(headers)))
            values = {**defaults(row), **{k: _cell(v) for k, v in row.items()}}
            table.append([values.get(f, "") for f in headers])
        return table

    def _read_back(self, at: tuple[str, ...], headers: Mapping[str, str], exc: InputError) -> None:
        """Problems the readers found, moved from the temporary CSV to the case file's lines."""
        by_header = {h: f for f, h in headers.items()}
        for p in exc.problems:
            key = by_header.get(p.column or "")
            path: list[str | int] = [*at]
            if p.row is not None:  # CSV row 2 is the first item
                path += [p.row - 2, *([key] if key else [])]
            self.problems.append(replace(p, file=str(self.path), line=self.line(*path), row=None,
                                         column=key or p.column, criterion=self.crit.id))

    def _documents(self, rows: list[dict[str, Any]], folder: Path) -> list[Document]:
        at = ("documents",)
        headers = {f: h for f, (h, _) in COLUMNS.items()}

        def defaults(row: dict[str, Any]) -> dict[str, str]:
            # a row naming only its requirement answers a requirement of this criterion
            return {"criterion": self.crit.id} if "requirement" in row else {}

        table = self._table(at, rows, headers, defaults)
        path = folder / REGISTER_FILE
        _write_csv(path, list(headers.values()), table)
        try:
            read = read_register(path, case_folder=folder, units=self.units)
        except InputError as exc:
            self._read_back(at, headers, exc)
            return []
        docs = [replace(d, source=self.path.name, row=self.line(*at, d.row - 2) or d.row) for d in read]
        for doc in docs:
            self._check_link(doc)
        return docs

    def _check_link(self, doc: Document) -> None:
        """What the assessment would refuse (E010), said at the case's line instead."""
        if doc.criterion is None:
            return
        crit = self.scheme.criterion(doc.criterion)
        if crit is None or (doc.requirement is not None and crit.requirement(doc.requirement) is None):
            known = [r.id for r in crit.requires] if crit else [c.id for c in self.scheme.criteria()]
            seen = doc.requirement if crit else doc.criterion
            self.problems.append(Problem.of("E010", file=self.path, line=doc.row, criterion=self.crit.id,
                                            what=unknown_link(doc.criterion, doc.requirement,
                                                              criterion_known=crit is not None),
                                            hint=did_you_mean(seen or "", known)))

    def _dataset(self, name: str, rows: list[dict[str, Any]], folder: Path) -> pd.DataFrame | None:
        at = ("datasets", name)
        if name not in SPECS:
            self.problem("R015", *at, name=name, hint=did_you_mean(name, list(SPECS)), known=", ".join(SPECS))
            return None
        headers = {c.field: c.header for c in SPECS[name]}
        table = self._table(at, rows, headers, lambda _row: {})
        path = folder / f"{name}.csv"
        _write_csv(path, list(headers.values()), table)
        try:
            frame = read_dataset(name, path, units=self.units)
        except InputError as exc:
            self._read_back(at, headers, exc)
            return None
        frame["_row"] = [self.line(*at, int(r) - 2) or int(r) for r in frame["_row"]]
        warnings = frame.attrs.get("warnings") or []
        if warnings:  # e.g. a declared status the dates contradict: said once, here, at the case's line
            self._read_back(at, headers, InputError(list(warnings)))
        frame.attrs.update(file=self.path.name, path=str(self.path), warnings=[])
        return frame


def _cell(value: object) -> str:
    """A YAML value as the text a person would type in the CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def _write_csv(path: Path, headers: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)


# ---- running --------------------------------------------------------------------------------------

def run_case(assessor: Assessor, case: CriterionCase) -> CaseResult:
    """Score one case with the real engine and compare with what it expects."""
    try:
        result = assessor.assess(case.evidence, as_of=case.as_of)
    except InputError as exc:
        detail = "; ".join(str(p) for p in exc.problems)
        problem = Problem.of("R026", file=case.file, line=case.line, criterion=case.criterion, case=case.name,
                             detail=detail)
        return CaseResult(case, None, None, (), frozenset(), frozenset(), (), (problem,))
    crit = next(c for c in result.criteria if c.id == case.criterion)
    missing = tuple(sorted({m.requirement for m in crit.missing}))
    want = case.expect
    diffs = []
    if crit.points != want.points:
        diffs.append(f"điểm mong đợi {shown_points(want.points)}, được {shown_points(crit.points)}")
    if STATUS[crit.status] != want.status:
        diffs.append(f"tình trạng mong đợi «{want.status}», được «{STATUS[crit.status]}»")
    if missing != tuple(sorted(set(want.missing))):
        diffs.append(f"việc còn thiếu mong đợi [{', '.join(sorted(set(want.missing)))}], được [{', '.join(missing)}]")
    problems = () if not diffs else (Problem.of("R022", file=case.file, line=case.line, criterion=case.criterion,
                                                case=case.name, detail="; ".join(diffs)),)
    every = frozenset(r.id for r in assessor.scheme.criterion(case.criterion).requires)
    return CaseResult(case, crit.points, crit.status, missing, crit.met, every - crit.met, crit.trace, problems)


def coverage_problems(scheme: Scheme, cases: SchemeCases, results: Iterable[CaseResult],
                      criteria: Iterable[Criterion] | None = None) -> list[Problem]:
    """A criterion must score in full in one case and not in another; each requirement must be
    met in one case and unmet in another; and a criterion without a cases file is a gap."""
    by_crit: dict[str, list[CaseResult]] = {}
    for r in results:
        if r.points is not None:
            by_crit.setdefault(r.case.criterion, []).append(r)
    problems: list[Problem] = []
    for crit in criteria if criteria is not None else scheme.criteria():
        file = cases.files.get(crit.id)
        if file is None:
            # A file that exists but did not load has its own errors listed: "no file" would mislead.
            if not (cases.folder / CASES_DIR / f"{crit.id}.yaml").is_file():
                problems.append(Problem.of("R025", file=cases.folder / CASES_DIR, criterion=crit.id,
                                           path=f"{CASES_DIR}/{crit.id}.yaml"))
            continue
        runs = by_crit.get(crit.id, [])
        if not any(r.points == crit.max for r in runs):
            problems.append(Problem.of("R023", file=file, line=1, criterion=crit.id,
                                       what=f"đạt đủ điểm ({shown_points(crit.max)})"))
        if not any(r.points is not None and r.points < crit.max for r in runs):
            problems.append(Problem.of("R023", file=file, line=1, criterion=crit.id, what="không đủ điểm"))
        for req in crit.requires:
            if not any(req.id in r.met for r in runs):
                problems.append(Problem.of("R024", file=file, line=1, criterion=crit.id, id=req.id, what="đạt"))
            if not any(req.id in r.unmet for r in runs):
                problems.append(Problem.of("R024", file=file, line=1, criterion=crit.id, id=req.id,
                                           what="không đạt"))
    return problems


@dataclass
class SchemeTestRun:
    """What `cchc rules test` reports for one scheme."""

    cases: SchemeCases
    results: list[CaseResult]
    coverage: list[Problem]
    seconds: float

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        errors = [p for p in self.cases.problems if p.severity == "error"]
        return not (errors or self.failed or self.coverage)


def run_scheme_cases(folder: Path, scheme: Scheme, *, criterion: str | None = None,
                     prefer: str = "durable") -> SchemeTestRun:
    """Load and run every case of a scheme (or of one criterion), with coverage."""
    started = time.perf_counter()
    cases = load_cases(folder, scheme)
    chosen = [c for c in cases.cases if criterion is None or c.criterion == criterion]
    assessor = Assessor(scheme, prefer=prefer)
    results = [run_case(assessor, c) for c in chosen]
    criteria = [c for c in scheme.criteria() if criterion is None or c.id == criterion]
    coverage = coverage_problems(scheme, cases, results, criteria)
    return SchemeTestRun(cases, results, coverage, time.perf_counter() - started)
