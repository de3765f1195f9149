"""The web layer under test: the app on the `workspace` fixture (seed case, TCCB account), one signed-in
client per role, and the signed 2.2 report a unit hands in (a real DOCX, made with python-docx)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.workspace.test_workspace_uploads import REPORT_SUBJECT, report_docx  # noqa: F401 - REPORT_SUBJECT re-exported
from workspace.service import Account, Role, Workspace
from workspace.web.app import create_app

PASSWORDS = {"thanhtra": "mat-khau-thanh-tra", "vanphong": "mat-khau-van-phong", "lanhdao": "mat-khau-lanh-dao"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def signed_report(reference: str = "15/BC-SNN-TTr") -> bytes:
    """The Thanh tra's signed 2.2 report (python-docx), dated 20/11/2023, before the 30/11 deadline. The seed's
    rule asks for a report the Sở issues: "15/BC-SNN-TTr" meets it; "15/BC-TTr" is read and found failing."""
    return report_docx(reference)


class Client:
    """A TestClient that keeps one account's cookies, and the CSRF token of the last page it read."""

    def __init__(self, app, username: str | None = None, password: str | None = None) -> None:  # type: ignore[no-untyped-def]
        self.http = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
        self.csrf = ""
        if username:
            self.login(username, password or "")

    def login(self, username: str, password: str):  # type: ignore[no-untyped-def]
        form = self.http.get("/dang-nhap")
        token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
        response = self.http.post("/dang-nhap", data={"username": username, "password": password, "csrf": token})
        if response.status_code == 303:  # the session's CSRF token, as every page's forms carry it
            token = self.http.cookies.get("cchc_phien")
            self.csrf = self.http.app.state.workspace.session(token)[1].csrf
        return response

    def get(self, path: str, **kwargs):  # type: ignore[no-untyped-def]
        response = self.http.get(path, **kwargs)
        found = CSRF.search(response.text) if response.headers.get("content-type", "").startswith("text/html") else None
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, str] | None = None, files=None, csrf: str | None = None):  # type: ignore[no-untyped-def]
        return self.http.post(path, data={**(data or {}), "csrf": self.csrf if csrf is None else csrf}, files=files)


@dataclass
class Site:
    workspace: Workspace
    app: object
    tccb: Client
    unit: Client  # Thanh tra Sở
    other: Client  # Văn phòng Sở: another unit
    viewer: Client  # leadership, read-only
    anonymous: Client
    accounts: dict[str, Account]

    def client(self, role: str) -> Client:
        return getattr(self, role)

    def state(self) -> tuple[object, int, int]:
        """What must not change when a request is refused: the score, the audit log, the registers."""
        tccb = self.accounts["tccb"]
        return (self.workspace.assessment().total, len(self.workspace.audit_log(tccb, 10_000)),
                len(self.workspace.register_rows(tccb)))


@pytest.fixture
def site(workspace: Workspace, tccb: Account, tccb_password: str) -> Iterator[Site]:
    accounts = {
        "tccb": tccb,
        "thanhtra": workspace.create_account(tccb, "thanhtra", "Nguyễn Văn Thanh", Role.UNIT, "thanh-tra",
                                             PASSWORDS["thanhtra"]),
        "vanphong": workspace.create_account(tccb, "vanphong", "Lê Thị Văn", Role.UNIT, "van-phong",
                                             PASSWORDS["vanphong"]),
        "lanhdao": workspace.create_account(tccb, "lanhdao", "Giám đốc Sở", Role.VIEWER, None, PASSWORDS["lanhdao"]),
    }
    app = create_app(workspace)
    yield Site(workspace, app, Client(app, "tccb", tccb_password), Client(app, "thanhtra", PASSWORDS["thanhtra"]),
               Client(app, "vanphong", PASSWORDS["vanphong"]), Client(app, "lanhdao", PASSWORDS["lanhdao"]),
               Client(app), accounts)


@pytest.fixture
def report_file() -> bytes:
    return signed_report()


def item_key(site: Site, criterion: str = "2.2") -> str:
    return next(i.key for i in site.workspace.checklist(site.accounts["thanhtra"], "thanh-tra")
                if i.criterion == criterion)


def stage(site: Site, data: bytes, name: str = "bao-cao-15.docx") -> int:
    """Upload through the unit page, as the clerk does: the staged upload's id from the redirect."""
    response = site.unit.post(f"/don-vi/thanh-tra/muc/{item_key(site)}",
                              files={"file": (name, data, "application/octet-stream")})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[-1])


