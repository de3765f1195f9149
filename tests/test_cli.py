"""The command line as a user meets it: output, exit status, and errors without tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from evidence.case import UNITS_SHAPE
from tests.conftest import SEED
from tests.editing import edit


@pytest.fixture
def case(tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(SEED, target)
    return target


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_case_text_report(capsys) -> None:
    code, out, _ = run(capsys, "assess")
    assert code == 0
    for needle in ("75,66 / 100", "Khá", "giảm 7,37 điểm", "Thanh tra Sở", "Đã mất", "verified: false", "--chi-tiet"):
        assert needle in out
    assert "thiếu tài liệu" not in out  # the per-criterion table waits for --chi-tiet


def test_detailed_report_explains_every_criterion(capsys) -> None:
    code, out, _ = run(capsys, "assess", "--chi-tiet")
    assert code == 0
    for needle in ("75,66 / 100", "Khá", "giảm 7,37 điểm", "Thanh tra Sở", "thiếu tài liệu", "verified: false",
                   "Giải thích điểm"):
        assert needle in out


def test_json_report_shape(capsys) -> None:
    code, out, _ = run(capsys, "assess", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"case", "scheme", "as_of", "total", "max", "index_percent", "classification", "criteria"} <= set(data)
    assert (data["total"], data["max"], data["index_percent"], data["classification"]) == (75.66, 100, 75.66, "Khá")
    assert data["as_of"] == "2023-12-26"
    crit = next(c for c in data["criteria"] if c["id"] == "1.1")
    assert {"id", "title", "max", "points", "status", "owners", "trace", "missing"} <= set(crit)
    item = crit["missing"][1]
    assert {"requirement", "label", "owner", "due", "points_at_stake"} <= set(item)
    assert item["due"] == "2023-11-09" and item["points_at_stake"] == 0  # 9/11/2023 passed: nothing to win now
    assert (item["standing"], item["lost_on"], item["points_lost"]) == ("đã mất", "2023-11-09", 0.5)
    assert (data["winnable"], data["lost"]) == (0, 15.58)


def test_unit_view_shows_only_what_the_unit_owns(capsys) -> None:
    code, out, _ = run(capsys, "assess", "--unit", "thanh-tra", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [c["id"] for c in data["criteria"]] == ["2.1", "2.2", "6.1"]
    missing = [m for c in data["criteria"] for m in c["missing"]]
    assert {m["requirement"] for m in missing} == {"thu-thap-thong-tin", "dieu-tra-khao-sat", "bao-cao-thpl"}
    assert all("thanh-tra" in m["owner"] for m in missing)
    # after the appraisal nothing is winnable: the 1,75 points are the lesson, lost on 30/11/2023
    assert data["points_at_stake_by_unit"].get("thanh-tra", 0) == 0
    assert data["points_lost_by_unit"]["thanh-tra"] == 1.75
    assert {m["standing"] for m in missing} == {"đã mất"} and {m["lost_on"] for m in missing} == {"2023-11-30"}


def test_as_of_makes_later_deadlines_not_yet_due(capsys) -> None:
    code, out, _ = run(capsys, "assess", "--as-of", "1/11/2023", "--format", "json")
    assert code == 0
    data = json.loads(out)
    item = next(m for c in data["criteria"] for m in c["missing"] if m["requirement"] == "bao-cao-giao-duc-chinh-tri")
    assert item["state"] == "chưa đến hạn" and item["points_at_stake"] == 0.5
    assert data["reachable"] > data["total"]
    # documents issued after the as-of date (QĐ 2555 of 26/12/2023) are not counted, and it is said
    assert any("W004" in w and "2555/QĐ-UBND" in w for w in data["warnings"])


@pytest.mark.parametrize(
    ("args", "code_seen"),
    [
        (["assess", "--as-of", "31/2/2023"], "C001"),
        (["assess", "--unit", "thanh-tr"], "E004"),
        (["assess", "khong-co-case-nay"], "C002"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys, args: list[str], code_seen: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert code_seen in err and "Traceback" not in err + out


def test_bad_date_in_register_names_row_and_column(capsys, case: Path) -> None:
    edit(case / "documents.csv", "62/KH-SNN-TCCB,26/8/2023", "62/KH-SNN-TCCB,26/13/2023")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2
    assert "documents.csv, hàng 4, cột 'Ngày ban hành'" in err and "E003" in err


def test_missing_column_is_named_with_a_suggestion(capsys, case: Path) -> None:
    edit(case / "datasets" / "tasks.csv", "Tình trạng", "Tinh trang hien tai")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2
    # an optional column missing is fine; a required one is not
    edit(case / "datasets" / "tasks.csv", "Mã,", "Ma so,")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "E002" in err and "tasks.csv" in err and "'Mã'" in err


def test_unknown_unit_in_register(capsys, case: Path) -> None:
    edit(case / "documents.csv", "Chưa tham mưu (chú thích 12)", "x")
    edit(case / "documents.csv", ",tccb,chuc-nang-nhiem-vu,4.1", ",phong-tccb,chuc-nang-nhiem-vu,4.1")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "E004" in err and 'có phải là "tccb"' in err and "hàng 17" in err


def test_register_path_cannot_leave_the_case(capsys, case: Path) -> None:
    edit(case / "documents.csv", "Chưa trình UBND tỉnh phê duyệt", "x")
    edit(case / "documents.csv", "phe-duyet-cap-do,,x", "phe-duyet-cap-do,../../etc/passwd,x")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "E005" in err


def test_register_row_naming_an_unknown_requirement(capsys, case: Path) -> None:
    edit(case / "documents.csv", "2.2,bao-cao-thpl", "2.2,bao-cao-tphl")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "E010" in err and 'có phải là "bao-cao-thpl"' in err and "cột 'Yêu cầu'" in err


def test_input_without_source_is_refused(capsys, case: Path) -> None:
    edit(case / "inputs.yaml", '    source: "Điểm thẩm định 0,69/1 (KH khắc phục mục II.1(2))"\n', "")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "E014" in err and "inputs.yaml" in err


def test_unknown_status_in_dataset(capsys, case: Path) -> None:
    edit(case / "datasets" / "dossiers.csv", "Quá hạn,71", "Quá hẹn,71")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "E008" in err and "dossiers.csv, hàng 4, cột 'Trạng thái'" in err


def test_malformed_case_yaml(capsys, case: Path) -> None:
    edit(case / "case.yaml", "as_of: 2023-12-26", "as_of: hôm qua")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "case.yaml, dòng" in err and "R002" in err


def test_evidence_shows_failure_versus_missing(capsys, case: Path) -> None:
    """A document linked to a requirement but of the wrong kind fails; it is not 'missing'."""
    edit(case / "documents.csv", ",,,BC,Báo cáo kết quả công tác theo dõi thi hành pháp luật năm 2023",
          "12/KH-SNN-TTr,5/12/2023,,KH,Kế hoạch theo dõi thi hành pháp luật năm 2023")
    code, out, _ = run(capsys, "assess", str(case), "--format", "json")
    assert code == 0
    c22 = next(c for c in json.loads(out)["criteria"] if c["id"] == "2.2")
    assert c22["status"] == "không đạt" and "loại KH (cần BC)" in " ".join(c22["trace"])


def test_the_installed_command_runs() -> None:
    exe = shutil.which("cchc") or f"{sys.executable} -m engine.cli"
    proc = subprocess.run([*exe.split(), "assess", "--format", "json"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 75.66


def test_not_applicable_criteria_leave_the_maximum(capsys, case: Path) -> None:
    """Index = achieved ÷ applicable maximum × 100 (Thanh Hóa's Ban Dân tộc: 68,32 điểm = 81,33%)."""
    reason = 'not_applicable:\n  "3.1": "Sở không có TTHC phải công bố trong kỳ"'
    edit(case / "case.yaml", "inputs: inputs.yaml", f"inputs: inputs.yaml\n{reason}")
    code, out, _ = run(capsys, "assess", str(case), "--format", "json")
    assert code == 0
    data = json.loads(out)
    c31 = next(c for c in data["criteria"] if c["id"] == "3.1")
    assert (c31["status"], c31["missing"]) == ("không áp dụng", [])
    assert (data["total"], data["max"]) == (75.66, 97.5)
    assert data["index_percent"] == 77.6  # 75.66 / 97.5 × 100 = 77.6, half up at 2 decimals


def test_usage_errors_are_in_vietnamese(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["assess", "--format", "xml"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "Cách dùng: cchc assess" in err and "không hợp lệ" in err and "Traceback" not in err


def test_evidence_deadline_makes_undated_requirements_not_yet_due(capsys) -> None:
    """Before the scheme's evidence deadline (30/11/2023, assumed), the THPL report is not yet due."""
    code, out, _ = run(capsys, "assess", "--as-of", "1/11/2023", "--format", "json")
    assert code == 0
    data = json.loads(out)
    c22 = next(c for c in data["criteria"] if c["id"] == "2.2")
    assert c22["status"] == "chưa đến hạn"
    assert [(m["due"], m["state"]) for m in c22["missing"]] == [("2023-11-30", "chưa đến hạn")]
    assert any("Hạn nộp tài liệu kiểm chứng 30/11/2023" in a for a in data["assumptions"])


def test_evidence_deadline_never_makes_a_document_late(capsys, case: Path) -> None:
    edit(case / "documents.csv", ",,,BC,Báo cáo kết quả công tác theo dõi thi hành pháp luật năm 2023",
          "301/BC-SNN-TTr,10/12/2023,,BC,Báo cáo kết quả công tác theo dõi thi hành pháp luật năm 2023")
    code, out, _ = run(capsys, "assess", str(case), "--format", "json")
    c22 = next(c for c in json.loads(out)["criteria"] if c["id"] == "2.2")
    assert code == 0 and (c22["points"], c22["status"]) == (1, "đạt")


def test_an_unusable_units_file_is_reported_once_not_echoed_by_every_row(capsys, case: Path) -> None:
    (case / "units.yaml").write_text("", encoding="utf-8")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2
    assert [line for line in err.splitlines() if line.startswith("Lỗi:")] == [
        f"Lỗi: {case / 'units.yaml'}, dòng 1: [E009] hồ sơ không hợp lệ: {UNITS_SHAPE}"]
