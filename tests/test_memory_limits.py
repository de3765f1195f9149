"""A file too large for memory ends with an E-code naming it (E015 by the limits, E054 as the
backstop), never "Lỗi nội bộ (MemoryError)". MemoryError is simulated: no test needs gigabytes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli import main
from evidence import case as case_module
from evidence import columnar, datasets, register, tables, yaml_lines
from evidence.case import read_case
from evidence.problems import InputError
from evidence.tables import MAX_CSV_ROWS, read_table
from tests.conftest import SEED


@pytest.fixture
def case(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(SEED, folder)
    return folder


def _fails_on(call: int, original: Callable[..., Any]) -> Callable[..., Any]:
    """`original`, except that its `call`-th call runs out of memory."""
    calls = {"n": 0}

    def patched(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == call:
            raise MemoryError
        return original(*args, **kwargs)

    patched.calls = calls  # type: ignore[attr-defined]
    return patched


def test_a_real_export_over_the_row_limit_is_e015(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("Mã hồ sơ,Trạng thái\n")
        out.writelines(f"H{i},Đúng hạn\n" for i in range(MAX_CSV_ROWS + 1))
    with pytest.raises(InputError) as exc:
        read_table(path)
    (problem,) = exc.value.problems
    assert (problem.code, problem.file) == ("E015", str(path)) and "tách" in problem.message


def test_running_out_of_memory_in_a_dataset_is_e054_in_assess(case: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(case_module, "read_dataset", _fails_on(1, datasets.read_dataset))
    assert main(["assess", str(case)]) == 2
    err = capsys.readouterr().err
    assert "E054" in err and "datasets/" in err and "Lỗi nội bộ" not in err and "tách" in err


@pytest.mark.parametrize(("target", "name", "suffix"), [
    (tables, "_csv_records", ".csv"), (tables, "_excel_row", ".xlsx"), (tables, "_build", ".csv"),
    (columnar, "_clean_column", ".csv"),
])
def test_running_out_of_memory_reading_a_table_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              target: Any, name: str, suffix: str) -> None:
    import openpyxl

    path = tmp_path / f"bang{suffix}"
    if suffix == ".csv":  # a short row: only the row reader reads it (evidence/columnar.py hands it over)
        path.write_text("A,B\n1,2\n" if target is columnar else "A,B\n1,2\n3\n", encoding="utf-8")
    else:
        workbook = openpyxl.Workbook()
        workbook.active.append(["A", "B"])
        workbook.save(path)
    monkeypatch.setattr(target, name, _fails_on(1, getattr(target, name)))
    monkeypatch.setattr(tables, "COLUMNAR_MIN_BYTES", 0)  # the columnar reader, small as the file is
    with pytest.raises(InputError) as exc:
        read_table(path)
    assert [(p.code, p.file) for p in exc.value.problems] == [("E054", str(path))]


def test_running_out_of_memory_in_yaml_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "inputs.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    monkeypatch.setattr(yaml_lines, "_expanded_size", _fails_on(1, yaml_lines._expanded_size))
    with pytest.raises(InputError) as exc:
        yaml_lines.load_yaml(path)
    assert [(p.code, p.file) for p in exc.value.problems] == [("E054", str(path))]


STAGES = [
    (tables, "_csv_records"), (tables, "_build"), (yaml_lines, "_expanded_size"), (case_module, "read_dataset"),
    (register, "_read_row"), (datasets, "_parse"), (columnar, "_clean_column"),
]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stage=st.sampled_from(STAGES), call=st.integers(1, 4))
def test_memory_running_out_anywhere_in_reading_a_case_is_an_e_code(case: Path, stage: tuple[Any, str],
                                                                    call: int) -> None:
    """Wherever reading a case runs out of memory, the result is a problem E054 naming a file of the
    case (or case.yaml's own InputError), never a MemoryError; and it is never silent."""
    module, name = stage
    patched = _fails_on(call, getattr(module, name))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(module, name, patched)
        try:
            problems = read_case(case).problems
        except InputError as exc:  # case.yaml itself could not be read
            problems = exc.problems
    ran_out = patched.calls["n"] >= call  # type: ignore[attr-defined]
    out_of_memory = [p for p in problems if p.code == "E054"]
    assert bool(out_of_memory) == ran_out
    for problem in out_of_memory:
        assert problem.file is not None and case.resolve() in Path(problem.file).resolve().parents
