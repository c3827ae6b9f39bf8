"""What the sync and async clients share: settings, request building, the retry policy."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from leadex._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    LeadexError,
    error_from_response,
    parse_retry_after,
)
from leadex._version import __version__

DEFAULT_BASE_URL = "https://api.leadex.cc/v1"
DEFAULT_MAX_RETRIES = 2
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A Retry-After longer than this (a daily plan limit, say) is not waited out silently.
MAX_RETRY_AFTER = 60.0
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ModelT = TypeVar("ModelT", bound=BaseModel)


class _Omit:
    """Marks a keyword the caller did not pass, so ``None`` can still be sent as null."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _Omit()


def drop_unset(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values the caller gave; ``NOT_GIVEN`` ones are left out."""
    return {key: value for key, value in values.items() if not isinstance(value, _Omit)}


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters without the ones left at ``None``."""
    return {key: value for key, value in values.items() if value is not None}


@dataclass
class RequestOptions:
    """One API call, before it is sent (and each time it is retried)."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None
    timeout: float | httpx.Timeout | None = None
    authenticated: bool = True

    @property
    def is_write(self) -> bool:
        """Writes carry an idempotency key."""
        return self.method.upper() in WRITE_METHODS


def normalize_base_url(value: str) -> str:
    """The API root with its version: a bare ``http://host:8000`` means ``…/v1``."""
    url = httpx.URL(value.strip())
    path = url.path.rstrip("/")
    if path == "":
        path = "/v1"
    return str(url.copy_with(path=path)).rstrip("/")


class BaseClient:
    """Settings and the parts of a call that do no I/O."""

    api_key: str
    base_url: str
    max_retries: int
    timeout: float | httpx.Timeout

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        max_retries: int,
        timeout: float | httpx.Timeout | None,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("LEADEX_API_KEY")
        if not key:
            raise LeadexError("No API key: pass api_key=… or set LEADEX_API_KEY.")
        self.api_key = key
        self.base_url = normalize_base_url(
            base_url or os.environ.get("LEADEX_BASE_URL") or DEFAULT_BASE_URL
        )
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.max_retries = max_retries
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self._default_headers = dict(default_headers or {})

    def _headers(self, options: RequestOptions, idempotency_key: str | None) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": f"leadex-python/{__version__}",
            **self._default_headers,
        }
        if options.authenticated:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        headers.update(options.headers)
        return headers

    def _build_request(
        self, http: httpx.Client | httpx.AsyncClient, options: RequestOptions, key: str | None
    ) -> httpx.Request:
        timeout = options.timeout if options.timeout is not None else self.timeout
        return http.build_request(
            options.method,
            self._url(options.path),
            params=options.params,
            json=options.json,
            headers=self._headers(options, key),
            timeout=timeout,
        )

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _next_retry(self, attempt: int, response: httpx.Response | None) -> float | None:
        """The wait before retry ``attempt`` of a failed call, or ``None`` to raise now."""
        if attempt > self.max_retries:
            return None
        if response is not None and not self._should_retry(response):
            return None
        return self._retry_delay(attempt, response)

    def _wait_or_raise(self, attempt: int, failure: httpx.Response | httpx.TransportError) -> float:
        """How long to wait before retrying a failed call, or the error it ends in."""
        response = failure if isinstance(failure, httpx.Response) else None
        delay = self._next_retry(attempt, response)
        if delay is not None:
            return delay  # a response's body was read in full, which released its connection
        if response is not None:
            raise error_from_response(response)
        assert isinstance(failure, httpx.TransportError)
        raise transport_error(failure) from failure

    def _reconnect_delay(self, failures: int) -> float | None:
        """The wait before reconnecting a stream after ``failures`` drops in a row."""
        if failures > self.max_retries + 1:
            return None
        return self._retry_delay(failures, None)

    @staticmethod
    def _idempotency_key(options: RequestOptions) -> str | None:
        """One key per write, made once and reused across that write's retries."""
        if options.idempotency_key is not None:
            return options.idempotency_key
        return f"leadex-py-{uuid.uuid4()}" if options.is_write else None

    @staticmethod
    def _should_retry(response: httpx.Response) -> bool:
        """429, 5xx, and a 409 that says the idempotency key is still in use."""
        status = response.status_code
        if status == 409:
            return _idempotency_key_in_use(response)
        return status in {408, 429} or status >= 500

    @staticmethod
    def _retry_delay(attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds before retry ``attempt`` (1-based), or ``None`` to give up now."""
        if response is not None:
            asked = parse_retry_after(response.headers.get("retry-after"))
            if asked is not None:
                return asked if asked <= MAX_RETRY_AFTER else None
        delay = min(INITIAL_RETRY_DELAY * 2.0 ** (attempt - 1), MAX_RETRY_DELAY)
        return delay * (1 - 0.25 * random.random())

    @staticmethod
    def _parse(response: httpx.Response, cast_to: type[ModelT]) -> ModelT:
        try:
            return cast_to.model_validate(response.json())
        except (ValueError, ValidationError) as error:
            raise APIResponseValidationError(
                f"The API's answer to {response.request.method} {response.request.url.path} "
                f"is not a valid {cast_to.__name__}: {error}",
                status_code=response.status_code,
                request_id=response.headers.get("x-request-id"),
            ) from error


def _idempotency_key_in_use(response: httpx.Response) -> bool:
    """A 409 for a key whose first request is still running says so with ``Retry-After``;
    a key reused with another body (or by another key) does not, and retrying cannot help."""
    if "retry-after" not in response.headers:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and str(error.get("param") or "").lower() == "idempotency-key"


def transport_error(error: httpx.TransportError) -> APIConnectionError:
    """The library's error for a request that got no answer."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError()
    return APIConnectionError(f"Could not reach the Leadex API: {error or type(error).__name__}.")
