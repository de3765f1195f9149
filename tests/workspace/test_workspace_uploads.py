"""Uploads: a signed document dropped by a unit, read as `cchc evidence scan` reads it, confirmed, recorded in
the unit's register with its SHA-256, and the department's score moves at once."""

from __future__ import annotations

import hashlib
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from workspace.service import Forbidden, Invalid, NotFound, Role

REPORT_SUBJECT = "Kết quả công tác theo dõi thi hành pháp luật năm 2023"


def report_docx(number: str = "15/BC-SNN-TTr", place_date: str = "Hà Giang, ngày 20 tháng 11 năm 2023") -> bytes:
    """The 2.2 report as Thanh tra Sở would sign it: the header block in a borderless table."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "SỞ NÔNG NGHIỆP VÀ PTNT\nTHANH TRA SỞ"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = f"Số: {number}"
    table.cell(1, 1).text = place_date
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph(REPORT_SUBJECT)
    document.add_paragraph("Thực hiện Kế hoạch số 12/KH-SNN ngày 10/02/2023 của Sở Nông nghiệp và PTNT;")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def thanh_tra(workspace, tccb):  # type: ignore[no-untyped-def]
    return workspace.create_account(tccb, "thanhtra", "Thanh tra Sở", Role.UNIT, "thanh-tra", "mat-khau-thanh-tra")


def item_2_2(workspace, unit):  # type: ignore[no-untyped-def]
    return next(i for i in workspace.checklist(unit, "thanh-tra") if i.criterion == "2.2")


def test_the_2_2_report_raises_the_total_by_exactly_one_point(workspace, thanh_tra, tccb) -> None:
    before = workspace.assessment().total
    item = item_2_2(workspace, thanh_tra)
    data = report_docx()
    staged = workspace.stage_document(thanh_tra, "thanh-tra", item.key, "Báo cáo THPL 2023.docx", data)
    assert (staged.reference, staged.issued.isoformat(), staged.kind) == ("15/BC-SNN-TTr", "2023-11-20", "BC")
    assert staged.subject == REPORT_SUBJECT
    assert staged.sha256 == hashlib.sha256(data).hexdigest()
    assert workspace.assessment().total == before  # staged only: nothing counted yet

    row_id = workspace.confirm_document(thanh_tra, staged.id, staged.reference, "20/11/2023", staged.kind,
                                        staged.subject)
    after = workspace.assessment()
    assert after.total - before == Decimal("1.00")
    assert "2.2" not in [i.criterion for i in workspace.checklist(thanh_tra, "thanh-tra")]
    row = next(r for r in workspace.register_rows(thanh_tra) if r["_id"] == str(row_id))
    assert row["SHA-256"] == staged.sha256 and row["Số, ký hiệu"] == "15/BC-SNN-TTr" and row["Đơn vị"] == "thanh-tra"
    assert workspace.file(thanh_tra, staged.sha256)[2] == data
    assert workspace.file(tccb, staged.sha256)[1].startswith("application/vnd.openxmlformats")
    with pytest.raises(NotFound):
        workspace.staged(thanh_tra, staged.id)  # confirmed: no longer waiting
    actions = [e["action"] for e in workspace.audit_log(tccb)]
    assert actions.index("register.add") < actions.index("upload.stage")  # newest first


def test_a_report_under_thanh_tra_s_own_symbol_is_not_the_department_s(workspace, thanh_tra) -> None:
    """The rule asks for a report the Sở issues (issuer SNN): "15/BC-TTr" is answered, and found failing, with
    the reason, not counted as missing."""
    before = workspace.assessment().total
    staged = workspace.stage_document(thanh_tra, "thanh-tra", item_2_2(workspace, thanh_tra).key, "bc.docx",
                                      report_docx("15/BC-TTr"))
    workspace.confirm_document(thanh_tra, staged.id, staged.reference, "20/11/2023", "BC", staged.subject)
    assert workspace.assessment().total == before
    assert item_2_2(workspace, thanh_tra).state == "không đạt"
    crit = next(c for c in workspace.assessment().criteria if c.id == "2.2")
    assert "cơ quan ban hành TTr (cần SNN)" in crit.trace[0]


def test_another_unit_sees_nothing_of_thanh_tra(workspace, thanh_tra, tccb) -> None:
    other = workspace.create_account(tccb, "vanphong", "Văn phòng", Role.UNIT, "van-phong", "mat-khau-van-phong")
    viewer = workspace.create_account(tccb, "lanhdao", "Lãnh đạo", Role.VIEWER, None, "mat-khau-lanh-dao")
    item = item_2_2(workspace, thanh_tra)
    staged = workspace.stage_document(thanh_tra, "thanh-tra", item.key, "bc.docx", report_docx())
    for call in (lambda: workspace.checklist(other, "thanh-tra"),
                 lambda: workspace.stage_document(other, "thanh-tra", item.key, "bc.docx", report_docx()),
                 lambda: workspace.staged(other, staged.id),
                 lambda: workspace.confirm_document(other, staged.id, "15/BC-TTr", "20/11/2023", "BC", "x"),
                 lambda: workspace.discard(other, staged.id),
                 lambda: workspace.file(other, staged.sha256),
                 lambda: workspace.register_rows(other, "thanh-tra"),
                 lambda: workspace.import_register(other, "thanh-tra", "so.csv", b"x")):
        with pytest.raises(NotFound):
            call()
    assert workspace.staged(viewer, staged.id).id == staged.id  # leadership reads
    with pytest.raises(Forbidden):
        workspace.stage_document(viewer, "thanh-tra", item.key, "bc.docx", report_docx())
    with pytest.raises(Forbidden):
        workspace.confirm_document(viewer, staged.id, "15/BC-TTr", "20/11/2023", "BC", "x")
    with pytest.raises(NotFound):
        workspace.stage_document(thanh_tra, "thanh-tra", "0" * 24, "bc.docx", report_docx())  # a guessed item


@pytest.mark.parametrize(("name", "data", "code"), [
    ("bc.docx", b"MZ\x90\x00 not a document", "C111"),  # an executable named .docx
    ("bc.pdf", b"<html><script>alert(1)</script></html>", "C111"),
    ("bc.docx", b"", "C111"),
    ("bc.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), "C110"),  # over the limit set below
])
def test_disguised_and_oversized_files_are_refused(workspace, thanh_tra, name, data, code) -> None:
    workspace.max_upload = 1024 * 1024
    item = item_2_2(workspace, thanh_tra)
    revision = workspace.store.revision()
    with pytest.raises(Invalid) as refused:
        workspace.stage_document(thanh_tra, "thanh-tra", item.key, name, data)
    assert refused.value.code == code
    assert workspace.store.revision() == revision


def test_a_zip_bomb_docx_is_refused_before_it_is_opened(workspace, thanh_tra) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (210 * 1024 * 1024))
    item = item_2_2(workspace, thanh_tra)
    with pytest.raises(Invalid) as refused:
        workspace.stage_document(thanh_tra, "thanh-tra", item.key, "bom.docx", out.getvalue())
    assert refused.value.code == "C111" and "giải nén" in refused.value.message


def test_a_bad_confirmation_says_what_and_changes_nothing(workspace, thanh_tra) -> None:
    item = item_2_2(workspace, thanh_tra)
    staged = workspace.stage_document(thanh_tra, "thanh-tra", item.key, "bc.docx", report_docx())
    revision = workspace.store.revision()
    with pytest.raises(Invalid) as refused:
        workspace.confirm_document(thanh_tra, staged.id, "mười lăm", "31/2/2023", "XYZ", "  ")
    assert [p.code for p in refused.value.problems] == ["C114", "C115", "C116", "C117"]
    assert workspace.store.revision() == revision
    assert workspace.staged(thanh_tra, staged.id).id == staged.id


def test_a_file_without_a_header_is_staged_with_the_reason(workspace, thanh_tra) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Một trang không có đầu văn bản.")
    out = io.BytesIO()
    document.save(out)
    item = item_2_2(workspace, thanh_tra)
    staged = workspace.stage_document(thanh_tra, "thanh-tra", item.key, "../../etc/x.docx", out.getvalue())
    assert staged.reference is None and staged.problems
    assert staged.filename == "x.docx"  # the name is text only: no folders
    workspace.discard(thanh_tra, staged.id)
    with pytest.raises(NotFound):
        workspace.staged(thanh_tra, staged.id)


def test_files_are_stored_under_their_hash(workspace, thanh_tra, data_dir: Path) -> None:
    data = report_docx()
    item = item_2_2(workspace, thanh_tra)
    staged = workspace.stage_document(thanh_tra, "thanh-tra", item.key, "<script>.docx", data)
    sha = hashlib.sha256(data).hexdigest()
    assert (data_dir / "files" / sha[:2] / sha).read_bytes() == data
    assert staged.filename == "<script>.docx"  # kept as text; the web layer escapes it


def test_a_pdf_without_a_text_layer_is_staged_saying_why(workspace, thanh_tra) -> None:
    staged = workspace.stage_document(thanh_tra, "thanh-tra", item_2_2(workspace, thanh_tra).key, "scan.pdf",
                                      b"%PDF-1.4\n%%EOF\n")
    assert staged.reference is None
    assert staged.problems[0].startswith("không đọc được đầu văn bản của 'scan.pdf'")
