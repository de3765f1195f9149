"""Downloads (workbook, HTML report, draft plan) and stored evidence files, always as attachments.

A stored file is sent with its type forced to a download, `nosniff` and a sandboxing CSP, so an uploaded
file can never run as a page of the workspace.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from workspace.service import Role
from workspace.web.auth import ALL_ROLES, Visitor, role, workspace_of
from workspace.web.errors import Refused
from workspace.web.pages import page

router = APIRouter()
Reader = Annotated[Visitor, Depends(role(Role.TCCB, Role.VIEWER))]
Anyone = Annotated[Visitor, Depends(role(*ALL_ROLES))]
KINDS = {"bang-tinh": "xlsx", "bao-cao": "html", "ke-hoach": "docx"}
SHA256 = re.compile(r"[0-9a-f]{64}")


def _attachment(name: str, mime: str, data: bytes) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "tep"
    return Response(data, media_type=mime, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "no-store",
    })


@router.get("/tai-ve")
def downloads(request: Request, visitor: Reader) -> Response:
    return page(request, "downloads.html.j2")


@router.get("/tai-ve/{kind}")
def download(request: Request, kind: str, visitor: Reader) -> Response:
    if kind not in KINDS:
        raise Refused(404, "C144")
    name, data = workspace_of(request).report(visitor.account, KINDS[kind])  # type: ignore[arg-type]
    mime = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "html": "text/html; charset=utf-8",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[KINDS[kind]]
    return _attachment(name, mime, data)


@router.get("/tep/{sha256}")
def stored_file(request: Request, sha256: str, visitor: Anyone) -> Response:
    if not SHA256.fullmatch(sha256):
        raise Refused(404, "C144")
    name, mime, data = workspace_of(request).file(visitor.account, sha256)
    return _attachment(name, mime, data)
