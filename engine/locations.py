"""Where the rule sets and cases are: the installed wheel's copy, or the source tree's."""

from __future__ import annotations

from pathlib import Path

from evidence.problems import InputError, Problem, did_you_mean

_PACKAGE = Path(__file__).resolve().parent
DEFAULT_CASE = "ha-giang-sonnptnt-2023"


def _root(name: str) -> Path:
    installed = _PACKAGE / "_data" / name  # put there by the wheel build (pyproject force-include)
    return installed if installed.is_dir() else _PACKAGE.parent / name


def rules_root() -> Path:
    return _root("rules")


def cases_root() -> Path:
    return _root("cases")


def find_case(name_or_path: str | None) -> Path:
    """A case folder given as a path, or by name among the embedded cases."""
    name = name_or_path or DEFAULT_CASE
    path = Path(name)
    if path.is_dir():
        return path
    embedded = cases_root() / name
    if embedded.is_dir():
        return embedded
    known = sorted(p.name for p in cases_root().iterdir() if (p / "case.yaml").is_file())
    raise InputError(Problem.of("C002", name=name, hint=did_you_mean(name, known) or
                                f" (có: {', '.join(known)})"))


def find_scheme(name: str, case_folder: Path) -> Path:
    """A scheme named in case.yaml: a folder under rules/, or a path relative to the case."""
    for candidate in (rules_root() / name, case_folder / name):
        if (candidate / "scheme.yaml").is_file():
            return candidate
    known = sorted(p.name for p in rules_root().iterdir() if (p / "scheme.yaml").is_file())
    raise InputError(Problem.of("R011", file=case_folder / "case.yaml", name=name,
                                hint=did_you_mean(name, known) or f" (có: {', '.join(known)})"))
