"""`cchc evidence check`: every problem of a case's evidence, and what happened to every row.

The case is read once (`evidence.case.read_case`, as for an assessment); a check lists every
error and warning with its file, row and column, and counts per file the rows read, accepted
and rejected (and, for registers, the placeholder rows that record a
document not yet provided, and the duplicates counted once). A row is accepted or rejected;
none disappears.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from evidence.case import CaseRead
from evidence.problems import Problem
from evidence.register import link_problems

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


def _rows_with(problems: list[Problem], path: Path, severity: str, code: str | None = None) -> set[int]:
    target = str(path.resolve())
    return {p.row for p in problems if p.row is not None and p.severity == severity and p.file is not None
            and str(Path(p.file).resolve()) == target and (code is None or p.code == code)}


def check_case(read: CaseRead, *, requirements: Mapping[str, Collection[str]] | None = None,
               problems: list[Problem] | None = None) -> CheckReport:
    """What reading a case found, per file: rows read, accepted, rejected.

    `problems`: every problem of the case, when the caller has checked it against its scheme
    (`engine.case_checks`, as `cchc assess` does); else those reading found. `requirements`
    (criterion id → requirement ids) alone lets register rows be checked against a scheme."""
    evidence = read.evidence
    report = CheckReport(evidence.folder, list(read.problems if problems is None else problems))
    registers = evidence.registers
    if registers is not None and requirements is not None and problems is None:
        report.problems.extend(link_problems(registers.documents, evidence.folder, requirements))
    if registers is not None:
        for register in registers.files:
            rejected = _rows_with(report.problems, register.path, "error") if register.readable else set()
            duplicates = _rows_with(report.problems, register.path, "warning", "W022")
            report.files.append(FileCount(register.source, "sổ đăng ký", register.readable, register.rows,
                                          len(rejected), register.placeholders, len(duplicates)))
    for dataset in read.datasets_read:
        role = f"bộ dữ liệu {dataset.name}"
        if dataset.rows is None or dataset.path is None:
            report.files.append(FileCount(dataset.file, role, False))
            continue
        rejected = _rows_with(report.problems, dataset.path, "error")
        report.files.append(FileCount(dataset.file, role, True, dataset.rows, len(rejected)))
    return report
