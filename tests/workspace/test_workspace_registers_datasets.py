"""A unit's Excel register (the template of `cchc evidence template`) and TCCB's dataset uploads, read by the
evidence readers the CLI uses."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from engine.cli import main
from tests.conftest import SEED
from workspace.service import Forbidden, Invalid, Role


@pytest.fixture
def thanh_tra(workspace, tccb):  # type: ignore[no-untyped-def]
    return workspace.create_account(tccb, "thanhtra", "Thanh tra Sở", Role.UNIT, "thanh-tra", "mat-khau-thanh-tra")


def filled_template(tmp_path: Path, value: object = "15/BC-SNN-TTr") -> bytes:
    """Thanh tra's template with the 2.2 report's row filled in (number and date), as a clerk would."""
    from openpyxl import load_workbook

    out = tmp_path / "thanh-tra.xlsx"
    out.unlink(missing_ok=True)
    assert main(["evidence", "template", str(SEED), "--unit", "thanh-tra", "--out", str(out)]) == 0
    book = load_workbook(out)
    sheet = book["Sổ đăng ký"]
    headers = {cell.value: cell.column for cell in sheet[3]}
    row = next(r for r in range(4, sheet.max_row + 1)
               if sheet.cell(r, headers["Yêu cầu"]).value == "bao-cao-thpl")
    sheet.cell(row, headers["Số, ký hiệu"]).value = value
    sheet.cell(row, headers["Ngày ban hành"]).value = "20/11/2023"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_the_filled_template_adds_its_document_and_the_score_rises(workspace, thanh_tra, tmp_path) -> None:
    before = workspace.assessment().total
    assert workspace.import_register(thanh_tra, "thanh-tra", "so-dang-ky.xlsx", filled_template(tmp_path)) == 1
    assert workspace.assessment().total - before == Decimal("1.00")
    assert workspace.import_register(thanh_tra, "thanh-tra", "so-dang-ky.xlsx", filled_template(tmp_path)) == 0
    rows = [r for r in workspace.register_rows(thanh_tra) if r["_origin"] == "workspace"]
    assert [r["Số, ký hiệu"] for r in rows] == ["15/BC-SNN-TTr"]


def test_a_register_with_a_formula_is_refused_with_e017(workspace, thanh_tra, tmp_path) -> None:
    revision = workspace.store.revision()
    with pytest.raises(Invalid) as refused:
        workspace.import_register(thanh_tra, "thanh-tra", "so.xlsx", filled_template(tmp_path, '="15/BC-SNN-TTr"'))
    assert "E017" in [p.code for p in refused.value.problems]
    assert all(p.file == "so.xlsx" and p.row for p in refused.value.problems if p.code == "E017")
    assert workspace.store.revision() == revision


def test_rows_of_another_unit_are_refused(workspace, thanh_tra) -> None:
    csv = ("\"Số, ký hiệu\",Ngày ban hành,Loại,Trích yếu,Đơn vị\n"
           "15/BC-SNN-TTr,20/11/2023,BC,Báo cáo,thanh-tra\n16/BC-SNN,20/11/2023,BC,Báo cáo,van-phong\n")
    with pytest.raises(Invalid) as refused:
        workspace.import_register(thanh_tra, "thanh-tra", "so.csv", csv.encode())
    assert [(p.code, p.row) for p in refused.value.problems] == [("C131", 3)]


def test_a_register_that_is_not_a_spreadsheet_is_refused(workspace, thanh_tra) -> None:
    with pytest.raises(Invalid) as refused:
        workspace.import_register(thanh_tra, "thanh-tra", "so.xlsx", b"%PDF-1.4 not a register")
    assert refused.value.code == "C111"


def tasks_csv(count: str) -> bytes:
    text = (SEED / "datasets" / "tasks.csv").read_text(encoding="utf-8")
    return text.replace("Hoàn thành đúng hạn,15,", f"Hoàn thành đúng hạn,{count},").encode()


def test_tccb_replaces_a_dataset_and_the_score_follows(workspace, tccb) -> None:
    before = workspace.assessment()
    workspace.upload_dataset(tccb, "tasks", "nhiem-vu.csv", tasks_csv("24"))
    after = workspace.assessment()
    assert after.total != before.total
    listed = {d["name"]: d for d in workspace.datasets(tccb)}
    assert listed["tasks"]["path"] == "datasets/tasks.csv"
    entry = next(e for e in workspace.audit_log(tccb) if e["action"] == "dataset.replace")
    assert entry["before"] != entry["after"]


def test_bad_datasets_are_refused_with_the_engine_s_problems(workspace, tccb, thanh_tra) -> None:
    revision = workspace.store.revision()
    with pytest.raises(Invalid) as bad_cell:
        workspace.upload_dataset(tccb, "tasks", "nhiem-vu.csv", tasks_csv("mười lăm"))
    assert bad_cell.value.problems and all(p.severity == "error" for p in bad_cell.value.problems)
    with pytest.raises(Invalid) as unknown:
        workspace.upload_dataset(tccb, "taks", "x.csv", tasks_csv("1"))
    assert unknown.value.code == "C118" and "tasks" in unknown.value.message
    with pytest.raises(Forbidden):
        workspace.upload_dataset(thanh_tra, "tasks", "x.csv", tasks_csv("1"))
    assert workspace.store.revision() == revision
