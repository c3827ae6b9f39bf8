"""A tiny HTTP(S) file server on loopback, for attachments."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextmanager
def serve_files(
    files: dict[str, tuple[bytes, str]], *, tls: ssl.SSLContext | None = None
) -> Iterator[str]:
    """Serve ``path -> (body, content type)``, over HTTPS with ``tls``; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = files.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, content_type = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        # The handshake happens on the connection's own thread, at its first read: a client
        # that refuses the certificate fails alone and never stalls the accepting thread.
        server.socket = tls.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls is not None else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


SEEDS_HOST = "ops.example.com"  # where the spec's enrichment recipe keeps its seed list


@dataclass(frozen=True)
class SeedsSite:
    """The seed list of the spec's enrichment recipe, served over HTTPS on loopback under
    its own name with a certificate from a test CA the stack is told to trust."""

    port: int
    csv: str
    ca_file: Path

    @property
    def host_rule(self) -> str:
        """Sends the recipe's host to this server."""
        return f"MAP {SEEDS_HOST} 127.0.0.1:{self.port}"
