"""What the web layer can be told: upload limit, cookie security, session cookie name."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from evidence.formatting import number

MB = 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    max_upload: int = 20 * MB  # bytes of one uploaded file; the facade has its own limit too
    secure_cookies: bool | None = None  # None: Secure when the request came over https
    session_cookie: str = "cchc_phien"
    login_cookie: str = "cchc_dang_nhap"  # the login form's CSRF token (double submit: no session yet)

    @property
    def max_upload_mb(self) -> str:
        return number(Decimal(self.max_upload) / MB, 1)  # "20", "0,1"
