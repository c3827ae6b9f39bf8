"""Symmetric sealing of short-lived secrets at rest (an erasure's subject while it runs)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet


class Sealer:
    """Encrypts and authenticates with a key derived from the deployment's secret key."""

    def __init__(self, secret: bytes) -> None:
        derived = hashlib.sha256(b"leadex-seal\x1f" + secret).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, plaintext: str) -> str:
        """The sealed form of ``plaintext``."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        """The plaintext of a sealed value (raises if it was sealed under another key)."""
        return self._fernet.decrypt(token.encode()).decode()
