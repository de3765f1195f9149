"""Reading an uploaded file within the size limit: the web layer's check, before the facade's own."""

from __future__ import annotations

from fastapi import UploadFile

from workspace.web.errors import Refused
from workspace.web.settings import WebSettings


def read_upload(upload: UploadFile | str | None, settings: WebSettings) -> tuple[str, bytes]:
    """The file's name (as text only) and bytes; C146 when none was chosen, C142 when it is too large."""
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise Refused(400, "C146")
    data = upload.file.read(settings.max_upload + 1)
    if len(data) > settings.max_upload:
        raise Refused(413, "C142", limit=settings.max_upload_mb)
    if not data:
        raise Refused(400, "C146")
    return upload.filename, data
