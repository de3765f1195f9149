"""Scenarios (what-if): planned evidence layered over a case, assessed by the same engine.

A scenario file (YAML, docs/reports.md "Kịch bản (what-if)") lists documents to come (register rows with
their planned dates), dataset rows (added to a dataset the case declares; a row whose `Mã` is already in
the dataset stands for that row, e.g. a task planned to be completed) and entered values. Each part is read
by the reader of its kind — the register's, the dataset's, inputs.yaml's — so a planned row is checked
exactly like a real one, and every problem names the scenario file and its line. Nothing is written into
the case: the projection is the case's `Evidence` with extra rows, in memory.

The projection is assessed at the scenario's own `as_of`; by default the later of the current as-of date
and the scheme's evidence deadline, so a document planned on time counts, and one planned after that date
does not (W004, as for any document dated after the as-of date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from engine.as_of_status import deadline_status
from engine.assess import Assessor
from engine.results import Assessment
from engine.scheme import Scheme
from evidence.case import Evidence, parse_inputs
from evidence.datasets import SPECS, RowsRejected, fold_key, load_rows
from evidence.problems import InputError, Problem, did_you_mean
from evidence.register import COLUMNS, read_rows, source_name
from evidence.registers import sha256_file
from evidence.tables import Table, find_columns
from evidence.yaml_lines import LineIndex, load_yaml, validation_problems


class ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None
    note: str | None = None
    as_of: date | None = None
    documents: list[dict[str, Any]] = []
    datasets: dict[str, list[dict[str, Any]]] = {}
    inputs: dict[str, Any] = {}


@dataclass(frozen=True)
class Scenario:
    path: Path
    title: str | None
    as_of: date  # the date the projection is assessed at
    evidence: Evidence  # the case's evidence with the planned rows added


def projection_date(scheme: Scheme, current: date) -> date:
    deadline = scheme.evidence_deadline.due if scheme.evidence_deadline else None
    return max(current, deadline) if deadline else current


def load_scenario(path: Path, scheme: Scheme, evidence: Evidence, *, current: date) -> Scenario:
    """The case's evidence with a scenario's planned evidence added; InputError naming every bad line."""
    data, index = load_yaml(path)
    if data is None:
        data = {}
    try:
        spec = ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, path, index, data, ScenarioFile)) from None
    if not (spec.documents or spec.datasets or spec.inputs):
        raise InputError(Problem.of("E075", file=path, line=1,
                                    detail="không có gì dự kiến: cần ít nhất một trong documents, datasets, inputs"))
    as_of = spec.as_of or projection_date(scheme, current)
    problems: list[Problem] = []
    folder = evidence.folder
    source = source_name(path, folder) if path.resolve().is_relative_to(folder.resolve()) else str(path.resolve())
    documents = _documents(spec.documents, path, index, source, evidence, problems)
    datasets = _datasets(spec.datasets, path, index, evidence, as_of, problems)
    inputs = dict(evidence.inputs)
    try:
        inputs.update(parse_inputs(spec.inputs, path, index, ("inputs",), file=str(path)))
    except InputError as exc:
        problems += exc.problems
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(_as_lines(errors, path))
    warnings = [*evidence.warnings, *_as_lines([p for p in problems if p.severity == "warning"], path)]
    planned = replace(evidence, documents=[*evidence.documents, *documents], datasets=datasets, inputs=inputs,
                      hashes={**evidence.hashes, source: sha256_file(path)}, warnings=warnings)
    return Scenario(path, spec.title, as_of, planned)


def project(assessor: Assessor, scenario: Scenario) -> Assessment:
    """The scenario assessed by the same engine; a problem in a planned row names the scenario's line."""
    try:
        result = assessor.assess(scenario.evidence, as_of=scenario.as_of)
    except InputError as exc:
        raise InputError(_as_lines(exc.problems, scenario.path)) from None
    return replace(result, warnings=tuple(_as_lines(list(result.warnings), scenario.path)))


def _as_lines(problems: list[Problem], path: Path) -> list[Problem]:
    """Readers number table rows; in a scenario file those numbers are YAML lines: say "dòng", not "hàng"."""
    target = str(path.resolve())
    return [replace(p, line=p.row, row=None) if p.file and p.row is not None and str(Path(p.file).resolve()) == target
            else p for p in problems]


def _cell(value: object) -> str | None:
    """A YAML value as the text a spreadsheet cell would hold; None when it cannot be one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):  # Nhãn: [a, b]
        return ", ".join(value)
    return None


def _table(rows: list[dict[str, Any]], headers: list[str], path: Path, index: LineIndex, at: list[str | int],
           problems: list[Problem]) -> Table | None:
    """Rows keyed by a table's headers → a Table whose row numbers are the rows' YAML lines."""
    by_key = {fold_key(h): h for h in headers}
    records: list[dict[str, str]] = []
    lines: list[int] = []
    bad = False
    for i, row in enumerate(rows):
        line = index.line([*at, i]) or 0
        record: dict[str, str] = {}
        for key, value in row.items():
            header = by_key.get(fold_key(str(key)))
            text = _cell(value)
            if header is None:
                problems.append(Problem.of("E075", file=path, line=index.line([*at, i, key]),
                                           detail=f"cột {str(key)!r} không có{did_you_mean(str(key), headers)}; "
                                                  f"dùng: {', '.join(headers)}"))
                bad = True
            elif text is None:
                problems.append(Problem.of("E075", file=path, line=index.line([*at, i, key]),
                                           detail=f"{header}: cần chữ, số hoặc ngày, không phải {value!r}"))
                bad = True
            else:
                record[header] = text
        records.append(record)
        lines.append(line)
    if bad:
        return None
    frame = pd.DataFrame({h: [r.get(h, "") for r in records] for h in headers}, dtype=object)
    return Table(path, frame, "yaml", index.line(at) or 1, tuple(lines))


def _documents(rows: list[dict[str, Any]], path: Path, index: LineIndex, source: str, evidence: Evidence,
               problems: list[Problem]) -> list:
    table = _table(rows, [h for h, _ in COLUMNS.values()], path, index, ["documents"], problems)
    if table is None:
        return []
    read = read_rows(table, source=source, case_folder=evidence.folder, units=evidence.units)
    problems += read.problems
    for doc in read.documents:
        if doc.placeholder:  # a planned document is a document: without a date it would count as "still missing"
            problems.append(Problem.of("E079", file=path, line=doc.row))
    return [d for d in read.documents if not d.placeholder]


def _datasets(planned: dict[str, list[dict[str, Any]]], path: Path, index: LineIndex, evidence: Evidence,
              as_of: date, problems: list[Problem]) -> dict[str, pd.DataFrame]:
    out = dict(evidence.datasets)
    for name, rows in planned.items():
        if name not in evidence.case.datasets or name not in SPECS:
            problems.append(Problem.of("E076", file=path, line=index.line(["datasets", name]), name=name,
                                       known=", ".join(evidence.case.datasets) or "(không có)",
                                       hint=did_you_mean(name, list(evidence.case.datasets))))
            continue
        spec = SPECS[name]
        table = _table(rows, [c.header for c in spec], path, index, ["datasets", name], problems)
        if table is None:
            continue
        try:
            frame = load_rows(name, table, find_columns(table, {c.field: (c.header, c.required) for c in spec}),
                              evidence.units)
        except (RowsRejected, InputError) as exc:
            problems += exc.problems
            continue
        problems += frame.attrs.get("warnings", [])
        if "done" in frame.columns and len(frame):  # a deadline row no date or status decides: E011, here
            status, _ = deadline_status(frame, as_of, str(path))
            problems += [Problem.of("E011", file=path, line=int(r)) for r in frame.loc[status == "", "_row"]]
        out[name] = _merged(out.get(name), frame, _id_of(spec))
    return out


def _id_of(spec: tuple) -> Callable[[pd.DataFrame], pd.Series] | None:
    return (lambda f: f["id"]) if any(c.field == "id" for c in spec) else None


def _merged(existing: pd.DataFrame | None, planned: pd.DataFrame,
            key: Callable[[pd.DataFrame], pd.Series] | None) -> pd.DataFrame:
    """The case's rows and the planned ones; a planned row with an id already there stands for that row."""
    if existing is None or existing.empty:
        return planned
    kept = existing
    if key is not None:
        ids = {i for i in key(planned) if i}
        kept = existing[~key(existing).isin(ids)]
    merged = pd.concat([kept, planned], ignore_index=True)
    merged.attrs = dict(existing.attrs)
    return merged
