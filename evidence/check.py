"""`cchc evidence check`: every problem of a case's evidence, and what happened to every row.

Loading a case for an assessment stops at the first file set that has errors; a check reads
everything, lists every error and warning with its file, row and column, and counts per file
the rows read, accepted and rejected (and, for registers, the placeholder rows that record a
document not yet provided, and the duplicates counted once). A row is accepted or rejected;
none disappears.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from evidence.case import CASE_FILE, UNITS_FILE, load_case, load_units
from evidence.case_file import CaseFile
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError, Problem, did_you_mean
from evidence.register import COLUMNS, Document
from evidence.registers import Registers, load_registers
from evidence.tables import read_table
from evidence.yaml_lines import load_yaml, validation_problems

EXIT_CLEAN, EXIT_PROBLEMS = 0, 1


@dataclass(frozen=True)
class FileCount:
    file: str  # relative to the case folder
    role: str  # "sổ đăng ký", "bộ dữ liệu tasks"
    readable: bool
    rows: int = 0
    rejected: int = 0
    placeholders: int | None = None  # registers only
    duplicates: int | None = None  # registers only: rows counted once with an earlier row (W022)

    @property
    def accepted(self) -> int:
        return self.rows - self.rejected


@dataclass
class CheckReport:
    folder: Path
    problems: list[Problem] = field(default_factory=list)
    files: list[FileCount] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def exit_status(self) -> int:
        return EXIT_PROBLEMS if self.errors else EXIT_CLEAN


def read_case_file(folder: Path) -> CaseFile:
    """case.yaml, or InputError: without it there is no case to check (exit status 2)."""
    if not folder.is_dir():
        raise InputError(Problem.of("E001", file=folder, path=folder))
    case_path = folder / CASE_FILE
    if not case_path.is_file():
        raise InputError(Problem.of("E001", file=case_path, path=case_path))
    data, index = load_yaml(case_path)
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, case_path, index, data, CaseFile)) from None


def _rows_with(problems: list[Problem], path: Path, severity: str, code: str | None = None) -> set[int]:
    target = str(path.resolve())
    return {p.row for p in problems if p.row is not None and p.severity == severity and p.file is not None
            and str(Path(p.file).resolve()) == target and (code is None or p.code == code)}


def link_problems(documents: list[Document], folder: Path, requirements: Mapping[str, Collection[str]]
                  ) -> list[Problem]:
    """E010 for rows naming a criterion or requirement the scheme does not have."""
    problems = []
    for doc in documents:
        if doc.criterion is None and doc.requirement is None:
            continue
        known = requirements.get(doc.criterion or "")
        if known is None:
            column, seen, choices = COLUMNS["criterion"][0], doc.criterion or "", list(requirements)
        elif doc.requirement is not None and doc.requirement not in known:
            column, seen, choices = COLUMNS["requirement"][0], doc.requirement, list(known)
        else:
            continue
        problems.append(Problem.of("E010", file=folder / doc.source, row=doc.row, column=column,
                                   crit=doc.criterion, req=doc.requirement, hint=did_you_mean(seen, choices)))
    return problems


def check_case(folder: Path, *, requirements: Mapping[str, Collection[str]] | None = None) -> CheckReport:
    """Check a case folder; InputError only when there is no usable case.yaml.

    `requirements` (criterion id → requirement ids, from the scheme) lets register rows that
    name a criterion or requirement be checked against it."""
    folder = folder.resolve()
    case = read_case_file(folder)
    report = CheckReport(folder)
    registers: Registers | None
    try:
        evidence = load_case(folder)
        report.problems.extend(evidence.warnings)
        registers = evidence.registers
    except InputError as exc:
        report.problems.extend(exc.problems)
        registers = _registers_again(folder, case)
    if registers is not None and requirements is not None:
        report.problems.extend(link_problems(registers.documents, folder, requirements))

    if registers is not None:
        for read in registers.files:
            rejected = _rows_with(report.problems, read.path, "error") if read.readable else set()
            duplicates = _rows_with(report.problems, read.path, "warning", "W022")
            report.files.append(FileCount(read.source, "sổ đăng ký", read.readable, read.rows, len(rejected),
                                          read.placeholders, len(duplicates)))
    for name, source in case.datasets.items():
        relative = getattr(source, "path", source)  # a plain path, or a source with a mapping
        report.files.append(_dataset_count(folder, str(relative), name, report.problems))
    return report


def _registers_again(folder: Path, case: CaseFile) -> Registers | None:
    """The registers' counts when loading the case failed (their problems are already listed)."""
    try:
        units = load_units(folder / UNITS_FILE)
    except InputError:
        units = {}
    try:
        target = inside(folder, case.documents)
    except PathEscapeError:
        return None
    return load_registers(target, case_folder=folder, units=units) if target.exists() else None


def _dataset_count(folder: Path, relative: str, name: str, problems: list[Problem]) -> FileCount:
    role = f"bộ dữ liệu {name}"
    try:
        path = inside(folder, relative)
        table = read_table(path)
    except (PathEscapeError, InputError):
        return FileCount(relative, role, False)
    rejected = _rows_with(problems, path, "error")
    return FileCount(relative, role, True, len(table.frame), len(rejected))
