"""Attio: REST API v2 records (people, companies), lists and their entries, OAuth 2.0 at
app.attio.com (workspace tokens that do not expire, so there is no refresh)."""

from __future__ import annotations

import hashlib
import re
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
    pick,
)


def list_slug(name: str) -> str:
    """A list's api_slug: snake_case from its name, made unique by a short digest."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "leadex"
    return f"{base}_{hashlib.sha256(name.encode()).hexdigest()[:6]}"


class AttioAdapter(CrmAdapter):
    """docs.attio.com/rest-api."""

    slug = "attio"
    authorize_endpoint = "https://app.attio.com/authorize"
    token_endpoint = "https://app.attio.com/oauth/token"  # noqa: S105
    api_base = "https://api.attio.com/v2"
    # Attio takes no scope parameter: the app's configured scopes are granted.
    contact_match_field: ClassVar[str] = "email_addresses"
    company_match_field: ClassVar[str] = "domains"

    @staticmethod
    def _object(kind: str) -> str:
        return "people" if kind == "contact" else "companies"

    async def refresh(self, app: OAuthApp, refresh_token: str) -> Tokens:
        """Attio's tokens do not expire and come without a refresh token."""
        raise ProviderError(self.slug, 400, "Attio issues no refresh tokens; connect again")

    async def fetch_account_id(self) -> str | None:
        """GET /v2/self: the workspace the token opens."""
        body = await self.call("GET", self.api("/self"))
        workspace = (body or {}).get("workspace_id")
        return str(workspace) if workspace else None

    async def find(self, record: Record) -> str | None:
        """POST /objects/{object}/records/query on the unique attribute."""
        if not record.match_field or not record.match_value:
            return None
        body = await self.call(
            "POST",
            self.api(f"/objects/{self._object(record.kind)}/records/query"),
            json={"filter": {record.match_field: record.match_value}, "limit": 1},
        )
        rows = (body or {}).get("data") or []
        return str(rows[0]["id"]["record_id"]) if rows else None

    async def create(self, record: Record) -> str:
        """POST /objects/{object}/records; a person is linked to its company."""
        values = dict(record.properties)
        if record.kind == "contact" and record.company_id:
            values["company"] = [
                {"target_object": "companies", "target_record_id": record.company_id}
            ]
        body = await self.call(
            "POST",
            self.api(f"/objects/{self._object(record.kind)}/records"),
            json={"data": {"values": values}},
        )
        return str(body["data"]["id"]["record_id"])

    async def update(self, remote_id: str, record: Record) -> None:
        """PATCH the record. The matched unique attribute is left alone: a PATCH prepends
        multiselect values, and the record already holds it."""
        values = {k: v for k, v in record.properties.items() if k != record.match_field}
        if not values:
            return
        await self.call(
            "PATCH",
            self.api(f"/objects/{self._object(record.kind)}/records/{remote_id}"),
            json={"data": {"values": values}},
        )

    async def create_list(self, name: str) -> str:
        """A people list open to the whole workspace."""
        body = await self.call(
            "POST",
            self.api("/lists"),
            json={
                "data": {
                    "name": name,
                    "api_slug": list_slug(name),
                    "parent_object": "people",
                    "workspace_access": "full-access",
                    "workspace_member_access": [],
                }
            },
        )
        return str(body["data"]["id"]["list_id"])

    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """PUT /lists/{list}/entries asserts one entry per person (never a second one)."""
        if kind != "contact":
            return
        for record_id in remote_ids:
            await self.call(
                "PUT",
                self.api(f"/lists/{list_id}/entries"),
                json={
                    "data": {
                        "parent_record_id": record_id,
                        "parent_object": "people",
                        "entry_values": {},
                    }
                },
            )

    async def associate(self, contact_id: str, company_id: str) -> None:
        """The person's company reference."""
        await self.call(
            "PATCH",
            self.api(f"/objects/people/records/{contact_id}"),
            json={
                "data": {
                    "values": {
                        "company": [{"target_object": "companies", "target_record_id": company_id}]
                    }
                }
            },
        )

    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """People attributes: email_addresses, name, job_title, linkedin."""
        values = lead_person(lead)
        name = pick(values, {"first_name": "first_name", "last_name": "last_name"})
        return compact(
            {
                "email_addresses": [values["email"]] if values["email"] else None,
                "name": [{**name, "full_name": values["full_name"]}]
                if values["full_name"]
                else None,
                "job_title": values["title"],
                "linkedin": values["linkedin"],
            }
        )

    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """Company attributes: name, domains."""
        values = lead_company(lead)
        return compact(
            {
                "name": values["name"],
                "domains": [values["domain"]] if values["domain"] else None,
            }
        )
