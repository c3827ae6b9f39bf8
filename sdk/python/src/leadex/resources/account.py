"""Account: who is calling, usage and budget, API keys, members."""

from __future__ import annotations

import builtins
from datetime import date, datetime

from leadex._base import NOT_GIVEN, RequestOptions, drop_unset
from leadex._models import ApiKey, Budget, Me, Member, Organization
from leadex._models import Usage as UsageObject
from leadex._pagination import AsyncPage, SyncPage
from leadex.resources._resource import AsyncResource, SyncResource, query


def _usage_params(
    from_: date | str | None, to: date | str | None, group_by: str | None
) -> dict[str, object]:
    return query(
        **{
            "from": from_.isoformat() if isinstance(from_, date) else from_,
            "to": to.isoformat() if isinstance(to, date) else to,
            "group_by": group_by,
        }
    )


def _key_body(name: str, scopes: object, expires_at: object, kind: object) -> dict[str, object]:
    if isinstance(expires_at, datetime):
        expires_at = expires_at.isoformat()
    return drop_unset({"name": name, "scopes": scopes, "expires_at": expires_at, "kind": kind})


class Account(SyncResource):
    """``client.account``: the calling key and its organization."""

    def me(self) -> Me:
        """The key, its organization and mode."""
        return self._client._request(Me, RequestOptions("GET", "me"))

    def organization(self) -> Organization:
        """The key's organization, its tier and limits."""
        return self._client._request(Organization, RequestOptions("GET", "organization"))


class AsyncAccount(AsyncResource):
    """``client.account``: the calling key and its organization."""

    async def me(self) -> Me:
        """The key, its organization and mode."""
        return await self._client._request(Me, RequestOptions("GET", "me"))

    async def organization(self) -> Organization:
        """The key's organization, its tier and limits."""
        return await self._client._request(Organization, RequestOptions("GET", "organization"))


class Usage(SyncResource):
    """``client.usage``: credits for the billing period, and the monthly budget."""

    def retrieve(
        self,
        *,
        from_: date | str | None = None,
        to: date | str | None = None,
        group_by: str | None = None,
    ) -> UsageObject:
        """Usage between two dates (inclusive), grouped by day, thread or user if asked."""
        options = RequestOptions("GET", "usage", params=_usage_params(from_, to, group_by))
        return self._client._request(UsageObject, options)

    def budget(self) -> Budget:
        """The monthly spend ceiling."""
        return self._client._request(Budget, RequestOptions("GET", "usage/budget"))

    def set_budget(self, *, monthly_credits: int | None) -> Budget:
        """Set the monthly ceiling (``None`` removes it)."""
        options = RequestOptions("PUT", "usage/budget", json={"monthly_credits": monthly_credits})
        return self._client._request(Budget, options)


class AsyncUsage(AsyncResource):
    """``client.usage``: credits for the billing period, and the monthly budget."""

    async def retrieve(
        self,
        *,
        from_: date | str | None = None,
        to: date | str | None = None,
        group_by: str | None = None,
    ) -> UsageObject:
        """Usage between two dates (inclusive), grouped by day, thread or user if asked."""
        options = RequestOptions("GET", "usage", params=_usage_params(from_, to, group_by))
        return await self._client._request(UsageObject, options)

    async def budget(self) -> Budget:
        """The monthly spend ceiling."""
        return await self._client._request(Budget, RequestOptions("GET", "usage/budget"))

    async def set_budget(self, *, monthly_credits: int | None) -> Budget:
        """Set the monthly ceiling (``None`` removes it)."""
        options = RequestOptions("PUT", "usage/budget", json={"monthly_credits": monthly_credits})
        return await self._client._request(Budget, options)


class ApiKeys(SyncResource):
    """``client.api_keys``: mint, list, rotate and revoke keys (admin scope)."""

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> SyncPage[ApiKey]:
        """The organization's keys; secrets are never listed."""
        params = query(limit=limit, cursor=cursor)
        return self._client._list(ApiKey, RequestOptions("GET", "api-keys", params=params))

    def create(
        self,
        *,
        name: str,
        scopes: builtins.list[str] = NOT_GIVEN,
        expires_at: datetime | str | None = NOT_GIVEN,
        kind: str = NOT_GIVEN,
    ) -> ApiKey:
        """Mint a key; its ``secret`` is in this answer only."""
        options = RequestOptions("POST", "api-keys", json=_key_body(name, scopes, expires_at, kind))
        return self._client._request(ApiKey, options)

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key at once."""
        return self._client._request(ApiKey, RequestOptions("DELETE", f"api-keys/{key_id}"))

    def rotate(self, key_id: str) -> ApiKey:
        """Replace a key's secret; the answer carries the new one."""
        return self._client._request(ApiKey, RequestOptions("POST", f"api-keys/{key_id}/rotate"))


class AsyncApiKeys(AsyncResource):
    """``client.api_keys``: mint, list, rotate and revoke keys (admin scope)."""

    async def list(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[ApiKey]:
        """The organization's keys; secrets are never listed."""
        params = query(limit=limit, cursor=cursor)
        return await self._client._list(ApiKey, RequestOptions("GET", "api-keys", params=params))

    async def create(
        self,
        *,
        name: str,
        scopes: builtins.list[str] = NOT_GIVEN,
        expires_at: datetime | str | None = NOT_GIVEN,
        kind: str = NOT_GIVEN,
    ) -> ApiKey:
        """Mint a key; its ``secret`` is in this answer only."""
        options = RequestOptions("POST", "api-keys", json=_key_body(name, scopes, expires_at, kind))
        return await self._client._request(ApiKey, options)

    async def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key at once."""
        return await self._client._request(ApiKey, RequestOptions("DELETE", f"api-keys/{key_id}"))

    async def rotate(self, key_id: str) -> ApiKey:
        """Replace a key's secret; the answer carries the new one."""
        options = RequestOptions("POST", f"api-keys/{key_id}/rotate")
        return await self._client._request(ApiKey, options)


class Members(SyncResource):
    """``client.members``: the organization's people (admin scope)."""

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> SyncPage[Member]:
        """The organization's members."""
        params = query(limit=limit, cursor=cursor)
        return self._client._list(Member, RequestOptions("GET", "members", params=params))

    def invite(self, *, email: str, role: str = NOT_GIVEN) -> Member:
        """Invite someone by email."""
        options = RequestOptions("POST", "members", json=drop_unset({"email": email, "role": role}))
        return self._client._request(Member, options)


class AsyncMembers(AsyncResource):
    """``client.members``: the organization's people (admin scope)."""

    async def list(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[Member]:
        """The organization's members."""
        params = query(limit=limit, cursor=cursor)
        return await self._client._list(Member, RequestOptions("GET", "members", params=params))

    async def invite(self, *, email: str, role: str = NOT_GIVEN) -> Member:
        """Invite someone by email."""
        options = RequestOptions("POST", "members", json=drop_unset({"email": email, "role": role}))
        return await self._client._request(Member, options)
