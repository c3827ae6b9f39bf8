"""Usage and budget operations."""

from __future__ import annotations

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from api.account import service as account
from api.auth import Principal
from api.usage.schemas import BudgetObject, GroupBy, UsageGroup, UsageObject
from core.clock import utcnow
from core.errors import UnprocessableError
from store.repositories import ledger

MAX_RANGE_DAYS = 366


async def usage(
    session: AsyncSession,
    principal: Principal,
    start: date | None,
    end: date | None,
    group_by: GroupBy | None,
) -> UsageObject:
    """Credits and jobs between two dates (this billing month by default)."""
    month_start, month_end = ledger.month_of(utcnow().date())
    first, last = start or month_start, end or month_end
    if last < first:
        raise UnprocessableError("'to' is before 'from'.", param="to")
    if (last - first).days > MAX_RANGE_DAYS:
        raise UnprocessableError(f"Ask for at most {MAX_RANGE_DAYS} days at a time.", param="to")
    org = await account.organization_row(session, principal)
    balance = await ledger.balance(session, org)
    found = await ledger.usage(session, principal.org_id, principal.livemode, first, last, group_by)
    return UsageObject(
        livemode=principal.livemode,
        period={"from": first.isoformat(), "to": last.isoformat()},
        plan=principal.tier.name.value,
        credits={
            "included": balance.included,
            "used": found.used,
            "remaining": balance.remaining if principal.livemode else balance.included,
            "rollover": balance.rollover,
        },
        jobs=found.jobs,
        group_by=group_by,
        groups=[UsageGroup(key=k, credits=c, jobs=j) for k, c, j in found.groups],
    )


async def budget(session: AsyncSession, principal: Principal) -> BudgetObject:
    """The monthly ceiling and this month's use."""
    org = await account.organization_row(session, principal)
    balance = await ledger.balance(session, org)
    first, last = ledger.month_of(utcnow().date())
    return BudgetObject(
        monthly_credits=org.budget_monthly,
        used=balance.used,
        period={"from": first.isoformat(), "to": last.isoformat()},
    )


async def set_budget(
    session: AsyncSession, principal: Principal, monthly_credits: int | None
) -> BudgetObject:
    """Set (or clear, with null) the monthly ceiling."""
    org = await account.organization_row(session, principal)
    org.budget_monthly = monthly_credits
    session.add(org)
    await session.flush()
    return await budget(session, principal)
