"""Issue 10, item 4: TCCB's mock appraisal (tham-dinh-thu.yaml) read, checked and scored by the engine.

Bad entries are refused by `cchc evidence check` and `cchc assess` alike, with the file and line. The appraised
total is computed in the engine: for any set of applicable criteria overridden with points p(c), it is the
self-assessed total plus the sum of p(c) − self(c), exactly (every term has at most 2 decimal places, and no
rounding stands between them); not-applicable criteria move nothing; the index is that total over the same
applicable maximum, rounded as every index is, and the class is the scheme's band of that index. Every output
shows it, and a case without the file gives the very bytes it gave before (goldens from main, below).
"""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.appraisal import mock_appraisal
from engine.assess import _classify, engine_version
from engine.case_checks import check_against_scheme
from engine.cli import main
from engine.pipeline import prepare, run
from engine.reports.json_result import render
from engine.results import Assessment
from engine.scheme import Scheme
from engine.scoring import round_points
from evidence.mock_appraisal import Override
from tests.conftest import CASES, SEED
from tests.editing import edit, line_of
from tests.test_check_assess_agree import check_and_assess

FILE = "tham-dinh-thu.yaml"
GOOD = '''"2.2":
  points: 0.5
  note: "Báo cáo gửi muộn 3 ngày, Hội đồng chỉ chấm 0,5"
  by: tccb
  at: 2026-11-30T10:15:00
"1.1":
  points: 0.75
  note: thiếu phụ lục biểu mẫu
'''


@pytest.fixture
def case(tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(SEED, target)
    return target


@pytest.fixture(scope="module")
def seed() -> Assessment:
    return run(SEED, prefer="python")


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return prepare(SEED)[0]


def _write(folder: Path, text: str, name: str = FILE) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- refused with file and line, by check and assess alike ------------------------------------------------

BAD = {
    "unknown criterion": ('"9.9":\n  points: 1\n  note: x\n', "E010", '"9.9"'),
    "points negative": ('"2.2":\n  points: -0.5\n  note: x\n', "E086", "points"),
    "points above the max": ('"2.2":\n  points: 1.5\n  note: x\n', "E089", "points"),
    "points not a decimal": ('"2.2":\n  points: nửa điểm\n  note: x\n', "E086", "points"),
    "points with 3 places": ('"2.2":\n  points: 0.125\n  note: x\n', "E086", "points"),
    "points a boolean": ('"2.2":\n  points: true\n  note: x\n', "E086", "points"),
    "points missing": ('"2.2":\n  note: x\n', "E086", '"2.2"'),
    "note missing": ('"2.2":\n  points: 0.5\n', "E087", '"2.2"'),
    "note empty": ('"2.2":\n  points: 0.5\n  note: "  "\n', "E087", "note"),
    "note not text": ('"2.2":\n  points: 0.5\n  note: 3\n', "E087", "note"),
    "bad at": ('"2.2":\n  points: 0.5\n  note: x\n  at: hôm qua\n', "E088", "at:"),
    "at an impossible day": ('"2.2":\n  points: 0.5\n  note: x\n  at: "2026-02-30T10:00"\n', "E088", "at:"),
    "unknown key": ('"2.2":\n  points: 0.5\n  note: x\n  diem: 1\n', "E085", "diem"),
    "entry not a table": ('"2.2": 0.5\n', "E085", '"2.2"'),
    "file not a table": ("- 2.2\n", "E085", "- 2.2"),
    "by not text": ('"2.2":\n  points: 0.5\n  note: x\n  by: 12\n', "E085", "by:"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_entry_is_an_error_of_check_and_assess_at_its_line(capsys, case: Path, name: str) -> None:
    text, code, needle = BAD[name]
    path = _write(case, text)
    check, check_errors, assess, assess_errors = check_and_assess(case, capsys)
    assert (check, assess) == (1, 2)
    assert check_errors == assess_errors == {(code, f"{FILE}, dòng {line_of(path, needle)}")}


def test_every_bad_entry_of_one_file_is_reported_at_once(case: Path) -> None:
    _write(case, '"2.2":\n  points: 2\n  note: x\n"1.1":\n  points: 1\n"9.9":\n  points: 1\n  note: y\n')
    codes = sorted(p.code for p in check_against_scheme(case).errors)
    assert codes == ["E087"]  # reading the file refuses it first; what the scheme checks waits for a readable file
    _write(case, '"2.2":\n  points: 2\n  note: x\n"9.9":\n  points: 1\n  note: y\n')
    assert sorted((p.code, p.line) for p in check_against_scheme(case).errors) == [("E010", 4), ("E089", 2)]


def test_a_file_case_yaml_names_must_exist_and_stay_inside(capsys, case: Path) -> None:
    edit(case / "case.yaml", "inputs: inputs.yaml", "inputs: inputs.yaml\nmock_appraisal: tccb/thang-11.yaml")
    line = line_of(case / "case.yaml", "mock_appraisal")
    check, check_errors, assess, assess_errors = check_and_assess(case, capsys)
    assert (check, assess) == (1, 2)
    assert check_errors == assess_errors == {("E001", f"case.yaml, dòng {line}")}
    (case / "tccb").mkdir()
    _write(case, GOOD, "tccb/thang-11.yaml")
    _write(case, '"2.2":\n  points: 1\n  note: tệp mặc định, không được đọc khi case.yaml nêu tệp khác\n')
    result = run(case, prefer="python")
    assert result.appraisal is not None and result.appraisal.file == "tccb/thang-11.yaml"
    assert result.appraisal.total == Decimal("75.91")
    assert "tccb/thang-11.yaml" in result.hashes and FILE not in result.hashes

    edit(case / "case.yaml", "mock_appraisal: tccb/thang-11.yaml", "mock_appraisal: ../ngoai.yaml")
    check, check_errors, assess, assess_errors = check_and_assess(case, capsys)
    assert (check, assess) == (1, 2)
    assert check_errors == assess_errors == {("E005", f"case.yaml, dòng {line}")}


def test_an_override_of_a_not_applicable_criterion_is_listed_not_counted_and_warned(capsys, case: Path) -> None:
    edit(case / "case.yaml", "inputs: inputs.yaml", 'inputs: inputs.yaml\nnot_applicable:\n  "2.2": "không có"')
    path = _write(case, GOOD)
    result = run(case, prefer="python")
    m = result.appraisal
    assert m is not None
    by_id = {c.id: c for c in m.criteria}
    assert by_id["2.2"].counted is False and by_id["1.1"].counted is True
    assert m.max == result.max == Decimal(99)  # 2.2's 1 point is out of the maximum, as the engine treats it
    assert m.total == result.total + Decimal("0.75") - Decimal("1.00")
    warned = [w for w in result.warnings if w.code == "W075"]
    assert [(w.file, w.line) for w in warned] == [(str(path), line_of(path, '"2.2"'))]
    assert main(["evidence", "check", str(case)]) == 0
    assert "[W075]" in capsys.readouterr().out


# ---- scored by the engine --------------------------------------------------------------------------------


def test_the_appraised_total_and_class_worked_by_hand(case: Path) -> None:
    _write(case, GOOD)
    result = run(case, prefer="python")
    m = result.appraisal
    assert m is not None
    assert result.total == Decimal("75.66")  # the self-score itself does not move
    # 75,66 − 1 (1.1 self) + 0,75 − 0 (2.2 self) + 0,5
    assert (m.total, m.max, m.index_percent, m.classification) == (Decimal("75.91"), 100, Decimal("75.91"), "Khá")
    assert [(c.id, c.self_points, c.points, c.difference, c.by) for c in m.criteria] == [
        ("1.1", Decimal("1.00"), Decimal("0.75"), Decimal("0.25"), None),
        ("2.2", Decimal("0.00"), Decimal("0.5"), Decimal("-0.5"), "tccb")]
    assert m.criteria[1].at is not None and m.criteria[1].at.isoformat() == "2026-11-30T10:15:00"

    # 3.1 (0 of 2,5) and 3.3 (0 of 2) given in full: 75,66 + 4,5 = 80,16, Tốt (80 ≤ index < 90)
    _write(case, '"3.1": {points: 2.5, note: đủ}\n"3.3": {points: 2, note: đủ}\n')
    m = run(case, prefer="python").appraisal
    assert m is not None and (m.total, m.classification) == (Decimal("80.16"), "Tốt")
    # 4.2 (3,64) and 5.3 (3,72) taken away: 75,66 − 7,36 = 68,30, Trung bình (50 ≤ index < 70)
    _write(case, '"4.2": {points: 0, note: không đạt}\n"5.3": {points: 0, note: không đạt}\n')
    m = run(case, prefer="python").appraisal
    assert m is not None and (m.total, m.classification) == (Decimal("68.30"), "Trung bình")


def test_an_empty_file_is_an_appraisal_with_nothing_overridden(case: Path) -> None:
    _write(case, "# TCCB chưa chấm lại tiêu chí nào\n")
    m = run(case, prefer="python").appraisal
    assert m is not None and m.criteria == () and m.total == Decimal("75.66") and m.change == 0


@st.composite
def _overrides(draw: st.DrawFn, seed: Assessment) -> dict[str, Override]:
    chosen = draw(st.lists(st.sampled_from([c.id for c in seed.criteria]), unique=True, max_size=12))
    caps = {c.id: c.max for c in seed.criteria}
    out = {}
    for crit_id in chosen:
        cents = draw(st.integers(0, int(caps[crit_id] * 100)))
        out[crit_id] = Override(crit_id, Decimal(cents) / 100, "ghi chú", None, None, None)
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), not_applicable=st.sets(st.sampled_from(["1.1", "2.2", "3.4", "7.2"]), max_size=2))
def test_each_override_moves_the_total_by_exactly_its_difference(
        seed: Assessment, scheme: Scheme, data: st.DataObject, not_applicable: set[str]) -> None:
    from dataclasses import replace

    results = tuple(replace(c, applicable=False, points=Decimal(0)) if c.id in not_applicable else c
                    for c in seed.criteria)
    overrides = data.draw(_overrides(seed))
    m = mock_appraisal(results, overrides, FILE, lambda index: _classify(scheme, index))
    applicable = [c for c in results if c.applicable]
    self_total = sum((c.points for c in applicable), Decimal(0))
    moved = sum((o.points - c.points for c in applicable if (o := overrides.get(c.id))), Decimal(0))
    assert m.total == self_total + moved  # exact Decimal equality, no rounding between them
    assert m.change == moved == -sum((c.difference for c in m.criteria if c.counted), Decimal(0))
    assert m.max == sum((c.max for c in applicable), Decimal(0))
    assert m.index_percent == round_points(m.total / m.max * 100)
    assert m.classification == _classify(scheme, m.index_percent)
    assert [c.id for c in m.criteria] == [c.id for c in results if c.id in overrides]  # the scheme's order
    assert all(c.counted == (c.id not in not_applicable) for c in m.criteria)


def test_overriding_with_the_self_score_changes_nothing(case: Path, seed: Assessment) -> None:
    _write(case, "".join(f'"{c.id}": {{points: {c.points}, note: giữ nguyên}}\n' for c in seed.criteria))
    result = run(case, prefer="python")
    assert result.appraisal is not None
    assert (result.appraisal.total, result.appraisal.classification) == (result.total, result.classification)
    assert all(c.difference == 0 for c in result.appraisal.criteria)


# ---- shown in every output -------------------------------------------------------------------------------


def test_terminal_and_json_show_it(capsys, case: Path) -> None:
    _write(case, GOOD)
    assert main(["assess", str(case)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Thẩm định thử của TCCB (tham-dinh-thu.yaml)" in out
    assert "Tổng điểm sau thẩm định thử: 75,91 / 100 · Chỉ số: 75,91% · Xếp loại: Khá" in out
    assert "1.1 1 0,75 +0,25 thiếu phụ lục biểu mẫu" in out
    assert "2.2 0 0,5 -0,5 Báo cáo gửi muộn 3 ngày, Hội đồng chỉ chấm 0,5 (tccb, 30/11/2026 10:15)" in out

    assert main(["assess", str(case), "--format", "json"]) == 0
    block = json.loads(capsys.readouterr().out)["appraisal"]
    assert {k: block[k] for k in ("file", "total", "max", "index_percent", "classification", "change")} == {
        "file": FILE, "total": 75.91, "max": 100, "index_percent": 75.91, "classification": "Khá", "change": 0.25}
    assert block["criteria"][1] == {
        "id": "2.2", "title": "Xử lý kết quả theo dõi thi hành pháp luật", "max": 1, "self_points": 0,
        "points": 0.5, "difference": -0.5, "note": "Báo cáo gửi muộn 3 ngày, Hội đồng chỉ chấm 0,5", "by": "tccb",
        "at": "2026-11-30T10:15:00", "counted": True}


def test_html_report_has_the_section_and_escapes_the_note(case: Path, tmp_path: Path) -> None:
    _write(case, GOOD.replace("thiếu phụ lục biểu mẫu", '"<script>alert(1)</script> & thiếu"'))
    out = tmp_path / "bao-cao.html"
    assert main(["report", str(case), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    section = html[html.index('<section id="tham-dinh-thu">'):]
    section = section[:section.index("</section>")]
    assert '<a href="#tham-dinh-thu">Thẩm định thử</a>' in html
    assert "Tổng điểm <strong>75,91 / 100</strong>, chỉ số 75,91%, xếp loại <strong>Khá</strong>" in section
    assert ('<td><a href="#tc-2.2">2.2</a></td><td>Xử lý kết quả theo dõi thi hành pháp luật</td>'
            '<td class="num">0</td><td class="num">0,5</td><td class="num">-0,5</td>') in section
    assert "tccb, 30/11/2026 10:15" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; thiếu" in section and "<script>" not in html


def test_workbook_has_a_sheet_of_it(case: Path, tmp_path: Path) -> None:
    _write(case, GOOD)
    out = tmp_path / "ket-qua.xlsx"
    assert main(["report", str(case), "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    rows = list(book["Thẩm định thử"].iter_rows(values_only=True))
    header = rows.index(("TC", "Tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định thử",
                         "Chênh lệch (tự chấm − thẩm định thử)", "Ghi chú", "Người thẩm định", "Thời điểm",
                         "Tính vào tổng"))
    assert rows[header + 1][:7] == ("1.1", rows[header + 1][1], 2, 1, 0.75, 0.25, "thiếu phụ lục biểu mẫu")
    assert rows[header + 2][3:] == (0, 0.5, -0.5, "Báo cáo gửi muộn 3 ngày, Hội đồng chỉ chấm 0,5", "tccb",
                                    "30/11/2026 10:15", "có")
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0]}
    assert summary["Tổng điểm sau thẩm định thử của TCCB"] == 75.91
    assert summary["Tổng điểm"] == 75.66


def test_saved_runs_carry_it_and_history_shows_it(capsys, case: Path) -> None:
    assert main(["assess", str(case), "--save", "--as-of", "2023-10-01"]) == 0  # before TCCB appraised
    _write(case, GOOD)
    assert main(["assess", str(case), "--save"]) == 0
    capsys.readouterr()
    saved = json.loads((case / "lich-su" / "2023-12-26.json").read_text(encoding="utf-8"))
    assert saved["appraisal"]["total"] == 75.91
    assert main(["history", str(case)]) == 0
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert any("Sau thẩm" in line for line in lines)
    assert any(line.startswith("01/10/2023 ") and " — " in f"{line} " for line in lines)
    row = next(line for line in lines if line.startswith("26/12/2023 "))
    assert "75,91" in row and row.index("75,91") > row.index("Khá")

    out = case / "ket-qua.xlsx"
    assert main(["report", str(case), "--out", str(out)]) == 0
    trend = [r for r in openpyxl.load_workbook(out)["Xu hướng"].iter_rows(values_only=True) if r[0] is not None]
    header = trend[1]
    at = header.index("Sau thẩm định thử")
    assert header[at + 1] == "Xếp loại sau thẩm định thử"
    assert [(r[1], r[at], r[at + 1]) for r in trend[2:]] == [(75.66, None, None), (75.66, 75.91, "Khá")]


def test_evidence_check_says_it_read_the_appraisal(capsys, case: Path) -> None:
    assert main(["evidence", "check", str(case)]) == 0
    assert "Thẩm định thử" not in capsys.readouterr().out
    _write(case, GOOD)
    assert main(["evidence", "check", str(case)]) == 0
    assert "Thẩm định thử của TCCB: tham-dinh-thu.yaml, 2 tiêu chí chấm lại." in capsys.readouterr().out


# ---- a case without the file is unchanged, byte for byte ---------------------------------------------------

GOLDEN = {"seed": "ha-giang-sonnptnt-2023", "q3-2024": "ha-giang-sonnptnt-2024-q3"}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_json_of_a_case_without_appraisal_is_byte_for_byte_as_before(name: str) -> None:
    """Goldens: the JSON main gave before the mock appraisal existed (python matcher, cchc's version masked). When
    a result changes on purpose: CCHC_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_mock_appraisal.py"""
    got = render(run(CASES / GOLDEN[name], prefer="python")).replace(f'"{engine_version()}"', '"0+golden"') + "\n"
    path = Path(__file__).parent / "snapshots" / f"result-{name}.json"
    if os.environ.get("CCHC_UPDATE_SNAPSHOTS"):
        path.write_text(got, encoding="utf-8")
    assert '"appraisal"' not in got
    assert got == path.read_text(encoding="utf-8")
