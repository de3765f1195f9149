"""The monthly mock assessment's history: saved runs under the case, never overwritten silently."""

from __future__ import annotations

import json
import shutil
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.history import HISTORY_DIR, history, read_run
from evidence.problems import InputError
from tests.conftest import CASES

Q3 = CASES / "ha-giang-sonnptnt-2024-q3"
THPL = ('155/BC-SNN,25/9/2024,,BC,Báo cáo kết quả công tác theo dõi thi hành pháp luật năm 2024,thanh-tra,'
        '"thpl, ket-qua-thpl",,,,\n')


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def case(tmp_path: Path) -> Path:
    target = tmp_path / "q3"
    shutil.copytree(Q3, target)
    return target


def _add_thpl(case: Path) -> None:
    with (case / "documents.csv").open("a", encoding="utf-8") as f:
        f.write(THPL)


def _drop_thpl(case: Path) -> None:
    path = case / "documents.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(THPL, ""), encoding="utf-8")


def test_save_keeps_the_json_result_once_per_as_of_date(capsys, case: Path) -> None:
    code, out, err = run(capsys, "assess", str(case), "--save", "--format", "json")
    assert code == 0 and "Đã lưu" in err
    saved = case / HISTORY_DIR / "2024-09-30.json"
    assert saved.read_text(encoding="utf-8") == out  # the JSON document itself, manifest included
    assert json.loads(out)["manifest"]["as_of"] == "2024-09-30"
    code, _, err = run(capsys, "assess", str(case), "--save")
    assert code == 0 and "giống hệt" in err  # the same result again: nothing to refuse


def test_a_different_result_for_the_same_date_is_refused_unless_asked(capsys, case: Path) -> None:
    run(capsys, "assess", str(case), "--save")
    saved = case / HISTORY_DIR / "2024-09-30.json"
    before = saved.read_bytes()
    _add_thpl(case)
    code, _, err = run(capsys, "assess", str(case), "--save")
    assert code == 2 and "[C028]" in err and "--ghi-de" in err
    assert saved.read_bytes() == before
    code, _, err = run(capsys, "assess", str(case), "--save", "--ghi-de")
    assert code == 0 and "Đã ghi đè" in err
    assert json.loads(saved.read_text(encoding="utf-8"))["total"] == 84


def test_history_counts_items_opened_and_closed_per_unit(capsys, monkeypatch, case: Path) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    _add_thpl(case)
    run(capsys, "assess", str(case), "--save", "--as-of", "30/9/2024")
    _drop_thpl(case)  # the report went missing from the register: its item opens again
    run(capsys, "assess", str(case), "--save", "--as-of", "1/10/2024")
    _add_thpl(case)
    run(capsys, "assess", str(case), "--save", "--as-of", "2/10/2024")
    points = history(case, "ha-giang-sonnptnt-2024-q3")
    assert [p.as_of.isoformat() for p in points] == ["2024-09-30", "2024-10-01", "2024-10-02"]
    assert points[0].opened_by_unit == {} and points[0].closed_by_unit == {}
    assert points[1].opened_by_unit == {"thanh-tra": 1} and points[1].closed_by_unit == {}
    assert points[2].closed_by_unit == {"thanh-tra": 1} and points[2].opened_by_unit == {}
    # the report is worth 1 point; the month's report of 30/9 falling due on 1/10 costs the rest (0,05)
    assert [p.total for p in points] == [Decimal(84), Decimal("82.95"), Decimal("83.95")]
    code, out, _ = run(capsys, "history", str(case))
    assert code == 0 and "01/10/2024" in out and "thanh-tra 1" in out


@pytest.mark.parametrize(("name", "content", "code"), [
    ("2024-09-30.json", "{ không phải json", "E077"),
    ("2024-09-30.json", '{"case": "ha-giang-sonnptnt-2024-q3"}', "E077"),
    ("ghi-chu.txt", "ghi chú", "E078"),
])
def test_a_corrupt_or_foreign_file_in_the_history_is_named(capsys, case: Path, name: str, content: str,
                                                           code: str) -> None:
    folder = case / HISTORY_DIR
    folder.mkdir()
    (folder / name).write_text(content, encoding="utf-8")
    exit_code, _, err = run(capsys, "history", str(case))
    assert exit_code == 2 and f"[{code}]" in err and name in err


def test_a_run_of_another_case_or_date_is_foreign(capsys, case: Path) -> None:
    run(capsys, "assess", str(case), "--save")
    saved = case / HISTORY_DIR / "2024-09-30.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    (case / HISTORY_DIR / "2024-08-31.json").write_text(json.dumps(data), encoding="utf-8")
    saved.write_text(json.dumps({**data, "case": "ho-so-khac"}), encoding="utf-8")
    code, _, err = run(capsys, "history", str(case))
    assert code == 2 and err.count("[E078]") == 2 and "ho-so-khac" in err and "2024-08-31.json" in err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                         st.recursive(st.none() | st.integers() | st.text(max_size=8),
                                      lambda kids: st.lists(kids, max_size=3)
                                      | st.dictionaries(st.sampled_from(["case", "as_of", "total", "criteria",
                                                                         "missing", "max", "unit"]), kids,
                                                        max_size=4)).map(lambda v: json.dumps(v).encode())))
def test_no_history_file_crashes_the_reader(tmp_path_factory, content: bytes) -> None:
    path = tmp_path_factory.mktemp("ls") / "2024-09-30.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_run(path, "ha-giang-sonnptnt-2024-q3")
    assert {p.code for p in caught.value.problems} <= {"E077", "E078"}


def test_report_receives_the_history(capsys, monkeypatch, case: Path, tmp_path: Path) -> None:
    run(capsys, "assess", str(case), "--save", "--as-of", "31/8/2024")
    run(capsys, "assess", str(case), "--save")
    seen = {}
    probe = types.ModuleType("cchc_probe_writer")
    probe.write = lambda inputs, out: seen.update(inputs=inputs)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cchc_probe_writer", probe)
    monkeypatch.setattr("engine.cli.report_cmd.WRITERS", {"thu": ("cchc_probe_writer", (".probe",))})
    code, _, err = run(capsys, "report", str(case), "--out", str(tmp_path / "x.probe"))
    assert code == 0, err
    assert [p.as_of.isoformat() for p in seen["inputs"].history] == ["2024-08-31", "2024-09-30"]


def test_a_case_cchc_carries_is_never_written_into(tmp_path: Path, monkeypatch) -> None:
    """After `pip install .` the embedded cases live in site-packages: --save refuses instead of writing there."""
    from engine import history, locations
    from engine.pipeline import run

    installed = tmp_path / "site-packages" / "engine" / "_data"
    case = installed / "cases" / "ha-giang-sonnptnt-2023"
    shutil.copytree(CASES / "ha-giang-sonnptnt-2023", case)
    monkeypatch.setattr(locations, "INSTALLED", installed)
    with pytest.raises(InputError) as exc:
        history.save(run(case, prefer="python"), case)
    assert [p.code for p in exc.value.problems] == ["C022"]
    assert not (case / history.HISTORY_DIR).exists()
