"""Credits at approval: a 402 when there is not enough, else a hold that bounds the job."""

from __future__ import annotations

from functools import partial

from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InsufficientCreditsError, NotFoundError
from store.models import Job
from store.repositories import ledger, orgs, plans


async def reserve(session: AsyncSession, job: Job, max_credits: int | None) -> int:
    """Hold credits for a live job and return the most it may use.

    With ``max_credits`` the job may use that much and holds it all. Without, it may use what
    the organization has left (the budget included), and holds its estimate.
    """
    # Lock the organization so two approvals cannot both spend the same credits.
    org = await orgs.lock(session, job.org_id)
    if org is None:
        raise NotFoundError("Your organization no longer exists.")
    plan = await plans.get_by_id(session, job.plan_id)
    estimate = max(1, plan.credits_estimate if plan else 1)
    needed = max(1, min(estimate, max_credits or estimate))
    balance = await ledger.balance(session, org)
    room = balance.remaining
    if balance.budget is not None:
        budget_room = balance.budget - balance.used - balance.held
        if budget_room < needed:
            error = InsufficientCreditsError(
                f"The monthly budget of {balance.budget} credits is reached: {balance.used} "
                f"used and {balance.held} held by running jobs; this job needs up to {needed}. "
                "Raise it with PUT /v1/usage/budget or wait for the next period."
            )
            error.after_rollback.append(
                partial(
                    ledger.budget_event,
                    org_id=org.id,
                    kind="exceeded",
                    used=balance.used,
                    budget=balance.budget,
                )
            )
            raise error
        room = min(room, budget_room)
    if room < needed:
        raise InsufficientCreditsError(
            f"Not enough credits: this job needs up to {needed} and {max(0, room)} remain "
            f"({balance.included} included + {balance.rollover} rollover - {balance.used} used "
            f"- {balance.held} held by running jobs)."
        )
    if max_credits is not None:
        ceiling = held = min(max_credits, room)
    else:
        ceiling, held = room, needed
    await ledger.hold(session, job, held)
    return ceiling
