"""Close: API v1 leads (a company) and their contacts, found with the advanced filtering
search, OAuth 2.0 at app.close.com / api.close.com.

Close has no static lists (Smart Views are saved searches), so a push makes none."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from connectors.crm.base import (
    CrmAdapter,
    RateLimited,
    Record,
    compact,
    lead_company,
    lead_person,
    tagged,
)


def _text_condition(object_type: str, field_name: str, value: str) -> dict[str, Any]:
    return {
        "type": "field_condition",
        "field": {"type": "regular_field", "object_type": object_type, "field_name": field_name},
        "condition": {"type": "text", "mode": "exact_value", "value": value.lower()},
    }


class CloseAdapter(CrmAdapter):
    """developer.close.com/api."""

    slug = "close"
    authorize_endpoint = "https://app.close.com/oauth2/authorize/"
    token_endpoint = "https://api.close.com/oauth2/token/"  # noqa: S105
    api_base = "https://api.close.com/api/v1"
    # Every Close OAuth app is granted all.full_access and offline_access.
    has_lists: ClassVar[bool] = False
    contact_match_field: ClassVar[str] = "email"
    company_match_field: ClassVar[str] = "url"

    def account_from_token(self, body: dict[str, Any]) -> str | None:
        """The organization the user granted access to."""
        organization = body.get("organization_id")
        return str(organization) if organization else None

    async def fetch_account_id(self) -> str | None:
        """GET /me/: the user's (first) organization, when the token answer names none."""
        body = await self.call("GET", self.api("/me/"))
        organizations = (body or {}).get("organizations") or []
        return str(organizations[0]["id"]) if organizations else None

    def decode(self, response: httpx.Response) -> Any:
        """A 429 names its wait in the body's error.rate_reset (seconds)."""
        if response.status_code == 429:
            try:
                error = response.json().get("error") or {}
                wait = error.get("rate_reset") if isinstance(error, dict) else None
                reset = float(wait) if wait is not None else None
            except (ValueError, TypeError, AttributeError):
                reset = None
            if reset is not None:
                raise RateLimited(self.slug, max(reset, 0.0))
        return super().decode(response)

    def error_message(self, response: httpx.Response) -> str:
        """Close names a refused field in field-errors."""
        try:
            body = response.json()
        except ValueError:
            return super().error_message(response)
        if isinstance(body, dict) and isinstance(body.get("field-errors"), dict):
            fields = body["field-errors"]
            if fields:
                return "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        return super().error_message(response)

    async def _search(self, query: dict[str, Any]) -> str | None:
        body = await self.call(
            "POST", self.api("/data/search/"), json={"query": query, "_limit": 1}
        )
        rows = (body or {}).get("data") or []
        return str(rows[0]["id"]) if rows else None

    async def find(self, record: Record) -> str | None:
        """A contact with that email address, or a lead whose url is the domain."""
        if not record.match_value:
            return None
        if record.kind == "contact":
            query: dict[str, Any] = {
                "type": "and",
                "queries": [
                    {"type": "object_type", "object_type": "contact"},
                    {
                        "type": "has_related",
                        "this_object_type": "contact",
                        "related_object_type": "contact_email",
                        "related_query": _text_condition(
                            "contact_email", "email", record.match_value
                        ),
                    },
                ],
            }
        else:
            query = {
                "type": "and",
                "queries": [
                    {"type": "object_type", "object_type": "lead"},
                    _text_condition("lead", "url", record.match_value),
                ],
            }
        return await self._search(query)

    def _collection(self, kind: str) -> str:
        return "contact" if kind == "contact" else "lead"

    async def create(self, record: Record) -> str:
        """POST /lead/ or /contact/ (filed under its lead: Close would otherwise make one)."""
        fields = dict(record.properties)
        if record.kind == "contact" and record.company_id:
            fields["lead_id"] = record.company_id
        body = await self.call("POST", self.api(f"/{self._collection(record.kind)}/"), json=fields)
        return str(body["id"])

    async def update(self, remote_id: str, record: Record) -> None:
        """PUT /lead/{id}/ or /contact/{id}/; a contact's emails are left as they are (a
        PUT replaces the list, and it already holds the matched address)."""
        fields = {k: v for k, v in record.properties.items() if k != "emails"}
        await self.call(
            "PUT", self.api(f"/{self._collection(record.kind)}/{remote_id}/"), json=fields
        )

    async def create_list(self, name: str) -> str | None:
        """Close has no static lists."""
        return None

    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """Nothing to add to."""

    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A contact: name, title, emails and phones as Close's typed lists."""
        values = lead_person(lead)
        return compact(
            {
                "name": values["full_name"],
                "title": values["title"],
                "emails": tagged(values["email"], "email", type="office"),
                "phones": tagged(values["phone"], "phone", type="office"),
            }
        )

    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A lead: the company's name and URL."""
        values = lead_company(lead)
        return compact({"name": values["name"] or values["domain"], "url": values["domain"]})
