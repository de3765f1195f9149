"""A case folder: everything one assessment reads, loaded and checked together.

    case.yaml        unit, scheme, period, as-of date, official results
    units.yaml       unit id → Vietnamese name
    documents.csv    the document register (or a folder of registers, one per unit: CSV or .xlsx)
    datasets/*.csv   tasks, procedures, dossiers, staff evaluations, indicators
    inputs.yaml      values from outside the evidence (survey results, appraisers' scores)
    tham-dinh-thu.yaml  TCCB's mock appraisal: points it would give some criteria, with a note (optional)
    expected.yaml    what the engine must conclude (read by tests, not by the engine)

Problems from every file are gathered before anything is raised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from evidence.case_file import CaseFile
from evidence.datasets import RowsRejected, read_dataset
from evidence.exports import read_export
from evidence.mock_appraisal import MOCK_APPRAISAL_FILE, Override, read_mock_appraisal
from evidence.numbers import input_number
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError, Problem
from evidence.register import Document
from evidence.registers import Registers, load_registers
from evidence.tables import out_of_memory
from evidence.yaml_lines import LineIndex, load_yaml, validation_problems

CASE_FILE = "case.yaml"
UNITS_FILE = "units.yaml"
UNITS_SHAPE = "cần danh sách dạng «mã-đơn-vị: Tên đơn vị», mỗi đơn vị một dòng"


@dataclass(frozen=True)
class InputValue:
    value: Decimal
    source: str
    note: str | None
    line: int | None
    file: str | None = None  # where it was entered, when not the case's inputs file (a scenario)


@dataclass
class Evidence:
    folder: Path
    case: CaseFile
    units: dict[str, str]
    documents: list[Document]
    datasets: dict[str, pd.DataFrame]
    inputs: dict[tuple[str, str], InputValue]
    hashes: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # reported by the assessment, never fatal
    registers: Registers | None = None  # per-file counts, for `cchc evidence check`
    case_lines: LineIndex | None = None  # case.yaml's lines, for problems found against the scheme
    appraisal: dict[str, Override] | None = None  # TCCB's mock appraisal; None: the case has none
    appraisal_file: str | None = None  # its file, relative to the case folder


@dataclass(frozen=True)
class DatasetRead:
    """What became of one dataset file: `rows` data rows read, or None when it could not be read
    as a table at all (missing, outside the case, wrong headers, unknown mapping)."""

    name: str
    file: str  # as case.yaml names it
    path: Path | None
    rows: int | None


@dataclass
class CaseRead:
    """Everything a case folder holds, read once: the evidence as far as it could be read, every
    problem (errors and warnings), and what became of each dataset file."""

    evidence: Evidence
    problems: list[Problem]
    datasets_read: list[DatasetRead]
    units_ok: bool  # False: units.yaml could not be read, so nothing can be checked against units

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


GLOB_CHARACTERS = frozenset("*?[")


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _dataset_files(patterns: list[str], folder: Path, case_path: Path, line: int | None,
                   problems: list[Problem]) -> list[tuple[Path, str]]:
    """(file, its name for the manifest) for each file a dataset's `path` names: a file or a glob, inside the
    case folder (E005 otherwise, for a glob's every match too: a link cannot lead out), a glob matching nothing
    E001. [] when any is missing."""
    files: list[tuple[Path, str]] = []
    ok = True
    for pattern in patterns:
        try:
            target = inside(folder, pattern)
        except PathEscapeError:
            problems.append(Problem.of("E005", file=case_path, line=line, path=pattern))
            ok = False
            continue
        if not GLOB_CHARACTERS & set(pattern):
            files.append((target, pattern))
            continue
        matches, escaped = [], False
        for match in sorted(folder.resolve().glob(pattern.strip().replace("\\", "/"))):
            try:
                matches.append(inside(folder, match.relative_to(folder.resolve()).as_posix()))
            except (PathEscapeError, ValueError):
                problems.append(Problem.of("E005", file=case_path, line=line, path=str(match)))
                ok, escaped = False, True
        if not matches and not escaped:
            problems.append(Problem.of("E001", file=case_path, line=line, path=pattern))
            ok = False
        files += [(m, _relative(m, folder)) for m in matches if m.is_file()]
    return files if ok else []


def _concatenated(parts: list[pd.DataFrame], paths: list[Path]) -> pd.DataFrame:
    """The rows of several files of one dataset, one after another; `_file` names each row's file (its `_row` is
    that file's own row), so nothing said about a row loses which file it is in."""
    for part, path in zip(parts, paths, strict=True):
        part["_file"] = str(path)  # as `attrs["path"]` names a single file: what messages show
    frame = pd.concat(parts, ignore_index=True)
    frame.attrs = {**parts[0].attrs, "file": ", ".join(p.name for p in paths),
                   "files": [str(p) for p in paths],
                   "warnings": [w for part in parts for w in part.attrs["warnings"]]}
    return frame


def _hash_mapping(frame: pd.DataFrame, folder: Path, hashes: dict[str, str]) -> None:
    """A case's own export mapping is evidence too (hashed); the shipped ones are part of cchc."""
    if "mapping_file" in frame.attrs and folder in (mapping := Path(frame.attrs["mapping_file"])).parents:
        hashes[mapping.relative_to(folder).as_posix()] = _sha256(mapping)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:  # streamed: a 180 MB export is never one bytes object beside its table
        return hashlib.file_digest(handle, "sha256").hexdigest()


# From this size a dataset file is hashed on a second thread while it is read: hashlib releases the GIL on big
# buffers, so a 180 MB export's quarter second of hashing overlaps with the reader's Python work; a small file
# is hashed in line (a thread costs more than it saves).
HASH_ALONGSIDE_BYTES = 8 << 20


def _sha256_alongside(path: Path) -> Callable[[], str]:
    """`_sha256(path)`, started now on its own thread for a big file; call the result for the digest (it raises
    what hashing raised). The digest is the same either way: only when it is computed changes."""
    try:
        big = path.stat().st_size >= HASH_ALONGSIDE_BYTES
    except OSError:
        big = False
    if not big:
        return lambda: _sha256(path)
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-hash")
    future = pool.submit(_sha256, path)
    pool.shutdown(wait=False)  # the thread ends once the digest is done; nothing waits for it but the caller
    return future.result


def load_units(path: Path) -> dict[str, str]:
    data, index = load_yaml(path)
    if not isinstance(data, dict) or not data:
        raise InputError(Problem.of("E009", file=path, line=1, detail=UNITS_SHAPE))
    problems = [Problem.of("E009", file=path, line=index.line([k]), detail=f"đơn vị {k!r} cần tên là chữ")
                for k, v in data.items() if not isinstance(k, str) or not isinstance(v, str) or not v.strip()]
    if problems:
        raise InputError(problems)
    return {k: v.strip() for k, v in data.items()}


def _load_inputs(path: Path) -> dict[tuple[str, str], InputValue]:
    """inputs.yaml: {criterion: {requirement: {value, source, note?}}}."""
    data, index = load_yaml(path)
    return parse_inputs(data, path, index)


def parse_inputs(data: object, path: Path, index: LineIndex, at: tuple[str, ...] = (),
                 file: str | None = None) -> dict[tuple[str, str], InputValue]:
    """Entered values in the shape of inputs.yaml, found at key path `at` of a YAML file (a scenario's
    `inputs:`); InputError naming the line of every bad entry."""
    if data is not None and not isinstance(data, dict):
        raise InputError(Problem.of("E014", file=path, line=index.line(list(at)), key=".".join(at) or "inputs",
                                    detail="cần bảng dạng «mã-tiêu-chí: {mã-yêu-cầu: {value, source}}»"))
    out: dict[tuple[str, str], InputValue] = {}
    problems: list[Problem] = []
    for crit, reqs in (data or {}).items():
        if not isinstance(reqs, dict):
            problems.append(Problem.of("E014", file=path, line=index.line([*at, crit]), key=str(crit),
                                       detail="cần bảng dạng «mã-yêu-cầu: {value, source}»"))
            continue
        for req, entry in reqs.items():
            key = f"{crit}/{req}"
            line = index.line([*at, crit, req])
            if not isinstance(entry, dict) or set(entry) - {"value", "source", "note"}:
                problems.append(Problem.of("E014", file=path, line=line, key=key,
                                           detail="chỉ dùng các khóa value, source, note"))
                continue
            value = input_number(entry.get("value"))
            if value is None:
                problems.append(Problem.of("E014", file=path, line=line, key=key,
                                           detail=f"value {entry.get('value')!r} phải là số không âm"))
                continue
            if not str(entry.get("source") or "").strip():
                problems.append(Problem.of("E014", file=path, line=line, key=key,
                                           detail="thiếu source: giá trị nhập ngoài phải nêu nguồn"))
                continue
            out[(str(crit), str(req))] = InputValue(value, str(entry["source"]).strip(), entry.get("note"),
                                                    line, file)
    if problems:
        raise InputError(problems)
    return out


def read_case_file(folder: Path) -> tuple[CaseFile, LineIndex]:
    """case.yaml, or InputError: without it there is no case at all."""
    if not folder.is_dir():
        raise InputError(Problem.of("E001", file=folder, path=folder))
    case_path = folder / CASE_FILE
    if not case_path.is_file():
        raise InputError(Problem.of("E001", file=case_path, path=case_path))
    data, index = load_yaml(case_path)
    try:
        return CaseFile.model_validate(data), index
    except ValidationError as exc:
        raise InputError(validation_problems(exc, case_path, index, data, CaseFile)) from None


def load_case(folder: Path) -> Evidence:
    """The evidence of a case, or InputError listing every error in every file."""
    read = read_case(folder)
    if read.errors:
        raise InputError(read.problems)
    return read.evidence


# A dataset read some other way than file by file with pandas (`cchc assess --engine dask`,
# engine/dask_datasets.py): its files → the frame scoring reads, or InputError.
DatasetReader = Callable[[list[Path]], pd.DataFrame]


def read_case(folder: Path, *, readers: Mapping[str, DatasetReader] | None = None) -> CaseRead:
    """Read every file of a case once, collecting every problem; raises only when case.yaml is unusable.
    `readers`: dataset name → how to read that dataset's files instead (hashes and problems as for the rest)."""
    folder = folder.resolve()
    case, index = read_case_file(folder)
    case_path = folder / CASE_FILE
    problems: list[Problem] = []
    hashes = {CASE_FILE: _sha256(case_path)}

    def named(relative: str, key: str) -> Path | None:
        try:
            return inside(folder, relative)
        except PathEscapeError:
            problems.append(Problem.of("E005", file=case_path, line=index.line([key]), path=relative))
            return None

    units: dict[str, str] = {}
    units_ok = True
    try:
        units = load_units(folder / UNITS_FILE)
        hashes[UNITS_FILE] = _sha256(folder / UNITS_FILE)
    except InputError as exc:
        problems.extend(exc.problems)
        units_ok = False

    documents: list[Document] = []
    registers: Registers | None = None
    register = named(case.documents, "documents")
    if register is not None:
        if not register.exists():
            problems.append(Problem.of("E001", file=case_path, line=index.line(["documents"]), path=register))
        else:  # a file, or a folder of registers merged (evidence/registers.py)
            registers = load_registers(register, case_folder=folder, units=units)
            documents = registers.documents
            problems.extend(registers.problems)
            hashes.update(registers.hashes)

    datasets: dict[str, pd.DataFrame] = {}
    datasets_read: list[DatasetRead] = []
    for name, source in case.datasets.items():
        files = _dataset_files(source.patterns, folder, case_path, index.line(["datasets"]), problems)
        paths = [path for path, _ in files]
        rows: int | None = None
        if not paths:
            datasets_read.append(DatasetRead(name, source.shown, None, None))
            continue
        if readers and name in readers:
            try:
                frame = readers[name](paths)
            except InputError as exc:
                problems.extend(exc.problems)
                datasets_read.append(DatasetRead(name, source.shown, paths[0], None))
                continue
            problems.extend(frame.attrs["warnings"])
            hashes.update({shown_as: _sha256(path) for path, shown_as in files})
            _hash_mapping(frame, folder, hashes)
            datasets[name] = frame
            if frame.attrs.get("rows", len(frame)) == 0:
                problems.append(Problem.of("W045", file=case_path, line=index.line(["datasets", name]), name=name,
                                           path=source.shown))
            datasets_read.append(DatasetRead(name, source.shown, paths[0], frame.attrs.get("rows", len(frame))))
            continue
        parts: list[pd.DataFrame] = []
        for path in paths:
            digest = _sha256_alongside(path)
            try:
                if source.mapping:  # a system export read through a mapping (evidence/exports.py)
                    frame = read_export(name, path, source.mapping, case_folder=folder, units=units,
                                        where=case_path, line=index.line(["datasets", name, "mapping"]))
                    _hash_mapping(frame, folder, hashes)
                else:
                    frame = read_dataset(name, path, units=units)
                problems.extend(frame.attrs["warnings"])  # unmapped columns, repeated ids (W031, W033…)
                hashes[dict(files)[path]] = digest()
                parts.append(frame)
                rows = (rows or 0) + len(frame)
            except RowsRejected as exc:  # the table was read; some of its cells were not usable
                problems.extend(exc.problems)
                rows = (rows or 0) + exc.rows
            except InputError as exc:
                problems.extend(exc.problems)
            except MemoryError:  # read_table's limits passed, yet the rows did not fit this machine's memory
                problems.append(out_of_memory(path))
        if len(parts) == len(paths):
            datasets[name] = parts[0] if len(parts) == 1 else _concatenated(parts, paths)
            if len(datasets[name]) == 0:  # a header alone: its requirements follow the rule's if_empty, never unseen
                problems.append(Problem.of("W045", file=case_path, line=index.line(["datasets", name]), name=name,
                                           path=source.shown))
        datasets_read.append(DatasetRead(name, source.shown, paths[0], rows))

    inputs: dict[tuple[str, str], InputValue] = {}
    if case.inputs:
        path = named(case.inputs, "inputs")
        if path is not None:
            try:
                inputs = _load_inputs(path)
                hashes[case.inputs] = _sha256(path)
            except InputError as exc:
                problems.extend(exc.problems)
    appraisal, appraisal_file = _mock_appraisal(folder, case, named, hashes, problems, index)
    if not units_ok:  # every unit cell would echo "unknown unit": report the cause, not its echoes
        problems = [p for p in problems if p.code != "E004"]
    problems = [p for p in problems if p.severity == "error"] + [p for p in problems if p.severity == "warning"]
    warnings = [p for p in problems if p.severity == "warning"]
    evidence = Evidence(folder, case, units, documents, datasets, inputs, hashes, warnings, registers, index,
                        appraisal, appraisal_file)
    return CaseRead(evidence, problems, datasets_read, units_ok)


def _mock_appraisal(folder: Path, case: CaseFile, named: Callable[[str, str], Path | None], hashes: dict[str, str],
                    problems: list[Problem], index: LineIndex) -> tuple[dict[str, Override] | None, str | None]:
    """TCCB's overrides and their file: the file case.yaml names (E001 when absent), else tham-dinh-thu.yaml
    when the case has one; (None, None) when there is none, so a case without it reads as it always did."""
    relative = case.mock_appraisal or MOCK_APPRAISAL_FILE
    path = named(relative, "mock_appraisal")
    if path is None:
        return None, None
    if not path.is_file():
        if case.mock_appraisal:
            problems.append(Problem.of("E001", file=folder / CASE_FILE, line=index.line(["mock_appraisal"]),
                                       path=path))
        return None, None
    try:
        overrides = read_mock_appraisal(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return None, relative
    hashes[relative] = _sha256(path)  # it moves the appraised total: the run manifest names it
    return overrides, relative
