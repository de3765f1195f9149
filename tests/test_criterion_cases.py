"""The YAML cases beside every criterion, run by the real engine, with OPA-style coverage.

Each case is one pytest test with the id `<scheme>::<criterion>::<case>`, so `pytest -k 1.1` runs the cases
of criterion 1.1 (of every scheme) and `pytest -k "ha-giang-2024-so::1.5"` those of one criterion of one
scheme. A criterion without a case scoring in full and one not, or a requirement never seen both met and
unmet, fails its coverage test. Below them: the loader's own messages on broken case files.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.assess import Assessor
from engine.authoring.criterion_cases import (
    CaseResult,
    CriterionCase,
    SchemeCases,
    coverage_problems,
    load_cases,
    run_case,
    run_scheme_cases,
)
from engine.scheme import Scheme
from engine.scheme_loader import load_scheme
from tests.conftest import EXPECTED_MATCHER, ROOT, RULES
from tests.editing import line_of

SCHEME_DIRS = sorted(p for p in RULES.iterdir() if (p / "scheme.yaml").is_file())


@functools.cache
def _loaded(folder: Path) -> tuple[Scheme, SchemeCases]:
    scheme = load_scheme(folder)
    return scheme, load_cases(folder, scheme)


@functools.cache
def _assessor(folder: Path) -> Assessor:
    return Assessor(_loaded(folder)[0])


@functools.cache
def _result(folder: Path, case_id: str) -> CaseResult:
    case = next(c for c in _loaded(folder)[1].cases if c.id == case_id)
    return run_case(_assessor(folder), case)


ALL_CASES: list[tuple[Path, CriterionCase]] = [(f, c) for f in SCHEME_DIRS for c in _loaded(f)[1].cases]
ALL_CRITERIA = [(f, c.id) for f in SCHEME_DIRS for c in _loaded(f)[0].criteria()]


@pytest.mark.parametrize(("folder", "case"), ALL_CASES, ids=[c.id for _, c in ALL_CASES])
def test_criterion_case(folder: Path, case: CriterionCase) -> None:
    result = _result(folder, case.id)
    detail = "\n".join([*(str(p) for p in result.problems), *(f"  · {t}" for t in result.trace)])
    assert result.passed, detail


@pytest.mark.parametrize(("folder", "criterion"), ALL_CRITERIA, ids=[f"{f.name}::{c}" for f, c in ALL_CRITERIA])
def test_criterion_coverage(folder: Path, criterion: str) -> None:
    scheme, cases = _loaded(folder)
    results = [_result(folder, c.id) for c in cases.cases if c.criterion == criterion]
    problems = coverage_problems(scheme, cases, results, [scheme.criterion(criterion)])
    assert problems == [], "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("folder", SCHEME_DIRS, ids=[f.name for f in SCHEME_DIRS])
def test_case_files_have_no_errors(folder: Path) -> None:
    _, cases = _loaded(folder)
    assert [str(p) for p in cases.problems] == []
    assert set(cases.files) == {c.id for c in _loaded(folder)[0].criteria()}


def test_k_selects_one_criterion_by_its_id() -> None:
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/test_criterion_cases.py", "-k", "ha-giang-2024-so::1.5"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    ids = [line for line in proc.stdout.splitlines() if "::test_" in line]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cases = [i for i in ids if "test_criterion_case[" in i]
    assert len(cases) == 5 and all("[ha-giang-2024-so::1.5::" in i for i in cases)
    assert "tests/test_criterion_cases.py::test_criterion_case[ha-giang-2024-so::1.5::mot-bao-cao-muon]" in ids


# ---- what a rule author sees when a case file is wrong --------------------------------------------

@pytest.fixture
def scheme_copy(tmp_path: Path) -> Path:
    target = tmp_path / "ha-giang-2023-so"
    shutil.copytree(RULES / "ha-giang-2023-so", target)
    return target


def _problems(folder: Path) -> list:
    return load_cases(folder, load_scheme(folder)).problems


def test_bad_cells_get_the_readers_codes_at_the_case_line(scheme_copy: Path) -> None:
    path = scheme_copy / "cases" / "2.2.yaml"
    path.write_text("""criterion: "2.2"
cases:
  - name: sai
    description: nhiều lỗi một lúc
    documents:
      - {reference: 15/BC-SNN, issued: 31/2/2023, kind: BC, subject: Báo cáo, unit: thanh-tr, tags: [thpl]}
      - {reference: 16/BC-SNN, isued: 2023-02-01, kind: BC, subject: Báo cáo, unit: thanh-tra}
    datasets:
      tasks:
        - {id: A, title: t, due: 13/13/2023}
      dosiers: []
    inputs: {bao-cao-thpl: 1}
    expect: {points: 1, status: đạt, missing: [bao-cao-tphl]}
""", encoding="utf-8")
    problems = _problems(scheme_copy)
    got = {(p.code, p.line, p.column) for p in problems}
    assert ("E003", 6, "issued") in got  # 31/2/2023 is no date
    assert ("E004", 6, "unit") in got  # unknown unit
    assert ("R003", 7, None) in got  # "isued"
    assert ("E003", 10, "due") in got
    assert ("R015", 11, None) in got  # "dosiers"
    assert ("R021", 12, None) in got  # an input for a document requirement
    assert ("R021", 13, None) in got  # expect names an unknown requirement
    messages = " ".join(p.message for p in problems)
    for hint in ('"thanh-tra"', '"issued"', '"dossiers"', '"bao-cao-thpl"'):
        assert f"có phải là {hint}" in messages
    assert all(p.file == str(path) and p.criterion == "2.2" for p in problems)


def test_schema_errors_in_a_case_file(scheme_copy: Path) -> None:
    path = scheme_copy / "cases" / "2.2.yaml"
    text = path.read_text(encoding="utf-8").replace("status: đạt,", "status: dat,", 1)
    path.write_text(text, encoding="utf-8")
    [p] = _problems(scheme_copy)
    assert p.code == "R002" and p.line == line_of(path, "status: dat,") and "đạt một phần" in p.message


def test_a_case_file_must_name_a_criterion_of_the_scheme(scheme_copy: Path) -> None:
    (scheme_copy / "cases" / "2.2.yaml").write_text(
        'criterion: "2.3"\ncases:\n  - {name: a, description: b, expect: {points: 0, status: đạt, missing: []}}\n',
        encoding="utf-8")
    (scheme_copy / "cases" / "x.yaml").write_text(
        'criterion: "2.1"\ncases:\n  - {name: a, description: b, expect: {points: 0, status: đạt, missing: []}}\n',
        encoding="utf-8")
    codes = {p.code: p for p in _problems(scheme_copy)}
    assert "R019" in codes and 'có phải là "2.2"' in codes["R019"].message
    assert "R020" in codes and "2.1.yaml" in codes["R020"].message


def test_duplicate_case_names(scheme_copy: Path) -> None:
    path = scheme_copy / "cases" / "1.2.yaml"
    text = path.read_text(encoding="utf-8").replace("name: chua-nhap", "name: du-diem")
    path.write_text(text, encoding="utf-8")
    assert [p.code for p in _problems(scheme_copy)] == ["R004"]


def test_a_wrong_expectation_says_what_differs(scheme_copy: Path) -> None:
    path = scheme_copy / "cases" / "2.2.yaml"
    text = path.read_text(encoding="utf-8").replace("expect: {points: 1, status: đạt, missing: []}",
                                                    "expect: {points: 0.5, status: đạt, missing: [bao-cao-thpl]}")
    path.write_text(text, encoding="utf-8")
    scheme = load_scheme(scheme_copy)
    run = run_scheme_cases(scheme_copy, scheme, criterion="2.2")
    [failed] = run.failed
    [p] = failed.problems
    assert p.code == "R022" and p.line == line_of(path, "name: co-bao-cao")
    assert "điểm mong đợi 0,5, được 1" in p.message and "việc còn thiếu mong đợi [bao-cao-thpl], được []" in p.message
    assert failed.trace and "Đạt —" in failed.trace[0]
    assert not run.ok


def test_coverage_gaps_are_named(scheme_copy: Path) -> None:
    # 2.2 keeps only the case where the report exists: no case below full marks, requirement never unmet
    path = scheme_copy / "cases" / "2.2.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("\n  - name: khong-co-bao-cao")[0] + "\n", encoding="utf-8")
    (scheme_copy / "cases" / "7.2.yaml").unlink()
    scheme = load_scheme(scheme_copy)
    run = run_scheme_cases(scheme_copy, scheme)
    found = {(p.code, p.criterion, p.message) for p in run.coverage}
    assert ("R023", "2.2", "tiêu chí chưa có ca kiểm thử không đủ điểm") in found
    assert ("R024", "2.2", "yêu cầu 'bao-cao-thpl' chưa có ca kiểm thử nào ở trạng thái không đạt") in found
    assert any(code == "R025" and crit == "7.2" and "cases/7.2.yaml" in msg for code, crit, msg in found)
    assert len(run.coverage) == 3 and not run.ok


def test_a_case_is_a_real_assessment() -> None:
    """Cases go through the register reader (dates, kinds, units) and the durable-rules matcher."""
    folder = RULES / "ha-giang-2024-so"
    case = next(c for c in _loaded(folder)[1].cases if c.id == "ha-giang-2024-so::1.4::ba-don-vi-chua-dat")
    assert len(case.evidence.documents) == 8
    late = next(d for d in case.evidence.documents if d.unit == "chi-cuc-tt-bvtv")
    assert late.sent is not None and late.sent.isoformat() == "2024-02-05" and late.kind == "KH"
    assert _assessor(folder).matcher.name == EXPECTED_MATCHER
    result = _result(folder, case.id)
    assert result.passed and "ke-hoach-chi-cuc-tt-bvtv" in result.unmet and "ke-hoach-van-phong" in result.met


def test_a_broken_cases_file_is_not_also_called_missing(scheme_copy: Path) -> None:
    path = scheme_copy / "cases" / "2.2.yaml"
    path.write_text('criterion: "2.2"\ncases:\n  - name: x\n    expect: {points: abc}\n', encoding="utf-8")
    scheme = load_scheme(scheme_copy)
    run = run_scheme_cases(scheme_copy, scheme)
    assert not run.ok
    assert not [p for p in run.coverage if p.code == "R025"]
    assert any(p.code == "R002" and p.file == str(path) for p in run.cases.problems)
