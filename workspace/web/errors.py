"""Every refusal as a Vietnamese page with its code and the right status; nothing changes on the way.

The facade's errors (Forbidden 403, NotFound 404, Invalid 400 with its problems, any other WorkspaceError
400) and the web layer's own (`Refused`) end here; an unexpected exception is a bug in cchc (500, C152)
and its details go to the server log, never to the page.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from evidence.messages import render
from workspace.service import Forbidden, Invalid, NotFound, WorkspaceError
from workspace.web.pages import page

log = logging.getLogger("cchc.web")

FIELD_WORDS = {  # form field names as the page labels them, for C151
    "csrf": "mã chống giả mạo", "file": "tệp", "username": "tên đăng nhập", "password": "mật khẩu",
    "full_name": "họ tên", "role": "vai trò", "unit": "đơn vị", "reference": "số, ký hiệu", "issued": "ngày ban hành",
    "kind": "loại văn bản", "subject": "trích yếu", "criterion": "tiêu chí", "points": "điểm", "note": "ghi chú",
    "value": "giá trị", "source": "nguồn", "part": "phần", "name": "bộ dữ liệu",
}


class Refused(Exception):
    """A request the web layer turns down before calling the facade: status, code, Vietnamese message."""

    def __init__(self, status: int, code: str, **fields: object) -> None:
        self.status, self.code, self.message = status, code, render(code, **fields)
        super().__init__(self.message)


class NotSignedIn(Refused):
    """No live session: a page is sent to the login form; a form post gets a 401 page and changes nothing."""

    def __init__(self) -> None:
        super().__init__(401, "C141")


def _refusal(request: Request, status: int, code: str, message: str, problems: list[str] | None = None) -> Response:
    return page(request, "error.html.j2", status=status, code=code, message=message, problems=problems or [])


def install(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.method in ("GET", "HEAD"):
            return RedirectResponse("/dang-nhap?het-han=1" if request.cookies else "/dang-nhap", status_code=303)
        return _refusal(request, exc.status, exc.code, exc.message)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return _refusal(request, exc.status, exc.code, exc.message)

    @app.exception_handler(WorkspaceError)
    async def workspace_error(request: Request, exc: WorkspaceError) -> Response:
        status = 403 if isinstance(exc, Forbidden) else 404 if isinstance(exc, NotFound) else 400
        problems = [str(p) for p in getattr(exc, "problems", [])] if isinstance(exc, Invalid) else []
        if isinstance(exc, NotFound):  # the same page whatever was not found: a guessed id learns nothing
            return _refusal(request, 404, "C144", render("C144"))
        return _refusal(request, status, exc.code, exc.message, problems)

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, exc: RequestValidationError) -> Response:
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):  # /xac-nhan/abc: no such page
            return _refusal(request, 404, "C144", render("C144"))
        lines = []
        for error in exc.errors():
            name = str(error.get("loc", ("", ""))[-1])
            detail = "chưa điền" if error.get("type") == "missing" else "không hợp lệ"
            lines.append(render("C151", field=FIELD_WORDS.get(name, name), detail=detail))
        return _refusal(request, 400, "C151", lines[0] if lines else render("C151", field="biểu mẫu",
                                                                                detail="không hợp lệ"), lines[1:])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (404, 405):
            return _refusal(request, 404, "C144", render("C144"))
        return _refusal(request, exc.status_code, "C151", render("C151", field="yêu cầu", detail=str(exc.detail)))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("lỗi nội bộ khi xử lý %s %s", request.method, request.url.path)
        return _refusal(request, 500, "C152", render("C152", detail=type(exc).__name__))
