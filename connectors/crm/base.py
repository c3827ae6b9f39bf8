"""One interface for every CRM: OAuth, contacts and companies matched before they are
written, and lists. Adapters speak each provider's public REST API over a guarded client."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

import httpx

from research.fetch.transport import parse_retry_after

DEFAULT_RETRY_AFTER = 10.0


@dataclass
class Tokens:
    """What an OAuth exchange or refresh returned."""

    access_token: str
    refresh_token: str | None = None
    expires_in: float | None = None
    account_id: str | None = None
    scopes: list[str] = field(default_factory=list)


@dataclass
class OAuthApp:
    """The deployment's OAuth client at one provider."""

    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass
class Record:
    """A contact or company to write: provider property names and values."""

    kind: str  # contact | company
    key: str  # what identifies it locally (email, domain, lead id)
    match_field: str | None  # the provider field matched on (email, domain)
    match_value: str | None
    properties: dict[str, Any]
    # The company record this contact belongs to, once written (providers that file a
    # contact under its company at creation read it).
    company_id: str | None = None


class ProviderError(Exception):
    """The provider refused a request; ``message`` is its own words."""

    def __init__(self, provider: str, status: int, message: str) -> None:
        super().__init__(f"{provider} answered {status}: {message}")
        self.provider = provider
        self.status = status
        self.message = message


class RateLimited(Exception):
    """The provider asked us to slow down for ``retry_after`` seconds."""

    def __init__(self, provider: str, retry_after: float) -> None:
        super().__init__(f"{provider} rate limit: retry after {retry_after:g} s")
        self.provider = provider
        self.retry_after = retry_after


class Unauthorized(ProviderError):
    """The access token was refused (expired or revoked)."""


class CrmAdapter(ABC):
    """A provider's API. Subclasses set the hosts and implement the object calls."""

    slug: ClassVar[str]
    authorize_endpoint: ClassVar[str]
    token_endpoint: ClassVar[str]
    api_base: ClassVar[str]
    scopes: ClassVar[tuple[str, ...]] = ()
    # The wait after a 429 that names none (the provider's documented backoff).
    fallback_retry_after: ClassVar[float] = DEFAULT_RETRY_AFTER
    scope_separator: ClassVar[str] = " "
    # Extra query parameters of the authorization URL (offline access, consent prompt).
    authorize_params: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str | None = None,
        access_token: str | None = None,
        account_id: str | None = None,
    ) -> None:
        self.http = http
        # A stand-in or regional host replaces every public host of the provider.
        self.base_url = base_url.rstrip("/") if base_url else None
        self.access_token = access_token
        self.account_id = account_id

    # URLs -----------------------------------------------------------------------------------

    def _url(self, public: str, path: str = "") -> str:
        # A bare endpoint keeps its trailing slash (Close's token URL needs it).
        if self.base_url is None:
            return public.rstrip("/") + path if path else public
        public_path = urlsplit(public).path
        return self.base_url + (public_path.rstrip("/") + path if path else public_path)

    def authorize_url(self, app: OAuthApp, state: str) -> str:
        """Where the user grants access."""
        query = {
            "client_id": app.client_id,
            "redirect_uri": app.redirect_uri,
            "response_type": "code",
            "state": state,
        }
        if self.scopes:
            query["scope"] = self.scope_separator.join(self.scopes)
        query.update(self.authorize_params)
        return f"{self._url(self.authorize_endpoint)}?{urlencode(query)}"

    def api(self, path: str) -> str:
        """An API URL."""
        return self._url(self.api_base, path)

    # HTTP -----------------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        """How each API call authenticates."""
        return {"Authorization": f"Bearer {self.access_token}"}

    async def call(self, method: str, url: str, *, json: Any = None, params: Any = None) -> Any:
        """One API call: the decoded JSON body, or the error the provider's answer means."""
        response = await self.http.request(
            method, url, json=json, params=params, headers=self.auth_headers()
        )
        return self.decode(response)

    def decode(self, response: httpx.Response) -> Any:
        """Raise RateLimited, Unauthorized or ProviderError; else the JSON body (or None)."""
        if response.status_code == 429:
            delay = parse_retry_after(response.headers.get("Retry-After"))
            raise RateLimited(self.slug, delay if delay is not None else self.fallback_retry_after)
        if response.status_code == 401:
            raise Unauthorized(self.slug, 401, self.error_message(response))
        if response.status_code >= 400:
            raise ProviderError(self.slug, response.status_code, self.error_message(response))
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    def error_message(self, response: httpx.Response) -> str:
        """The provider's own explanation, from its error body."""
        try:
            body = response.json()
        except ValueError:
            return response.text[:300] or response.reason_phrase
        if isinstance(body, dict):
            for key in ("message", "error_description", "error", "detail"):
                value = body.get(key)
                if isinstance(value, str) and value:
                    return value[:500]
                if isinstance(value, dict) and isinstance(value.get("message"), str):
                    return str(value["message"])[:500]
        if isinstance(body, list) and body and isinstance(body[0], dict):
            return str(body[0].get("message") or body[0])[:500]
        return str(body)[:500]

    # OAuth ----------------------------------------------------------------------------------

    def token_url(self) -> str:
        """Where codes and refresh tokens are traded."""
        return self._url(self.token_endpoint)

    def issuing_server(self, server: str) -> None:  # noqa: B027
        """The callback named the server that issued the code (Zoho's data centres); most
        providers have one and ignore it."""

    async def _token_request(self, form: dict[str, str]) -> Tokens:
        response = await self.http.post(self.token_url(), data=form)
        body = self.decode(response) or {}
        if not body.get("access_token"):
            # Some servers (Zoho) answer a refused grant with 200 and an ``error`` field.
            refusal = body.get("error_description") or body.get("error") if body else None
            raise ProviderError(
                self.slug, response.status_code, str(refusal or "no access_token in answer")
            )
        scopes = body.get("scope") or ""
        return Tokens(
            access_token=str(body["access_token"]),
            refresh_token=body.get("refresh_token"),
            expires_in=float(body["expires_in"]) if body.get("expires_in") else None,
            account_id=self.account_from_token(body),
            scopes=scopes.replace(",", " ").split() if isinstance(scopes, str) else list(scopes),
        )

    def account_from_token(self, body: dict[str, Any]) -> str | None:
        """The connected account's id, when the token answer names it."""
        return None

    async def exchange_code(self, app: OAuthApp, code: str) -> Tokens:
        """Trade an authorization code for tokens."""
        tokens = await self._token_request(
            {
                "grant_type": "authorization_code",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": app.redirect_uri,
                "code": code,
            }
        )
        self.access_token = tokens.access_token
        if tokens.account_id is None:
            tokens.account_id = await self.fetch_account_id()
        return tokens

    async def refresh(self, app: OAuthApp, refresh_token: str) -> Tokens:
        """New tokens from a refresh token."""
        tokens = await self._token_request(
            {
                "grant_type": "refresh_token",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "refresh_token": refresh_token,
            }
        )
        if tokens.refresh_token is None:
            tokens.refresh_token = refresh_token
        return tokens

    async def fetch_account_id(self) -> str | None:
        """The connected account's id, asked of the API after the exchange."""
        return None

    # Objects --------------------------------------------------------------------------------

    @abstractmethod
    async def find(self, record: Record) -> str | None:
        """The id of an existing record that matches (by email for contacts, domain for
        companies), or None."""

    @abstractmethod
    async def create(self, record: Record) -> str:
        """Create the record; its id."""

    @abstractmethod
    async def update(self, remote_id: str, record: Record) -> None:
        """Overwrite the record's mapped properties."""

    @abstractmethod
    async def create_list(self, name: str) -> str | None:
        """A new static list (campaign, sheet tab…) named ``name``; its id (None where the
        provider has no lists)."""

    @abstractmethod
    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """Put records in a list."""

    def list_url(self, list_id: str) -> str | None:
        """Where a person opens the list in the provider's app."""
        return None

    async def associate(self, contact_id: str, company_id: str) -> None:  # noqa: B027
        """Link a contact to its company, where the provider has such links."""

    # Mapping --------------------------------------------------------------------------------

    @abstractmethod
    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A lead's person as the provider's contact properties."""

    @abstractmethod
    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A lead's company as the provider's company properties."""

    has_lists: ClassVar[bool] = True
    contact_match_field: ClassVar[str] = "email"
    company_match_field: ClassVar[str] = "domain"


def split_name(full_name: str | None) -> tuple[str | None, str | None]:
    """First and last name from a full name."""
    if not full_name:
        return None, None
    parts = full_name.split()
    if len(parts) == 1:
        return parts[0], None
    return " ".join(parts[:-1]), parts[-1]


def compact(values: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: a push never blanks a CRM field it has nothing for."""
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}


def lead_person(lead: dict[str, Any]) -> dict[str, Any]:
    """A lead's person in neutral names (email, first_name, last_name, full_name, title,
    phone, linkedin, company, domain); adapters rename what their provider takes."""
    person = lead.get("person") or {}
    company = lead.get("company") or {}
    first, last = split_name(person.get("full_name"))
    return {
        "email": person.get("email"),
        "full_name": person.get("full_name"),
        "first_name": first,
        "last_name": last,
        "title": person.get("title"),
        "phone": person.get("phone"),
        "linkedin": person.get("linkedin"),
        "company": company.get("name"),
        "domain": company.get("domain"),
    }


def lead_company(lead: dict[str, Any]) -> dict[str, Any]:
    """A lead's company in neutral names (name, domain, city, country, linkedin)."""
    company = lead.get("company") or {}
    return {
        "name": company.get("name"),
        "domain": company.get("domain"),
        "city": company.get("hq_city"),
        "country": company.get("country") or (lead.get("fields") or {}).get("country"),
        "linkedin": company.get("linkedin"),
    }


def with_required_last_name(values: dict[str, Any]) -> dict[str, Any]:
    """For CRMs that require a last name: a one-word name is the last name, and with no
    name at all the email stands in."""
    first, last = values.get("first_name"), values.get("last_name")
    return {
        **values,
        "first_name": first if last else None,
        "last_name": last or first or values.get("email"),
    }


def pick(values: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """The provider's properties (``fields``: provider name → neutral name), empty ones
    dropped."""
    return compact({target: values.get(source) for target, source in fields.items()})


def tagged(value: Any, key: str, **labels: str) -> list[dict[str, Any]] | None:
    """A one-item labelled list (``[{"email": …, "type": "office"}]``), or None."""
    return [{key: value, **labels}] if value else None
