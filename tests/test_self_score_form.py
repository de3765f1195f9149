"""The self-scoring form a unit submits (`cchc report --out bieu-tu-cham.xlsx --loai bieu-tu-cham`) and the
evidence rows it cites: each criterion lists exactly the register rows that met its counted document
requirements, checked against rows of documents.csv picked by hand."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.assess import Assessor
from engine.cli import main
from engine.pipeline import prepare
from engine.reports import self_score_form as form
from engine.scheme import DocumentRequirement
from engine.scoring import used_requirements
from tests.conftest import CASES, SEED
from tests.editing import edit

Q3 = CASES / "ha-giang-sonnptnt-2024-q3"
# Read off cases/ha-giang-sonnptnt-2024-q3/documents.csv by hand: (criterion, reference, line of the file).
# Not 09/KH-CCTTBVTV (line 11): sent 5/2/2024, after the 31/01/2024 deadline of 1.4, it meets nothing.
Q3_EVIDENCE = {
    ("1.4", "05/KH-SNN-VP", 4), ("1.4", "06/KH-SNN-KHTC", 5), ("1.4", "04/KH-SNN-TTr", 6),
    ("1.4", "12/KH-CCPTNT", 7), ("1.4", "08/KH-CCTL", 8), ("1.4", "03/KH-TTNSH", 9), ("1.4", "15/KH-CCKL", 10),
    ("2.1", "22/BC-SNN-TTr", 14), ("2.1", "35/KH-SNN-TTr", 15),
    ("5.1", "120/BC-SNN", 18),
    ("6.1", "18/KH-SNN", 19), ("6.1", "02/BB-ĐKT", 20),
    ("7.2", "1105/QĐ-UBND", 21),
}


def _form(capsys, out: Path, *args: str) -> openpyxl.Workbook:
    assert main(["report", *args, "--out", str(out), "--loai", "bieu-tu-cham"]) == 0
    capsys.readouterr()
    return openpyxl.load_workbook(out)


def _json(capsys, *args: str) -> dict:
    assert main(["assess", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _rows(sheet) -> list[dict[str, object]]:
    top = int("".join(ch for ch in sheet.auto_filter.ref.split(":")[0] if ch.isdigit()))
    headers = [c.value for c in sheet[top]]
    return [dict(zip(headers, values, strict=True))
            for values in sheet.iter_rows(min_row=top + 1, max_col=len(headers), values_only=True) if any(values)]


def test_the_hand_picked_rows_are_what_the_file_says() -> None:
    with (Q3 / "documents.csv").open(encoding="utf-8") as handle:
        lines = {n: row for n, row in enumerate(csv.reader(handle), start=1)}
    assert all(lines[line][0] == reference for _, reference, line in Q3_EVIDENCE)


def test_each_criterion_cites_exactly_the_register_rows_that_met_it(capsys) -> None:
    scheme, evidence = prepare(Q3)
    a = Assessor(scheme, prefer="python").assess(evidence)
    got = {(c.id, e.reference, e.row) for c in a.criteria for e in c.evidence}
    assert got == Q3_EVIDENCE
    assert all(e.source == "documents.csv" for c in a.criteria for e in c.evidence)
    data = _json(capsys, str(Q3))  # and the JSON carries them
    assert {(c["id"], e["reference"], e["row"]) for c in data["criteria"] for e in c["evidence"]} == Q3_EVIDENCE
    bb = next(e for c in data["criteria"] for e in c["evidence"] if e["reference"] == "02/BB-ĐKT")
    assert (bb["issued"], bb["kind"], bb["requirement"]) == ("2024-05-21", "BB", "bien-ban-kiem-tra")


def test_the_form_lists_the_documents_beside_each_criterion(tmp_path: Path, capsys) -> None:
    data = _json(capsys, str(Q3))
    book = _form(capsys, tmp_path / "bieu-tu-cham.xlsx", str(Q3))
    assert book.sheetnames == [form.FORM, form.DOCUMENTS]
    docs = _rows(book[form.DOCUMENTS])
    assert {(r["TC"], r["Số, ký hiệu"], r["Hàng"]) for r in docs} == Q3_EVIDENCE
    sheet = book[form.FORM]
    rows = _rows(sheet)
    criteria = [r for r in rows if r["STT"] and r["STT"].isdigit()]
    assert [r["TC"] for r in criteria] == [c["id"] for c in data["criteria"]]  # the scheme's order
    for row, c in zip(criteria, data["criteria"], strict=True):
        assert (row["Điểm tối đa"], row["Điểm tự chấm"]) == (c["max"], c["points"])
        assert isinstance(row["Điểm tự chấm"], int | float)
        cited = row["Tài liệu kiểm chứng"] or ""
        assert all(e["reference"] in cited for e in c["evidence"])
        assert bool(cited) == bool(c["evidence"])
    total = next(r for r in rows if r["Tiêu chí"] and r["Tiêu chí"].startswith("TỔNG CỘNG"))
    assert (total["Điểm tối đa"], total["Điểm tự chấm"]) == (data["max"], data["total"])
    heading = [sheet.cell(r, c).value for r in range(1, 8) for c in (1, 4)]
    assert {"UBND TỈNH HÀ GIANG", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
            "BIỂU TỰ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024"} <= set(heading)
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9


def test_the_seed_cites_no_register_row_and_says_which_scores_are_only_entered(tmp_path: Path, capsys) -> None:
    """In the seed every row naming a requirement is a placeholder ("chưa có"), and no other row matches one:
    nothing is cited, and criteria scored from entered values alone say so."""
    data = _json(capsys)
    book = _form(capsys, tmp_path / "bieu-tu-cham.xlsx")
    assert all(not c["evidence"] for c in data["criteria"])
    assert not _rows(book[form.DOCUMENTS])
    rows = {r["TC"]: r for r in _rows(book[form.FORM]) if r["STT"] and r["STT"].isdigit()}
    entered = [c["id"] for c in data["criteria"] if c["status"] == "nhập ngoài"]
    assert entered == ["1.2", "3.4", "3.5", "4.2", "5.3", "khac"]
    for cid in entered:
        assert form.ENTERED_ONLY in rows[cid]["Giải trình"]
    assert all(form.ENTERED_ONLY not in rows[c["id"]]["Giải trình"] for c in data["criteria"] if c["id"] not in entered)
    assert rows["1.2"]["Điểm tự chấm"] == 0.69 and "Điểm thẩm định 0,69/1" in rows["1.2"]["Giải trình"]


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(SEED, target)
    return target


def test_a_document_added_to_the_seed_is_cited_and_only_the_one_that_met(seed_copy: Path, tmp_path: Path,
                                                                         capsys) -> None:
    register = seed_copy / "documents.csv"
    with register.open("a", encoding="utf-8") as handle:
        handle.write('45/BC-SNN,20/11/2023,,BC,"Báo cáo rà soát, điều chỉnh vị trí việc làm năm 2023",tccb,'
                     "vi-tri-viec-lam,,,,\n")  # line 25: meets 5.1
        handle.write('46/BC-SNN,24/11/2023,,BC,"Báo cáo rà soát vị trí việc làm (bản bổ sung)",tccb,'
                     "vi-tri-viec-lam,,,,\n")  # line 26: also matches; the earlier one is the one cited
        handle.write('47/TB-SNN,21/11/2023,,TB,"Thông báo về vị trí việc làm",tccb,vi-tri-viec-lam,,,,\n')  # wrong kind
    data = _json(capsys, str(seed_copy))
    assert data["total"] == 76.16  # 75,66 + 0,5 for 5.1
    cited = {c["id"]: [(e["reference"], e["row"]) for e in c["evidence"]] for c in data["criteria"]}
    assert cited["5.1"] == [("45/BC-SNN", 25)]
    assert all(not v for k, v in cited.items() if k != "5.1")
    book = _form(capsys, tmp_path / "bieu.xlsx", str(seed_copy))
    assert [(r["TC"], r["Số, ký hiệu"], r["Hàng"], r["Loại"]) for r in _rows(book[form.DOCUMENTS])] == [
        ("5.1", "45/BC-SNN", 25, "BC")]


def test_text_from_the_register_stays_text_in_the_form(seed_copy: Path, tmp_path: Path, capsys) -> None:
    shutil.rmtree(seed_copy)
    shutil.copytree(Q3, seed_copy)
    edit(seed_copy / "documents.csv", '"Báo cáo rà soát, điều chỉnh vị trí việc làm năm 2024"',
         '"=HYPERLINK(""http://example.invalid"",""bấm"")"')
    book = _form(capsys, tmp_path / "bieu.xlsx", str(seed_copy))
    cell = next(c for row in book[form.DOCUMENTS].iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.invalid","bấm")'


def test_a_unit_form_holds_its_criteria_only(tmp_path: Path, capsys) -> None:
    book = _form(capsys, tmp_path / "tt.xlsx", str(Q3), "--unit", "thanh-tra")
    data = _json(capsys, str(Q3), "--unit", "thanh-tra")
    rows = [r for r in _rows(book[form.FORM]) if r["STT"] and r["STT"].isdigit()]
    assert [r["TC"] for r in rows] == [c["id"] for c in data["criteria"]]
    assert {(r["TC"], r["Số, ký hiệu"]) for r in _rows(book[form.DOCUMENTS])} == {
        (c, ref) for c, ref, _ in Q3_EVIDENCE if c in {r["TC"] for r in rows}}


@pytest.mark.parametrize(("unit", "expected"), [
    ("Sở Nông nghiệp và Phát triển nông thôn tỉnh Hà Giang",
     ("UBND TỈNH HÀ GIANG", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN")),
    ("Sở Tư pháp thành phố Hà Nội", ("UBND THÀNH PHỐ HÀ NỘI", "SỞ TƯ PHÁP")),
    ("Ban Quản lý các khu công nghiệp", (f"UBND TỈNH {form.BLANK}", "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP")),
])
def test_the_heading_names_province_and_department_or_leaves_a_visible_blank(unit: str, expected) -> None:
    assert form.heading_names(unit) == expected


# ---- property: whatever rows the register holds, the cited rows are those that met a counted requirement ----

@pytest.fixture(scope="module")
def q3():
    scheme, evidence = prepare(Q3)
    return scheme, evidence, Assessor(scheme, prefer="python")


@given(keep=st.lists(st.booleans(), min_size=30, max_size=30))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_cited_rows_are_exactly_the_met_counted_document_requirements(q3, keep: list[bool]) -> None:
    scheme, evidence, assessor = q3
    documents = [d for d, k in zip(evidence.documents, keep, strict=False) if k]
    a = assessor.assess(replace(evidence, documents=documents))
    present = {(d.source, d.row): d for d in documents}
    for c in a.criteria:
        crit = scheme.criterion(c.id)
        counted = {r.id for r in crit.requires if isinstance(r, DocumentRequirement)} & used_requirements(crit.score)
        assert [e.requirement for e in c.evidence] == [r.id for r in crit.requires if r.id in counted & c.met]
        for e in c.evidence:
            doc = present[(e.source, e.row)]  # a row that is in the register, as it is written there
            assert (e.reference, e.issued, e.subject) == (doc.reference.raw, doc.issued, doc.subject)
