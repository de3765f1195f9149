"""What each role does through the pages, with the real facade and engine: the unit's upload and confirmation,
its register, TCCB's appraisal, values, accounts, downloads; cookies and security headers."""

from __future__ import annotations

import hashlib
import html
import re
from decimal import Decimal

from tests.workspace.web.conftest import REPORT_SUBJECT, Client, Site, signed_report, stage
from workspace.service import Role


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(re.sub(r"<[^>]+>", " ", response.text))


def test_the_unit_sees_its_three_items_and_hands_in_the_2_2_report(site: Site) -> None:
    page = site.unit.get("/don-vi/thanh-tra")
    assert page.status_code == 200
    text = _text(page)
    assert 'id="so-muc">3 ' in page.text and "1,75" in text and "75,66" in text
    assert text.count("Tải lên") >= 3 and "Báo cáo kết quả công tác theo dõi thi hành pháp luật năm 2023" in text
    # at 26/12/2023 every deadline has passed: the page says a document issued on time still counts
    assert "Mục «đã mất»" in text and "vẫn nộp được và được tính" in text

    data = signed_report()
    staged = stage(site, data, "Báo cáo THPL 2023.docx")
    confirm = site.unit.get(f"/xac-nhan/{staged}")
    assert confirm.status_code == 200
    assert 'value="15/BC-SNN-TTr"' in confirm.text and 'value="20/11/2023"' in confirm.text
    assert '<option value="BC" selected>' in confirm.text and REPORT_SUBJECT in confirm.text
    assert hashlib.sha256(data).hexdigest() in confirm.text
    assert site.workspace.assessment().total == Decimal("75.66")  # staged only

    done = site.unit.post(f"/xac-nhan/{staged}", {"reference": "15/BC-SNN-TTr", "issued": "20/11/2023", "kind": "BC",
                                                  "subject": REPORT_SUBJECT})
    assert done.status_code == 303 and done.headers["location"] == "/don-vi/thanh-tra"
    after = site.unit.get("/don-vi/thanh-tra")
    text = _text(after)
    assert 'id="so-muc">2 ' in after.text and "Báo cáo kết quả công tác theo dõi" not in text.split("Sổ đăng ký")[0]
    assert "76,66" in text and "tăng 1 điểm" in text  # the notice, once
    assert site.workspace.assessment().total == Decimal("76.66")
    assert "tăng 1 điểm" not in _text(site.unit.get("/don-vi/thanh-tra"))
    # the file is in the unit's register, downloadable by the unit, as an attachment
    sha = hashlib.sha256(data).hexdigest()
    assert f'href="/tep/{sha}"' in after.text
    file = site.unit.get(f"/tep/{sha}")
    assert file.status_code == 200 and file.content == data
    assert file.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in file.headers["content-security-policy"]


def test_a_staged_upload_can_be_discarded(site: Site) -> None:
    staged = stage(site, signed_report())
    before = site.state()
    response = site.unit.post(f"/xac-nhan/{staged}/huy")
    assert response.status_code == 303
    assert site.unit.get(f"/xac-nhan/{staged}").status_code == 404
    assert site.state()[0] == before[0] and site.state()[2] == before[2]


def test_a_wrong_confirmation_is_shown_in_vietnamese_and_records_nothing(site: Site) -> None:
    staged = stage(site, signed_report())
    before = site.state()
    response = site.unit.post(f"/xac-nhan/{staged}", {"reference": "không phải số hiệu", "issued": "31/2/2023",
                                                      "kind": "XYZ", "subject": ""})
    assert response.status_code == 400
    text = _text(response)
    assert "[C114]" in text and "[C115]" in text and "[C116]" in text and "[C117]" in text
    assert site.state() == before
    assert site.unit.get(f"/xac-nhan/{staged}").status_code == 200  # still waiting


def test_the_confirmation_page_says_what_the_engine_will_conclude(site: Site) -> None:
    """The Sở's report: "mục này đạt … từ 75,66 lên 76,66 (+1,00)"; Thanh tra's own "15/BC-TTr": the W120 warning
    with the engine's reason (the rule wants issuer SNN), confirm and discard still offered. Nothing is kept."""
    before = site.state()
    good = _text(site.unit.get(f"/xac-nhan/{stage(site, signed_report())}"))
    assert "Nếu xác nhận: mục này đạt , tổng điểm của Sở từ 75,66 lên 76,66 (+1,00)" in good
    assert "[W120]" not in good

    own = stage(site, signed_report("15/BC-TTr"), "bc-ttr.docx")
    page = site.unit.get(f"/xac-nhan/{own}")
    assert page.status_code == 200
    text = _text(page)
    assert "Văn bản này chưa đáp ứng yêu cầu" in text and "[W120]" in text and "Nếu xác nhận: mục này đạt" not in text
    reasons = re.findall(r'<ul class="problems reasons">(.*?)</ul>', page.text, re.S)
    assert reasons and "SNN" in reasons[0] and "TTr" in reasons[0]
    assert not re.search(r"hàng \d+\)", reasons[0])  # the engine's scratch row, in no file the clerk has
    assert "đã qua" in text.split("Tệp:")[0]  # 2.2's deadline has passed: said so, not "không nêu"
    assert "Xác nhận, ghi vào sổ" in text and f'action="/xac-nhan/{own}/huy"' in page.text
    assert f'formaction="/xac-nhan/{own}/xem-lai"' in page.text
    after = site.state()  # two uploads staged (audited), two previews: no score, no register row
    assert (after[0], after[2]) == (before[0], before[2])


def test_preview_again_shows_the_edited_fields_and_keeps_nothing(site: Site) -> None:
    """The clerk corrects what cchc misread (the reference) and asks again: the same page, the new preview."""
    own = stage(site, signed_report("15/BC-TTr"))
    before = site.state()
    fields = {"reference": "15/BC-SNN-TTr", "issued": "20/11/2023", "kind": "BC", "subject": REPORT_SUBJECT}
    again = site.unit.post(f"/xac-nhan/{own}/xem-lai", fields)
    assert again.status_code == 200
    text = _text(again)
    assert "từ 75,66 lên 76,66 (+1,00)" in text and "[W120]" not in text
    assert 'value="15/BC-SNN-TTr"' in again.text  # the edited field, not what cchc read
    assert site.state() == before
    staged = site.workspace.staged(site.accounts["thanhtra"], own)
    assert staged.reference == "15/BC-TTr"  # the staged upload still holds what cchc read
    # back to the reference as read: the warning again
    assert "[W120]" in _text(site.unit.post(f"/xac-nhan/{own}/xem-lai", {**fields, "reference": "15/BC-TTr"}))


def test_preview_again_with_bad_fields_shows_the_problems_confirming_gives(site: Site) -> None:
    staged = stage(site, signed_report())
    before = site.state()
    bad = {"reference": "không phải số hiệu", "issued": "31/2/2023", "kind": "XYZ", "subject": ""}
    preview = site.unit.post(f"/xac-nhan/{staged}/xem-lai", bad)
    confirm = site.unit.post(f"/xac-nhan/{staged}", bad)
    assert preview.status_code == confirm.status_code == 400
    text = _text(preview)
    assert "[W121]" in text and "chưa xem trước được" in text
    codes = set(re.findall(r"\[(C1\d\d)\]", text))
    assert {"C114", "C115", "C116", "C117"} <= codes and codes >= set(re.findall(r"\[(C1\d\d)\]", _text(confirm)))
    assert 'value="không phải số hiệu"' in html.unescape(preview.text)  # the fields kept for correcting
    assert site.state() == before
    no_token = site.unit.post(f"/xac-nhan/{staged}/xem-lai", bad, csrf="")
    assert no_token.status_code == 403 and "[C140]" in no_token.text


def test_a_scan_without_a_header_is_not_previewed_until_the_fields_are_filled(site: Site) -> None:
    staged = stage(site, b"%PDF-1.4\n%%EOF\n", "scan.pdf")
    page = site.unit.get(f"/xac-nhan/{staged}")
    assert page.status_code == 200 and "[W121]" in _text(page) and "Nếu xác nhận" not in _text(page)
    filled = site.unit.post(f"/xac-nhan/{staged}/xem-lai", {"reference": "15/BC-SNN-TTr", "issued": "20/11/2023",
                                                             "kind": "BC", "subject": REPORT_SUBJECT})
    assert filled.status_code == 200 and "(+1,00)" in _text(filled)


def test_tccb_acts_for_a_unit_and_the_viewer_reads_only(site: Site) -> None:
    assert site.tccb.get("/don-vi/thanh-tra").status_code == 200
    dashboard = site.viewer.get("/tong-quan")
    assert dashboard.status_code == 200
    text = _text(dashboard)
    assert "75,66" in text and "Khá" in text and "Thanh tra Sở" in text
    assert 'id="bieu-do-linh-vuc"' in dashboard.text and "<svg" in dashboard.text  # the report's chart
    assert "Tải lên" not in text and "<form" not in dashboard.text.split("</header>")[1]  # no form to change anything
    for kind, magic in (("bang-tinh", b"PK"), ("bao-cao", b"<!DOCTYPE html>"), ("ke-hoach", b"PK")):
        download = site.viewer.get(f"/tai-ve/{kind}")
        assert download.status_code == 200 and download.content.startswith(magic)
        assert download.headers["content-disposition"].startswith("attachment;")


def test_tccb_overrides_a_criterion_with_a_note_and_keeps_the_history(site: Site) -> None:
    page = site.tccb.get("/tham-dinh-thu")
    assert page.status_code == 200
    refused = site.tccb.post("/tham-dinh-thu", {"criterion": "2.2", "points": "0,5", "note": "  "})
    assert refused.status_code == 400 and "[C121]" in refused.text
    assert site.tccb.post("/tham-dinh-thu", {"criterion": "2.2", "points": "0,5",
                                             "note": "Báo cáo gửi muộn 3 ngày"}).status_code == 303
    assert site.tccb.post("/tham-dinh-thu", {"criterion": "2.2", "points": "0,25",
                                             "note": "Hội đồng xem lại"}).status_code == 303
    page = site.tccb.get("/tham-dinh-thu")
    row = re.search(r'<tr id="tc-2.2".*?</tr>', page.text, re.S).group(0)  # type: ignore[union-attr]
    assert "0,25" in row and "Hội đồng xem lại" in row and ">0<" in row.replace(" ", "")  # self-score 0 beside it
    history = page.text.split("Lịch sử chấm lại")[1]
    assert history.index("Hội đồng xem lại") < history.index("Báo cáo gửi muộn 3 ngày")  # newest first
    too_many = site.tccb.post("/tham-dinh-thu", {"criterion": "2.2", "points": "5", "note": "x"})
    assert too_many.status_code == 400 and "[C120]" in too_many.text


def test_the_appraisal_page_and_the_dashboard_show_the_engines_mock_appraised_result(site: Site) -> None:
    """Before any override: no appraised result (the self-score stands). After 2.2 → 0,25 (self 0): the engine's
    MockAppraisal says 75,91 / Khá, +0,25 against 75,66, difference −0,25 on 2.2; the pages show exactly that."""
    page = site.tccb.get("/tham-dinh-thu")
    assert "Chưa chấm lại tiêu chí nào" in _text(page)
    assert 'class="card appraised"' not in site.tccb.get("/tong-quan").text
    assert site.tccb.post("/tham-dinh-thu", {"criterion": "2.2", "points": "0,25",
                                             "note": "Hội đồng xem lại"}).status_code == 303
    m = site.workspace.assessment().appraisal
    assert m is not None and (m.total, m.classification, m.change) == (Decimal("75.91"), "Khá", Decimal("0.25"))
    page = site.tccb.get("/tham-dinh-thu")
    assert re.search(r'id="tham-dinh-tong">75,91 <small>/ 100</small>', page.text)
    assert 'id="tham-dinh-xep-loai">Khá<' in page.text and 'id="tham-dinh-chenh">+0,25<' in page.text
    assert 'id="tham-dinh-chi-so">75,91%<' in page.text
    row = html.unescape(re.search(r'<tr id="tc-2.2".*?</tr>', page.text, re.S).group(0))  # type: ignore[union-attr]
    assert "0,25" in row and "−0,25" in row and "tccb" in row
    assert 'class="overridden"' not in re.search(r'<tr id="tc-2.1".*?</tr>', page.text, re.S).group(0)  # type: ignore[union-attr]
    for client in (site.tccb, site.viewer):
        dashboard = client.get("/tong-quan")
        assert 'id="tham-dinh-tong">75,91 <small>' in dashboard.text
        assert 'id="tong-diem">75,66 <small>' in dashboard.text  # the self-assessed total unchanged beside it


def test_tccb_creates_and_deactivates_an_account(site: Site) -> None:
    made = site.tccb.post("/tai-khoan", {"username": "kiemlam", "full_name": "Chi cục Kiểm lâm", "role": "unit",
                                          "unit": "chi-cuc-kiem-lam", "password": "mat-khau-kiem-lam"})
    assert made.status_code == 303
    clerk = Client(site.app, "kiemlam", "mat-khau-kiem-lam")
    assert clerk.get("/").headers["location"] == "/don-vi/chi-cuc-kiem-lam"
    account = next(a for a in site.workspace.accounts(site.accounts["tccb"]) if a.username == "kiemlam")
    assert account.role is Role.UNIT
    assert site.tccb.post(f"/tai-khoan/{account.id}/trang-thai", {"active": "0"}).status_code == 303
    assert clerk.get("/don-vi/chi-cuc-kiem-lam").status_code == 303  # signed out
    weak = site.tccb.post("/tai-khoan", {"username": "yeu", "full_name": "x", "role": "viewer", "password": "123"})
    assert weak.status_code == 400 and "[C106]" in weak.text
    bad_role = site.tccb.post("/tai-khoan", {"username": "vaitro", "full_name": "x", "role": "admin",
                                             "password": "mat-khau-du-dai"})
    assert bad_role.status_code == 400 and "[C151]" in bad_role.text


def test_tccb_edits_an_entered_value_with_its_source(site: Site) -> None:
    page = site.tccb.get("/gia-tri")
    first = site.workspace.inputs(site.accounts["tccb"])[0]
    assert page.status_code == 200 and first["source"] in html.unescape(page.text)
    response = site.tccb.post("/gia-tri", {"criterion": first["criterion"], "part": first["part"],
                                           "value": first["value"], "source": "Phiếu điều tra 2023, bản gốc",
                                           "note": "đối chiếu lại"})
    assert response.status_code == 303
    assert site.workspace.inputs(site.accounts["tccb"])[0]["source"] == "Phiếu điều tra 2023, bản gốc"
    no_source = site.tccb.post("/gia-tri", {"criterion": first["criterion"], "part": first["part"], "value": "1",
                                            "source": " "})
    assert no_source.status_code == 400 and "[C119]" in no_source.text


def test_registers_datasets_and_audit_pages_list_what_the_facade_holds(site: Site) -> None:
    registers = site.tccb.get("/so-dang-ky")
    assert registers.status_code == 200 and "Số, ký hiệu" in registers.text and "_origin" not in registers.text
    only = site.tccb.get("/so-dang-ky?don_vi=thanh-tra")
    assert only.status_code == 200
    assert site.tccb.get("/du-lieu").status_code == 200
    audit = site.tccb.get("/nhat-ky")
    assert audit.status_code == 200 and ">đăng nhập</td>" in audit.text


def test_cookies_and_security_headers(site: Site, tccb_password: str) -> None:
    client = Client(site.app)
    form = client.get("/dang-nhap")
    headers = form.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert "<script" not in form.text and "style=" not in form.text
    response = client.login("tccb", tccb_password)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie  # plain http here
    assert "expires=" in cookie.lower()
    https = Client(site.app)
    https.http.base_url = "https://127.0.0.1"  # type: ignore[misc]
    assert "Secure" in https.login("tccb", tccb_password).headers["set-cookie"]


def test_a_unit_uploads_its_whole_register_and_tccb_a_dataset(site: Site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.workspace.test_workspace_registers_datasets import filled_template, tasks_csv

    response = site.unit.post("/don-vi/thanh-tra/so-dang-ky", files={"file": (
        "so-dang-ky.xlsx", filled_template(tmp_path), "application/octet-stream")})
    assert response.status_code == 303
    page = _text(site.unit.get("/don-vi/thanh-tra"))
    assert "thêm 1 dòng" in page and "76,66" in page and "tăng 1 điểm" in page
    before = site.workspace.assessment().total
    uploaded = site.tccb.post("/du-lieu", {"name": "tasks"}, files={"file": ("nhiem-vu.csv", tasks_csv("24"),
                                                                             "text/csv")})
    assert uploaded.status_code == 303
    listing = site.tccb.get("/du-lieu")
    assert "Đã nhận bộ dữ liệu «tasks»" in html.unescape(listing.text) and "datasets/tasks.csv" in listing.text
    assert site.workspace.assessment().total != before
    audit = _text(site.tccb.get("/nhat-ky"))
    assert "thay bộ dữ liệu" in audit and "nhập sổ đăng ký" in audit and "Lúc (UTC)" in audit
    refused = site.tccb.post("/du-lieu", {"name": "tasks"}, files={"file": ("x.csv", tasks_csv("mười lăm"),
                                                                           "text/csv")})
    assert refused.status_code == 400 and 'class="problems"' in refused.text
