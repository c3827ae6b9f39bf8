"""Copper: Developer API v1 people and companies, OAuth 2.0 at app.copper.com (tokens that
do not expire). Copper has no contact lists: the push's list is a tag on each person."""

from __future__ import annotations

from typing import Any, ClassVar

from connectors.crm.base import (
    CrmAdapter,
    OAuthApp,
    ProviderError,
    Record,
    Tokens,
    compact,
    lead_company,
    lead_person,
    tagged,
)

SEARCH_PAGE = 25


class CopperAdapter(CrmAdapter):
    """developer.copper.com."""

    slug = "copper"
    authorize_endpoint = "https://app.copper.com/oauth/authorize"
    token_endpoint = "https://app.copper.com/oauth/token"  # noqa: S105
    api_base = "https://api.copper.com/developer_api/v1"
    scopes = ("developer/v1/all",)
    company_match_field: ClassVar[str] = "name"

    def auth_headers(self) -> dict[str, str]:
        """A bearer token, and the application header every Copper call carries."""
        return {"Authorization": f"Bearer {self.access_token}", "X-PW-Application": "developer_api"}

    async def refresh(self, app: OAuthApp, refresh_token: str) -> Tokens:
        """Copper's OAuth tokens do not expire and come without a refresh token."""
        raise ProviderError(self.slug, 400, "Copper issues no refresh tokens; connect again")

    async def fetch_account_id(self) -> str | None:
        """GET /account."""
        body = await self.call("GET", self.api("/account"))
        account = (body or {}).get("id")
        return str(account) if account is not None else None

    @staticmethod
    def _collection(kind: str) -> str:
        return "people" if kind == "contact" else "companies"

    async def find(self, record: Record) -> str | None:
        """POST /people/fetch_by_email (404 when none), or /companies/search by name,
        then the exact name (the search matches parts of names)."""
        if not record.match_value:
            return None
        if record.kind == "contact":
            try:
                body = await self.call(
                    "POST", self.api("/people/fetch_by_email"), json={"email": record.match_value}
                )
            except ProviderError as refused:
                if refused.status == 404:
                    return None
                raise
            return str(body["id"]) if body and body.get("id") is not None else None
        rows = await self.call(
            "POST",
            self.api("/companies/search"),
            json={"name": record.match_value, "page_size": SEARCH_PAGE},
        )
        wanted = record.match_value.casefold()
        for row in rows or []:
            if str(row.get("name") or "").casefold() == wanted:
                return str(row["id"])
        return None

    async def create(self, record: Record) -> str:
        """POST /people or /companies; a person is filed under its company."""
        fields = dict(record.properties)
        if record.kind == "contact" and record.company_id:
            fields["company_id"] = int(record.company_id)
        body = await self.call("POST", self.api(f"/{self._collection(record.kind)}"), json=fields)
        return str(body["id"])

    async def update(self, remote_id: str, record: Record) -> None:
        """PUT /people/{id} or /companies/{id}; a person's emails stay as they are (a PUT
        replaces the list, and it already holds the matched address)."""
        fields = {k: v for k, v in record.properties.items() if k != "emails"}
        await self.call(
            "PUT", self.api(f"/{self._collection(record.kind)}/{remote_id}"), json=fields
        )

    async def create_list(self, name: str) -> str:
        """The list is a tag: it exists once a person carries it."""
        return name

    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """Add the tag to each person that lacks it (a PUT replaces the tags, so read
        them first)."""
        if kind != "contact":
            return
        for person_id in remote_ids:
            person = await self.call("GET", self.api(f"/people/{person_id}")) or {}
            tags = [str(tag) for tag in person.get("tags") or []]
            if list_id in tags:
                continue
            await self.call(
                "PUT", self.api(f"/people/{person_id}"), json={"tags": [*tags, list_id]}
            )

    async def associate(self, contact_id: str, company_id: str) -> None:
        """Person.company_id."""
        await self.call(
            "PUT", self.api(f"/people/{contact_id}"), json={"company_id": int(company_id)}
        )

    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A person: name, title, and Copper's categorized emails, phones and socials."""
        values = lead_person(lead)
        return compact(
            {
                "name": values["full_name"] or values["email"],
                "title": values["title"],
                "emails": tagged(values["email"], "email", category="work"),
                "phone_numbers": tagged(values["phone"], "number", category="work"),
                "socials": tagged(values["linkedin"], "url", category="linkedin"),
            }
        )

    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A company: name, email domain, website and city."""
        values = lead_company(lead)
        domain = values["domain"]
        return compact(
            {
                "name": values["name"] or domain,
                "email_domain": domain,
                "websites": tagged(f"https://{domain}" if domain else None, "url", category="work"),
                "address": {"city": values["city"]} if values["city"] else None,
            }
        )
