"""Scenarios (what-if): planned evidence over a case, in memory, assessed by the same engine."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import types
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import scenario
from engine.case_checks import entered_caps
from engine.cli import main
from engine.pipeline import assessor, prepare
from engine.scheme import DocumentRequirement, InputRequirement
from tests.conftest import CASES

Q3 = CASES / "ha-giang-sonnptnt-2024-q3"
EXAMPLE = Q3 / "scenarios" / "dung-han.yaml"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def q3():
    scheme, evidence = prepare(Q3)
    engine = assessor(scheme, evidence, prefer="python")
    return scheme, evidence, engine, engine.assess(evidence)


def test_example_scenario_projects_the_q3_case_without_touching_it(capsys, tmp_path: Path) -> None:
    case = tmp_path / "q3"
    shutil.copytree(Q3, case)
    before = _digests(case)
    code, out, _ = run(capsys, "assess", str(case), "--format", "json", "--scenario",
                       str(case / "scenarios" / "dung-han.yaml"))
    assert code == 0
    assert _digests(case) == before  # nothing written into the case
    data = json.loads(out)
    block = data["scenario"]
    assert data["total"] == 83 and data["as_of"] == "2024-09-30"
    assert block["as_of"] == "2024-11-30"  # the scheme's evidence deadline: planned documents count when on time
    assert block["total"] == 86.03 and block["classification"] == "Tốt" and block["change"] == 3.03
    by_id = {c["id"]: c for c in block["criteria"]}
    assert by_id["2.2"] == {"id": "2.2", "points": 0, "projected": 1, "change": 1, "status": "đạt"}
    assert sum(Decimal(str(c["change"])) for c in block["criteria"]) == Decimal("3.03")
    assert any(name.endswith("dung-han.yaml") for name in block["evidence_sha256"])


def test_terminal_shows_the_projection_beside_the_current_score(capsys) -> None:
    code, out, _ = run(capsys, "assess", str(Q3), "--scenario", str(EXAMPLE))
    assert code == 0
    assert "Hiện tại (30/09/2024): 83 / 100" in out
    assert "Dự kiến (30/11/2024): 86,03 / 100" in out and "(+3,03 điểm)" in out


@pytest.mark.parametrize(("text", "code", "where"), [
    ("documents:\n  - Số, ký hiệu: 9/BC-SNN\n    Ngày ban hành: 2024-09-01\n    Loại: BC\n    Trích yếu: x\n"
     "    Đơn vị: tccb\n    Số trang: 4\n", "E075", "dòng 7"),
    ("documents:\n  - Loại: BC\n    Trích yếu: chưa có ngày\n    Đơn vị: tccb\n", "E079", "dòng 2"),
    ("documents:\n  - Số, ký hiệu: 9/BC-SNN\n    Ngày ban hành: 2024-09-01\n    Loại: BC\n    Trích yếu: x\n"
     "    Đơn vị: phong-ma\n", "E004", "dòng 2"),
    ("documents:\n  - Số, ký hiệu: 9/BC-SNN\n    Ngày ban hành: 2024-09-01\n    Loại: BC\n    Trích yếu: x\n"
     "    Đơn vị: tccb\n    Tệp: ../../etc/passwd\n", "E005", "dòng 2"),
    ("datasets:\n  nhiem-vu:\n    - {Mã: X}\n", "E076", "dòng 2"),
    ("datasets:\n  tasks:\n    - {Mã: NV-99, Nội dung: x, Hạn: 31/2/2024}\n", "E003", "dòng 3"),
    ("datasets:\n  tasks:\n    - {Mã: NV-99, Nội dung: không hạn và không ngày}\n", "E011", "dòng 3"),
    ("inputs:\n  '4.2':\n    dieu-tra-xa-hoi-hoc: {value: 9, source: ước tính}\n", "E060", "dòng 3"),
    ("inputs:\n  '4.2':\n    dieu-tra-xa-hoi-hoc: {value: 3}\n", "E014", "dòng 3"),
    ("title: không có gì\n", "E075", "dòng 1"),
    ("tai-lieu: []\n", "R003", "dòng 1"),
])
def test_bad_scenario_names_file_and_line(capsys, tmp_path: Path, text: str, code: str, where: str) -> None:
    path = tmp_path / "kich-ban.yaml"
    path.write_text(text, encoding="utf-8")
    exit_code, _, err = run(capsys, "assess", str(Q3), "--scenario", str(path))
    assert exit_code == 2, err
    line = next(line for line in err.splitlines() if f"[{code}]" in line)
    assert "kich-ban.yaml" in line and where in line


def test_a_planned_document_dated_after_the_projection_date_does_not_count(capsys, tmp_path: Path) -> None:
    path = tmp_path / "muon.yaml"
    path.write_text("as_of: 2024-11-30\ndocuments:\n  - Số, ký hiệu: 155/BC-SNN\n    Ngày ban hành: 2024-12-02\n"
                    "    Loại: BC\n    Trích yếu: Báo cáo kết quả theo dõi thi hành pháp luật năm 2024\n"
                    "    Đơn vị: thanh-tra\n    Nhãn: [thpl, ket-qua-thpl]\n", encoding="utf-8")
    code, out, _ = run(capsys, "assess", str(Q3), "--format", "json", "--scenario", str(path))
    assert code == 0
    by_id = {c["id"]: c for c in json.loads(out)["scenario"]["criteria"]}
    assert by_id["2.2"]["projected"] == 0
    assert any("W004" in w and "muon.yaml, dòng 3" in w for w in json.loads(out)["scenario"]["warnings"])


def test_report_receives_the_projection(capsys, monkeypatch, tmp_path: Path) -> None:
    seen = {}
    probe = types.ModuleType("cchc_probe_writer")
    probe.write = lambda inputs, out: seen.update(inputs=inputs, out=out)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cchc_probe_writer", probe)
    monkeypatch.setattr("engine.cli.report_cmd.WRITERS", {"thu": ("cchc_probe_writer", (".probe",))})
    code, _, err = run(capsys, "report", str(Q3), "--out", str(tmp_path / "x.probe"), "--scenario", str(EXAMPLE))
    assert code == 0, err
    inputs = seen["inputs"]
    assert inputs.scenario is not None and inputs.scenario.total == Decimal("86.03")
    assert inputs.result.total == Decimal(83) and inputs.scenario_name == str(EXAMPLE)


# The property: a scenario supplying exactly one missing item raises the score by exactly its points at stake.

def _document_row(req: DocumentRequirement, unit: str, day: date, n: int) -> dict:
    m = req.match
    kind = m.kind or "BC"
    row = {"Ngày ban hành": day, "Loại": kind, "Trích yếu": req.label, "Đơn vị": unit, "Nhãn": list(m.tags)}
    if m.issuer:
        row["Số, ký hiệu"] = f"{900 + n}/{kind}-{m.issuer}"
    if m.period:
        row["Kỳ"] = m.period
    return row


def _candidates(result, scheme, kinds):
    out = []
    for c in result.criteria:
        crit = scheme.criterion(c.id)
        for m in c.missing:
            req = crit.requirement(m.requirement)
            if isinstance(req, kinds) and sum(1 for x in c.missing if x.requirement == m.requirement) == 1:
                out.append((crit, req, m))
    return out


def _project(tmp: Path, scheme, evidence, engine, data: dict, as_of: date):
    path = tmp / "mot-muc.yaml"
    path.write_text(yaml.safe_dump({"as_of": as_of, **data}, allow_unicode=True), encoding="utf-8")
    return scenario.project(engine, scenario.load_scenario(path, scheme, evidence, current=as_of))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_planned_document_adds_exactly_its_points_at_stake(q3, tmp_path_factory, data) -> None:
    scheme, evidence, engine, current = q3
    items = _candidates(current, scheme, DocumentRequirement)
    assert len(items) >= 5
    crit, req, item = data.draw(st.sampled_from(items))
    # dated at the as-of date: the item resolved now, which is what points_at_stake means
    row = _document_row(req, item.owner[0] if item.owner else "tccb", current.as_of, len(crit.id))
    projected = _project(tmp_path_factory.mktemp("kb"), scheme, evidence, engine, {"documents": [row]},
                         current.as_of)
    assert projected.total - current.total == item.points_at_stake, (crit.id, req.id)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_planned_entered_value_adds_exactly_its_points_at_stake(q3, tmp_path_factory, data) -> None:
    scheme, evidence, engine, _ = q3
    empty = replace(evidence, inputs={})  # every entered value missing
    current = engine.assess(empty)
    items = _candidates(current, scheme, InputRequirement)
    assert len(items) >= 5
    crit, req, item = data.draw(st.sampled_from(items))
    value = Decimal(1) if req.unit == "ratio" else min(cap for cap, _ in entered_caps(crit, req.id))
    projected = _project(tmp_path_factory.mktemp("kb"), scheme, empty, engine,
                         {"inputs": {crit.id: {req.id: {"value": value, "source": "dự kiến"}}}}, current.as_of)
    assert projected.total - current.total == item.points_at_stake, (crit.id, req.id)


def test_inputs_that_are_a_list_are_an_error_not_a_crash(capsys, tmp_path: Path) -> None:
    # inputs.yaml and a scenario's `inputs:` share one reader; a list there used to end in AttributeError (exit 3)
    case = tmp_path / "q3"
    shutil.copytree(Q3, case)
    (case / "inputs.yaml").write_text("- 4.2\n- 5.3\n", encoding="utf-8")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "inputs.yaml" in err and "[E014]" in err
