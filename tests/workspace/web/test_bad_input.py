"""Bad input through the pages: each gets a clear Vietnamese message with its code, and changes nothing (the
score, the audit log and the registers compared before and after)."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

import pytest

from tests.workspace.test_workspace_registers_datasets import filled_template
from tests.workspace.web.conftest import PASSWORDS, Client, Site, item_key, signed_report, stage
from workspace.web.app import create_app
from workspace.web.settings import WebSettings

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _upload(client: Client, path: str, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(path, files={"file": (name, data, "application/octet-stream")})


def test_oversized_uploads_are_refused_before_and_after_reading(site: Site) -> None:
    small = create_app(site.workspace, WebSettings(max_upload=100_000))
    clerk = Client(small, "thanhtra", PASSWORDS["thanhtra"])
    path = f"/don-vi/thanh-tra/muc/{item_key(site)}"
    before = site.state()
    for size in (120_000, 400_000):  # past the limit; and past it by more than a form's overhead (not read at all)
        response = _upload(clerk, path, "lon.pdf", b"%PDF-1.4\n" + b"0" * size)
        assert response.status_code == 413 and "[C142]" in response.text and "100000" not in response.text
        assert "0,1 MB" in response.text
    assert site.state() == before


@pytest.mark.parametrize(("name", "data"), [
    ("bao-cao.pdf", b"MZ\x90\x00 this is a program, not a PDF"),
    ("bao-cao.docx", b"<html><script>alert(1)</script></html>"),
    ("bao-cao.docx", b"PK\x03\x04 a zip that is not a document"),
])
def test_disguised_files_are_refused_by_their_content(site: Site, name: str, data: bytes) -> None:
    before = site.state()
    response = _upload(site.unit, f"/don-vi/thanh-tra/muc/{item_key(site)}", name, data)
    assert response.status_code == 400 and 'lang="vi"' in response.text
    assert "[C11" in response.text  # the facade's code for the file (type by content, or unreadable)
    assert site.state() == before


def test_an_empty_upload_and_a_missing_file_say_so(site: Site) -> None:
    before = site.state()
    for files in ({"file": ("", b"", "application/octet-stream")}, {"file": ("rong.pdf", b"", "application/pdf")}):
        response = site.unit.post(f"/don-vi/thanh-tra/muc/{item_key(site)}", files=files)
        assert response.status_code == 400 and "[C146]" in response.text
    assert site.unit.post("/don-vi/thanh-tra/so-dang-ky").status_code == 400
    assert site.state() == before


def test_a_register_with_formulas_is_refused_row_by_row(site: Site, tmp_path: Path) -> None:
    before = site.state()
    response = _upload(site.unit, "/don-vi/thanh-tra/so-dang-ky", "so-dang-ky.xlsx",
                       filled_template(tmp_path, '="15/BC-SNN-TTr"'))
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "[E017]" in text and "so-dang-ky.xlsx" in text and "hàng" in text
    assert site.state() == before


def test_html_in_every_text_field_is_shown_as_text(site: Site) -> None:
    tccb = site.tccb
    assert tccb.post("/tai-khoan", {"username": "doc-hai", "full_name": HOSTILE, "role": "viewer",
                                    "password": "mat-khau-doc-hai"}).status_code == 303
    assert tccb.post("/tham-dinh-thu", {"criterion": "2.2", "points": "0,5", "note": HOSTILE}).status_code == 303
    first = site.workspace.inputs(site.accounts["tccb"])[0]
    assert tccb.post("/gia-tri", {"criterion": first["criterion"], "part": first["part"], "value": first["value"],
                                  "source": HOSTILE, "note": HOSTILE}).status_code == 303
    staged = stage(site, signed_report(), HOSTILE + ".docx")
    confirm = site.unit.get(f"/xac-nhan/{staged}")
    refused = site.unit.post(f"/xac-nhan/{staged}", {"reference": HOSTILE, "issued": HOSTILE, "kind": HOSTILE,
                                                     "subject": HOSTILE})
    assert refused.status_code == 400
    pages = [confirm, refused, tccb.get("/tai-khoan"), tccb.get("/tham-dinh-thu"), tccb.get("/gia-tri"),
             tccb.get("/nhat-ky"), Client(site.app, "doc-hai", "mat-khau-doc-hai").get("/tong-quan")]
    for i, page in enumerate(pages):
        assert page.status_code in (200, 400), i
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, i
        assert "&lt;img src=x onerror=alert(1)&gt;" in page.text, i  # shown, as text
    login = Client(site.app).http.post("/dang-nhap", data={"username": HOSTILE, "password": "x", "csrf": "x"})
    assert "<script>alert" not in login.text


def test_posts_without_the_csrf_token_change_nothing(site: Site, tccb_password: str) -> None:
    before = site.state()
    for path, data in (("/tham-dinh-thu", {"criterion": "2.2", "points": "0", "note": "giả mạo"}),
                       ("/tai-khoan", {"username": "gia-mao", "full_name": "x", "role": "tccb",
                                       "password": "mat-khau-gia-mao"}),
                       ("/dang-xuat", {})):
        response = site.tccb.http.post(path, data=data)  # no csrf field at all
        assert response.status_code == 403 and "[C140]" in response.text and "chưa có gì thay đổi" in response.text
    assert site.state() == before
    assert site.tccb.get("/tong-quan").status_code == 200  # still signed in: the forged logout did nothing
    # the login form's own token (no session yet): a login posted from elsewhere is refused too
    forged = Client(site.app).http.post("/dang-nhap", data={"username": "tccb", "password": tccb_password})
    assert forged.status_code == 403 and "[C140]" in forged.text and "cchc_phien" not in forged.headers.get(
        "set-cookie", "")


def test_an_expired_session_asks_to_log_in_again_and_changes_nothing(site: Site, monkeypatch) -> None:
    from workspace import audit

    now = audit.now
    monkeypatch.setattr(audit, "now", lambda: now() + timedelta(hours=9))  # past the 8-hour session
    before = site.state()
    page = site.unit.get("/don-vi/thanh-tra")
    assert page.status_code == 303 and page.headers["location"] == "/dang-nhap?het-han=1"
    assert "[C141]" in site.unit.get(page.headers["location"]).text
    posted = _upload(site.unit, f"/don-vi/thanh-tra/muc/{item_key(site)}", "bc.docx", signed_report())
    assert posted.status_code == 401 and "[C141]" in posted.text and "đăng nhập lại" in posted.text
    assert site.state() == before


def test_repeated_wrong_passwords_are_throttled_with_the_wait(site: Site) -> None:
    client = Client(site.app)
    for _ in range(5):
        refused = client.login("thanhtra", "sai-mat-khau-roi")
        assert refused.status_code == 401 and "[C100]" in refused.text
    throttled = client.login("thanhtra", PASSWORDS["thanhtra"])  # even the right password, for now
    assert throttled.status_code == 429 and "[C145]" in throttled.text
    assert "15 phút" in html.unescape(throttled.text)
    assert "cchc_phien" not in throttled.headers.get("set-cookie", "")
