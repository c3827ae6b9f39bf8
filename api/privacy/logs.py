"""Keep the people a privacy request names out of the access log."""

from __future__ import annotations

import logging

PRIVATE_PREFIX = "/v1/privacy/"


class RedactPrivacyQueries(logging.Filter):
    """Drop the query string (an email, a name) of privacy requests from uvicorn's access
    log lines; the path, method and status stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's path argument; never drop the line."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = args[2]
            if path.startswith(PRIVATE_PREFIX) and "?" in path:
                record.args = (*args[:2], path.split("?", 1)[0] + "?[redacted]", *args[3:])
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger (once)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(item, RedactPrivacyQueries) for item in access.filters):
        access.addFilter(RedactPrivacyQueries())
