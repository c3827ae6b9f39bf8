"""Privacy: access reports, erasures and the suppression list (admin scope)."""

from __future__ import annotations

from leadex._base import RequestOptions
from leadex._models import Deleted, Erasure, PersonReport, Suppression
from leadex._pagination import AsyncPage, SyncPage
from leadex.resources._resource import AsyncResource, SyncResource, query


def _who(email: str | None, name: str | None, domain: str | None) -> dict[str, object]:
    return query(email=email, name=name, domain=domain)


class Privacy(SyncResource):
    """``client.privacy``: what is stored about a person, erasing them, suppressing them."""

    def people(
        self, *, email: str | None = None, name: str | None = None, domain: str | None = None
    ) -> PersonReport:
        """Every record, artifact row and cached source naming a person (an email, or a
        name with their company's domain)."""
        options = RequestOptions("GET", "privacy/people", params=_who(email, name, domain))
        return self._client._request(PersonReport, options)

    def erase(
        self, *, email: str | None = None, name: str | None = None, domain: str | None = None
    ) -> Erasure:
        """Erase a person everywhere and suppress them; poll ``erasure()`` until it succeeds."""
        options = RequestOptions("POST", "privacy/erasures", json=_who(email, name, domain))
        return self._client._request(Erasure, options)

    def erasure(self, erasure_id: str) -> Erasure:
        """An erasure's status and, once done, its counts."""
        options = RequestOptions("GET", f"privacy/erasures/{erasure_id}")
        return self._client._request(Erasure, options)

    def erasures(self, *, limit: int | None = None, cursor: str | None = None) -> SyncPage[Erasure]:
        """The organization's erasures (its privacy audit log), most recent first."""
        params = query(limit=limit, cursor=cursor)
        return self._client._list(Erasure, RequestOptions("GET", "privacy/erasures", params=params))

    def suppress(
        self, *, email: str | None = None, name: str | None = None, domain: str | None = None
    ) -> Suppression:
        """Never deliver this email, this domain, or this name at this domain again."""
        options = RequestOptions("POST", "privacy/suppressions", json=_who(email, name, domain))
        return self._client._request(Suppression, options)

    def suppressions(
        self,
        *,
        email: str | None = None,
        name: str | None = None,
        domain: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> SyncPage[Suppression]:
        """The suppression list, or the entry for one identifier."""
        params = {**_who(email, name, domain), **query(limit=limit, cursor=cursor)}
        options = RequestOptions("GET", "privacy/suppressions", params=params)
        return self._client._list(Suppression, options)

    def unsuppress(self, suppression_id: str) -> Deleted:
        """Take an entry off the list (entries an erasure added stay)."""
        options = RequestOptions("DELETE", f"privacy/suppressions/{suppression_id}")
        return self._client._request(Deleted, options)


class AsyncPrivacy(AsyncResource):
    """``client.privacy``: what is stored about a person, erasing them, suppressing them."""

    async def people(
        self, *, email: str | None = None, name: str | None = None, domain: str | None = None
    ) -> PersonReport:
        """Every record, artifact row and cached source naming a person (an email, or a
        name with their company's domain)."""
        options = RequestOptions("GET", "privacy/people", params=_who(email, name, domain))
        return await self._client._request(PersonReport, options)

    async def erase(
        self, *, email: str | None = None, name: str | None = None, domain: str | None = None
    ) -> Erasure:
        """Erase a person everywhere and suppress them; poll ``erasure()`` until it succeeds."""
        options = RequestOptions("POST", "privacy/erasures", json=_who(email, name, domain))
        return await self._client._request(Erasure, options)

    async def erasure(self, erasure_id: str) -> Erasure:
        """An erasure's status and, once done, its counts."""
        options = RequestOptions("GET", f"privacy/erasures/{erasure_id}")
        return await self._client._request(Erasure, options)

    async def erasures(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[Erasure]:
        """The organization's erasures (its privacy audit log), most recent first."""
        params = query(limit=limit, cursor=cursor)
        options = RequestOptions("GET", "privacy/erasures", params=params)
        return await self._client._list(Erasure, options)

    async def suppress(
        self, *, email: str | None = None, name: str | None = None, domain: str | None = None
    ) -> Suppression:
        """Never deliver this email, this domain, or this name at this domain again."""
        options = RequestOptions("POST", "privacy/suppressions", json=_who(email, name, domain))
        return await self._client._request(Suppression, options)

    async def suppressions(
        self,
        *,
        email: str | None = None,
        name: str | None = None,
        domain: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AsyncPage[Suppression]:
        """The suppression list, or the entry for one identifier."""
        params = {**_who(email, name, domain), **query(limit=limit, cursor=cursor)}
        options = RequestOptions("GET", "privacy/suppressions", params=params)
        return await self._client._list(Suppression, options)

    async def unsuppress(self, suppression_id: str) -> Deleted:
        """Take an entry off the list (entries an erasure added stay)."""
        options = RequestOptions("DELETE", f"privacy/suppressions/{suppression_id}")
        return await self._client._request(Deleted, options)
