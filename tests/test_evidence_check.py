"""`cchc evidence check`: every problem with file, row and column; counts per file; exit 0 / 1 / 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.cli import main
from evidence.case import read_case
from evidence.check import check_case
from evidence.problems import InputError
from tests.conftest import SEED


@pytest.fixture
def case(tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(SEED, target)
    return target


def _append(path: Path, *lines: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write("".join(line + "\n" for line in lines))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["evidence", "check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_case_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(SEED))
    assert code == 0 and "0 lỗi, 0 cảnh báo" in out
    assert "documents.csv (sổ đăng ký)" in out and "datasets/tasks.csv (bộ dữ liệu tasks)" in out
    report = check_case(read_case(SEED))
    register = report.files[0]
    assert (register.rows, register.accepted, register.rejected, register.placeholders) == (23, 23, 0, 13)


def test_every_bad_row_is_reported_at_its_row_and_column(case: Path, seed, capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    _append(case / "documents.csv",
            "99/KH-SNN,31/2/2023,,KH,Ngày không có thật,tccb,,,,,",
            "100/BC-SNN,1/3/2023,,KH,Loại khác số ký hiệu,tccb,,,,,",
            "101/BC-SNN,1/3/2023,,BC,Đơn vị lạ,phong-la,,,,,",
            "102/BC-SNN,1/3/2023,,BC,Tiêu chí lạ,tccb,,9.9,,,",
            "103/BC-SNN,1/3/2023,,BC,Tệp ra ngoài,tccb,,,,../../etc/passwd,")
    code, out, _ = run(capsys, str(case))
    assert code == 1
    for needle in ("documents.csv, hàng 25, cột 'Ngày ban hành': [E003]", "hàng 26, cột 'Loại': [E009]",
                   "hàng 27, cột 'Đơn vị': [E004]", "hàng 28, cột 'Tiêu chí': [E010]",
                   "hàng 29, cột 'Tệp': [E005]"):
        assert needle in out, needle
    scheme, _ = seed
    requirements = {c.id: {r.id for r in c.requires} for c in scheme.criteria()}
    register = check_case(read_case(case), requirements=requirements).files[0]
    assert (register.rows, register.accepted, register.rejected) == (28, 23, 5)
    register = check_case(read_case(case)).files[0]  # without the scheme, the unknown criterion cannot be seen
    assert (register.rows, register.accepted, register.rejected) == (28, 24, 4)


def test_errors_in_several_files_are_all_listed(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _append(case / "documents.csv", "99/KH-SNN,hôm qua,,KH,x,tccb,,,,,")
    _append(case / "datasets" / "tasks.csv", "T9,Nhiệm vụ,,khong-co,,,,,")
    (case / "inputs.yaml").write_text("'1.2':\n  tham-dinh: {value: 1}\n", encoding="utf-8")
    code, out, _ = run(capsys, str(case))
    assert code == 1
    assert "documents.csv, hàng 25" in out and "datasets/tasks.csv" in out and "inputs.yaml" in out


def test_warnings_alone_exit_zero_but_are_listed(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _append(case / "documents.csv", "62/KH-SNN-TCCB,26/08/2023,,Kế hoạch,Kế hoạch 62 (khai lại),tccb,,,,,")
    code, out, _ = run(capsys, str(case))
    assert code == 0
    assert "Cảnh báo: documents.csv, hàng 25: [W022]" in out and "documents.csv hàng 4" in out
    assert "0 lỗi, 1 cảnh báo" in out


def test_unusable_input_exits_two(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, str(tmp_path / "khong-co"))[0] == 2
    (case / "case.yaml").write_text("id: [\n", encoding="utf-8")
    code, _, err = run(capsys, str(case))
    assert code == 2 and "R001" in err
    (case / "case.yaml").unlink()
    with pytest.raises(InputError):
        read_case(case)  # no case.yaml: nothing to check (exit status 2)


def test_unreadable_register_is_counted_as_such(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (case / "documents.csv").write_bytes("\ufeffSố, ký hiệu\n".encode("utf-16"))
    code, out, _ = run(capsys, str(case))
    assert code == 1 and "[E013]" in out and "không đọc được" in out


def _export_case(case: Path, rows: list[str]) -> None:
    """The seed case whose dossiers come from a one-stop export with a title block above its header."""
    import yaml

    header = ("Mã hồ sơ,Tên thủ tục,Đơn vị xử lý,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,Trạng thái hồ sơ,"
              "Hình thức nộp,Thanh toán trực tuyến,Số hóa,Kết quả điện tử,Xin lỗi,Ghi chú")
    (case / "exports").mkdir()
    (case / "exports" / "ho-so.csv").write_text(
        "DANH SÁCH HỒ SƠ TTHC\nTừ ngày 01/01/2024 đến ngày 31/12/2024\n" + header + "\n" + "\n".join(rows) + "\n",
        encoding="utf-8")
    data = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"]["dossiers"] = {"path": "exports/ho-so.csv", "mapping": "mot-cua-dien-tu"}
    (case / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_an_export_is_counted_as_the_assessment_reads_it(case: Path) -> None:
    """Counts come from the one reading of the case, header found below the title block by its mapping."""
    row = ("HS-{i},Cấp phép,chi-cuc-ptnt,02/01/2024,10/01/2024,{ret},Đã trả kết quả trước hạn,Trực tuyến toàn trình,"
           "Đã thanh toán trực tuyến,Có,Có,,")
    _export_case(case, [row.format(i=i, ret="08/01/2024") for i in range(3)] + [row.format(i=9, ret="32/13/2024")])
    read = read_case(case)
    [export] = [f for f in check_case(read).files if f.file == "exports/ho-so.csv"]
    assert (export.readable, export.rows, export.accepted, export.rejected) == (True, 4, 3, 1)
    [bad] = [p for p in read.errors if p.file and p.file.endswith("ho-so.csv")]
    assert (bad.code, bad.row, bad.column) == ("E003", 7, "Ngày trả kết quả")
