"""A broken rule file is caught with a message that points at its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from engine.scheme_loader import load_scheme, read_scheme
from evidence.problems import InputError
from tests.conftest import RULES, SEED
from tests.editing import edit, line_of

SCHEME = RULES / "ha-giang-2023-so"


@pytest.fixture
def scheme_copy(tmp_path: Path) -> Path:
    target = tmp_path / "scheme"
    shutil.copytree(SCHEME, target)
    return target


def _problems(folder: Path) -> list:
    with pytest.raises(InputError) as info:
        load_scheme(folder)
    return info.value.problems


def test_the_shipped_scheme_loads_without_errors() -> None:
    scheme, problems = read_scheme(SCHEME)
    assert scheme is not None
    assert [p for p in problems if p.severity == "error"] == []
    assert len(scheme.criteria()) == 19


def test_yaml_syntax_error_names_file_and_line(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "2-the-che.yaml"
    edit(field, "    max: 1.5\n", "    max: [1.5\n")
    [p] = _problems(scheme_copy)
    assert p.code == "R001" and p.file == str(field) and p.line is not None


def test_unknown_key_suggests_the_right_one(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "2-the-che.yaml"
    edit(field, "    remedy: Thanh tra Sở chủ trì", "    remedi: Thanh tra Sở chủ trì")
    problems = _problems(scheme_copy)
    unknown = [p for p in problems if p.code == "R003"]
    assert unknown and 'có phải là "remedy"' in unknown[0].message
    assert unknown[0].line == line_of(field, "remedi:")
    assert unknown[0].criterion == "2.2"


def test_wrong_type_points_at_the_value(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, "    max: 0.5\n    owners: [tccb]\n", "    max: nửa điểm\n    owners: [tccb]\n")
    [p] = _problems(scheme_copy)
    assert p.code == "R002" and p.line == line_of(field, "max: nửa điểm") and p.criterion == "5.1"


def test_maxima_that_do_not_add_up(scheme_copy: Path) -> None:
    edit(scheme_copy / "fields" / "7-chinh-quyen-so.yaml", "    max: 1\n", "    max: 1.5\n")
    codes = {p.code for p in _problems(scheme_copy)}
    assert "R008" in codes


def test_scoring_refers_to_a_requirement_that_does_not_exist(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "2-the-che.yaml"
    edit(field, "score: {method: all_or_nothing, requires: [bao-cao-thpl]}",
          "score: {method: all_or_nothing, requires: [bao-cao-tphl]}")
    problems = _problems(scheme_copy)
    assert {"R010", "R009"} <= {p.code for p in problems}
    r010 = next(p for p in problems if p.code == "R010")
    assert 'có phải là "bao-cao-thpl"' in r010.message


def test_band_gap_is_reported(scheme_copy: Path) -> None:
    edit(scheme_copy / "scheme.yaml", "{label: Khá, min: 70, below: 80}", "{label: Khá, min: 70, below: 79}")
    problems = _problems(scheme_copy)
    assert any(p.code == "R006" and "79" in p.message for p in problems)


def test_threshold_outside_unit_interval(scheme_copy: Path) -> None:
    edit(scheme_copy / "fields" / "3-thu-tuc-hanh-chinh.yaml", "        threshold: 1\n        if_empty: met",
          "        threshold: 100\n        if_empty: met")
    assert "R007" in {p.code for p in _problems(scheme_copy)}


def test_unknown_owner_with_units(scheme_copy: Path) -> None:
    edit(scheme_copy / "fields" / "2-the-che.yaml", "owners: [thanh-tra]", "owners: [thanh-tr]")
    with pytest.raises(InputError) as info:
        load_scheme(scheme_copy, units=set(yaml.safe_load((SEED / "units.yaml").read_text(encoding="utf-8"))))
    [p] = [p for p in info.value.problems if p.code == "R005"]
    assert 'có phải là "thanh-tra"' in p.message and p.line is not None


def test_every_error_is_reported_at_once(scheme_copy: Path) -> None:
    edit(scheme_copy / "fields" / "2-the-che.yaml", "    remedy: Thanh tra Sở chủ trì", "    remedi: x")
    edit(scheme_copy / "fields" / "5-che-do-cong-vu.yaml", "    max: 0.5\n    owners: [tccb]\n",
          "    max: abc\n    owners: [tccb]\n")
    files = {p.file for p in _problems(scheme_copy)}
    assert len(files) == 2


def test_rules_are_never_executed(scheme_copy: Path) -> None:
    """A YAML tag that would build a Python object is refused, not run."""
    field = scheme_copy / "fields" / "2-the-che.yaml"
    edit(field, 'id: "2"', 'id: !!python/object/apply:os.system ["echo pwned"]')
    [p] = _problems(scheme_copy)
    assert p.code == "R001"


def test_control_character_in_a_rule_file_is_a_message_not_a_traceback(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "2-the-che.yaml"
    edit(field, 'id: "2"', 'id: "2\x07"')
    [p] = _problems(scheme_copy)
    assert p.code == "R001" and p.file == str(field)


def test_schema_mistakes_are_explained_in_vietnamese(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, "    max: 0.5\n    owners: [tccb]\n", "    max: nửa điểm\n    owners: tccb\n")
    edit(field, "        type: document\n", "        type: van-ban\n")
    edit(field, "    score: {method: all_or_nothing, requires: [ra-soat-vi-tri-viec-lam]}",
         "    score: {method: tat-ca, requires: [ra-soat-vi-tri-viec-lam]}")
    details = [p.message for p in _problems(scheme_copy)]
    assert any("cần một số (dùng dấu chấm thập phân" in d for d in details)
    assert any("cần danh sách" in d for d in details)
    assert any("'van-ban' không có; dùng một trong: 'document'" in d for d in details)
    assert any("phải là một trong: 'all_or_nothing'" in d for d in details)
    assert not [d for d in details if "Input should" in d or "Field required" in d]
