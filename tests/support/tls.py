"""A throwaway certificate authority, so loopback stand-ins can speak HTTPS under real names."""

from __future__ import annotations

import ssl
from pathlib import Path

import trustme


def write_ca(ca: trustme.CA, path: Path) -> Path:
    """The CA's certificate as a PEM bundle at ``path`` (what LEADEX_FETCH_CA_FILE names)."""
    ca.cert_pem.write_to_path(str(path))
    return path


def server_tls(ca: trustme.CA, *hosts: str) -> ssl.SSLContext:
    """A server-side TLS context presenting a certificate for ``hosts`` issued by ``ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(context)
    return context
