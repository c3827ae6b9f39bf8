"""Every /v1 route runs through here: who is calling, how much they may, once per key, and
the one place a request's database session is committed."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlmodel.ext.asyncio.session import AsyncSession

from api import idempotency
from api.auth import access_checks, resolve_principal
from api.deps import get_database
from api.limits import count_request
from core.errors import InvalidRequestError, LeadexError

# A JSON string escape for U+0000 (an odd number of backslashes before "u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


async def _finish(request: Request, *, commit: bool) -> None:
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is None:
        return
    request.state.db_session = None
    try:
        if commit:
            await session.commit()
        else:
            await session.rollback()
    finally:
        await session.close()


async def _after_rollback(request: Request, error: LeadexError) -> None:
    """Keep the writes a refusal records (in their own transaction: the request's is gone)."""
    for write in error.after_rollback:
        async with get_database(request).transaction() as session:
            await write(session)


async def _read_request(request: Request) -> None:
    """Read the body once, here, so an oversized one is a 413 in the envelope (the body-limit
    middleware raises while it is read) and not a parse error; and refuse U+0000, which no
    stored text may hold (PostgreSQL cannot), in the path, the query and JSON bodies."""
    body = await request.body()
    nul = "\x00"
    if nul in request.url.path or nul in request.scope.get("path", ""):
        raise InvalidRequestError("The path contains a NUL character (U+0000).")
    for name, value in request.query_params.multi_items():
        if nul in name or nul in value:
            raise InvalidRequestError(
                "Query parameters must not contain NUL characters (U+0000).", param=name
            )
    if "json" in request.headers.get("content-type", "") and _JSON_NUL.search(body):
        raise InvalidRequestError("Text in the body must not contain NUL characters (U+0000).")


class TransactionalRoute(APIRoute):
    """Authenticates, counts the request against its tier, honours Idempotency-Key, and
    commits the session after the endpoint returns and before the response is sent.

    A failed commit therefore surfaces as an error to the client instead of a false success,
    and an endpoint that raises leaves nothing half-written.
    """

    public: bool = False

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler with authorization, limits, idempotency and the commit."""
        handler = super().get_route_handler()
        checks = access_checks(self.dependant)
        if not self.public and not checks:
            raise RuntimeError(f"{self.path} declares no scope check (read_access, run_access…)")

        async def transactional(request: Request) -> Response:
            try:
                await _read_request(request)
                response = await handler(request)
            except LeadexError as error:
                await _finish(request, commit=False)
                await _after_rollback(request, error)
                raise
            except BaseException:
                await _finish(request, commit=False)
                raise
            await _finish(request, commit=True)
            return response

        async def run(request: Request) -> Response:
            if self.public and "authorization" not in request.headers:
                return await transactional(request)
            # Authentication, then scope and key kind, then everything else: nothing (a rate
            # counter, a stored idempotent response) is looked at for a caller not allowed here.
            principal = await resolve_principal(request)
            for check in checks:
                check(principal)
            await count_request(request, principal)
            key = idempotency.key_of(request)
            if key is None:
                return await transactional(request)
            return await idempotency.run_once(request, principal, key, transactional)

        return run


class PublicRoute(TransactionalRoute):
    """A route a signed link authorizes, callable without a key."""

    public = True
