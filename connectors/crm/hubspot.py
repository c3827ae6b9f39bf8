"""HubSpot: CRM v3 objects (contacts, companies), v3 lists, v4 associations, OAuth v1."""

from __future__ import annotations

from typing import Any

from connectors.crm.base import CrmAdapter, Record, lead_company, lead_person, pick

CONTACTS = "0-1"
COMPANIES = "0-2"
CONTACT_PROPERTIES = {
    "email": "email",
    "firstname": "first_name",
    "lastname": "last_name",
    "jobtitle": "title",
    "phone": "phone",
    "company": "company",
    "website": "domain",
    "hs_linkedin_url": "linkedin",
}
COMPANY_PROPERTIES = {
    "name": "name",
    "domain": "domain",
    "city": "city",
    "country": "country",
    "linkedin_company_page": "linkedin",
}


class HubSpotAdapter(CrmAdapter):
    """developers.hubspot.com/docs/api/crm."""

    slug = "hubspot"
    authorize_endpoint = "https://app.hubspot.com/oauth/authorize"
    token_endpoint = "https://api.hubapi.com/oauth/v1/token"  # noqa: S105
    api_base = "https://api.hubapi.com"
    scopes = (
        "crm.objects.contacts.read",
        "crm.objects.contacts.write",
        "crm.objects.companies.read",
        "crm.objects.companies.write",
        "crm.lists.read",
        "crm.lists.write",
    )

    def _objects(self, kind: str) -> str:
        return "contacts" if kind == "contact" else "companies"

    async def fetch_account_id(self) -> str | None:
        """The portal (hub) id, for list links."""
        body = await self.call("GET", self.api("/account-info/v3/details"))
        portal = (body or {}).get("portalId")
        return str(portal) if portal is not None else None

    async def find(self, record: Record) -> str | None:
        """Search by email (contacts) or domain (companies)."""
        if not record.match_field or not record.match_value:
            return None
        body = await self.call(
            "POST",
            self.api(f"/crm/v3/objects/{self._objects(record.kind)}/search"),
            json={
                "filterGroups": [
                    {
                        "filters": [
                            {
                                "propertyName": record.match_field,
                                "operator": "EQ",
                                "value": record.match_value,
                            }
                        ]
                    }
                ],
                "properties": [record.match_field],
                "limit": 1,
            },
        )
        results = (body or {}).get("results") or []
        return str(results[0]["id"]) if results else None

    async def create(self, record: Record) -> str:
        """POST /crm/v3/objects/{type}."""
        body = await self.call(
            "POST",
            self.api(f"/crm/v3/objects/{self._objects(record.kind)}"),
            json={"properties": record.properties},
        )
        return str(body["id"])

    async def update(self, remote_id: str, record: Record) -> None:
        """PATCH /crm/v3/objects/{type}/{id}."""
        await self.call(
            "PATCH",
            self.api(f"/crm/v3/objects/{self._objects(record.kind)}/{remote_id}"),
            json={"properties": record.properties},
        )

    async def create_list(self, name: str) -> str:
        """A MANUAL (static) contact list."""
        body = await self.call(
            "POST",
            self.api("/crm/v3/lists"),
            json={"name": name, "objectTypeId": CONTACTS, "processingType": "MANUAL"},
        )
        return str(body["list"]["listId"])

    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """PUT /crm/v3/lists/{listId}/memberships/add (contacts only: lists hold one type)."""
        if kind != "contact" or not remote_ids:
            return
        await self.call(
            "PUT", self.api(f"/crm/v3/lists/{list_id}/memberships/add"), json=remote_ids
        )

    def list_url(self, list_id: str) -> str | None:
        """https://app.hubspot.com/contacts/{portal}/lists/{id}."""
        portal = self.account_id or "0"
        return f"https://app.hubspot.com/contacts/{portal}/lists/{list_id}"

    async def associate(self, contact_id: str, company_id: str) -> None:
        """The default contact-to-company association (v4)."""
        await self.call(
            "PUT",
            self.api(
                f"/crm/v4/objects/contact/{contact_id}/associations/default/company/{company_id}"
            ),
        )

    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """HubSpot's default contact properties."""
        return pick(lead_person(lead), CONTACT_PROPERTIES)

    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """HubSpot's default company properties."""
        return pick(lead_company(lead), COMPANY_PROPERTIES)
