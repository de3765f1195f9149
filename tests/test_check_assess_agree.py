"""`cchc evidence check` and `cchc assess` agree: check reports an error exactly when assess exits 2,
and both name the same file and line or row (engine/case_checks.py is the one path both take)."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli import main
from tests.conftest import SEED
from tests.editing import edit, line_of

ERROR = re.compile(r"^\s*Lỗi: (.*?): \[([A-Z]\d{3})\]")


@pytest.fixture
def case(tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(SEED, target)
    return target


def _errors(text: str, folder: Path) -> set[tuple[str, str]]:
    """(code, place) of every error line, the place with the case folder left out (check shows paths
    relative to it, assess as given)."""
    prefix = f"{folder.resolve()}/"
    return {(m[2], m[1].replace(prefix, "")) for line in text.splitlines() if (m := ERROR.match(line))}


def check_and_assess(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, set, int, set]:
    check = main(["evidence", "check", str(folder)])
    out, err = capsys.readouterr()
    check_errors = _errors(out + err, folder)
    assess = main(["assess", str(folder), "--format", "json"])
    out, err = capsys.readouterr()
    return check, check_errors, assess, _errors(err, folder)


# ---- what check passed and assess refused (regressions) ------------------------------------------------


def test_unknown_not_applicable_id_is_an_error_of_both_named_at_its_line(capsys, case: Path) -> None:
    edit(case / "case.yaml", "inputs: inputs.yaml", 'inputs: inputs.yaml\nnot_applicable:\n  "3.9": "không có"')
    line = line_of(case / "case.yaml", '"3.9"')
    check, check_errors, assess, assess_errors = check_and_assess(case, capsys)
    assert (check, assess) == (1, 2)
    assert check_errors == assess_errors == {("E010", f"case.yaml, dòng {line}")}


def test_e010_names_the_key_as_written_never_none(capsys, case: Path) -> None:
    edit(case / "case.yaml", "inputs: inputs.yaml", 'inputs: inputs.yaml\nnot_applicable:\n  "3.9": "không có"')
    main(["evidence", "check", str(case)])
    out, _ = capsys.readouterr()
    [line] = [x for x in out.splitlines() if "[E010]" in x]
    assert "None" not in line and "tiêu chí '3.9' (khóa not_applicable)" in line


def test_inputs_naming_an_unknown_criterion_or_requirement(capsys, case: Path) -> None:
    edit(case / "inputs.yaml", '"1.2":\n  tham-dinh:', '"1.9":\n  tham-dinh:')
    edit(case / "inputs.yaml", '"3.5":\n  tham-dinh:', '"3.5":\n  tham-dinh-lai:')
    check, check_errors, assess, assess_errors = check_and_assess(case, capsys)
    assert (check, assess) == (1, 2)
    lines = {line_of(case / "inputs.yaml", '"1.9"') + 1, line_of(case / "inputs.yaml", "tham-dinh-lai")}
    assert check_errors == assess_errors == {("E010", f"inputs.yaml, dòng {n}") for n in lines}


def test_input_for_a_requirement_that_is_not_an_input(capsys, case: Path) -> None:
    edit(case / "inputs.yaml", '"1.2":\n  tham-dinh:', '"1.3":\n  nhiem-vu:')
    check, check_errors, assess, assess_errors = check_and_assess(case, capsys)
    assert (check, assess) == (1, 2)
    assert check_errors == assess_errors == {("E014", f"inputs.yaml, dòng {line_of(case / 'inputs.yaml', 'nhiem-vu')}")}


def test_task_row_assess_cannot_decide_is_an_error_of_check_too(capsys, case: Path) -> None:
    with (case / "datasets" / "tasks.csv").open("a", encoding="utf-8") as out:
        out.write("NV-X,Nhiệm vụ không rõ hạn,,,,,,1,\n")
    check, check_errors, assess, assess_errors = check_and_assess(case, capsys)
    assert (check, assess) == (1, 2)
    assert check_errors == assess_errors == {("E011", "datasets/tasks.csv, hàng 5")}


# ---- the property: broken copies of the seed case -------------------------------------------------------

Mutation = Callable[[Path], None]


def _append(relative: str, text: str) -> Mutation:
    def apply(folder: Path) -> None:
        with (folder / relative).open("a", encoding="utf-8") as out:
            out.write(text)
    return apply


def _replace(relative: str, old: str, new: str) -> Mutation:
    return lambda folder: edit(folder / relative, old, new)


MUTATIONS: list[Mutation] = [
    # case.yaml: not_applicable ids, known and unknown
    _replace("case.yaml", "inputs: inputs.yaml", 'inputs: inputs.yaml\nnot_applicable:\n  "3.1": "không có TTHC"'),
    _replace("case.yaml", "inputs: inputs.yaml", 'inputs: inputs.yaml\nnot_applicable:\n  "9.9": "gõ nhầm"'),
    # inputs.yaml: values within and above their maximum, negative, keys unknown or not inputs
    _replace("inputs.yaml", "value: 0.69", "value: 1"),
    _replace("inputs.yaml", "value: 0.69", "value: 50"),
    _replace("inputs.yaml", "value: 0.01", "value: 2.5"),
    _replace("inputs.yaml", "value: 2.72", "value: -1"),
    _replace("inputs.yaml", '"4.2":\n  dieu-tra-xa-hoi-hoc:', '"4.2":\n  dieu-tra:'),
    _replace("inputs.yaml", '"7.1":\n  ky-so:', '"7.3":\n  ky-so:'),
    _replace("inputs.yaml", '"1.2":\n  tham-dinh:', '"1.3":\n  nhiem-vu:'),
    # dataset rows: undecidable task, repeated row, bad status, indicator above 100 %
    _append("datasets/tasks.csv", "NV-X,Nhiệm vụ không rõ hạn,,,,,,1,\n"),
    _append("datasets/tasks.csv", "NV-Y,Nhiệm vụ có hạn,,,30/11/2023,,,1,\n"),
    _append("datasets/staff_evaluations.csv", "Công chức,Hoàn thành nhiệm vụ,16,\n"),
    _replace("datasets/dossiers.csv", "Quá hạn,71", "Quá hẹn,71"),
    _replace("datasets/indicators.csv", "trực tuyến,1,27,", "trực tuyến,28,27,"),
    # register rows: unknown criterion, unknown requirement, unknown unit
    _replace("documents.csv", "2.2,bao-cao-thpl", "2.2,bao-cao-tphl"),
    _replace("documents.csv", "2.2,bao-cao-thpl", "2.9,bao-cao-thpl"),
    _replace("documents.csv", ",tccb,chuc-nang-nhiem-vu,4.1", ",phong-tccb,chuc-nang-nhiem-vu,4.1"),
    # units: a unit the scheme's owners name is gone
    _replace("units.yaml", "bql-du-gia: Ban Quản lý rừng đặc dụng Du Già\n", ""),
]


# capsys is read after every run, so sharing it across examples carries nothing over
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(chosen=st.lists(st.integers(0, len(MUTATIONS) - 1), min_size=1, max_size=3, unique=True))
def test_check_reports_an_error_exactly_when_assess_refuses(capsys, chosen: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        shutil.copytree(SEED, folder)
        for i in sorted(chosen):
            # two mutations of the same text: the later one no longer applies
            with contextlib.suppress(AssertionError):
                MUTATIONS[i](folder)
        check, check_errors, assess, assess_errors = check_and_assess(folder, capsys)
    # check exits 2 when case.yaml itself is unusable (e.g. two mutations give it a key twice: E050)
    assert check in (0, 1, 2) and assess in (0, 2)
    assert (check != 0) == (assess == 2), (check_errors, assess_errors)
    assert check_errors == assess_errors
