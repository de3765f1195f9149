"""Rule messages name the file, line, criterion and key as the author wrote them: a duplicate is reported
where it is (not at the first occurrence twice), and schema errors never show pydantic's internal paths."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from engine.scheme import FieldOfCriteria
from engine.scheme_loader import read_scheme
from evidence.yaml_lines import load_yaml, validation_problems
from tests.conftest import RULES
from tests.editing import edit

SCHEME = RULES / "ha-giang-2023-so"
INTERNAL = re.compile(r"\b(criteria|requires|parts|bands|score)\.\d|\.(document|rate|deadlines|input)\.")


@pytest.fixture
def scheme_copy(tmp_path: Path) -> Path:
    target = tmp_path / "scheme"
    shutil.copytree(SCHEME, target)
    return target


def _lines(path: Path, needle: str) -> list[int]:
    return [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]


def test_a_duplicate_criterion_is_reported_at_its_own_line(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, '  - id: "5.3"', '  - id: "5.2"')
    first, second = _lines(field, '- id: "5.2"')
    _, problems = read_scheme(scheme_copy)
    [p] = [p for p in problems if p.code == "R004"]
    assert (p.file, p.line, p.criterion) == (str(field), second, "5.2")
    assert f"dòng {first}" in p.message


def test_a_duplicate_criterion_in_another_file_names_both_files(scheme_copy: Path) -> None:
    other = scheme_copy / "fields" / "7-chinh-quyen-so.yaml"
    edit(other, '  - id: "7.2"', '  - id: "5.2"')
    _, problems = read_scheme(scheme_copy)
    [p] = [p for p in problems if p.code == "R004"]
    assert (p.file, p.line) == (str(other), _lines(other, '- id: "5.2"')[0])
    assert "5-che-do-cong-vu.yaml" in p.message


def test_a_duplicate_requirement_is_reported_at_its_own_line(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, "      - id: khong-co-khtnv", "      - id: hoan-thanh-tot")
    first, second = _lines(field, "- id: hoan-thanh-tot")
    _, problems = read_scheme(scheme_copy)
    [p] = [p for p in problems if p.code == "R004"]
    assert (p.line, p.criterion) == (second, "5.2") and f"dòng {first}" in p.message


def test_a_wrong_value_is_named_by_requirement_and_key(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, "threshold: 1\n        owner: tccb", "threshold: cao\n        owner: tccb")
    _, problems = read_scheme(scheme_copy)
    [p] = [p for p in problems if p.code == "R002"]
    assert (p.line, p.criterion) == (_lines(field, "threshold: cao")[0], "5.2")
    assert "yêu cầu hoan-thanh-tot, khóa threshold" in p.message and not INTERNAL.search(p.message)


FIELD_FILES = sorted((SCHEME / "fields").glob("*.yaml"))
WRONG = st.sampled_from([[1, 2], {"a": 1}, "không phải số", None])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None)
@given(st.sampled_from(FIELD_FILES), st.integers(0, 50), st.integers(0, 50),
       st.sampled_from(["label", "owner", "threshold", "match", "due"]), WRONG)
def test_schema_errors_inside_a_requirement_name_it_and_the_key(tmp_path_factory, file: Path, ci: int, ri: int,
                                                                 key: str, value: object) -> None:
    data, _ = load_yaml(file)
    crit = data["criteria"][ci % len(data["criteria"])]
    req = crit["requires"][ri % len(crit["requires"])]
    req[key] = value
    path = tmp_path_factory.mktemp("f") / file.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data, index = load_yaml(path)
    try:
        FieldOfCriteria.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, path, index, data, FieldOfCriteria)
    else:
        return  # a value the schema accepts (e.g. due: None)
    assert problems
    for p in problems:
        assert not INTERNAL.search(p.message), p.message
        assert p.criterion == str(crit["id"]) and p.line is not None
        assert f"yêu cầu {req['id']}" in p.message or p.code == "R003", p.message
        assert key in p.message, p.message
