"""The case folder is the interchange: what the workspace exports, `cchc assess` scores identically; a folder
imported and exported again scores as the original; entered values, the mock appraisal and the history are
written in the files the CLI reads."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from engine.cli import main
from tests.conftest import SEED
from workspace.service import Forbidden, Invalid, NotFound, Role, Workspace


def assess_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["assess", str(folder), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    document.pop("manifest")  # the run's own record (paths, time, hashes)
    document["provenance"].pop("files_sha256")
    return document


def test_the_workspace_and_cchc_assess_give_the_same_json(workspace, tccb, tmp_path, capsys) -> None:
    from engine.reports.json_result import to_dict

    thanh_tra = workspace.create_account(tccb, "thanhtra", "Thanh tra", Role.UNIT, "thanh-tra", "mat-khau-thanh-tra")
    from test_workspace_uploads import report_docx

    item = next(i for i in workspace.checklist(thanh_tra, "thanh-tra") if i.criterion == "2.2")
    document = report_docx()
    staged = workspace.stage_document(thanh_tra, "thanh-tra", item.key, "bc.docx", document)
    workspace.confirm_document(thanh_tra, staged.id, staged.reference, "20/11/2023", "BC", staged.subject)
    folder = workspace.export_case(tmp_path / "export")
    mine = json.loads(json.dumps(to_dict(workspace.assessment()), ensure_ascii=False, default=str))
    mine.pop("manifest")
    mine["provenance"].pop("files_sha256")
    assert mine == assess_json(folder, capsys)
    assert mine["total"] == 76.66
    uploaded = next((folder / "tai-lieu" / "thanh-tra").iterdir())
    assert uploaded.read_bytes() == document


def test_import_then_export_scores_as_the_original(workspace, tmp_path, capsys) -> None:
    original = assess_json(SEED, capsys)
    exported = workspace.export_case(tmp_path / "export")
    assert assess_json(exported, capsys) == original
    assert (exported / "documents.csv").read_bytes() == (SEED / "documents.csv").read_bytes()  # nothing added


def test_an_exported_workspace_imports_into_another(workspace, tccb, tmp_path, capsys, db_url) -> None:
    workspace.set_input(tccb, "4.2", "dieu-tra-xa-hoi-hoc", "3,9", "Kết quả điều tra XHH 2023 (thử)")
    first = workspace.export_case(tmp_path / "first")
    other = Workspace.open(tmp_path / "other")  # a second workspace, on SQLite
    try:
        other.import_case(first)
        second = other.export_case(tmp_path / "second")
        assert assess_json(second, capsys) == assess_json(first, capsys)
        assert other.assessment().total == workspace.assessment().total
    finally:
        other.close()


def test_set_input_moves_the_score_and_is_written_with_its_source(workspace, tccb, tmp_path) -> None:
    before = workspace.assessment().total
    workspace.set_input(tccb, "4.2", "dieu-tra-xa-hoi-hoc", "4", "Điều tra XHH năm 2023, Sở Nội vụ", "thử")
    assert workspace.assessment().total == before + Decimal("0.36")
    row = next(r for r in workspace.inputs(tccb) if (r["criterion"], r["part"]) == ("4.2", "dieu-tra-xa-hoi-hoc"))
    assert row == {"criterion": "4.2", "part": "dieu-tra-xa-hoi-hoc", "value": "4",
                   "source": "Điều tra XHH năm 2023, Sở Nội vụ", "note": "thử"}
    text = (workspace.export_case(tmp_path / "x") / "inputs.yaml").read_text(encoding="utf-8")
    assert '"dieu-tra-xa-hoi-hoc":\n    value: 4\n    source: "Điều tra XHH năm 2023, Sở Nội vụ"' in text
    entry = next(e for e in workspace.audit_log(tccb) if e["action"] == "input.set")
    assert json.loads(entry["before"])["value"] == "3.64" and json.loads(entry["after"])["value"] == "4"


@pytest.mark.parametrize(("criterion", "part", "value", "source", "error"), [
    ("4.2", "dieu-tra-xa-hoi-hoc", "-1", "x", Invalid),
    ("4.2", "dieu-tra-xa-hoi-hoc", "4.5", "x", Invalid),  # above the criterion's 4 points
    ("4.2", "dieu-tra-xa-hoi-hoc", "1e3", "x", Invalid),
    ("4.2", "dieu-tra-xa-hoi-hoc", "3", "  ", Invalid),
    ("4.2", "khong-co", "3", "x", NotFound),
    ("2.2", "bao-cao-thpl", "1", "x", NotFound),  # a document, not an entered value
])
def test_bad_inputs_are_refused(workspace, tccb, criterion, part, value, source, error) -> None:
    revision = workspace.store.revision()
    with pytest.raises(error):
        workspace.set_input(tccb, criterion, part, value, source)
    assert workspace.store.revision() == revision


def test_the_mock_appraisal_is_kept_in_history_and_written_on_export(workspace, tccb, tmp_path) -> None:
    from evidence.yaml_lines import load_yaml

    workspace.appraise(tccb, "2.2", "0,5", "Báo cáo gửi muộn 3 ngày, Hội đồng chỉ chấm 0,5")
    workspace.appraise(tccb, "2.2", "0.75", "Xem lại: chấm 0,75")
    workspace.appraise(tccb, "1.1", "1", "Đủ báo cáo định kỳ")
    history = workspace.appraisals(tccb)
    assert [(h["criterion"], h["points"]) for h in history] == [("1.1", "1"), ("2.2", "0.75"), ("2.2", "0.5")]
    folder = workspace.export_case(tmp_path / "x")
    data, _ = load_yaml(folder / "tham-dinh-thu.yaml")
    assert set(data) == {"1.1", "2.2"}
    assert data["2.2"]["points"] == Decimal("0.75") and data["2.2"]["note"] == "Xem lại: chấm 0,75"
    assert data["2.2"]["by"] == "tccb" and str(data["2.2"]["at"]).startswith(history[1]["at"][:10])
    unit = workspace.create_account(tccb, "thanhtra", "Thanh tra", Role.UNIT, "thanh-tra", "mat-khau-thanh-tra")
    with pytest.raises(Forbidden):
        workspace.appraise(unit, "2.2", "1", "x")
    for points, note in (("1.5", "quá điểm tối đa"), ("-0.1", "âm"), ("abc", "không phải số"), ("0.5", "  "),
                         ("0.125", "3 chữ số thập phân"), ("NaN", "không phải số"),
                         ("5e-1", "số mũ: tệp tham-dinh-thu.yaml không đọc được dạng này"), ("+0.5", "dấu cộng")):
        with pytest.raises(Invalid):
            workspace.appraise(tccb, "2.2", points, note)
    with pytest.raises(NotFound):
        workspace.appraise(tccb, "9.9", "1", "x")


def test_each_distinct_assessment_is_a_saved_run_in_lich_su(workspace, tccb, tmp_path, capsys) -> None:
    workspace.export_case(tmp_path / "a")
    workspace.set_input(tccb, "4.2", "dieu-tra-xa-hoi-hoc", "4", "Điều tra XHH 2023")
    inputs = workspace.report_inputs()
    assert len(inputs.history) == 1  # one as-of date: the newest run of that date
    assert inputs.history[0].total == workspace.assessment().total
    from sqlalchemy import func, select

    from workspace.db.models import RunRow

    with workspace.store.read() as session:
        assert session.scalar(select(func.count()).select_from(RunRow)) == 2
    folder = workspace.export_case(tmp_path / "b")
    assert main(["history", str(folder)]) == 0
    assert "76,02" in capsys.readouterr().out


def test_reports_come_from_the_engine_s_writers(workspace, tccb) -> None:
    for kind, magic in (("xlsx", b"PK"), ("docx", b"PK"), ("html", b"<!")):
        name, data = workspace.report(tccb, kind)
        assert data.startswith(magic) and name.endswith(kind)
    name, data = workspace.report(tccb, "html")
    assert "75,66" in data.decode()


def test_a_case_the_engine_refuses_is_not_imported(tmp_path) -> None:
    import shutil

    broken = tmp_path / "ho-so"
    shutil.copytree(SEED, broken)
    (broken / "units.yaml").write_text("- not a mapping\n", encoding="utf-8")
    ws = Workspace.open(tmp_path / "data")
    try:
        with pytest.raises(Invalid) as refused:
            ws.import_case(broken)
        assert refused.value.code == "C127"
        assert "E009" in [p.code for p in refused.value.problems]
        assert ws.is_empty()
    finally:
        ws.close()
