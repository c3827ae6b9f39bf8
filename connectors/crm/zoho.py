"""Zoho CRM: API v6 modules (Contacts, Accounts, Campaigns and their related lists) on the
account's data-centre domain, OAuth 2.0 at accounts.zoho.com."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from connectors.crm.base import (
    CrmAdapter,
    ProviderError,
    Record,
    lead_company,
    lead_person,
    pick,
    with_required_last_name,
)

ZOHO_API_HOST = "www.zohoapis."
# Zoho's data centres, by domain suffix (www.zohoapis.eu, accounts.zoho.eu).
DATA_CENTRES = frozenset({"com", "eu", "in", "com.au", "jp", "com.cn", "sa", "ca"})
ACCOUNTS_HOSTS = frozenset(
    {f"accounts.zoho.{suffix}" for suffix in DATA_CENTRES - {"ca"}} | {"accounts.zohocloud.ca"}
)
CONTACT_FIELDS = {
    "Email": "email",
    "First_Name": "first_name",
    "Last_Name": "last_name",
    "Title": "title",
    "Phone": "phone",
}
ACCOUNT_FIELDS = {
    "Account_Name": "name",
    "Website": "domain",
    "Billing_City": "city",
    "Billing_Country": "country",
}
MEMBERS_PER_CALL = 100


def api_domain(value: object) -> str | None:
    """The token answer's api_domain, if it is a Zoho API host."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or host.removeprefix(ZOHO_API_HOST) not in DATA_CENTRES:
        return None
    return f"https://{host}"


def criteria_value(value: str) -> str:
    """A value inside a search criteria: parentheses and commas escaped."""
    for special in ("\\", "(", ")", ","):
        value = value.replace(special, "\\" + special)
    return value


class ZohoAdapter(CrmAdapter):
    """zoho.com/crm/developer/docs/api/v6."""

    slug = "zoho"
    authorize_endpoint = "https://accounts.zoho.com/oauth/v2/auth"
    token_endpoint = "https://accounts.zoho.com/oauth/v2/token"  # noqa: S105
    # The API host is the data centre's (the token answer's api_domain, kept as the
    # connection's account id); this one is the US default.
    api_base = "https://www.zohoapis.com/crm/v6"
    scopes = ("ZohoCRM.modules.ALL", "ZohoCRM.settings.READ")
    scope_separator: ClassVar[str] = ","
    # A refresh token is issued only for offline access, and again only with consent.
    authorize_params: ClassVar[dict[str, str]] = {"access_type": "offline", "prompt": "consent"}
    contact_match_field: ClassVar[str] = "Email"
    company_match_field: ClassVar[str] = "Website"

    def auth_headers(self) -> dict[str, str]:
        """Zoho's own authorization scheme."""
        return {"Authorization": f"Zoho-oauthtoken {self.access_token}"}

    def account_from_token(self, body: dict[str, Any]) -> str | None:
        """The data centre's API domain."""
        return api_domain(body.get("api_domain"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._accounts_server: str | None = None

    def issuing_server(self, server: str) -> None:
        """The ``accounts-server`` of the callback, if it is one of Zoho's."""
        parts = urlsplit(server)
        if parts.scheme == "https" and (parts.hostname or "") in ACCOUNTS_HOSTS:
            self._accounts_server = f"https://{parts.hostname}"

    def token_url(self) -> str:
        """A code is traded at the accounts server that issued it; a refresh at the one of
        the account's data centre."""
        if self.base_url is not None:
            return super().token_url()
        if self._accounts_server:
            return f"{self._accounts_server}/oauth/v2/token"
        domain = api_domain(self.account_id)
        if domain is None:
            return super().token_url()
        suffix = self._suffix(domain)
        # Canada's data centre is the one on zohocloud.
        host = "accounts.zohocloud.ca" if suffix == "ca" else f"accounts.zoho.{suffix}"
        return f"https://{host}/oauth/v2/token"

    @staticmethod
    def _suffix(domain: str) -> str:
        return (urlsplit(domain).hostname or "").removeprefix(ZOHO_API_HOST)

    def api(self, path: str) -> str:
        """/crm/v6 on the account's data centre."""
        if self.base_url is None and self.account_id:
            return f"{self.account_id}/crm/v6{path}"
        return self._url(self.api_base, path)

    def error_message(self, response: httpx.Response) -> str:
        """A record-level refusal sits in data[0] (code, message, the field it names)."""
        try:
            body = response.json()
        except ValueError:
            return super().error_message(response)
        rows = body.get("data") if isinstance(body, dict) else None
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            row = rows[0]
            field = (row.get("details") or {}).get("api_name")
            message = str(row.get("message") or row.get("code") or row)
            return f"{message} ({field})" if field else message
        return super().error_message(response)

    @staticmethod
    def _module(kind: str) -> str:
        return "Contacts" if kind == "contact" else "Accounts"

    def _created_id(self, body: Any) -> str:
        row = ((body or {}).get("data") or [{}])[0]
        if row.get("status") != "success":
            raise ProviderError(self.slug, 400, str(row.get("message") or row))
        return str(row["details"]["id"])

    async def find(self, record: Record) -> str | None:
        """GET /{module}/search by email, or by the Website criteria (204 when none)."""
        if not record.match_value:
            return None
        if record.kind == "contact":
            params = {"email": record.match_value}
        else:
            params = {"criteria": f"(Website:equals:{criteria_value(record.match_value)})"}
        body = await self.call(
            "GET", self.api(f"/{self._module(record.kind)}/search"), params=params
        )
        rows = (body or {}).get("data") or []
        return str(rows[0]["id"]) if rows else None

    async def create(self, record: Record) -> str:
        """POST /{module} with one record; a contact is filed under its Account."""
        fields = dict(record.properties)
        if record.kind == "contact" and record.company_id:
            fields["Account_Name"] = {"id": record.company_id}
        body = await self.call(
            "POST", self.api(f"/{self._module(record.kind)}"), json={"data": [fields]}
        )
        return self._created_id(body)

    async def update(self, remote_id: str, record: Record) -> None:
        """PUT /{module}/{id}."""
        body = await self.call(
            "PUT",
            self.api(f"/{self._module(record.kind)}/{remote_id}"),
            json={"data": [record.properties]},
        )
        self._created_id(body)

    async def create_list(self, name: str) -> str:
        """A Campaign holds the job's contacts."""
        body = await self.call(
            "POST", self.api("/Campaigns"), json={"data": [{"Campaign_Name": name}]}
        )
        return self._created_id(body)

    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """PUT /Campaigns/{id}/Contacts: relating a related record twice changes nothing."""
        if kind != "contact" or not remote_ids:
            return
        for start in range(0, len(remote_ids), MEMBERS_PER_CALL):
            chunk = remote_ids[start : start + MEMBERS_PER_CALL]
            await self.call(
                "PUT",
                self.api(f"/Campaigns/{list_id}/Contacts"),
                json={"data": [{"id": contact_id} for contact_id in chunk]},
            )

    def list_url(self, list_id: str) -> str | None:
        """The campaign in the CRM web app of the account's data centre."""
        domain = api_domain(self.account_id) or "https://www.zohoapis.com"
        return f"https://crm.zoho.{self._suffix(domain)}/crm/tab/Campaigns/{list_id}"

    async def associate(self, contact_id: str, company_id: str) -> None:
        """Contact.Account_Name is the lookup to the Account."""
        await self.call(
            "PUT",
            self.api(f"/Contacts/{contact_id}"),
            json={"data": [{"Account_Name": {"id": company_id}}]},
        )

    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """Standard Contacts fields (Last_Name is mandatory)."""
        return pick(with_required_last_name(lead_person(lead)), CONTACT_FIELDS)

    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """Standard Accounts fields (Account_Name is mandatory: the domain stands in)."""
        values = lead_company(lead)
        return pick({**values, "name": values["name"] or values["domain"]}, ACCOUNT_FIELDS)
