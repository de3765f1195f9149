"""Who is asking: the session cookie, the role a route needs, and the CSRF token every form carries.

A route depends on `signed_in` (any role) or `role(...)`; a POST route on `form_of(...)`, which also checks
the form's `csrf` field against the session's token before the route runs, so a forged or stale form is
refused (403, C140) and nothing changes.
"""

import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from workspace.service import Account, Role, Session, Workspace
from workspace.web.errors import NotSignedIn, Refused
from workspace.web.pages import ROLE_WORDS
from workspace.web.settings import WebSettings

ALL_ROLES = (Role.TCCB, Role.UNIT, Role.VIEWER)


@dataclass(frozen=True)
class Visitor:
    account: Account
    session: Session


def workspace_of(request: Request) -> Workspace:
    return request.app.state.workspace


def settings_of(request: Request) -> WebSettings:
    return request.app.state.settings


def signed_in(request: Request) -> Visitor:
    settings = settings_of(request)
    token = request.cookies.get(settings.session_cookie)
    found = workspace_of(request).session(token) if token else None
    if found is None:
        raise NotSignedIn()
    visitor = Visitor(*found)
    request.state.visitor = visitor
    return visitor


def role(*roles: Role) -> Callable[..., Visitor]:
    """A dependency: the visitor, if their role is one of `roles`; else 403 (C143)."""

    def check(visitor: Annotated[Visitor, Depends(signed_in)]) -> Visitor:
        if visitor.account.role not in roles:
            raise Refused(403, "C143", user=visitor.account.username, role=ROLE_WORDS[visitor.account.role])
        return visitor

    return check


def form_of(*roles: Role) -> Callable[..., AsyncIterator[Visitor]]:
    """Like `role`, for a form post: the form's `csrf` field must be this session's token (C140)."""
    allowed = role(*roles)

    # no `from __future__ import annotations` in this module: FastAPI must see `allowed`, a closure variable
    async def check(request: Request, visitor: Annotated[Visitor, Depends(allowed)]) -> AsyncIterator[Visitor]:
        form = await request.form()
        try:
            sent = form.get("csrf")
            if not isinstance(sent, str) or not secrets.compare_digest(sent.encode(), visitor.session.csrf.encode()):
                raise Refused(403, "C140")
            yield visitor
        finally:  # files of a form the route does not read are closed too
            await form.close()

    return check


def own_unit(visitor: Visitor, unit: str) -> None:
    """A unit account works on its own unit only: any other unit is "not found" (C144), never data."""
    if visitor.account.role == Role.UNIT and visitor.account.unit != unit:
        raise Refused(404, "C144")


def secure(request: Request) -> bool:
    chosen = settings_of(request).secure_cookies
    return request.url.scheme == "https" if chosen is None else chosen


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    # Strict: the cookie never rides on a request another site starts (links, forms, images); logging in
    # is a same-site form post, so it still works. HttpOnly: no script can read it (there is no script).
    expires = session.expires_at
    expires = expires.replace(tzinfo=UTC) if expires.tzinfo is None else expires.astimezone(UTC)  # naive: UTC
    response.set_cookie(settings_of(request).session_cookie, session.token, expires=expires,
                        httponly=True, samesite="strict", secure=secure(request), path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(settings_of(request).session_cookie, httponly=True, samesite="strict",
                           secure=secure(request), path="/")
