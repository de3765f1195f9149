"""Read a scheme folder (rules/<scheme>/) into a validated `Scheme`.

Layout: `scheme.yaml` (metadata, classification) and `fields/*.yaml`, one file
per field of the index, read in name order. Every problem is collected with its
file and line before anything is raised, so an author sees all mistakes at once.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from engine.authoring.locator import Locator
from engine.authoring.scheme_checks import check_scheme
from engine.scheme import FieldOfCriteria, Scheme
from evidence.case import load_units  # the same reader and messages as a case's units.yaml
from evidence.problems import InputError, Problem
from evidence.yaml_lines import load_yaml, validation_problems

SCHEME_FILE = "scheme.yaml"
FIELDS_DIR = "fields"
UNITS_FILE = "units.yaml"  # id: Vietnamese name of every unit owners may name


def _load_field(path: Path, problems: list[Problem], locator: Locator) -> FieldOfCriteria | None:
    try:
        data, index = load_yaml(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    locator.add_field(path, index, data)
    try:
        return FieldOfCriteria.model_validate(data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, path, index, data, FieldOfCriteria))
        return None


def load_scheme(folder: Path, *, units: set[str] | None = None) -> Scheme:
    """Load and check a scheme. Raises InputError listing every error found.

    `units`, when given, are the unit ids owners may name (from units.yaml)."""
    scheme, problems = read_scheme(folder, units=units)
    errors = [p for p in problems if p.severity == "error"]
    if errors or scheme is None:
        raise InputError(errors)
    return scheme


def _scheme_units(folder: Path, problems: list[Problem]) -> set[str] | None:
    path = folder / UNITS_FILE
    if not path.is_file():
        problems.append(Problem.of("W012", file=path))
        return None
    try:
        return set(load_units(path))
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def read_scheme(folder: Path, *, units: set[str] | None = None) -> tuple[Scheme | None, list[Problem]]:
    """Load a scheme and return it with every problem (errors and warnings) found.

    Without `units`, the scheme folder's own units.yaml (when present) says which units owners may name."""
    problems: list[Problem] = []
    unit_problems: list[Problem] = []
    if units is None:
        units = _scheme_units(folder, unit_problems)
    head_path = folder / SCHEME_FILE
    if not head_path.is_file():
        return None, [Problem.of("E001", file=head_path, path=head_path)]
    try:
        head, head_index = load_yaml(head_path)
    except InputError as exc:
        return None, exc.problems
    if not isinstance(head, dict):
        return None, [Problem.of("R002", file=head_path, line=1, detail="cần một bảng khóa: giá trị")]
    if "fields" in head:
        problems.append(Problem.of("R003", file=head_path, line=head_index.line(["fields"]), key="fields",
                                   hint=f" (các lĩnh vực đặt trong thư mục {FIELDS_DIR}/)"))
    locator = Locator(head_path, head_index)
    field_files = sorted((folder / FIELDS_DIR).glob("*.yaml"))
    fields = [f for f in (_load_field(p, problems, locator) for p in field_files) if f is not None]
    if problems:
        return None, problems + unit_problems
    try:
        scheme = Scheme.model_validate({**head, "fields": [f.model_dump() for f in fields]})
    except ValidationError as exc:
        return None, validation_problems(exc, head_path, head_index, head, Scheme) + unit_problems
    return scheme, unit_problems + check_scheme(scheme, locator, units=units)
