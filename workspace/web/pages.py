"""Jinja2 pages: one environment (autoescape, strict), the layout's context, and one-shot notices.

Templates come from this package and from engine/reports/templates, so the dashboard imports the HTML
report's chart macro and draws the very same charts.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from engine.results import ITEM_STATE, STANDING, STATUS
from evidence.formatting import day, percent, points

ROLE_WORDS = {"tccb": "Phòng TCCB", "unit": "đơn vị", "viewer": "lãnh đạo (chỉ xem)"}
# the facade's keys for its lists (datasets, audit log, appraisal history) as a column heading reads
HEADER_WORDS = {
    "id": "Số", "at": "Lúc (UTC)", "actor": "Ai", "action": "Việc", "target": "Vào đâu", "before": "Trước",
    "after": "Sau", "name": "Bộ dữ liệu", "path": "Tệp", "mapping": "Ánh xạ", "sha256": "SHA-256",
    "criterion": "Tiêu chí", "points": "Điểm", "note": "Lý do", "by": "Người chấm",
}
ACTION_WORDS = {
    "account.active": "khóa / mở tài khoản", "account.create": "tạo tài khoản", "appraisal.set": "thẩm định thử",
    "case.import": "nhập hồ sơ", "dataset.replace": "thay bộ dữ liệu", "input.set": "sửa giá trị nhập",
    "login": "đăng nhập", "login.refused": "đăng nhập sai", "logout": "đăng xuất", "register.add": "ghi vào sổ",
    "register.import": "nhập sổ đăng ký", "upload.discard": "bỏ tệp chờ", "upload.stage": "tải tệp lên",
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([PackageLoader("workspace.web", "templates"),
                             PackageLoader("engine.reports", "templates")]),
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    # points2: both decimals kept (75,66 → 76,66, +1,00), where a change of score is read against the total
    env.filters.update(points=points, points2=lambda v: f"{v:.2f}".replace(".", ","), day=day,
                       percent=lambda v: percent(v / 100))
    env.tests["match"] = lambda value, pattern: re.match(pattern, str(value)) is not None
    env.globals.update(STATUS=STATUS, ITEM_STATE=ITEM_STATE, STANDING=STANDING, ROLE_WORDS=ROLE_WORDS,
                       HEADER_WORDS=HEADER_WORDS, ACTION_WORDS=ACTION_WORDS)
    return env


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the layout: who is signed in (if anyone), the CSRF token for its forms, its notice."""
    visitor = getattr(request.state, "visitor", None)
    workspace = request.app.state.workspace
    try:
        title = workspace.title()
    except Exception:  # an empty or broken workspace still shows its error page
        title = ""
    html = environment().get_template(template).render(
        visitor=visitor, account=visitor.account if visitor else None,
        csrf=visitor.session.csrf if visitor else "", case_title=title,
        notice=take_notice(request) if visitor else None, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


class Notices:
    """The message a page shows once after a form's redirect ("Đã ghi…"), kept server side per session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_session: dict[str, str] = {}

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def put(self, token: str, text: str) -> None:
        with self._lock:
            self._by_session[self._key(token)] = text

    def take(self, token: str) -> str | None:
        with self._lock:
            return self._by_session.pop(self._key(token), None)


def notify(request: Request, text: str) -> None:
    request.app.state.notices.put(request.state.visitor.session.token, text)


def take_notice(request: Request) -> str | None:
    return request.app.state.notices.take(request.state.visitor.session.token)
