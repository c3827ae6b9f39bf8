"""Per-organization limits from its tier, counted in the database so every process agrees."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal
from api.deps import get_database
from core.errors import RateLimitError
from store.repositories import jobs, orgs, plans, ratelimits


def _headers(limit: int, remaining: int, reset: int) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(0, remaining)),
        "X-RateLimit-Reset": str(reset),
    }


async def count_request(request: Request, principal: Principal) -> None:
    """Count the request in its organization's minute; a 429 past the tier's limit.

    The headers are put on the request's scope for the middleware to add to any response.
    """
    now = time.time()
    minute = int(now // 60)
    limit = principal.tier.requests_per_minute
    used = await ratelimits.hit(get_database(request), principal.org_id, minute)
    reset = (minute + 1) * 60
    headers = _headers(limit, limit - used, reset)
    request.scope.setdefault("state", {})["ratelimit_headers"] = headers
    if used > limit:
        retry = max(1, int(reset - now + 0.999))
        raise RateLimitError(
            f"Rate limit exceeded: the {principal.tier.name.value} tier allows {limit} requests "
            f"per minute. Retry after {retry} s.",
            headers={"Retry-After": str(retry)},
        )


async def check_concurrent_jobs(session: AsyncSession, principal: Principal) -> None:
    """A 429 when the organization already runs its tier's number of jobs in this mode.

    The organization's row is locked first, so simultaneous approvals are counted one after
    the other and cannot both pass.
    """
    limit = principal.tier.concurrent_jobs
    await orgs.lock(session, principal.org_id)
    running = await jobs.count_running(session, principal.tenant)
    if running >= limit:
        raise RateLimitError(
            f"Concurrent job limit reached: the {principal.tier.name.value} tier runs {limit} "
            f"job{'s' if limit != 1 else ''} at a time and {running} "
            f"{'are' if running != 1 else 'is'} running. Stop one or wait for it to finish.",
            headers={"Retry-After": "30"},
        )


async def check_plans_per_day(session: AsyncSession, principal: Principal) -> None:
    """A 429 when the organization drafted its tier's plans for today (UTC)."""
    limit = principal.tier.plans_per_day
    if limit is None:
        return
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    drafted = await plans.count_drafted_since(session, principal.org_id, midnight)
    if drafted >= limit:
        seconds = int(86_400 - (datetime.now(UTC) - midnight).total_seconds()) + 1
        raise RateLimitError(
            f"Daily plan limit reached: the {principal.tier.name.value} tier drafts {limit} "
            "plans a day (UTC).",
            headers={"Retry-After": str(seconds)},
        )
