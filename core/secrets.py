"""Secrets kept at rest (webhook signing secrets, CRM tokens): encrypted with a key derived
from the deployment's secret key, never stored in clear."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

from core.config import Settings

_CONTEXT = b"leadex/secrets-at-rest/v1"


class SecretBox:
    """Encrypts and decrypts short secrets with Fernet (AES-128-CBC + HMAC-SHA256)."""

    def __init__(self, settings: Settings) -> None:
        # A derived key, so the cursor/URL signing key is never used for two purposes.
        derived = hmac.new(settings.signing_key(), _CONTEXT, hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, plaintext: str) -> str:
        """The ciphertext to store."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, ciphertext: str) -> str:
        """The plaintext of a stored ciphertext."""
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise ValueError(
                "a stored secret does not decrypt with this deployment's key"
            ) from error


def new_signing_secret() -> str:
    """A fresh webhook signing secret, ``whsec_`` and 32 random bytes in hex."""
    return f"whsec_{secrets.token_hex(32)}"
