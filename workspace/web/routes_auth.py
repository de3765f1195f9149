"""Logging in and out, and the home page that sends each role to its own page."""

from __future__ import annotations

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from evidence.messages import render
from workspace.service import LoginRefused, LoginThrottled, Role
from workspace.web.auth import (
    ALL_ROLES,
    Visitor,
    clear_session_cookie,
    form_of,
    secure,
    set_session_cookie,
    settings_of,
    signed_in,
    workspace_of,
)
from workspace.web.errors import Refused
from workspace.web.pages import page

router = APIRouter()
Field = Annotated[str, Form()]


def _wait(seconds: float) -> str:
    return f"{max(1, math.ceil(seconds))} giây" if seconds < 60 else f"{math.ceil(seconds / 60)} phút"


def _login_page(request: Request, status: int = 200, error: str | None = None, code: str | None = None,
                username: str = "") -> Response:
    token = secrets.token_urlsafe(32)
    expired = "het-han" in request.query_params
    response = page(request, "login.html.j2", status=status, login_csrf=token, error=error, code=code,
                    username=username, expired=render("C141") if expired and error is None else None)
    response.set_cookie(settings_of(request).login_cookie, token, httponly=True, samesite="strict",
                        secure=secure(request), path="/dang-nhap")
    return response


@router.get("/dang-nhap")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/dang-nhap")
def login(request: Request, username: Field = "", password: Field = "", csrf: Field = "") -> Response:
    cookie = request.cookies.get(settings_of(request).login_cookie, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), csrf.encode()):
        raise Refused(403, "C140")
    client = request.client.host if request.client else "?"
    try:
        session = workspace_of(request).login(username, password, client)
    except LoginThrottled as exc:
        return _login_page(request, 429, render("C145", wait=_wait(exc.retry_after)), "C145", username)
    except LoginRefused as exc:
        return _login_page(request, 401, exc.message, exc.code, username)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, session)
    response.delete_cookie(settings_of(request).login_cookie, path="/dang-nhap")
    return response


@router.post("/dang-xuat")
def logout(request: Request, visitor: Annotated[Visitor, Depends(form_of(*ALL_ROLES))]) -> Response:
    workspace_of(request).logout(visitor.session.token)
    response = RedirectResponse("/dang-nhap", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)  # no icon: browsers ask anyway, and a 404 would be noise in their console


@router.get("/")
def home(visitor: Annotated[Visitor, Depends(signed_in)]) -> Response:
    if visitor.account.role == Role.UNIT:
        return RedirectResponse(f"/don-vi/{visitor.account.unit}", status_code=303)
    return RedirectResponse("/tong-quan", status_code=303)
