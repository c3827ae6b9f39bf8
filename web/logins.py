"""One-time login links: `leadex-server dev` prints one, and the first click signs its key in.

The link carries a random token; the key it stands for waits in the data directory under the
token's digest (mode 0600), and is claimed by an atomic rename, so a link works once, in one
process, and not after it expires.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import time
from pathlib import Path

DIRECTORY = "web-logins"
LIFETIME_SECONDS = 24 * 3600


def _path(data_dir: Path, token: str) -> Path:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return data_dir / DIRECTORY / f"{digest}.json"


def issue(data_dir: Path, secret: str, lifetime: float = LIFETIME_SECONDS) -> str:
    """Store ``secret`` for one login; returns the link's token."""
    token = secrets.token_urlsafe(32)
    path = _path(data_dir, token)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump({"secret": secret, "expires": time.time() + lifetime}, handle)
    return token


def claim(data_dir: Path, token: str) -> str | None:
    """The key behind ``token``, once; None when unknown, used or expired."""
    if not token or len(token) > 128:
        return None
    path = _path(data_dir, token)
    claimed = path.with_suffix(f".claimed-{secrets.token_hex(4)}")
    try:
        path.rename(claimed)
    except OSError:
        return None
    try:
        data = json.loads(claimed.read_text())
    except (OSError, ValueError):
        return None
    finally:
        with contextlib.suppress(OSError):
            claimed.unlink()
    if not isinstance(data, dict) or float(data.get("expires", 0)) < time.time():
        return None
    secret = data.get("secret")
    return secret if isinstance(secret, str) else None


DEV_KEY = "dev.key"


def keep_dev_key(data_dir: Path, secret: str) -> str:
    """Keep the dev organization's test key (0600) so each `dev` run can print a link for it."""
    path = data_dir / DIRECTORY / DEV_KEY
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret)
    return secret


def dev_key(data_dir: Path) -> str | None:
    """The kept dev key, if any."""
    path = data_dir / DIRECTORY / DEV_KEY
    try:
        return path.read_text().strip() or None
    except OSError:
        return None
