"""Creating organizations and keys from the command line."""

from __future__ import annotations

from dataclasses import dataclass

from core.config import Settings
from store.db import Database
from store.models import Organization
from store.repositories import api_keys, orgs


@dataclass(frozen=True, slots=True)
class MintedKey:
    """A new key and whether its organization was created for it."""

    org_id: str
    org_created: bool
    key_id: str
    secret: str


async def mint_key(
    database_url: str,
    *,
    org_name: str,
    livemode: bool,
    scopes: list[str],
    name: str,
    kind: str = "secret",
    included_credits: int | None = None,
) -> MintedKey:
    """Create the organization if needed, then a key in it."""
    credits = Settings().starter_credits if included_credits is None else included_credits
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            org, created = await orgs.get_or_create(session, org_name, included_credits=credits)
            key, secret = await api_keys.create(
                session, org_id=org.id, name=name, livemode=livemode, scopes=scopes, kind=kind
            )
            return MintedKey(org_id=org.id, org_created=created, key_id=key.id, secret=secret)
    finally:
        await database.dispose()


async def organization_exists(database_url: str, org_name: str) -> bool:
    """Whether an organization of that name exists."""
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            return await orgs.get_by_name(session, org_name) is not None
    finally:
        await database.dispose()


async def has_key(database_url: str, org_name: str, *, livemode: bool) -> bool:
    """Whether the organization has a key in that mode."""
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            org = await orgs.get_by_name(session, org_name)
            return org is not None and await api_keys.exists_for(session, org.id, livemode)
    finally:
        await database.dispose()


async def set_plan(
    database_url: str,
    org_name: str,
    *,
    tier: str | None,
    credits: int | None,
    watchdog_minutes: float | None = None,
    watchdog_credits: int | None = None,
) -> Organization | None:
    """Change an organization's tier, included credits and watchdog policy (0 removes a
    watchdog limit); None when the organization does not exist."""
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            org = await orgs.get_by_name(session, org_name)
            if org is None:
                return None
            if tier is not None:
                org.tier = tier
            if credits is not None:
                org.credits_included = credits
            if watchdog_minutes is not None:
                seconds = round(watchdog_minutes * 60)
                org.watchdog_max_runtime_seconds = seconds if seconds > 0 else None
            if watchdog_credits is not None:
                org.watchdog_max_credits = watchdog_credits if watchdog_credits > 0 else None
            session.add(org)
            await session.flush()
            return org
    finally:
        await database.dispose()
