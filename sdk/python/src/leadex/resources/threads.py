"""Threads, their messages, and plans."""

from __future__ import annotations

from typing import Any

from leadex._base import NOT_GIVEN, RequestOptions, drop_unset
from leadex._models import Deleted, Message, MessageCreateResponse, Plan, Thread
from leadex._pagination import AsyncPage, SyncPage
from leadex.resources._resource import AsyncResource, SyncResource, query


def _thread_body(title: Any, metadata: Any) -> dict[str, Any]:
    return drop_unset({"title": title, "metadata": metadata})


def _message_body(content: str, attachments: Any, hints: Any, auto_approve: Any) -> dict[str, Any]:
    return drop_unset(
        {
            "content": content,
            "attachments": attachments,
            "hints": hints,
            "auto_approve": auto_approve,
        }
    )


class Threads(SyncResource):
    """``client.threads``: research conversations."""

    def create(
        self,
        *,
        title: str | None = NOT_GIVEN,
        metadata: dict[str, str] | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Thread:
        """Create a thread. Example: ``client.threads.create(title="Series A FinTech in EU")``"""
        options = RequestOptions(
            "POST", "threads", json=_thread_body(title, metadata), idempotency_key=idempotency_key
        )
        return self._client._request(Thread, options)

    def retrieve(self, thread_id: str) -> Thread:
        """Retrieve a thread."""
        return self._client._request(Thread, RequestOptions("GET", f"threads/{thread_id}"))

    def update(
        self,
        thread_id: str,
        *,
        title: str | None = NOT_GIVEN,
        metadata: dict[str, str] | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Thread:
        """Change a thread's title or metadata."""
        options = RequestOptions(
            "PATCH",
            f"threads/{thread_id}",
            json=_thread_body(title, metadata),
            idempotency_key=idempotency_key,
        )
        return self._client._request(Thread, options)

    def delete(self, thread_id: str, *, force: bool = False) -> Deleted:
        """Delete a thread and everything in it; ``force`` stops its running jobs first."""
        options = RequestOptions(
            "DELETE", f"threads/{thread_id}", params=query(force="true" if force else None)
        )
        return self._client._request(Deleted, options)

    def list(
        self,
        *,
        q: str | None = None,
        has_job_status: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> SyncPage[Thread]:
        """List threads, most recent first; iterate the page to walk them all."""
        params = query(q=q, has_job_status=has_job_status, limit=limit, cursor=cursor, order=order)
        return self._client._list(Thread, RequestOptions("GET", "threads", params=params))


class AsyncThreads(AsyncResource):
    """``client.threads``: research conversations."""

    async def create(
        self,
        *,
        title: str | None = NOT_GIVEN,
        metadata: dict[str, str] | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Thread:
        """Create a thread."""
        options = RequestOptions(
            "POST", "threads", json=_thread_body(title, metadata), idempotency_key=idempotency_key
        )
        return await self._client._request(Thread, options)

    async def retrieve(self, thread_id: str) -> Thread:
        """Retrieve a thread."""
        return await self._client._request(Thread, RequestOptions("GET", f"threads/{thread_id}"))

    async def update(
        self,
        thread_id: str,
        *,
        title: str | None = NOT_GIVEN,
        metadata: dict[str, str] | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Thread:
        """Change a thread's title or metadata."""
        options = RequestOptions(
            "PATCH",
            f"threads/{thread_id}",
            json=_thread_body(title, metadata),
            idempotency_key=idempotency_key,
        )
        return await self._client._request(Thread, options)

    async def delete(self, thread_id: str, *, force: bool = False) -> Deleted:
        """Delete a thread and everything in it; ``force`` stops its running jobs first."""
        options = RequestOptions(
            "DELETE", f"threads/{thread_id}", params=query(force="true" if force else None)
        )
        return await self._client._request(Deleted, options)

    async def list(
        self,
        *,
        q: str | None = None,
        has_job_status: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncPage[Thread]:
        """List threads, most recent first; ``async for`` over the page walks them all."""
        params = query(q=q, has_job_status=has_job_status, limit=limit, cursor=cursor, order=order)
        return await self._client._list(Thread, RequestOptions("GET", "threads", params=params))


class Messages(SyncResource):
    """``client.messages``: posting a message drafts a plan attached to a pending job."""

    def create(
        self,
        thread_id: str,
        *,
        content: str,
        attachments: list[dict[str, str]] = NOT_GIVEN,
        hints: dict[str, Any] = NOT_GIVEN,
        auto_approve: bool = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> MessageCreateResponse:
        """Send a prompt; returns the message, its plan and the pending ``job``."""
        options = RequestOptions(
            "POST",
            f"threads/{thread_id}/messages",
            json=_message_body(content, attachments, hints, auto_approve),
            idempotency_key=idempotency_key,
        )
        return self._client._request(MessageCreateResponse, options)

    def list(
        self,
        thread_id: str,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> SyncPage[Message]:
        """A thread's messages, chronologically."""
        params = query(limit=limit, cursor=cursor, order=order)
        options = RequestOptions("GET", f"threads/{thread_id}/messages", params=params)
        return self._client._list(Message, options)


class AsyncMessages(AsyncResource):
    """``client.messages``: posting a message drafts a plan attached to a pending job."""

    async def create(
        self,
        thread_id: str,
        *,
        content: str,
        attachments: list[dict[str, str]] = NOT_GIVEN,
        hints: dict[str, Any] = NOT_GIVEN,
        auto_approve: bool = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> MessageCreateResponse:
        """Send a prompt; returns the message, its plan and the pending ``job``."""
        options = RequestOptions(
            "POST",
            f"threads/{thread_id}/messages",
            json=_message_body(content, attachments, hints, auto_approve),
            idempotency_key=idempotency_key,
        )
        return await self._client._request(MessageCreateResponse, options)

    async def list(
        self,
        thread_id: str,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncPage[Message]:
        """A thread's messages, chronologically."""
        params = query(limit=limit, cursor=cursor, order=order)
        options = RequestOptions("GET", f"threads/{thread_id}/messages", params=params)
        return await self._client._list(Message, options)


class Plans(SyncResource):
    """``client.plans``: inspect a plan or ask for a new one."""

    def retrieve(self, plan_id: str) -> Plan:
        """Retrieve a plan."""
        return self._client._request(Plan, RequestOptions("GET", f"plans/{plan_id}"))

    def replan(
        self, plan_id: str, *, feedback: str, idempotency_key: str | None = None
    ) -> MessageCreateResponse:
        """Redo a plan with corrective feedback; returns the new plan and its pending job."""
        options = RequestOptions(
            "POST",
            f"plans/{plan_id}/replan",
            json={"feedback": feedback},
            idempotency_key=idempotency_key,
        )
        return self._client._request(MessageCreateResponse, options)


class AsyncPlans(AsyncResource):
    """``client.plans``: inspect a plan or ask for a new one."""

    async def retrieve(self, plan_id: str) -> Plan:
        """Retrieve a plan."""
        return await self._client._request(Plan, RequestOptions("GET", f"plans/{plan_id}"))

    async def replan(
        self, plan_id: str, *, feedback: str, idempotency_key: str | None = None
    ) -> MessageCreateResponse:
        """Redo a plan with corrective feedback; returns the new plan and its pending job."""
        options = RequestOptions(
            "POST",
            f"plans/{plan_id}/replan",
            json={"feedback": feedback},
            idempotency_key=idempotency_key,
        )
        return await self._client._request(MessageCreateResponse, options)
