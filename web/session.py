"""The web app's session: an encrypted, signed, httpOnly, SameSite cookie and its CSRF token.

The cookie carries the API key the user signed in with, encrypted with a key derived from the
server's secret (Fernet: AES plus an HMAC), so the browser holds only ciphertext it cannot read
and cannot alter. Every session, signed in or not, carries a random CSRF token that each form
and each htmx request sends back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from fastapi import Request, Response

COOKIE = "leadex_session"
PATH = "/app"
MAX_AGE_SECONDS = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass
class WebSession:
    """What the cookie holds."""

    csrf: str
    key: str | None = None
    key_id: str | None = None
    publishable: bool = False
    org_name: str | None = None
    mode: str | None = None
    flash: dict[str, Any] | None = None

    @classmethod
    def anonymous(cls) -> WebSession:
        """A fresh session with only a CSRF token (the sign-in form needs one too)."""
        return cls(csrf=secrets.token_urlsafe(32))

    @property
    def signed_in(self) -> bool:
        """Whether a key is held."""
        return self.key is not None


class SessionCodec:
    """Seals sessions into cookie values and opens them again."""

    def __init__(self, secret: bytes) -> None:
        derived = hashlib.sha256(b"leadex-web-session\x00" + secret).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, session: WebSession) -> str:
        """The cookie value for ``session``."""
        return self._fernet.encrypt(json.dumps(session.__dict__).encode()).decode()

    def open(self, value: str | None) -> WebSession | None:
        """The session in a cookie value, or None when it is missing, forged or expired."""
        if not value:
            return None
        try:
            raw = self._fernet.decrypt(value.encode(), ttl=MAX_AGE_SECONDS)
            data = json.loads(raw)
            return WebSession(**data)
        except (InvalidToken, ValueError, TypeError):
            return None


def current(request: Request) -> WebSession | None:
    """The request's session, if its cookie is valid."""
    codec: SessionCodec = request.app.state.sessions
    return codec.open(request.cookies.get(COOKIE))


def store(request: Request, response: Response, session: WebSession) -> None:
    """Write ``session`` into the response's cookie."""
    codec: SessionCodec = request.app.state.sessions
    response.set_cookie(
        COOKIE,
        codec.seal(session),
        max_age=MAX_AGE_SECONDS,
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="lax")


def csrf_matches(session: WebSession | None, offered: str | None) -> bool:
    """Whether ``offered`` is the session's CSRF token (compared in constant time)."""
    if session is None or not offered:
        return False
    return hmac.compare_digest(session.csrf.encode(), offered.encode())
