"""The FastAPI application: `create_app(workspace, settings)`.

Every response carries the security headers (CSP `default-src 'self'`, no inline script or style, no
framing, nosniff). A request body larger than the upload limit is refused (413, C142) before it is read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from evidence.messages import render
from workspace.service import Workspace
from workspace.web import errors, routes_auth, routes_files, routes_tccb, routes_unit
from workspace.web.pages import Notices, page
from workspace.web.settings import WebSettings

FORM_OVERHEAD = 64 * 1024  # the other fields and multipart boundaries around one file

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(workspace: Workspace, settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    app = FastAPI(title="cchc", docs_url=None, redoc_url=None, openapi_url=None, redirect_slashes=False)
    app.state.workspace = workspace
    app.state.settings = settings
    app.state.notices = Notices()

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > settings.max_upload + FORM_OVERHEAD:
            response: Response = page(request, "error.html.j2", status=413, code="C142",
                                      message=render("C142", limit=settings.max_upload_mb), problems=[])
            response.headers["Connection"] = "close"
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.media_type == "text/html" or response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Cache-Control", "no-store")  # pages show one account's data
        return response

    app.mount("/tinh", StaticFiles(packages=[("workspace.web", "static")]), name="static")
    for module in (routes_auth, routes_unit, routes_tccb, routes_files):
        app.include_router(module.router)
    errors.install(app)
    return app
