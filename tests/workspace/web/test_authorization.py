"""Every route × every role (TCCB, unit, another unit, viewer, anonymous): allowed, or 403/404 with no data.

Form posts are tried with a valid CSRF token by the roles that must be refused (so the role check itself is
what refuses them, and nothing changes), and with a wrong token by the roles allowed (refused by CSRF, C140).
"""

from __future__ import annotations

import hashlib

import pytest

from tests.workspace.web.conftest import Site, item_key, stage

ROLES = ("tccb", "unit", "other", "viewer", "anonymous")
SECRET_NAME = "bi-mat-thanh-tra.docx"  # the staged upload's name: never in a refused page
ITEM_WORDS = "Báo cáo kết quả công tác theo dõi thi hành pháp luật"  # Thanh tra's 2.2 item


def _expect(allowed: dict[str, int], refused: int = 403) -> dict[str, int]:
    return {role: allowed.get(role, 303 if role == "anonymous" else refused) for role in ROLES}


@pytest.fixture
def ids(site: Site, report_file: bytes) -> dict[str, str]:
    staged = stage(site, report_file, SECRET_NAME)
    return {"staged": str(staged), "item": item_key(site), "sha": hashlib.sha256(report_file).hexdigest(),
            "account": str(site.accounts["vanphong"].id)}


GET_ROUTES: list[tuple[str, dict[str, int]]] = [
    ("/", _expect({"tccb": 303, "unit": 303, "other": 303, "viewer": 303})),
    ("/tong-quan", _expect({"tccb": 200, "viewer": 200})),
    ("/so-dang-ky", _expect({"tccb": 200})),
    ("/so-dang-ky?don_vi=thanh-tra", _expect({"tccb": 200})),
    ("/du-lieu", _expect({"tccb": 200})),
    ("/gia-tri", _expect({"tccb": 200})),
    ("/tham-dinh-thu", _expect({"tccb": 200})),
    ("/tai-khoan", _expect({"tccb": 200})),
    ("/nhat-ky", _expect({"tccb": 200})),
    ("/tai-ve", _expect({"tccb": 200, "viewer": 200})),
    ("/tai-ve/bang-tinh", _expect({"tccb": 200, "viewer": 200})),
    ("/tai-ve/bao-cao", _expect({"tccb": 200, "viewer": 200})),
    ("/tai-ve/ke-hoach", _expect({"tccb": 200, "viewer": 200})),
    ("/tai-ve/khong-co", _expect({"tccb": 404, "viewer": 404})),
    ("/don-vi/thanh-tra", _expect({"tccb": 200, "unit": 200, "other": 404})),
    ("/don-vi/khong-co", _expect({"tccb": 404, "unit": 404, "other": 404})),
    ("/xac-nhan/{staged}", _expect({"tccb": 200, "unit": 200, "other": 404})),
    ("/xac-nhan/999999", _expect({"tccb": 404, "unit": 404, "other": 404})),
    ("/xac-nhan/khong-phai-so", _expect({"tccb": 404, "unit": 404, "other": 404})),
    ("/tep/{sha}", _expect({"tccb": 200, "unit": 200, "other": 404, "viewer": 200})),
    ("/tep/" + "0" * 64, _expect({"tccb": 404, "unit": 404, "other": 404, "viewer": 404})),
    ("/tep/..%2F..%2Fetc%2Fpasswd", {role: 404 for role in ROLES}),
    ("/khong-co-trang-nay", {role: 404 for role in ROLES}),
]

# (path, the roles allowed to post it): every other role must be refused with the right token
POST_ROUTES: list[tuple[str, set[str]]] = [
    ("/dang-xuat", {"tccb", "unit", "other", "viewer"}),
    ("/don-vi/thanh-tra/muc/{item}", {"tccb", "unit"}),
    ("/don-vi/thanh-tra/so-dang-ky", {"tccb", "unit"}),
    ("/xac-nhan/{staged}", {"tccb", "unit"}),
    ("/xac-nhan/{staged}/xem-lai", {"tccb", "unit"}),
    ("/xac-nhan/{staged}/huy", {"tccb", "unit"}),
    ("/du-lieu", {"tccb"}),
    ("/gia-tri", {"tccb"}),
    ("/tham-dinh-thu", {"tccb"}),
    ("/tai-khoan", {"tccb"}),
    ("/tai-khoan/{account}/trang-thai", {"tccb"}),
]


def test_every_page_for_every_role(site: Site, ids: dict[str, str]) -> None:
    wrong = []
    for path, expected in GET_ROUTES:
        for role in ROLES:
            response = site.client(role).get(path.format(**ids))
            if response.status_code != expected[role]:
                wrong.append((path, role, response.status_code, expected[role]))
                continue
            if response.status_code == 303 and role == "anonymous":
                assert response.headers["location"].startswith("/dang-nhap")
            if response.status_code in (403, 404):
                body = response.text
                assert SECRET_NAME not in body and ITEM_WORDS not in body and ids["sha"] not in body, (role, path)
                assert "[C14" in body and 'lang="vi"' in body  # a Vietnamese page with its code
    assert not wrong


FORM = {"criterion": "2.2", "points": "0,5", "note": "thử", "value": "1", "source": "x", "part": "",
        "reference": "15/BC-TTr", "issued": "20/11/2023", "kind": "BC", "subject": "Báo cáo", "name": "x",
        "username": "ke-gian", "full_name": "Kẻ gian", "role": "tccb", "password": "mat-khau-ke-gian", "active": "0"}


def test_every_form_for_every_role(site: Site, ids: dict[str, str], report_file: bytes) -> None:
    before = site.state()
    wrong = []
    for path, allowed in POST_ROUTES:
        url = path.format(**ids)
        for role in ROLES:
            client = site.client(role)
            files = {"file": ("x.docx", report_file, "application/octet-stream")}
            if role in allowed:  # a wrong token: refused by the CSRF check, whoever asks
                response = client.post(url, FORM, files=files, csrf="sai-ma")
                ok = response.status_code == 403 and "[C140]" in response.text
            else:
                response = client.post(url, FORM, files=files)
                ok = response.status_code in ({401} if role == "anonymous" else {403, 404})
                assert SECRET_NAME not in response.text and ids["sha"] not in response.text
            if not ok:
                wrong.append((path, role, response.status_code))
            assert site.state() == before, (role, path)
    assert not wrong
    assert site.workspace.staged(site.accounts["tccb"], int(ids["staged"])).filename == SECRET_NAME  # still there


def test_a_unit_never_reaches_another_units_checklist_by_any_spelling(site: Site) -> None:
    for path in ("/don-vi/van-phong", "/don-vi/VAN-PHONG", "/don-vi/thanh-tra%2F..%2Fvan-phong",
                 "/don-vi/van-phong/", "/so-dang-ky?don_vi=van-phong"):
        response = site.unit.get(path)
        assert response.status_code in (403, 404), path
        assert "Văn phòng Sở" not in response.text or "[C14" in response.text


def test_a_deactivated_account_is_signed_out_at_once(site: Site) -> None:
    assert site.unit.get("/don-vi/thanh-tra").status_code == 200
    site.workspace.set_active(site.accounts["tccb"], site.accounts["thanhtra"].id, False)
    response = site.unit.get("/don-vi/thanh-tra")
    assert response.status_code == 303 and response.headers["location"].startswith("/dang-nhap")
    posted = site.unit.post("/don-vi/thanh-tra/so-dang-ky", {})
    assert posted.status_code == 401 and "[C141]" in posted.text
