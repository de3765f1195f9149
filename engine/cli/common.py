"""What every command shares: exit statuses and how problems are printed."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from engine.locations import shown
from evidence.dates import DateError, parse_date
from evidence.problems import InputError, Problem, did_you_mean

EXIT_OK, EXIT_PROBLEMS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_PIPE_CLOSED = 141  # what a shell shows for a program a closed pipe stopped (128 + SIGPIPE)


def print_problems(problems: Iterable[Problem]) -> None:
    """One line per problem on stderr, never wrapped, so it can be read and grepped."""
    for problem in problems:
        if problem.file is not None:
            problem = replace(problem, file=shown(problem.file))
        word = "Cảnh báo" if problem.severity == "warning" else "Lỗi"
        print(f"{word}: {problem}", file=sys.stderr)


def as_of_arg(text: str | None):
    if not text:
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        raise InputError(Problem.of("C001", detail=str(exc))) from None


def check_unit(unit: str | None, units: dict[str, str], folder: Path) -> None:
    """`--unit` must name a unit of the case's units.yaml (E004, with a "did you mean")."""
    if unit and unit not in units:
        raise InputError(Problem.of("E004", file=folder / "units.yaml", unit=unit,
                                    hint=did_you_mean(unit, list(units))))
