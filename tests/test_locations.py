"""Rule and case commands read the working folder's `rules/` and `cases/` before the copy cchc carries,
name files as the author edits them, and a case's `scheme:` cannot reach outside the case."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.locations import find_case, find_scheme, rules_root, shown
from evidence.problems import InputError
from tests.conftest import RULES, SEED
from tests.editing import edit, line_of


def _scheme(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "scheme.yaml").write_text("id: x\n", encoding="utf-8")
    return folder


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A stand-in for site-packages/engine/_data: what a non-editable install carries."""
    data = tmp_path / "site-packages" / "engine" / "_data"
    _scheme(data / "rules" / "bo-a")
    (data / "cases" / "ho-so").mkdir(parents=True)
    (data / "cases" / "ho-so" / "case.yaml").write_text("scheme: bo-a\n", encoding="utf-8")
    return data


def test_the_working_folders_rules_come_before_the_installed_copy(tmp_path: Path, installed: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    assert rules_root(work, installed) == installed / "rules"
    _scheme(work / "rules" / "bo-a")
    assert rules_root(work, installed) == work / "rules"


def test_the_working_folders_case_and_scheme_come_first(tmp_path: Path, installed: Path) -> None:
    work = tmp_path / "work"
    assert find_case("ho-so", cwd=work, installed=installed) == installed / "cases" / "ho-so"
    (work / "cases" / "ho-so").mkdir(parents=True)
    (work / "cases" / "ho-so" / "case.yaml").write_text("scheme: bo-a\n", encoding="utf-8")
    case = find_case("ho-so", cwd=work, installed=installed)
    assert case == work / "cases" / "ho-so"
    assert find_scheme("bo-a", case, cwd=work, installed=installed) == installed / "rules" / "bo-a"
    _scheme(work / "rules" / "bo-a")
    assert find_scheme("bo-a", case, cwd=work, installed=installed) == work / "rules" / "bo-a"


def test_a_file_of_the_installed_copy_is_named_by_its_place_in_the_source_tree(installed: Path) -> None:
    assert shown(installed / "rules" / "bo-a" / "scheme.yaml", installed=installed) == "rules/bo-a/scheme.yaml"


@pytest.mark.parametrize("scheme", ["../bo-ngoai", "/tmp/bo-ngoai", "con/../../bo-ngoai"])
def test_a_scheme_outside_the_case_is_refused_with_case_yamls_line(tmp_path: Path, scheme: str) -> None:
    _scheme(tmp_path / "bo-ngoai")
    case = tmp_path / "ho-so"
    case.mkdir()
    (case / "case.yaml").write_text(f"id: x\nscheme: {json.dumps(scheme)}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        find_scheme(scheme, case, cwd=tmp_path)
    [p] = info.value.problems
    assert (p.code, p.file, p.line) == ("E005", str(case / "case.yaml"), 2)


def test_a_scheme_folder_inside_the_case_is_allowed(tmp_path: Path) -> None:
    case = tmp_path / "ho-so"
    inside = _scheme(case / "luat" / "bo-rieng")
    assert find_scheme("luat/bo-rieng", case, cwd=tmp_path).resolve() == inside.resolve()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(st.lists(st.sampled_from(["..", ".", "bo-ngoai", "ho-so", "luat", "bo-rieng", "", "/", "~"]),
                min_size=1, max_size=4))
def test_a_scheme_never_loads_from_outside_the_case_or_the_rules(tmp_path_factory, parts: list[str]) -> None:
    root = tmp_path_factory.mktemp("loc")
    _scheme(root / "bo-ngoai")
    case = root / "ho-so"
    _scheme(case / "luat" / "bo-rieng")
    (case / "case.yaml").write_text("scheme: x\n", encoding="utf-8")
    name = "/".join(parts)
    try:
        found = find_scheme(name, case, cwd=root / "empty", installed=root / "none").resolve()
    except InputError as exc:
        assert {p.code for p in exc.problems} <= {"E005", "R011"}
        return
    assert found.is_relative_to(case.resolve())


def test_rules_check_in_a_folder_with_rules_checks_that_copy(tmp_path: Path, monkeypatch, capsys) -> None:
    """The README's `pip install .` put a copy of rules/ in site-packages; the author edits ./rules."""
    shutil.copytree(RULES, tmp_path / "rules")
    field = tmp_path / "rules" / "ha-giang-2023-so" / "fields" / "7-chinh-quyen-so.yaml"
    edit(field, "    max: 1\n", "    max: 1.5\n")  # the maxima no longer add up to total_max
    monkeypatch.chdir(tmp_path)
    assert main(["rules", "check"]) == 1
    out = capsys.readouterr().out
    assert "rules/ha-giang-2023-so/scheme.yaml" in out and "[R008]" in out
    assert str(RULES) not in out and "site-packages" not in out


def test_assess_in_a_folder_with_cases_and_rules_uses_them(tmp_path: Path, monkeypatch, capsys) -> None:
    shutil.copytree(RULES / "ha-giang-2023-so", tmp_path / "rules" / "ha-giang-2023-so")
    shutil.copytree(SEED, tmp_path / "cases" / SEED.name)
    scheme = tmp_path / "rules" / "ha-giang-2023-so" / "scheme.yaml"
    edit(scheme, "{label: Khá, min: 70, below: 80}", "{label: Khá (bản đang sửa), min: 70, below: 80}")
    monkeypatch.chdir(tmp_path)
    assert main(["assess", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["classification"] == "Khá (bản đang sửa)"
    # and a mistake there is named as the author knows the file
    edit(scheme, "min: 70, below: 80", "min: 71, below: 80")
    assert main(["assess"]) == 2
    err = capsys.readouterr().err
    assert f"rules/ha-giang-2023-so/scheme.yaml, dòng {line_of(scheme, 'classification:')}" in err


def test_rules_check_of_the_installed_copy_says_so_and_never_names_site_packages(tmp_path: Path, monkeypatch,
                                                                                  capsys) -> None:
    data = tmp_path / "venv" / "site-packages" / "engine" / "_data"
    shutil.copytree(RULES / "ha-giang-2023-so", data / "rules" / "ha-giang-2023-so")
    edit(data / "rules" / "ha-giang-2023-so" / "fields" / "7-chinh-quyen-so.yaml", "    max: 1\n", "    max: 1.5\n")
    monkeypatch.setattr("engine.locations.INSTALLED", data)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["rules", "check"]) == 1
    out = capsys.readouterr().out
    assert "[W013]" in out and "[R008]" in out and "rules/ha-giang-2023-so/scheme.yaml" in out
    assert "site-packages" not in out
