"""The web app's only way to the data: HTTP calls to the public /v1 API with the user's key.

Nothing here reads the database or Temporal, so everything the page does an API user can do
too (the spec's recipe 6: a custom UI on top of the API, with the key kept server-side).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx


class ApiError(Exception):
    """A failure, always in the API's error envelope's terms."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        param: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.request_id = request_id

    def envelope(self) -> dict[str, Any]:
        """The spec's error envelope."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "param": self.param,
                "request_id": self.request_id,
            }
        }

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        """The envelope an API error response carries."""
        try:
            error = response.json()["error"]
            return cls(
                response.status_code,
                str(error.get("code") or "internal_error"),
                str(error.get("message") or response.reason_phrase),
                error.get("param"),
                error.get("request_id") or response.headers.get("X-Request-Id"),
            )
        except (ValueError, KeyError, TypeError):
            return cls(
                response.status_code,
                "internal_error",
                f"The API answered {response.status_code} {response.reason_phrase}.",
                request_id=response.headers.get("X-Request-Id"),
            )


def unreachable(base_url: str, error: httpx.HTTPError) -> ApiError:
    """The envelope for an API the web app could not reach."""
    return ApiError(
        503,
        "internal_error",
        f"The Leadex API at {base_url} could not be reached ({type(error).__name__}).",
    )


RETRIES = 2
"""Extra attempts at a call the API answered 503 (busy planner, Temporal restarting), as the
SDK makes; only for reads and for writes carrying an Idempotency-Key, so none acts twice."""
MAX_RETRY_WAIT_SECONDS = 5.0


def _retry_wait(response: httpx.Response, attempt: int) -> float:
    try:
        asked = float(response.headers.get("Retry-After", ""))
    except ValueError:
        asked = 0.5 * 2**attempt
    return min(max(asked, 0.0), MAX_RETRY_WAIT_SECONDS)


class Api:
    """An API client for one signed-in user; use as an async context manager."""

    def __init__(self, base_url: str, key: str, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=f"{self.base_url}/v1",
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            timeout=timeout,
        )

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Call the API; the decoded JSON body, or ApiError with the envelope."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        retryable = method == "GET" or idempotency_key is not None
        for attempt in range(RETRIES + 1):
            try:
                response = await self._http.request(
                    method, path, params=params, json=json, headers=headers
                )
            except httpx.HTTPError as error:
                raise unreachable(self.base_url, error) from error
            if response.status_code != 503 or not retryable or attempt == RETRIES:
                break
            await asyncio.sleep(_retry_wait(response, attempt))
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response.json() if response.content else None

    async def get(self, path: str, **params: Any) -> Any:
        """GET, with query parameters (None values left out)."""
        clean = {name: value for name, value in params.items() if value is not None}
        return await self.request("GET", path, params=clean)

    async def post(self, path: str, json: Any = None, idempotency_key: str | None = None) -> Any:
        """POST a JSON body."""
        return await self.request(
            "POST", path, json=json if json is not None else {}, idempotency_key=idempotency_key
        )

    async def put(self, path: str, json: Any) -> Any:
        """PUT a JSON body."""
        return await self.request("PUT", path, json=json)

    async def delete(self, path: str) -> Any:
        """DELETE."""
        return await self.request("DELETE", path)

    async def download(self, path: str, **params: Any) -> httpx.Response:
        """A file: follows the API's redirect to the signed download link."""
        try:
            response = await self._http.get(
                path, params=params, headers={"Accept": "*/*"}, follow_redirects=True
            )
        except httpx.HTTPError as error:
            raise unreachable(self.base_url, error) from error
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response

    @asynccontextmanager
    async def stream(
        self, path: str, last_event_id: str | None = None
    ) -> AsyncIterator[httpx.Response]:
        """An open SSE response, resumed after ``last_event_id`` when given."""
        headers = {"Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        try:
            async with self._http.stream(
                "GET", path, headers=headers, timeout=httpx.Timeout(60.0, read=None)
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise ApiError.from_response(response)
                yield response
        except httpx.HTTPError as error:
            raise unreachable(self.base_url, error) from error
