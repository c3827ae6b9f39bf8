"""Pipedrive: API v1 persons and organizations, OAuth 2 at oauth.pipedrive.com.

Pipedrive has no static contact lists; a push without ``list_id`` makes none."""

from __future__ import annotations

import base64
from typing import Any, ClassVar

import httpx

from connectors.crm.base import (
    DEFAULT_RETRY_AFTER,
    CrmAdapter,
    OAuthApp,
    ProviderError,
    RateLimited,
    Record,
    Tokens,
    compact,
)
from research.fetch.transport import parse_retry_after


class PipedriveAdapter(CrmAdapter):
    """developers.pipedrive.com/docs/api/v1."""

    slug = "pipedrive"
    authorize_endpoint = "https://oauth.pipedrive.com/oauth/authorize"
    token_endpoint = "https://oauth.pipedrive.com/oauth/token"  # noqa: S105
    api_base = "https://api.pipedrive.com/api/v1"
    company_match_field: ClassVar[str] = "name"
    has_lists: ClassVar[bool] = False

    def _basic(self, app: OAuthApp) -> dict[str, str]:
        pair = f"{app.client_id}:{app.client_secret}".encode()
        return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}

    async def _token_form(self, app: OAuthApp, form: dict[str, str]) -> Tokens:
        # Pipedrive authenticates the app with HTTP Basic, not form fields.
        response = await self.http.post(
            self._url(self.token_endpoint), data=form, headers=self._basic(app)
        )
        body = self.decode(response) or {}
        if not body.get("access_token"):
            raise ProviderError(self.slug, response.status_code, "no access_token in answer")
        return Tokens(
            access_token=str(body["access_token"]),
            refresh_token=body.get("refresh_token"),
            expires_in=float(body["expires_in"]) if body.get("expires_in") else None,
            scopes=str(body.get("scope") or "").split(","),
        )

    async def exchange_code(self, app: OAuthApp, code: str) -> Tokens:
        """authorization_code grant."""
        tokens = await self._token_form(
            app,
            {"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uri},
        )
        self.access_token = tokens.access_token
        tokens.account_id = await self.fetch_account_id()
        return tokens

    async def refresh(self, app: OAuthApp, refresh_token: str) -> Tokens:
        """refresh_token grant."""
        tokens = await self._token_form(
            app, {"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        tokens.refresh_token = tokens.refresh_token or refresh_token
        return tokens

    def decode(self, response: httpx.Response) -> Any:
        """Pipedrive's 429 names the wait in x-ratelimit-reset when not in Retry-After."""
        if response.status_code == 429 and "Retry-After" not in response.headers:
            reset = parse_retry_after(response.headers.get("x-ratelimit-reset"))
            raise RateLimited(self.slug, reset if reset is not None else DEFAULT_RETRY_AFTER)
        return super().decode(response)

    async def fetch_account_id(self) -> str | None:
        """The company id of the authorizing user."""
        body = await self.call("GET", self.api("/users/me"))
        company = ((body or {}).get("data") or {}).get("company_id")
        return str(company) if company is not None else None

    def _collection(self, kind: str) -> str:
        return "persons" if kind == "contact" else "organizations"

    async def find(self, record: Record) -> str | None:
        """GET /{persons|organizations}/search with an exact match on the field."""
        if not record.match_value or not record.match_field:
            return None
        body = await self.call(
            "GET",
            self.api(f"/{self._collection(record.kind)}/search"),
            params={
                "term": record.match_value,
                "fields": record.match_field,
                "exact_match": "true",
                "limit": 1,
            },
        )
        items = ((body or {}).get("data") or {}).get("items") or []
        return str(items[0]["item"]["id"]) if items else None

    async def create(self, record: Record) -> str:
        """POST /persons or /organizations."""
        body = await self.call(
            "POST", self.api(f"/{self._collection(record.kind)}"), json=record.properties
        )
        return str(body["data"]["id"])

    async def update(self, remote_id: str, record: Record) -> None:
        """PUT /persons/{id} or /organizations/{id}."""
        await self.call(
            "PUT",
            self.api(f"/{self._collection(record.kind)}/{remote_id}"),
            json=record.properties,
        )

    async def create_list(self, name: str) -> str | None:
        """Pipedrive has no contact lists."""
        return None

    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """Nothing to add to."""

    async def associate(self, contact_id: str, company_id: str) -> None:
        """A person belongs to an organization through its org_id."""
        await self.call("PUT", self.api(f"/persons/{contact_id}"), json={"org_id": int(company_id)})

    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A person: name, email and phone as Pipedrive's labelled lists, job title."""
        person = lead.get("person") or {}
        values: dict[str, Any] = {"name": person.get("full_name"), "job_title": person.get("title")}
        if person.get("email"):
            values["email"] = [{"value": person["email"], "primary": True, "label": "work"}]
        if person.get("phone"):
            values["phone"] = [{"value": person["phone"], "primary": True, "label": "work"}]
        return compact(values)

    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """An organization: its name and address."""
        company = lead.get("company") or {}
        return compact({"name": company.get("name"), "address": company.get("hq_city")})
