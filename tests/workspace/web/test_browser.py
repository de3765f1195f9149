"""End to end in Debian's Chromium (Playwright, `executable_path`), against `cchc serve` started by the test on
127.0.0.1 (a subprocess, a free port), on SQLite and on PostgreSQL, the issue's story: TCCB creates the Thanh tra
account; Thanh tra sees 3 items worth 1,75 points and first uploads its own report "Số: 15/BC-TTr" — the
confirmation page warns, before anything is kept, that it will not count, with the engine's reason (the rule wants
a report the Sở issues, SNN); Thanh tra discards it, uploads the Sở's report "Số: 15/BC-SNN-TTr", the page says
+1,00, it confirms, the item goes and the department's total rises by exactly 1,00; a viewer cannot upload.
At 1366×768 and at 390×844.

Screenshots go to $CCHC_SCREENSHOTS when set (docs/workspace-don-vi.png and docs/workspace-xac-nhan.png, the
warning, are made that way), else to tmp_path.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import SEED
from tests.workspace.web.conftest import signed_report

CHROMIUM = Path("/usr/bin/chromium")
TCCB_PASSWORD = "mat-khau-tccb-e2e"
CLERK_PASSWORD = "mat-khau-thanh-tra-e2e"
VIEWER_PASSWORD = "mat-khau-lanh-dao-e2e"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, db_url: str) -> Iterator[str]:
    """`cchc serve` on a workspace holding the seed case and a TCCB account made from the command line side."""
    from workspace.service import Role, Workspace

    data = tmp_path / "data"
    ws = Workspace.open(data, db_url)
    ws.import_case(SEED)
    ws.create_account(None, "tccb", "Phòng Tổ chức cán bộ", Role.TCCB, None, TCCB_PASSWORD)
    ws.close()
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--data", str(data), "--db", db_url,
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(600):  # the server says where it runs once the case is scored and the port is open
            if "đang chạy tại" in log.read_text() or process.poll() is not None:
                break
            time.sleep(0.1)
        assert "đang chạy tại" in log.read_text(), log.read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.skip(f"không có chromium ở {CHROMIUM} (cài: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # LANGUAGE: Chromium's own words (the file picker's "Chọn tệp") in Vietnamese, as on the clerks' machines
        launched = p.chromium.launch(executable_path=str(CHROMIUM), env={**os.environ, "LANGUAGE": "vi"}, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--lang=vi"])
        yield launched
        launched.close()


class Visit:
    """One person's browser window: every request outside the server refused, every console error kept."""

    def __init__(self, browser, base: str, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.route("**/*", self._route)

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def submit(self, button) -> None:  # type: ignore[no-untyped-def]
        """Click a form's button and wait for the page it leads to (a click alone does not wait)."""
        with self.page.expect_navigation():
            button.click() if hasattr(button, "click") else self.page.click(button)

    def login(self, username: str, password: str) -> None:
        self.page.goto(self.base + "/dang-nhap")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.submit("form[action='/dang-nhap'] button[type=submit]")

    def logout(self) -> None:
        self.submit("form.who button")

    def total(self) -> Decimal:
        text = self.page.inner_text("#tong-diem").split("/")[0].strip()
        return Decimal(text.replace(",", "."))

    def fits(self) -> bool:
        """Nothing wider than the window: no sideways scrolling."""
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    def shot(self, folder: Path, name: str) -> Path:
        out = folder / name
        self.page.screenshot(path=str(out), full_page=True)
        return out

    def close(self) -> None:
        self.context.close()


def _shots(tmp_path: Path, db_url: str) -> Path:
    folder = Path(os.environ.get("CCHC_SCREENSHOTS") or tmp_path / "anh")
    folder = folder / ("sqlite" if db_url.startswith("sqlite") else "postgresql")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_unit_hands_in_its_report_in_a_real_browser(browser, server: str, tmp_path: Path, db_url: str) -> None:
    shots = _shots(tmp_path, db_url)
    report = tmp_path / "Báo cáo theo dõi THPL 2023.docx"
    report.write_bytes(signed_report())
    own_report = tmp_path / "Báo cáo THPL của Thanh tra.docx"
    own_report.write_bytes(signed_report("15/BC-TTr"))

    # TCCB creates the Thanh tra account and a leadership (viewer) account
    tccb = Visit(browser, server, 1366, 768)
    tccb.login("tccb", TCCB_PASSWORD)
    assert tccb.page.url.endswith("/tong-quan")
    assert tccb.total() == Decimal("75.66") and tccb.fits()
    tccb.shot(shots, "tong-quan-1366.png")
    for username, name, role, unit, password in (
            ("thanhtra", "Nguyễn Văn Thanh", "unit", "thanh-tra", CLERK_PASSWORD),
            ("lanhdao", "Giám đốc Sở", "viewer", "", VIEWER_PASSWORD)):
        tccb.page.goto(server + "/tai-khoan")
        tccb.page.fill("#new-username", username)
        tccb.page.fill("#full_name", name)
        tccb.page.select_option("#role", role)
        tccb.page.select_option("#unit", unit)
        tccb.page.fill("#new-password", password)
        tccb.submit("form.new-account button[type=submit]")
        assert f"Đã tạo tài khoản «{username}»" in tccb.page.inner_text(".notice")
    tccb.logout()
    assert tccb.page.url.endswith("/dang-nhap")
    tccb.close()

    # Thanh tra: 3 items worth 1,75 points; the 2.2 report uploaded, its header confirmed
    clerk = Visit(browser, server, 1366, 768)
    clerk.login("thanhtra", CLERK_PASSWORD)
    assert clerk.page.url.endswith("/don-vi/thanh-tra")
    assert clerk.page.locator("tr.item").count() == 3
    assert clerk.page.inner_text("#so-muc").startswith("3")
    assert clerk.page.inner_text("#da-mat") == "1,75" and clerk.page.inner_text("#con-lay-duoc") == "0"
    before = clerk.total()
    assert before == Decimal("75.66") and clerk.fits()
    clerk.shot(shots, "don-vi-1366.png")
    item = "Báo cáo kết quả công tác theo dõi thi hành pháp luật"

    # first Thanh tra's own report: read, and found failing before anything is kept
    clerk.page.locator("tr.item", has_text=item).locator("input[type=file]").set_input_files(str(own_report))
    clerk.submit(clerk.page.locator("tr.item", has_text=item).locator("button[type=submit]"))
    assert "/xac-nhan/" in clerk.page.url
    assert clerk.page.input_value("#reference") == "15/BC-TTr"
    warning = clerk.page.inner_text("#xem-truoc")
    assert "Văn bản này chưa đáp ứng yêu cầu" in warning and "[W120]" in warning
    reasons = clerk.page.locator("#xem-truoc ul.reasons li").all_inner_texts()
    assert any("SNN" in r and "15/BC-TTr" in r for r in reasons), reasons
    assert clerk.page.locator("button.confirm-button").is_visible()  # the clerk may still confirm
    assert clerk.fits()
    clerk.shot(shots, "xac-nhan-canh-bao-1366.png")
    clerk.submit("form.discard button[type=submit]")
    assert clerk.page.url.endswith("/don-vi/thanh-tra")
    assert "Đã bỏ tệp" in clerk.page.inner_text(".notice")
    assert clerk.page.locator("tr.item").count() == 3 and clerk.total() == before

    # then the Sở's report: the page says +1,00 before confirming
    clerk.page.locator("tr.item", has_text=item).locator("input[type=file]").set_input_files(str(report))
    clerk.submit(clerk.page.locator("tr.item", has_text=item).locator("button[type=submit]"))
    assert "/xac-nhan/" in clerk.page.url
    assert clerk.page.input_value("#reference") == "15/BC-SNN-TTr"
    assert clerk.page.input_value("#issued") == "20/11/2023"
    assert clerk.page.input_value("#kind") == "BC"
    assert "theo dõi thi hành pháp luật năm 2023" in clerk.page.input_value("#subject")
    said = clerk.page.inner_text("#xem-truoc")
    assert "Nếu xác nhận: mục này đạt" in said and "từ 75,66 lên 76,66 (+1,00)" in said, said
    assert clerk.fits()
    clerk.shot(shots, "xac-nhan-1366.png")
    clerk.submit("button.confirm-button")
    assert clerk.page.url.endswith("/don-vi/thanh-tra")
    assert clerk.page.locator("tr.item").count() == 2
    assert clerk.page.locator("tr.item", has_text="Báo cáo kết quả công tác theo dõi").count() == 0
    assert clerk.total() - before == Decimal("1.00")
    assert "tăng 1 điểm" in clerk.page.inner_text(".notice")
    clerk.shot(shots, "don-vi-sau-khi-nop-1366.png")
    assert not clerk.errors and not clerk.outside
    clerk.close()

    # the same pages at phone width
    phone = Visit(browser, server, 390, 844)
    phone.login("thanhtra", CLERK_PASSWORD)
    assert phone.page.locator("tr.item").count() == 2 and phone.fits()
    assert phone.page.locator("tr.item input[type=file]").first.is_visible()
    phone.shot(shots, "don-vi-390.png")
    phone.logout()
    phone.login("tccb", TCCB_PASSWORD)
    assert phone.total() == Decimal("76.66") and phone.fits()
    phone.shot(shots, "tong-quan-390.png")
    assert not phone.errors and not phone.outside
    phone.close()

    # the viewer reads the dashboard, has no upload anywhere, and a forged upload is refused
    viewer = Visit(browser, server, 1366, 768)
    viewer.login("lanhdao", VIEWER_PASSWORD)
    assert viewer.page.url.endswith("/tong-quan") and viewer.total() == Decimal("76.66")
    assert viewer.page.locator("input[type=file]").count() == 0
    csrf = viewer.page.locator("form.who input[name=csrf]").input_value()
    key = re.search(r"/don-vi/thanh-tra/muc/([\w-]+)", _unit_page_as_tccb(browser, server)).group(1)  # type: ignore[union-attr]
    forged = viewer.page.request.post(f"{server}/don-vi/thanh-tra/muc/{key}", multipart={
        "csrf": csrf, "file": {"name": "bc.docx", "mimeType": "application/octet-stream",
                               "buffer": signed_report()}}, max_redirects=0)
    assert forged.status == 403 and "[C143]" in forged.text()
    viewer.page.goto(server + "/don-vi/thanh-tra")
    assert "[C143]" in viewer.page.inner_text("main")
    viewer.close()


def _unit_page_as_tccb(browser, server: str) -> str:  # type: ignore[no-untyped-def]
    """The Thanh tra page's HTML as TCCB sees it: the item keys a forged upload would aim at."""
    visit = Visit(browser, server, 1366, 768)
    visit.login("tccb", TCCB_PASSWORD)
    visit.page.goto(server + "/don-vi/thanh-tra")
    html = visit.page.content()
    visit.close()
    return html
