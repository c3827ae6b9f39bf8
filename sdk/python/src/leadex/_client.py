"""``Leadex`` and ``AsyncLeadex``: the clients, their retry loops and their resources."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Mapping
from typing import Any

import httpx

from leadex._base import (
    DEFAULT_MAX_RETRIES,
    NOT_GIVEN,
    BaseClient,
    ModelT,
    RequestOptions,
    drop_unset,
)
from leadex._models import SearchResult
from leadex._pagination import AsyncPage, ItemT, SyncPage
from leadex.resources.account import (
    Account,
    ApiKeys,
    AsyncAccount,
    AsyncApiKeys,
    AsyncMembers,
    AsyncUsage,
    Members,
    Usage,
)
from leadex.resources.artifacts import Artifacts, AsyncArtifacts
from leadex.resources.jobs import AsyncJobs, Jobs
from leadex.resources.privacy import AsyncPrivacy, Privacy
from leadex.resources.schedules import AsyncSchedules, Schedules
from leadex.resources.threads import (
    AsyncMessages,
    AsyncPlans,
    AsyncThreads,
    Messages,
    Plans,
    Threads,
)
from leadex.resources.webhooks import AsyncWebhooks, Webhooks

_STREAM_TIMEOUT = httpx.Timeout(90.0, connect=10.0)
# A synchronous search answers when its job ends, or with 202 once the server stops waiting.
_SYNC_SEARCH_TIMEOUT = httpx.Timeout(1800.0, connect=10.0)


def _search_options(
    prompt: str, max_rows: Any, max_credits: Any, wait: Any, idempotency_key: str | None
) -> RequestOptions:
    # The leads always come back as JSON; a CSV or XLSX is fetched from the artifact after.
    body = drop_unset(
        {"prompt": prompt, "max_rows": max_rows, "max_credits": max_credits, "wait": wait}
    )
    return RequestOptions(
        "POST",
        "search",
        json={**body, "format": "json"},
        idempotency_key=idempotency_key,
        timeout=_SYNC_SEARCH_TIMEOUT if wait != "async" else None,
    )


def _wants_file(format: Any) -> bool:
    return isinstance(format, str) and format in {"csv", "xlsx"}


class Leadex(BaseClient):
    """The Leadex API client.

    ``Leadex()`` reads ``LEADEX_API_KEY`` and ``LEADEX_BASE_URL`` (default
    ``https://api.leadex.cc/v1``). Use it as a context manager, or call :meth:`close`.

    Example::

        with Leadex() as client:
            thread = client.threads.create(title="Series A FinTech in EU")
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: float | httpx.Timeout | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            default_headers=default_headers,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=self.timeout)
        self.threads = Threads(self)
        self.messages = Messages(self)
        self.plans = Plans(self)
        self.jobs = Jobs(self)
        self.artifacts = Artifacts(self)
        self.usage = Usage(self)
        self.api_keys = ApiKeys(self)
        self.members = Members(self)
        self.account = Account(self)
        self.schedules = Schedules(self)
        self.webhooks = Webhooks(self)
        self.privacy = Privacy(self)

    def with_options(
        self, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = None
    ) -> Leadex:
        """A client with other settings on the same connection pool.

        Example: ``client.with_options(max_retries=5).jobs.approve(job_id)``
        """
        return Leadex(
            api_key=self.api_key,
            base_url=self.base_url,
            max_retries=self.max_retries if max_retries is None else max_retries,
            timeout=self.timeout if timeout is None else timeout,
            default_headers=self._default_headers,
            http_client=self._http,
        )

    def search(
        self,
        *,
        prompt: str,
        max_rows: int = NOT_GIVEN,
        max_credits: int | None = NOT_GIVEN,
        wait: str = NOT_GIVEN,
        format: str = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> SearchResult:
        """Run an audience query end to end: plan, auto-approve, research, leads inline.

        Example: ``client.search(prompt="US Series B dev-tools CTOs", max_rows=100).leads``
        """
        result = self._request(
            SearchResult, _search_options(prompt, max_rows, max_credits, wait, idempotency_key)
        )
        if _wants_file(format) and result.artifact is not None:
            result._file = self.artifacts.download(result.artifact.id, format=format)
        return result

    # Plumbing the resources share.

    def _send(self, options: RequestOptions, *, stream: bool = False) -> httpx.Response:
        key = self._idempotency_key(options)
        for attempt in itertools.count(1):
            request = self._build_request(self._http, options, key)
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as error:
                self._sleep(self._wait_or_raise(attempt, error))
                continue
            if response.is_success:
                return response
            response.read()
            self._sleep(self._wait_or_raise(attempt, response))
        raise AssertionError("unreachable")

    def _request(self, cast_to: type[ModelT], options: RequestOptions) -> ModelT:
        return self._parse(self._send(options), cast_to)

    def _list(self, item: type[ItemT], options: RequestOptions) -> SyncPage[ItemT]:
        def fetch(cursor: str) -> SyncPage[ItemT]:
            params = {**(options.params or {}), "cursor": cursor}
            return self._list(item, RequestOptions("GET", options.path, params=params))

        return SyncPage(self._send(options).json(), item, fetch)

    def _open_stream(self, path: str, headers: dict[str, str]) -> httpx.Response:
        return self._send(
            RequestOptions("GET", path, headers=headers, timeout=_STREAM_TIMEOUT), stream=True
        )

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        """Close the connection pool (unless it was passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Leadex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class AsyncLeadex(BaseClient):
    """The async Leadex API client; the same resources, awaited.

    Example::

        async with AsyncLeadex() as client:
            async for event in client.jobs.stream(job_id):
                print(event.type)
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: float | httpx.Timeout | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            default_headers=default_headers,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=self.timeout)
        self.threads = AsyncThreads(self)
        self.messages = AsyncMessages(self)
        self.plans = AsyncPlans(self)
        self.jobs = AsyncJobs(self)
        self.artifacts = AsyncArtifacts(self)
        self.usage = AsyncUsage(self)
        self.api_keys = AsyncApiKeys(self)
        self.members = AsyncMembers(self)
        self.account = AsyncAccount(self)
        self.schedules = AsyncSchedules(self)
        self.webhooks = AsyncWebhooks(self)
        self.privacy = AsyncPrivacy(self)

    def with_options(
        self, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = None
    ) -> AsyncLeadex:
        """A client with other settings on the same connection pool."""
        return AsyncLeadex(
            api_key=self.api_key,
            base_url=self.base_url,
            max_retries=self.max_retries if max_retries is None else max_retries,
            timeout=self.timeout if timeout is None else timeout,
            default_headers=self._default_headers,
            http_client=self._http,
        )

    async def search(
        self,
        *,
        prompt: str,
        max_rows: int = NOT_GIVEN,
        max_credits: int | None = NOT_GIVEN,
        wait: str = NOT_GIVEN,
        format: str = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> SearchResult:
        """Run an audience query end to end: plan, auto-approve, research, leads inline."""
        result = await self._request(
            SearchResult, _search_options(prompt, max_rows, max_credits, wait, idempotency_key)
        )
        if _wants_file(format) and result.artifact is not None:
            result._file = await self.artifacts.download(result.artifact.id, format=format)
        return result

    async def _send(self, options: RequestOptions, *, stream: bool = False) -> httpx.Response:
        key = self._idempotency_key(options)
        for attempt in itertools.count(1):
            request = self._build_request(self._http, options, key)
            try:
                response = await self._http.send(request, stream=stream)
            except httpx.TransportError as error:
                await self._sleep(self._wait_or_raise(attempt, error))
                continue
            if response.is_success:
                return response
            await response.aread()
            await self._sleep(self._wait_or_raise(attempt, response))
        raise AssertionError("unreachable")

    async def _request(self, cast_to: type[ModelT], options: RequestOptions) -> ModelT:
        return self._parse(await self._send(options), cast_to)

    async def _list(self, item: type[ItemT], options: RequestOptions) -> AsyncPage[ItemT]:
        async def fetch(cursor: str) -> AsyncPage[ItemT]:
            params = {**(options.params or {}), "cursor": cursor}
            return await self._list(item, RequestOptions("GET", options.path, params=params))

        return AsyncPage((await self._send(options)).json(), item, fetch)

    async def _open_stream(self, path: str, headers: dict[str, str]) -> httpx.Response:
        return await self._send(
            RequestOptions("GET", path, headers=headers, timeout=_STREAM_TIMEOUT), stream=True
        )

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncLeadex:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()
