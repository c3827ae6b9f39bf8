"""Salesforce: REST API sObjects (Contact, Account, Campaign, CampaignMember) and SOQL
queries on the org's own instance, OAuth 2.0 web server flow at login.salesforce.com."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from connectors.crm.base import (
    CrmAdapter,
    ProviderError,
    RateLimited,
    Record,
    lead_company,
    lead_person,
    pick,
    with_required_last_name,
)

API_VERSION = "v60.0"
CONTACT_FIELDS = {
    "Email": "email",
    "FirstName": "first_name",
    "LastName": "last_name",
    "Title": "title",
    "Phone": "phone",
}
ACCOUNT_FIELDS = {
    "Name": "name",
    "Website": "domain",
    "BillingCity": "city",
    "BillingCountry": "country",
}
INSTANCE_HOSTS = (".salesforce.com", ".force.com", ".salesforce.mil", ".cloudforce.com")


def soql_literal(value: str) -> str:
    """A SOQL string literal: quotes and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def instance_url(value: object) -> str | None:
    """The org's instance URL from a token answer, if it is a Salesforce https host."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host.endswith(INSTANCE_HOSTS):
        return None
    return f"https://{host}"


def host_matches(website: object, domain: str) -> bool:
    """Whether an Account's Website is on the domain (with or without scheme or www)."""
    if not isinstance(website, str) or not website:
        return False
    host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    host = host.lower().removeprefix("www.")
    return host == domain or host.endswith("." + domain)


class SalesforceAdapter(CrmAdapter):
    """developer.salesforce.com/docs/atlas.en-us.api_rest.meta."""

    slug = "salesforce"
    authorize_endpoint = "https://login.salesforce.com/services/oauth2/authorize"
    token_endpoint = "https://login.salesforce.com/services/oauth2/token"  # noqa: S105
    # The API lives on the org's instance (the token answer's instance_url, kept as the
    # connection's account id); this host only names the path.
    api_base = "https://login.salesforce.com"
    scopes = ("api", "refresh_token")
    contact_match_field: ClassVar[str] = "Email"
    company_match_field: ClassVar[str] = "Website"

    def account_from_token(self, body: dict[str, Any]) -> str | None:
        """The instance URL: every API call goes there."""
        return instance_url(body.get("instance_url"))

    def decode(self, response: httpx.Response) -> Any:
        """Salesforce throttles with 403 REQUEST_LIMIT_EXCEEDED (and names no wait)."""
        if response.status_code == 403 and b"REQUEST_LIMIT_EXCEEDED" in response.content:
            raise RateLimited(self.slug, self.fallback_retry_after)
        return super().decode(response)

    def api(self, path: str) -> str:
        """/services/data/vXX.X on the connected instance."""
        root = self.base_url or self.account_id
        if not root:
            raise ProviderError(self.slug, 400, "the connection names no Salesforce instance")
        return f"{root}/services/data/{API_VERSION}{path}"

    @staticmethod
    def _sobject(kind: str) -> str:
        return "Contact" if kind == "contact" else "Account"

    async def query(self, soql: str) -> list[dict[str, Any]]:
        """GET /query?q=… (first page is plenty for a match)."""
        body = await self.call("GET", self.api("/query"), params={"q": soql})
        return list((body or {}).get("records") or [])

    async def find(self, record: Record) -> str | None:
        """SOQL on Contact.Email, or Account.Website on the lead's domain."""
        if not record.match_value:
            return None
        value = record.match_value
        if record.kind == "contact":
            rows = await self.query(
                f"SELECT Id FROM Contact WHERE Email = {soql_literal(value)} LIMIT 1"  # noqa: S608
            )
            return str(rows[0]["Id"]) if rows else None
        # LIKE wildcards are dropped from the domain; the host check below is exact.
        pattern = "%" + value.replace("%", "").replace("_", "") + "%"
        rows = await self.query(
            "SELECT Id, Website FROM Account WHERE Website LIKE "  # noqa: S608
            f"{soql_literal(pattern)} LIMIT 20"
        )
        for row in rows:
            if host_matches(row.get("Website"), value):
                return str(row["Id"])
        return None

    async def create(self, record: Record) -> str:
        """POST /sobjects/{Contact|Account}; a contact is filed under its Account."""
        fields = dict(record.properties)
        if record.kind == "contact" and record.company_id:
            fields["AccountId"] = record.company_id
        body = await self.call(
            "POST", self.api(f"/sobjects/{self._sobject(record.kind)}"), json=fields
        )
        return str(body["id"])

    async def update(self, remote_id: str, record: Record) -> None:
        """PATCH /sobjects/{type}/{id}."""
        await self.call(
            "PATCH",
            self.api(f"/sobjects/{self._sobject(record.kind)}/{remote_id}"),
            json=record.properties,
        )

    async def create_list(self, name: str) -> str:
        """A Campaign holds the job's contacts."""
        body = await self.call(
            "POST", self.api("/sobjects/Campaign"), json={"Name": name, "IsActive": True}
        )
        return str(body["id"])

    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """CampaignMember rows for contacts not yet in the campaign."""
        if kind != "contact" or not remote_ids:
            return
        quoted = ", ".join(soql_literal(remote_id) for remote_id in remote_ids)
        present = await self.query(
            "SELECT ContactId FROM CampaignMember WHERE CampaignId = "  # noqa: S608
            f"{soql_literal(list_id)} AND ContactId IN ({quoted})"
        )
        known = {str(row.get("ContactId")) for row in present}
        for contact_id in remote_ids:
            if contact_id in known:
                continue
            await self.call(
                "POST",
                self.api("/sobjects/CampaignMember"),
                json={"CampaignId": list_id, "ContactId": contact_id},
            )
            known.add(contact_id)

    def list_url(self, list_id: str) -> str | None:
        """The campaign in Lightning Experience."""
        return f"{self.account_id}/lightning/r/Campaign/{list_id}/view" if self.account_id else None

    async def associate(self, contact_id: str, company_id: str) -> None:
        """Contact.AccountId."""
        await self.call(
            "PATCH", self.api(f"/sobjects/Contact/{contact_id}"), json={"AccountId": company_id}
        )

    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """Standard Contact fields (LastName is required by Salesforce)."""
        return pick(with_required_last_name(lead_person(lead)), CONTACT_FIELDS)

    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """Standard Account fields (Name is required: the domain stands in)."""
        values = lead_company(lead)
        return pick({**values, "name": values["name"] or values["domain"]}, ACCOUNT_FIELDS)
