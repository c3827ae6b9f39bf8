"""Local stand-ins for CRM APIs, after their public API references, served over real HTTP.

HubSpot (developers.hubspot.com/docs/api): OAuth v1 (``/oauth/authorize`` redirects back with
a code; ``/oauth/v1/token`` trades codes and refresh tokens), ``/account-info/v3/details``,
CRM v3 objects (contacts, companies: create, PATCH, search with ``filterGroups``; creating a
contact whose email exists is a 409 ``CONFLICT``), v3 lists (``MANUAL`` lists and
``memberships/add``), v4 default associations, bearer-token auth (401
``INVALID_AUTHENTICATION``), and 429 ``RATE_LIMIT`` answers scripted per portal. Errors use
HubSpot's body ``{status: "error", message, correlationId, category}``.

Pipedrive, Salesforce, Attio, Close, Zoho, Copper and Google Sheets follow below, each after
its own public API reference (described on its class). Each authorization makes a new portal
(tenant) with its own records, so tests never see each other's.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

HUBSPOT_CLIENT_ID = "hs-client-standin"
HUBSPOT_CLIENT_SECRET = "hs-secret-standin"


def hubspot_error(status: int, message: str, category: str) -> JSONResponse:
    """HubSpot's error body."""
    return JSONResponse(
        {
            "status": "error",
            "message": message,
            "correlationId": str(uuid.uuid4()),
            "category": category,
        },
        status_code=status,
    )


@dataclass
class Portal:
    """One HubSpot account's records."""

    id: int
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    associations: set[tuple[str, str]] = field(default_factory=set)
    # Statuses to answer the next API calls with (429s), before serving them.
    throttle: list[int] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    rate_limited: int = 0

    def objects(self, kind: str) -> dict[str, dict[str, Any]]:
        """contacts or companies."""
        return self.contacts if kind == "contacts" else self.companies


class HubSpotStandIn:
    """The HubSpot API, for as many portals as authorizations."""

    def __init__(self) -> None:
        self.portals: dict[int, Portal] = {}
        self.codes: dict[str, tuple[int, str]] = {}  # code -> (portal, redirect_uri)
        self.tokens: dict[str, int] = {}
        self.refresh_tokens: dict[str, int] = {}
        self._ids = itertools.count(1001)
        self._portal_ids = itertools.count(4200001)
        self.token_requests: list[dict[str, str]] = []

    def portal_for_token(self, token: str) -> Portal | None:
        """The portal an access token opens."""
        portal_id = self.tokens.get(token)
        return self.portals.get(portal_id) if portal_id is not None else None

    # OAuth -------------------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        """The consent screen, consented at once: redirect back with a code."""
        query = request.query_params
        if query.get("client_id") != HUBSPOT_CLIENT_ID:
            return hubspot_error(400, "Invalid client_id", "VALIDATION_ERROR")
        if query.get("response_type") != "code" or not query.get("redirect_uri"):
            return hubspot_error(
                400, "redirect_uri and response_type=code are required", "VALIDATION_ERROR"
            )
        portal = Portal(id=next(self._portal_ids))
        self.portals[portal.id] = portal
        code = secrets.token_hex(12)
        self.codes[code] = (portal.id, query["redirect_uri"])
        target = (
            f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        )
        return RedirectResponse(target, status_code=302)

    async def token(self, request: Request) -> Response:
        """POST /oauth/v1/token (form-encoded)."""
        if request.headers.get("content-type", "").split(";")[0] != (
            "application/x-www-form-urlencoded"
        ):
            return JSONResponse(
                {"status": "BAD_REQUEST", "message": "form-encoded body expected"}, status_code=400
            )
        form = {key: values[0] for key, values in parse_qs((await request.body()).decode()).items()}
        self.token_requests.append(form)
        if (
            form.get("client_id") != HUBSPOT_CLIENT_ID
            or form.get("client_secret") != HUBSPOT_CLIENT_SECRET
        ):
            return JSONResponse(
                {"status": "BAD_CLIENT_ID", "message": "missing or unknown client id"},
                status_code=400,
            )
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = self.codes.pop(form.get("code", ""), None)
            if entry is None:
                return JSONResponse(
                    {"status": "BAD_AUTH_CODE", "message": "auth code not found"}, status_code=400
                )
            portal_id, redirect = entry
            if form.get("redirect_uri") != redirect:
                return JSONResponse(
                    {"status": "BAD_REDIRECT_URI", "message": "redirect_uri does not match"},
                    status_code=400,
                )
        elif grant == "refresh_token":
            found = self.refresh_tokens.get(form.get("refresh_token", ""))
            if found is None:
                return JSONResponse(
                    {"status": "BAD_REFRESH_TOKEN", "message": "unknown refresh token"},
                    status_code=400,
                )
            portal_id = found
        else:
            return JSONResponse(
                {"status": "BAD_GRANT_TYPE", "message": "unknown grant_type"}, status_code=400
            )
        access = f"hs-at-{secrets.token_hex(12)}"
        refresh = f"hs-rt-{secrets.token_hex(12)}"
        self.tokens[access] = portal_id
        self.refresh_tokens[refresh] = portal_id
        return JSONResponse(
            {
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": 1800,
                "token_type": "bearer",
            }
        )

    def expire_tokens(self, portal_id: int) -> None:
        """Revoke every access token of a portal, as their expiry would."""
        for token in [token for token, owner in self.tokens.items() if owner == portal_id]:
            del self.tokens[token]

    # API ---------------------------------------------------------------------------------

    async def api(self, request: Request) -> Response:
        """Every authenticated CRM call."""
        header = request.headers.get("authorization", "")
        portal = self.portal_for_token(header.removeprefix("Bearer ").strip())
        if portal is None:
            return hubspot_error(
                401,
                "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
                "INVALID_AUTHENTICATION",
            )
        path = "/" + request.path_params["path"]
        portal.calls.append((request.method, path))
        if portal.throttle:
            status = portal.throttle.pop(0)
            portal.rate_limited += 1
            response = hubspot_error(status, "You have reached your secondly limit.", "RATE_LIMITS")
            response.headers["Retry-After"] = "1"
            return response
        body: Any = None
        if request.method in ("POST", "PATCH", "PUT"):
            raw = await request.body()
            body = (await request.json()) if raw else None
        parts = path.strip("/").split("/")
        if path == "/account-info/v3/details":
            return JSONResponse({"portalId": portal.id, "timeZone": "UTC", "currency": "EUR"})
        if parts[:3] == ["crm", "v3", "objects"] and len(parts) >= 4:
            return self._objects(portal, request.method, parts[3], parts[4:], body)
        if parts[:3] == ["crm", "v3", "lists"]:
            return self._lists(portal, request.method, parts[3:], body)
        if parts[:3] == ["crm", "v4", "objects"] and "associations" in parts:
            portal.associations.add((parts[4], parts[-1]))
            return JSONResponse({"status": "COMPLETE", "results": []})
        return hubspot_error(404, f"No route for {request.method} {path}", "OBJECT_NOT_FOUND")

    def _record(self, kind: str, record_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": record_id,
            "properties": properties,
            "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-01T00:00:00Z",
            "archived": False,
        }

    def _objects(
        self, portal: Portal, method: str, kind: str, rest: list[str], body: Any
    ) -> Response:
        if kind not in ("contacts", "companies"):
            return hubspot_error(404, f"Unknown object type {kind}", "OBJECT_NOT_FOUND")
        store = portal.objects(kind)
        if method == "POST" and rest == ["search"]:
            filters = [
                f for group in body.get("filterGroups", []) for f in group.get("filters", [])
            ]
            matched = [
                record
                for record in store.values()
                if all(
                    f.get("operator") == "EQ"
                    and str(record["properties"].get(f["propertyName"], "")).lower()
                    == str(f.get("value", "")).lower()
                    for f in filters
                )
            ]
            return JSONResponse(
                {"total": len(matched), "results": matched[: body.get("limit", 10)]}
            )
        if method == "POST" and not rest:
            properties = dict((body or {}).get("properties") or {})
            if kind == "contacts":
                email = str(properties.get("email", "")).lower()
                clash = [
                    r
                    for r in store.values()
                    if email and r["properties"].get("email", "").lower() == email
                ]
                if clash:
                    return hubspot_error(
                        409, f"Contact already exists. Existing ID: {clash[0]['id']}", "CONFLICT"
                    )
                if "email" in properties and "@" not in str(properties["email"]):
                    return hubspot_error(
                        400,
                        f"Property values were not valid: email {properties['email']!r} is invalid",
                        "VALIDATION_ERROR",
                    )
            record_id = str(next(self._ids))
            store[record_id] = self._record(kind, record_id, properties)
            return JSONResponse(store[record_id], status_code=201)
        if method == "PATCH" and len(rest) == 1:
            record = store.get(rest[0])
            if record is None:
                return hubspot_error(404, f"resource not found: {rest[0]}", "OBJECT_NOT_FOUND")
            record["properties"].update((body or {}).get("properties") or {})
            return JSONResponse(record)
        return hubspot_error(404, "Unsupported object call", "OBJECT_NOT_FOUND")

    def _lists(self, portal: Portal, method: str, rest: list[str], body: Any) -> Response:
        if method == "POST" and not rest:
            if body.get("processingType") not in ("MANUAL", "DYNAMIC", "SNAPSHOT") or not body.get(
                "name"
            ):
                return hubspot_error(
                    400, "name and processingType are required", "VALIDATION_ERROR"
                )
            if any(existing["name"] == body["name"] for existing in portal.lists.values()):
                return hubspot_error(
                    400, f"A list named '{body['name']}' already exists.", "VALIDATION_ERROR"
                )
            list_id = str(next(self._ids))
            portal.lists[list_id] = {
                "listId": list_id,
                "name": body["name"],
                "objectTypeId": body.get("objectTypeId"),
                "processingType": body["processingType"],
                "members": [],
            }
            shown = {k: v for k, v in portal.lists[list_id].items() if k != "members"}
            return JSONResponse({"list": shown})
        if method == "PUT" and len(rest) == 3 and rest[1:] == ["memberships", "add"]:
            found = portal.lists.get(rest[0])
            if found is None:
                return hubspot_error(404, f"List {rest[0]} does not exist.", "OBJECT_NOT_FOUND")
            added = [rid for rid in body if rid in portal.contacts and rid not in found["members"]]
            missing = [rid for rid in body if rid not in portal.contacts]
            found["members"].extend(added)
            return JSONResponse({"recordIdsAdded": added, "recordIdsMissing": missing})
        return hubspot_error(404, "Unsupported list call", "OBJECT_NOT_FOUND")

    @property
    def app(self) -> Starlette:
        """The ASGI app (mounted under /hubspot by the CRM stand-in server)."""
        return Starlette(
            routes=[
                Route("/oauth/authorize", self.authorize, methods=["GET"]),
                Route("/oauth/v1/token", self.token, methods=["POST"]),
                Route("/{path:path}", self.api, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
            ]
        )


PIPEDRIVE_CLIENT_ID = "pd-client-standin"
PIPEDRIVE_CLIENT_SECRET = "pd-secret-standin"


def pipedrive_error(status: int, message: str) -> JSONResponse:
    """Pipedrive's error body."""
    return JSONResponse(
        {"success": False, "error": message, "error_info": "See developers.pipedrive.com"},
        status_code=status,
    )


@dataclass
class Company:
    """One Pipedrive company account's persons and organizations."""

    id: int
    persons: dict[int, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[int, dict[str, Any]] = field(default_factory=dict)
    throttle: int = 0
    rate_limited: int = 0


class PipedriveStandIn:
    """Pipedrive's OAuth server and API v1 (persons, organizations, search, users/me).

    The token endpoint authenticates the app with HTTP Basic; every API answer is
    ``{success, data}``; a 429 carries ``x-ratelimit-reset`` (seconds)."""

    def __init__(self) -> None:
        self.companies: dict[int, Company] = {}
        self.codes: dict[str, tuple[int, str]] = {}
        self.tokens: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._company_ids = itertools.count(9100001)

    async def authorize(self, request: Request) -> Response:
        """Consent at once; back to redirect_uri with a code."""
        query = request.query_params
        if query.get("client_id") != PIPEDRIVE_CLIENT_ID or not query.get("redirect_uri"):
            return pipedrive_error(400, "invalid client_id or redirect_uri")
        company = Company(id=next(self._company_ids))
        self.companies[company.id] = company
        code = secrets.token_hex(10)
        self.codes[code] = (company.id, query["redirect_uri"])
        query_string = urlencode({"code": code, "state": query.get("state", "")})
        return RedirectResponse(f"{query['redirect_uri']}?{query_string}", status_code=302)

    async def token(self, request: Request) -> Response:
        """POST /oauth/token with Basic client authentication."""
        expected = base64.b64encode(
            f"{PIPEDRIVE_CLIENT_ID}:{PIPEDRIVE_CLIENT_SECRET}".encode()
        ).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"success": False, "message": "Invalid client"}, status_code=401)
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") == "authorization_code":
            entry = self.codes.pop(form.get("code", ""), None)
            if entry is None or entry[1] != form.get("redirect_uri"):
                return JSONResponse(
                    {"success": False, "message": "Invalid grant: authorization code"},
                    status_code=400,
                )
            company_id = entry[0]
        elif form.get("grant_type") == "refresh_token":
            owner = self.tokens.get(form.get("refresh_token", ""))
            if owner is None:
                return JSONResponse({"success": False, "message": "Invalid grant"}, status_code=400)
            company_id = owner
        else:
            return JSONResponse({"success": False, "message": "unsupported_grant_type"}, 400)
        access, refresh = f"pd-at-{secrets.token_hex(10)}", f"pd-rt-{secrets.token_hex(10)}"
        self.tokens[access] = company_id
        self.tokens[refresh] = company_id
        return JSONResponse(
            {
                "access_token": access,
                "token_type": "Bearer",
                "refresh_token": refresh,
                "scope": "base,contacts:full",
                "expires_in": 3599,
                "api_domain": "https://standin.pipedrive.com",
            }
        )

    async def api(self, request: Request) -> Response:
        """Every /api/v1 call."""
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        company = self.companies.get(self.tokens.get(token, -1))
        if company is None:
            return pipedrive_error(401, "unauthorized access")
        if company.throttle:
            company.throttle -= 1
            company.rate_limited += 1
            response = pipedrive_error(429, "Rate limit has been exceeded")
            response.headers["x-ratelimit-reset"] = "1"
            return response
        parts = request.path_params["path"].strip("/").split("/")
        body = (await request.json()) if request.method in ("POST", "PUT") else None
        if parts == ["users", "me"]:
            return JSONResponse({"success": True, "data": {"id": 1, "company_id": company.id}})
        if parts[0] not in ("persons", "organizations"):
            return pipedrive_error(404, "Unknown method")
        store = company.persons if parts[0] == "persons" else company.organizations
        if parts[1:] == ["search"]:
            term = request.query_params.get("term", "").lower()
            found_field = request.query_params.get("fields", "")
            matched = [
                record
                for record in store.values()
                if any(str(value).lower() == term for value in self._values(record, found_field))
            ]
            items = [
                {"result_score": 1, "item": {"id": r["id"], "name": r["name"]}} for r in matched
            ]
            return JSONResponse({"success": True, "data": {"items": items}})
        if request.method == "POST" and len(parts) == 1:
            if not (body or {}).get("name"):
                return pipedrive_error(400, "Name must be given.")
            record_id = next(self._ids)
            store[record_id] = {"id": record_id, **(body or {})}
            return JSONResponse({"success": True, "data": store[record_id]}, status_code=201)
        if request.method == "PUT" and len(parts) == 2:
            record = store.get(int(parts[1]))
            if record is None:
                return pipedrive_error(404, "Person not found")
            record.update(body or {})
            return JSONResponse({"success": True, "data": record})
        return pipedrive_error(404, "Unknown method")

    @staticmethod
    def _values(record: dict[str, Any], name: str) -> list[Any]:
        value = record.get(name)
        if isinstance(value, list):
            return [item.get("value") for item in value if isinstance(item, dict)]
        return [value]

    @property
    def app(self) -> Starlette:
        """The ASGI app (mounted under /pipedrive)."""
        return Starlette(
            routes=[
                Route("/oauth/authorize", self.authorize, methods=["GET"]),
                Route("/oauth/token", self.token, methods=["POST"]),
                Route("/api/v1/{path:path}", self.api, methods=["GET", "POST", "PUT"]),
            ]
        )


# The stand-ins below share one skeleton: each authorization makes a new tenant (an org,
# workspace or spreadsheet) with its own records; tokens name their tenant; every API call
# is logged, and ``throttle`` answers that many calls with the provider's 429 first.


@dataclass
class Tenant:
    """One connected account of a provider: its records, in the provider's own shapes."""

    id: str
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    throttle: int = 0
    rate_limited: int = 0
    calls: list[tuple[str, str]] = field(default_factory=list)


def form_of(raw: bytes) -> dict[str, str]:
    """A form-encoded body as a flat dict."""
    return {key: values[0] for key, values in parse_qs(raw.decode()).items()}


class OAuthStandIn:
    """An OAuth 2.0 authorization-code server and a bearer-token API for one provider."""

    slug: str = ""
    client_id: str = ""
    client_secret: str = ""
    authorize_path: str = "/oauth/authorize"
    token_path: str = "/oauth/token"
    api_prefix: str = "/api"
    issues_refresh_tokens = True
    expires_in: int | None = 3600

    def __init__(self) -> None:
        self.tenants: dict[str, Tenant] = {}
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (tenant, redirect_uri)
        self.tokens: dict[str, str] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.token_requests: list[dict[str, str]] = []
        self._ids = itertools.count(1)
        self._tenant_ids = itertools.count(1)

    def next_id(self) -> int:
        """A fresh record number."""
        return next(self._ids)

    def new_tenant_id(self) -> str:
        """A fresh tenant id."""
        return f"{self.slug}-{next(self._tenant_ids)}"

    # What differs by provider -------------------------------------------------------------

    def error(self, status: int, message: str) -> Response:
        """The provider's error body."""
        return JSONResponse({"error": message}, status_code=status)

    def oauth_error(self, status: int, error: str, description: str) -> Response:
        """RFC 6749 §5.2 token error (most providers)."""
        return JSONResponse({"error": error, "error_description": description}, status_code=status)

    def token_extras(self, tenant: Tenant) -> dict[str, Any]:
        """Provider fields of a token answer."""
        return {}

    def token_of(self, request: Request) -> str:
        """The access token a call carries."""
        return request.headers.get("authorization", "").removeprefix("Bearer ").strip()

    def throttled(self) -> Response:
        """The provider's 429."""
        return self.error(429, "rate limit exceeded")

    def unauthorized(self) -> Response:
        """The provider's 401."""
        return self.error(401, "invalid token")

    async def route(
        self, tenant: Tenant, request: Request, path: str, body: Any
    ) -> Response:  # pragma: no cover - every stand-in routes
        """Serve one API call."""
        raise NotImplementedError

    # What else the provider puts in the redirect back (Google, Zoho add their own).
    redirect_extras: ClassVar[dict[str, str]] = {}

    def consent(self, redirect_uri: str, code: str, state: str) -> Response:
        """Send the user back with the code (a redirect, for most providers)."""
        query = urlencode({"code": code, "state": state, **self.redirect_extras})
        return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)

    # Shared -------------------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        """The consent screen, consented at once."""
        query = request.query_params
        if query.get("client_id") != self.client_id or not query.get("redirect_uri"):
            return self.oauth_error(400, "invalid_client", "unknown client_id or no redirect_uri")
        if query.get("response_type") != "code":
            return self.oauth_error(400, "unsupported_response_type", "response_type=code")
        tenant = Tenant(id=self.new_tenant_id())
        self.tenants[tenant.id] = tenant
        code = secrets.token_hex(10)
        self.codes[code] = (tenant.id, query["redirect_uri"])
        return self.consent(query["redirect_uri"], code, query.get("state", ""))

    def client_authenticated(self, request: Request, form: dict[str, str]) -> bool:
        """Client credentials in the form body."""
        return (
            form.get("client_id") == self.client_id
            and form.get("client_secret") == self.client_secret
        )

    async def token(self, request: Request) -> Response:
        """Trade a code or a refresh token."""
        form = {**dict(request.query_params), **form_of(await request.body())}
        self.token_requests.append(form)
        if not self.client_authenticated(request, form):
            return self.oauth_error(401, "invalid_client", "client authentication failed")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = self.codes.pop(form.get("code", ""), None)
            if entry is None or entry[1] != form.get("redirect_uri"):
                return self.bad_code()
            tenant_id = entry[0]
        elif grant == "refresh_token" and self.issues_refresh_tokens:
            found = self.refresh_tokens.get(form.get("refresh_token", ""))
            if found is None:
                return self.oauth_error(400, "invalid_grant", "refresh token revoked")
            tenant_id = found
        else:
            return self.oauth_error(400, "unsupported_grant_type", f"grant {grant!r}")
        access = f"{self.slug}-at-{secrets.token_hex(10)}"
        self.tokens[access] = tenant_id
        answer: dict[str, Any] = {"access_token": access, "token_type": "Bearer"}
        if self.expires_in is not None:
            answer["expires_in"] = self.expires_in
        if self.issues_refresh_tokens and grant == "authorization_code":
            refresh = f"{self.slug}-rt-{secrets.token_hex(10)}"
            self.refresh_tokens[refresh] = tenant_id
            answer["refresh_token"] = refresh
        answer.update(self.token_extras(self.tenants[tenant_id]))
        return JSONResponse(answer)

    def bad_code(self) -> Response:
        """A code that was never issued (or was used)."""
        return self.oauth_error(400, "invalid_grant", "invalid authorization code")

    def expire_tokens(self, tenant_id: str) -> None:
        """Revoke every access token of a tenant, as their expiry would."""
        for token in [token for token, owner in self.tokens.items() if owner == tenant_id]:
            del self.tokens[token]

    def revoke_refresh_tokens(self, tenant_id: str) -> None:
        """Forget a tenant's refresh tokens."""
        for token in [t for t, owner in self.refresh_tokens.items() if owner == tenant_id]:
            del self.refresh_tokens[token]

    async def api(self, request: Request) -> Response:
        """Every authenticated API call."""
        tenant = self.tenants.get(self.tokens.get(self.token_of(request), ""))
        if tenant is None:
            return self.unauthorized()
        path = "/" + request.path_params["path"]
        tenant.calls.append((request.method, path))
        if tenant.throttle:
            tenant.throttle -= 1
            tenant.rate_limited += 1
            return self.throttled()
        raw = await request.body()
        body = json.loads(raw) if raw else None
        return await self.route(tenant, request, path, body)

    def routes(self) -> list[Route]:
        """OAuth and API routes."""
        return [
            Route(self.authorize_path, self.authorize, methods=["GET"]),
            Route(self.token_path, self.token, methods=["POST"]),
            Route(
                self.api_prefix + "/{path:path}",
                self.api,
                methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            ),
        ]

    @property
    def app(self) -> Starlette:
        """The ASGI app (mounted under /{slug})."""
        return Starlette(routes=self.routes())

    # What tests read ----------------------------------------------------------------------

    def contact_email(self, record: dict[str, Any]) -> str:
        """A stored contact's (first) email."""
        raise NotImplementedError

    def contact_emails(self, tenant: Tenant) -> list[str]:
        """Every contact's email (duplicates would show twice)."""
        return sorted(self.contact_email(record).lower() for record in tenant.contacts.values())

    def seed_contact(self, tenant: Tenant, email: str) -> str:
        """A contact already in the CRM, named "Old Name"; its id."""
        raise NotImplementedError

    def contact_name(self, record: dict[str, Any]) -> str:
        """A stored contact's display name."""
        raise NotImplementedError

    def company_of(self, record: dict[str, Any]) -> str | None:
        """The company id a stored contact is linked to."""
        raise NotImplementedError

    def list_members(self, tenant: Tenant) -> dict[str, set[str]]:
        """Each list's name and its members (contact ids or emails)."""
        return {entry["name"]: set(entry["members"]) for entry in tenant.lists.values()}

    def name_of(self, tenant: Tenant, remote_id: str) -> str:
        """A contact's display name by its id."""
        return self.contact_name(tenant.contacts[remote_id])

    def company_count(self, tenant: Tenant) -> int:
        """How many companies the account holds."""
        return len(tenant.companies)

    def all_linked(self, tenant: Tenant) -> bool:
        """Whether every contact is linked to a company."""
        return all(self.company_of(record) for record in tenant.contacts.values())


SALESFORCE_CLIENT_ID = "sf-client-standin"
SALESFORCE_CLIENT_SECRET = "sf-secret-standin"
SOQL = re.compile(
    r"SELECT (?P<fields>[\w, ]+) FROM (?P<object>\w+) WHERE (?P<where>.+?)"
    r"(?: LIMIT (?P<limit>\d+))?$"
)
SOQL_CONDITION = re.compile(r"(\w+) (=|LIKE|IN) ('(?:[^'\\]|\\.)*'|\((?:[^)]*)\))")


def soql_string(literal: str) -> str:
    """A SOQL string literal's value."""
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


class SalesforceStandIn(OAuthStandIn):
    """Salesforce: the web server flow at /services/oauth2/*, REST API v60.0 sObjects
    (Contact, Account, Campaign, CampaignMember) and SOQL queries with ``=``, ``LIKE`` and
    ``IN`` conditions joined by AND. Errors are ``[{message, errorCode}]``; the token answer
    names the org's ``instance_url`` and carries no ``expires_in``. Salesforce's documented
    throttle is a 403 ``REQUEST_LIMIT_EXCEEDED``."""

    slug = "salesforce"
    client_id = SALESFORCE_CLIENT_ID
    client_secret = SALESFORCE_CLIENT_SECRET
    authorize_path = "/services/oauth2/authorize"
    token_path = "/services/oauth2/token"
    api_prefix = "/services/data/v60.0"
    expires_in = None
    STANDARD: ClassVar[dict[str, set[str]]] = {
        "Contact": {"Email", "FirstName", "LastName", "Title", "Phone", "AccountId"},
        "Account": {"Name", "Website", "BillingCity", "BillingCountry"},
        "Campaign": {"Name", "IsActive"},
        "CampaignMember": {"CampaignId", "ContactId"},
    }
    REQUIRED: ClassVar[dict[str, str]] = {
        "Contact": "LastName",
        "Account": "Name",
        "Campaign": "Name",
    }

    def __init__(self) -> None:
        super().__init__()
        self.member_rows: dict[str, dict[str, dict[str, Any]]] = {}  # tenant -> CampaignMember

    def error(self, status: int, message: str, code: str = "INVALID_FIELD") -> Response:
        """Salesforce's error list."""
        return JSONResponse([{"message": message, "errorCode": code}], status_code=status)

    def unauthorized(self) -> Response:
        """An expired or revoked session."""
        return self.error(401, "Session expired or invalid", "INVALID_SESSION_ID")

    def throttled(self) -> Response:
        """The org's API request limit."""
        return self.error(403, "TotalRequests Limit exceeded.", "REQUEST_LIMIT_EXCEEDED")

    def bad_code(self) -> Response:
        """Salesforce's refusal of a code."""
        return self.oauth_error(400, "invalid_grant", "expired authorization code")

    def token_extras(self, tenant: Tenant) -> dict[str, Any]:
        """instance_url, the identity URL, issued_at and signature."""
        return {
            "instance_url": f"https://{tenant.id}.my.salesforce.com",
            "id": f"https://login.salesforce.com/id/00D{tenant.id}/005{tenant.id}",
            "issued_at": "1764700000000",
            "signature": "c3RhbmRpbg==",
            "scope": "api refresh_token",
        }

    def _table(self, tenant: Tenant, sobject: str) -> dict[str, dict[str, Any]]:
        if sobject == "Contact":
            return tenant.contacts
        if sobject == "Account":
            return tenant.companies
        if sobject == "Campaign":
            return tenant.lists
        return self.member_rows.setdefault(tenant.id, {})

    def _query(self, tenant: Tenant, soql: str) -> Response:
        parsed = SOQL.match(soql.strip())
        if parsed is None:
            return self.error(400, f"unexpected token: {soql[:60]}", "MALFORMED_QUERY")
        table = self._table(tenant, parsed["object"])
        conditions = SOQL_CONDITION.findall(parsed["where"])
        if len(conditions) != parsed["where"].count(" AND ") + 1:
            return self.error(400, f"unexpected condition: {parsed['where']}", "MALFORMED_QUERY")

        def holds(row: dict[str, Any], name: str, operator: str, literal: str) -> bool:
            value = str(row.get(name) or "")
            if operator == "IN":
                return value in [soql_string(item.strip()) for item in literal[1:-1].split(",")]
            wanted = soql_string(literal)
            if operator == "=":
                return value.lower() == wanted.lower()
            pattern = re.escape(wanted.lower()).replace("%", ".*").replace("_", ".")
            return re.fullmatch(pattern, value.lower()) is not None

        rows = [row for row in table.values() if all(holds(row, *c) for c in conditions)]
        limit = int(parsed["limit"]) if parsed["limit"] else len(rows)
        fields = [name.strip() for name in parsed["fields"].split(",")]
        records = [
            {
                "attributes": {"type": parsed["object"]},
                **{name: row.get(name) for name in fields},
            }
            for row in rows[:limit]
        ]
        return JSONResponse({"totalSize": len(records), "done": True, "records": records})

    async def route(self, tenant: Tenant, request: Request, path: str, body: Any) -> Response:
        """/query and /sobjects."""
        parts = path.strip("/").split("/")
        if parts == ["query"] and request.method == "GET":
            return self._query(tenant, request.query_params.get("q", ""))
        if parts[0] != "sobjects" or len(parts) < 2 or parts[1] not in self.STANDARD:
            return self.error(404, "The requested resource does not exist", "NOT_FOUND")
        sobject = parts[1]
        table = self._table(tenant, sobject)
        fields = dict(body or {})
        unknown = [name for name in fields if name not in self.STANDARD[sobject]]
        if unknown and not all(name.endswith("__c") for name in unknown):
            bad = next(name for name in unknown if not name.endswith("__c"))
            return self.error(400, f"No such column '{bad}' on sobject of type {sobject}")
        if request.method == "POST" and len(parts) == 2:
            required = self.REQUIRED.get(sobject)
            if required and not fields.get(required):
                return self.error(
                    400, f"Required fields are missing: [{required}]", "REQUIRED_FIELD_MISSING"
                )
            if sobject == "CampaignMember" and any(
                row["CampaignId"] == fields.get("CampaignId")
                and row["ContactId"] == fields.get("ContactId")
                for row in table.values()
            ):
                return self.error(400, "Already a campaign member.", "DUPLICATE_VALUE")
            prefix = {"Contact": "003", "Account": "001", "Campaign": "701"}.get(sobject, "00v")
            record_id = f"{prefix}{self.next_id():015d}"
            table[record_id] = {"Id": record_id, **fields}
            if sobject == "CampaignMember":
                tenant.lists[fields["CampaignId"]]["members"].append(fields["ContactId"])
            if sobject == "Campaign":
                table[record_id]["members"] = []
            return JSONResponse({"id": record_id, "success": True, "errors": []}, 201)
        if request.method == "PATCH" and len(parts) == 3:
            record = table.get(parts[2])
            if record is None:
                return self.error(404, "The requested resource does not exist", "NOT_FOUND")
            record.update(fields)
            return Response(status_code=204)
        return self.error(405, "HTTP Method not allowed", "METHOD_NOT_ALLOWED")

    def contact_email(self, record: dict[str, Any]) -> str:
        """Contact.Email."""
        return str(record.get("Email") or "")

    def seed_contact(self, tenant: Tenant, email: str) -> str:
        """A Contact named Old Name."""
        record_id = f"003{self.next_id():015d}"
        tenant.contacts[record_id] = {"Id": record_id, "Email": email, "LastName": "Old Name"}
        return record_id

    def contact_name(self, record: dict[str, Any]) -> str:
        """First and last name."""
        return " ".join(str(record.get(k)) for k in ("FirstName", "LastName") if record.get(k))

    def company_of(self, record: dict[str, Any]) -> str | None:
        """Contact.AccountId."""
        return record.get("AccountId")

    def list_members(self, tenant: Tenant) -> dict[str, set[str]]:
        """Campaigns and their member contacts."""
        return {row["Name"]: set(row["members"]) for row in tenant.lists.values()}


ZOHO_CLIENT_ID = "zoho-client-standin"
ZOHO_CLIENT_SECRET = "zoho-secret-standin"
ZOHO_CRITERIA = re.compile(r"^\((\w+):equals:((?:[^\\)]|\\.)*)\)$")


class ZohoStandIn(OAuthStandIn):
    """Zoho CRM: accounts server at /oauth/v2/* (a refused code is a 200 with ``error``),
    API v6 at /crm/v6 with ``Zoho-oauthtoken`` auth: Contacts and Accounts (insert, update,
    search by email or ``criteria``; 204 when nothing matches), Campaigns and their Contacts
    related list. Record results are ``{data: [{code, details, message, status}]}``."""

    slug = "zoho"
    client_id = ZOHO_CLIENT_ID
    client_secret = ZOHO_CLIENT_SECRET
    authorize_path = "/oauth/v2/auth"
    token_path = "/oauth/v2/token"
    api_prefix = "/crm/v6"
    MODULES = ("Contacts", "Accounts", "Campaigns")
    redirect_extras: ClassVar[dict[str, str]] = {
        "location": "us",
        "accounts-server": "https://accounts.zoho.com",
    }

    def error(self, status: int, message: str, code: str = "INVALID_DATA") -> Response:
        """Zoho's error body."""
        return JSONResponse(
            {"code": code, "details": {}, "message": message, "status": "error"},
            status_code=status,
        )

    def unauthorized(self) -> Response:
        """An invalid or expired token."""
        return self.error(401, "invalid oauth token", "INVALID_TOKEN")

    def throttled(self) -> Response:
        """Too many requests."""
        return self.error(429, "too many requests", "TOO_MANY_REQUESTS")

    def oauth_error(self, status: int, error: str, description: str) -> Response:
        """Zoho's accounts server answers refusals with 200 and ``error``."""
        return JSONResponse({"error": error}, status_code=200)

    def bad_code(self) -> Response:
        """A code never issued."""
        return self.oauth_error(200, "invalid_code", "")

    def token_of(self, request: Request) -> str:
        """``Authorization: Zoho-oauthtoken …``."""
        return request.headers.get("authorization", "").removeprefix("Zoho-oauthtoken ").strip()

    def token_extras(self, tenant: Tenant) -> dict[str, Any]:
        """api_domain and scope."""
        return {"api_domain": "https://www.zohoapis.com", "scope": "ZohoCRM.modules.ALL"}

    def _module(self, tenant: Tenant, name: str) -> dict[str, dict[str, Any]]:
        return {"Contacts": tenant.contacts, "Accounts": tenant.companies}.get(name, tenant.lists)

    @staticmethod
    def _result(record_id: str, message: str, status: int) -> Response:
        return JSONResponse(
            {
                "data": [
                    {
                        "code": "SUCCESS",
                        "details": {"id": record_id},
                        "message": message,
                        "status": "success",
                    }
                ]
            },
            status_code=status,
        )

    @staticmethod
    def _refused(code: str, message: str, field_name: str) -> Response:
        return JSONResponse(
            {
                "data": [
                    {
                        "code": code,
                        "details": {"api_name": field_name},
                        "message": message,
                        "status": "error",
                    }
                ]
            },
            status_code=400,
        )

    async def route(self, tenant: Tenant, request: Request, path: str, body: Any) -> Response:
        """Modules, search and the Campaigns→Contacts related list."""
        parts = path.strip("/").split("/")
        if parts[0] not in self.MODULES:
            return self.error(400, "the module name given seems to be invalid", "INVALID_MODULE")
        table = self._module(tenant, parts[0])
        if request.method == "GET" and parts[1:] == ["search"]:
            query = request.query_params
            if "email" in query:
                wanted, name = query["email"].lower(), "Email"
            else:
                match = ZOHO_CRITERIA.match(query.get("criteria", ""))
                if match is None:
                    return self.error(400, "invalid query formed", "INVALID_QUERY")
                name, wanted = match[1], re.sub(r"\\(.)", r"\1", match[2]).lower()
            found = [r for r in table.values() if str(r.get(name) or "").lower() == wanted]
            if not found:
                return Response(status_code=204)
            return JSONResponse({"data": found, "info": {"count": len(found)}})
        rows = (body or {}).get("data") if isinstance(body, dict) else None
        if request.method in ("POST", "PUT") and not isinstance(rows, list):
            return self.error(400, "body is not in the expected format", "INVALID_DATA")
        assert rows is not None or request.method not in ("POST", "PUT")
        if request.method == "POST" and len(parts) == 1:
            fields = dict(rows[0])  # type: ignore[index]
            mandatory = {"Contacts": "Last_Name", "Accounts": "Account_Name"}.get(
                parts[0], "Campaign_Name"
            )
            if not fields.get(mandatory):
                return self._refused("MANDATORY_NOT_FOUND", "required field not found", mandatory)
            record_id = str(5725767000000000000 + self.next_id())
            table[record_id] = {"id": record_id, **fields}
            if parts[0] == "Campaigns":
                table[record_id].update(name=fields["Campaign_Name"], members=[])
            return self._result(record_id, "record added", 201)
        if request.method == "PUT" and len(parts) == 2:
            record = table.get(parts[1])
            if record is None:
                return self._refused("INVALID_DATA", "the id given seems to be invalid", "id")
            record.update(rows[0])  # type: ignore[index]
            return self._result(parts[1], "record updated", 200)
        if request.method == "PUT" and len(parts) == 3 and parts[0] == "Campaigns":
            campaign = tenant.lists.get(parts[1])
            if campaign is None or parts[2] != "Contacts":
                return self.error(400, "the related id given seems to be invalid")
            for row in rows or []:
                if row["id"] in tenant.contacts and row["id"] not in campaign["members"]:
                    campaign["members"].append(row["id"])
            return self._result(parts[1], "relation updated", 200)
        return self.error(400, "the request method is not supported", "INVALID_REQUEST_METHOD")

    def contact_email(self, record: dict[str, Any]) -> str:
        """Email."""
        return str(record.get("Email") or "")

    def seed_contact(self, tenant: Tenant, email: str) -> str:
        """A contact named Old Name."""
        record_id = str(5725767000000000000 + self.next_id())
        tenant.contacts[record_id] = {"id": record_id, "Email": email, "Last_Name": "Old Name"}
        return record_id

    def contact_name(self, record: dict[str, Any]) -> str:
        """First and last name."""
        return " ".join(str(record.get(k)) for k in ("First_Name", "Last_Name") if record.get(k))

    def company_of(self, record: dict[str, Any]) -> str | None:
        """The Account_Name lookup."""
        lookup = record.get("Account_Name")
        return lookup.get("id") if isinstance(lookup, dict) else None


ATTIO_CLIENT_ID = "attio-client-standin"
ATTIO_CLIENT_SECRET = "attio-secret-standin"


class AttioStandIn(OAuthStandIn):
    """Attio: /authorize and /oauth/token (workspace tokens without expiry or refresh),
    REST v2 at /v2: /self, people and companies records (create, PATCH, query with an
    attribute filter; a second person with the same email is a uniqueness conflict), lists
    and their entries (PUT asserts one entry per parent record). A 429 carries Retry-After
    as an HTTP date, as Attio documents."""

    slug = "attio"
    client_id = ATTIO_CLIENT_ID
    client_secret = ATTIO_CLIENT_SECRET
    authorize_path = "/authorize"
    api_prefix = "/v2"
    issues_refresh_tokens = False
    expires_in = None

    def error(self, status: int, message: str, code: str = "validation_type") -> Response:
        """Attio's error body."""
        kind = "auth_error" if status == 401 else "invalid_request_error"
        return JSONResponse(
            {"status_code": status, "type": kind, "code": code, "message": message},
            status_code=status,
        )

    def throttled(self) -> Response:
        """429 with Retry-After: the next clock second."""
        response = self.error(
            429, "Rate limit exceeded, please try again later", "rate_limit_exceeded"
        )
        when = datetime.now(UTC) + timedelta(seconds=1)
        response.headers["Retry-After"] = format_datetime(when, usegmt=True)
        return response

    def _table(self, tenant: Tenant, name: str) -> dict[str, dict[str, Any]] | None:
        return {"people": tenant.contacts, "companies": tenant.companies}.get(name)

    def _record(self, tenant: Tenant, name: str, record_id: str) -> dict[str, Any]:
        record = (self._table(tenant, name) or {})[record_id]
        return {
            "id": {"workspace_id": tenant.id, "object_id": name, "record_id": record_id},
            "created_at": "2026-01-01T00:00:00.000000000Z",
            "web_url": f"https://app.attio.com/{tenant.id}/{name}/{record_id}",
            "values": record["values"],
        }

    @staticmethod
    def _unique(name: str) -> str:
        return "email_addresses" if name == "people" else "domains"

    async def route(self, tenant: Tenant, request: Request, path: str, body: Any) -> Response:
        """/self, /objects/{people|companies}/records…, /lists, /lists/{id}/entries."""
        parts = path.strip("/").split("/")
        if parts == ["self"]:
            return JSONResponse(
                {"active": True, "workspace_id": tenant.id, "workspace_slug": tenant.id}
            )
        if parts[0] == "objects" and len(parts) >= 3 and parts[2] == "records":
            table = self._table(tenant, parts[1])
            if table is None:
                return self.error(404, f'Object with slug/ID "{parts[1]}" not found.', "not_found")
            return self._records(tenant, request.method, parts[1], table, parts[3:], body)
        if parts == ["lists"] and request.method == "POST":
            data = (body or {}).get("data") or {}
            if not data.get("name") or not data.get("api_slug") or not data.get("parent_object"):
                return self.error(400, "name, api_slug and parent_object are required")
            if any(entry["api_slug"] == data["api_slug"] for entry in tenant.lists.values()):
                return self.error(
                    400, f'Slug "{data["api_slug"]}" already in use.', "slug_conflict"
                )
            list_id = str(uuid.uuid4())
            tenant.lists[list_id] = {**data, "members": []}
            return JSONResponse(
                {
                    "data": {
                        "id": {"workspace_id": tenant.id, "list_id": list_id},
                        "api_slug": data["api_slug"],
                        "name": data["name"],
                        "parent_object": [data["parent_object"]],
                    }
                }
            )
        if parts[0] == "lists" and parts[2:] == ["entries"] and request.method == "PUT":
            found = tenant.lists.get(parts[1])
            data = (body or {}).get("data") or {}
            if found is None:
                return self.error(404, f'List with slug/ID "{parts[1]}" not found.', "not_found")
            if data.get("parent_record_id") not in tenant.contacts:
                return self.error(400, "Parent record not found.", "not_found")
            if data["parent_record_id"] not in found["members"]:
                found["members"].append(data["parent_record_id"])
            return JSONResponse({"data": {"parent_record_id": data["parent_record_id"]}})
        return self.error(404, f"No route for {request.method} {path}", "not_found")

    def _records(
        self,
        tenant: Tenant,
        method: str,
        name: str,
        table: dict[str, dict[str, Any]],
        rest: list[str],
        body: Any,
    ) -> Response:
        unique = self._unique(name)
        if method == "POST" and rest == ["query"]:
            conditions = (body or {}).get("filter") or {}
            matched = [
                record_id
                for record_id, record in table.items()
                if all(
                    str(value).lower()
                    in [str(item).lower() for item in record["values"].get(attribute) or []]
                    for attribute, value in conditions.items()
                )
            ]
            limit = int((body or {}).get("limit") or 500)
            return JSONResponse(
                {"data": [self._record(tenant, name, rid) for rid in matched[:limit]]}
            )
        values = dict(((body or {}).get("data") or {}).get("values") or {})
        if method == "POST" and not rest:
            taken = {
                str(item).lower()
                for record in table.values()
                for item in record["values"].get(unique) or []
            }
            clash = [str(item) for item in values.get(unique) or [] if str(item).lower() in taken]
            if clash:
                return self.error(
                    400,
                    f'Uniqueness conflict: a record with {unique} "{clash[0]}" already exists.',
                    "uniqueness_conflict",
                )
            record_id = str(uuid.uuid4())
            table[record_id] = {"values": values}
            return JSONResponse({"data": self._record(tenant, name, record_id)})
        if method == "PATCH" and len(rest) == 1:
            record = table.get(rest[0])
            if record is None:
                return self.error(404, f'Record with ID "{rest[0]}" not found.', "not_found")
            for attribute, value in values.items():
                if attribute == unique:  # multiselect values are prepended, as documented
                    record["values"][attribute] = [*value, *record["values"].get(attribute, [])]
                else:
                    record["values"][attribute] = value
            return JSONResponse({"data": self._record(tenant, name, rest[0])})
        return self.error(404, "Unsupported record call", "not_found")

    def contact_email(self, record: dict[str, Any]) -> str:
        """The first of email_addresses."""
        return str((record["values"].get("email_addresses") or [""])[0])

    def contact_emails(self, tenant: Tenant) -> list[str]:
        """Every email of every person (a prepended duplicate would show)."""
        return sorted(
            str(email).lower()
            for record in tenant.contacts.values()
            for email in record["values"].get("email_addresses") or []
        )

    def seed_contact(self, tenant: Tenant, email: str) -> str:
        """A person named Old Name."""
        record_id = str(uuid.uuid4())
        tenant.contacts[record_id] = {
            "values": {"email_addresses": [email], "name": [{"full_name": "Old Name"}]}
        }
        return record_id

    def contact_name(self, record: dict[str, Any]) -> str:
        """name[0].full_name."""
        return str((record["values"].get("name") or [{}])[0].get("full_name") or "")

    def company_of(self, record: dict[str, Any]) -> str | None:
        """The company reference."""
        reference = record["values"].get("company") or []
        return reference[0].get("target_record_id") if reference else None


class LabelledEmails:
    """Contacts that hold ``emails: [{email, …}]`` and a ``name`` (Close, Copper)."""

    @staticmethod
    def addresses(record: dict[str, Any]) -> list[str]:
        """A record's email addresses, lower-cased."""
        return [str(item["email"]).lower() for item in record.get("emails") or []]

    def contact_email(self, record: dict[str, Any]) -> str:
        """The first address."""
        return (self.addresses(record) or [""])[0]

    def contact_emails(self, tenant: Tenant) -> list[str]:
        """Every address of every contact."""
        return sorted(email for r in tenant.contacts.values() for email in self.addresses(r))

    def contact_name(self, record: dict[str, Any]) -> str:
        """name."""
        return str(record.get("name") or "")


CLOSE_CLIENT_ID = "close-client-standin"
CLOSE_CLIENT_SECRET = "close-secret-standin"


class CloseStandIn(LabelledEmails, OAuthStandIn):
    """Close: /oauth2/authorize/ and /oauth2/token/ (an answer naming user_id and
    organization_id), API v1 at /api/v1: leads, contacts (a contact without lead_id gets a
    new lead of its own), and the advanced filtering search at /data/search/ for the two
    shapes this product sends. A 429 names its wait in ``error.rate_reset``."""

    slug = "close"
    client_id = CLOSE_CLIENT_ID
    client_secret = CLOSE_CLIENT_SECRET
    authorize_path = "/oauth2/authorize/"
    token_path = "/oauth2/token/"
    api_prefix = "/api/v1"

    def error(self, status: int, message: str) -> Response:
        """Close's error body."""
        return JSONResponse({"error": message}, status_code=status)

    def throttled(self) -> Response:
        """The documented 429 body."""
        response = JSONResponse(
            {
                "error": {
                    "rate_reset": 0.5,
                    "message": "API call count exceeded for this period",
                    "rate_limit": 40,
                    "rate_window": 1.0,
                }
            },
            status_code=429,
        )
        response.headers["RateLimit"] = "limit=40, remaining=0, reset=1"
        return response

    def token_extras(self, tenant: Tenant) -> dict[str, Any]:
        """Who granted access, and to which organization."""
        return {
            "scope": "all.full_access offline_access",
            "user_id": f"user_{tenant.id}",
            "organization_id": f"orga_{tenant.id}",
        }

    @staticmethod
    def _exact(condition: dict[str, Any]) -> str | None:
        """The value of an exact_value text condition (the only mode matched here)."""
        inner = condition.get("condition") or {}
        if inner.get("type") != "text" or inner.get("mode") != "exact_value":
            return None
        return str(inner.get("value") or "").lower()

    def _search(self, tenant: Tenant, query: dict[str, Any]) -> Response:
        parts = query.get("queries") or []
        kinds = [q.get("object_type") for q in parts if q.get("type") == "object_type"]
        if query.get("type") != "and" or len(kinds) != 1:
            return self.error(400, "query must be an and of one object_type and conditions")
        found: list[dict[str, Any]] = []
        if kinds[0] == "contact":
            related = [q for q in parts if q.get("type") == "has_related"]
            condition = related[0]["related_query"] if related else {}
            field_spec = condition.get("field") or {}
            wanted = self._exact(condition)
            if (
                field_spec
                != {
                    "type": "regular_field",
                    "object_type": "contact_email",
                    "field_name": "email",
                }
                or wanted is None
            ):
                return self.error(400, "unsupported contact condition")
            found = [
                {"__object_type": "contact", "id": rid}
                for rid, r in tenant.contacts.items()
                if wanted in self.addresses(r)
            ]
        elif kinds[0] == "lead":
            fields = [q for q in parts if q.get("type") == "field_condition"]
            wanted = (self._exact(fields[0]) if fields else None) or ""
            found = [
                {"__object_type": "lead", "id": rid}
                for rid, r in tenant.companies.items()
                if str(r.get("url") or "").lower() == wanted
            ]
        return JSONResponse({"data": found, "cursor": None})

    async def route(self, tenant: Tenant, request: Request, path: str, body: Any) -> Response:
        """/data/search/, /lead/, /contact/."""
        parts = [part for part in path.strip("/").split("/") if part]
        if parts == ["data", "search"] and request.method == "POST":
            return self._search(tenant, (body or {}).get("query") or {})
        if not parts or parts[0] not in ("lead", "contact"):
            return self.error(404, "Not found.")
        table = tenant.contacts if parts[0] == "contact" else tenant.companies
        fields = dict(body or {})
        if request.method == "POST" and len(parts) == 1:
            if parts[0] == "contact":
                lead_id = fields.get("lead_id")
                if lead_id and lead_id not in tenant.companies:
                    return JSONResponse(
                        {"errors": [], "field-errors": {"lead_id": "Object does not exist."}},
                        status_code=400,
                    )
                if not lead_id:  # Close files a lone contact under a new lead of its own
                    lead_id = f"lead_{self.next_id()}"
                    tenant.companies[lead_id] = {"id": lead_id, "name": fields.get("name")}
                fields["lead_id"] = lead_id
            record_id = f"{'cont' if parts[0] == 'contact' else 'lead'}_{self.next_id()}"
            table[record_id] = {"id": record_id, **fields}
            return JSONResponse(table[record_id])
        if request.method == "PUT" and len(parts) == 2:
            record = table.get(parts[1])
            if record is None:
                return self.error(404, "Empty query: matching query does not exist.")
            record.update(fields)
            return JSONResponse(record)
        return self.error(405, "Method not allowed.")

    def seed_contact(self, tenant: Tenant, email: str) -> str:
        """A contact named Old Name on a lead of its own."""
        lead_id = f"lead_{self.next_id()}"
        tenant.companies[lead_id] = {"id": lead_id, "name": "Old Lead"}
        record_id = f"cont_{self.next_id()}"
        tenant.contacts[record_id] = {
            "id": record_id,
            "lead_id": lead_id,
            "name": "Old Name",
            "emails": [{"email": email, "type": "office"}],
        }
        return record_id

    def company_of(self, record: dict[str, Any]) -> str | None:
        """lead_id."""
        return record.get("lead_id")


COPPER_CLIENT_ID = "copper-client-standin"
COPPER_CLIENT_SECRET = "copper-secret-standin"
CONSENT_FIELD = re.compile(r'name="(\w+)" value="([^"]*)"')


class CopperStandIn(LabelledEmails, OAuthStandIn):
    """Copper: /oauth/authorize sends the user back with a form POST (code and state in
    the body), /oauth/token answers tokens without expiry or refresh; Developer API v1 at
    /developer_api/v1 needs ``X-PW-Application: developer_api``: /account, people
    (fetch_by_email answers 404 when none; an email already taken is a 422), companies and
    their name search. Errors are ``{success: false, status, message}``."""

    slug = "copper"
    client_id = COPPER_CLIENT_ID
    client_secret = COPPER_CLIENT_SECRET
    api_prefix = "/developer_api/v1"
    issues_refresh_tokens = False
    expires_in = None

    def error(self, status: int, message: str) -> Response:
        """Copper's error body."""
        return JSONResponse(
            {"success": False, "status": status, "message": message}, status_code=status
        )

    def consent(self, redirect_uri: str, code: str, state: str) -> Response:
        """A page whose form posts the code to the redirect URI."""
        page = (
            f'<form method="post" action="{redirect_uri}">'
            f'<input type="hidden" name="code" value="{code}">'
            f'<input type="hidden" name="state" value="{state}"></form>'
        )
        return Response(page, media_type="text/html")

    def token_extras(self, tenant: Tenant) -> dict[str, Any]:
        """The scope granted."""
        return {"scope": "developer/v1/all"}

    async def api(self, request: Request) -> Response:
        """Every call must name the developer API application."""
        if request.headers.get("x-pw-application") != "developer_api":
            return self.error(401, "Invalid application")
        return await super().api(request)

    async def route(self, tenant: Tenant, request: Request, path: str, body: Any) -> Response:
        """/account, /people…, /companies…."""
        parts = path.strip("/").split("/")
        method = request.method
        if parts == ["account"]:
            return JSONResponse({"id": int(tenant.id.rsplit("-", 1)[1]), "name": tenant.id})
        if parts[0] not in ("people", "companies"):
            return self.error(404, "Resource not found")
        table = tenant.contacts if parts[0] == "people" else tenant.companies
        fields = dict(body or {})
        if parts[1:] == ["fetch_by_email"] and method == "POST":
            wanted = str(fields.get("email") or "").lower()
            for record in table.values():
                if wanted in self.addresses(record):
                    return JSONResponse(record)
            return self.error(404, "Resource not found")
        if parts[1:] == ["search"] and method == "POST":
            wanted = str(fields.get("name") or "").lower()
            rows = [r for r in table.values() if wanted in str(r.get("name") or "").lower()]
            return JSONResponse(rows[: int(fields.get("page_size") or 20)])
        if method == "POST" and len(parts) == 1:
            if not fields.get("name"):
                return self.error(422, "Validation Error: Name can't be blank")
            taken = {email for r in table.values() for email in self.addresses(r)}
            if any(email in taken for email in self.addresses(fields)):
                return self.error(422, "Validation Error: Email is already taken")
            record_id = 60000000 + self.next_id()
            table[str(record_id)] = {"id": record_id, "tags": [], **fields}
            return JSONResponse(table[str(record_id)])
        found = table.get(parts[1]) if len(parts) == 2 else None
        if found is None:
            return self.error(404, "Resource not found")
        record = found
        if method == "GET":
            return JSONResponse(record)
        if method == "PUT":
            record.update(fields)
            return JSONResponse(record)
        return self.error(405, "Method not allowed")

    def seed_contact(self, tenant: Tenant, email: str) -> str:
        """A person named Old Name."""
        record_id = 60000000 + self.next_id()
        tenant.contacts[str(record_id)] = {
            "id": record_id,
            "name": "Old Name",
            "tags": [],
            "emails": [{"email": email, "category": "work"}],
        }
        return str(record_id)

    def company_of(self, record: dict[str, Any]) -> str | None:
        """company_id."""
        company = record.get("company_id")
        return str(company) if company is not None else None

    def list_members(self, tenant: Tenant) -> dict[str, set[str]]:
        """Tags and the people carrying them."""
        members: dict[str, set[str]] = {}
        for record_id, record in tenant.contacts.items():
            for tag in record.get("tags") or []:
                members.setdefault(tag, set()).add(record_id)
        return members


GOOGLE_CLIENT_ID = "google-client-standin.apps.googleusercontent.com"
GOOGLE_CLIENT_SECRET = "google-secret-standin"
A1_RANGE = re.compile(
    r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^!]+))!"
    r"(?P<c1>[A-Z]*)(?P<r1>\d*)(?::(?P<c2>[A-Z]*)(?P<r2>\d*))?$"
)


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letters(index: int) -> str:
    """0 → A."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class GoogleSheetsStandIn(OAuthStandIn):
    """Google: /o/oauth2/v2/auth and /token (a refresh token only with
    ``access_type=offline``), Sheets API v4 at /v4: spreadsheets.create, get (sheet
    properties), batchUpdate addSheet (a taken title is a 400), values get, update and
    append in A1 notation. Errors are ``{error: {code, message, status}}``; a 429 is
    RESOURCE_EXHAUSTED with no Retry-After. Each tenant is one user's Drive."""

    slug = "google_sheets"
    client_id = GOOGLE_CLIENT_ID
    client_secret = GOOGLE_CLIENT_SECRET
    authorize_path = "/o/oauth2/v2/auth"
    token_path = "/token"
    api_prefix = "/v4"
    expires_in = 3599
    redirect_extras: ClassVar[dict[str, str]] = {
        "scope": "https://www.googleapis.com/auth/drive.file",
        "authuser": "0",
        "prompt": "consent",
    }

    def __init__(self) -> None:
        super().__init__()
        self.offline: set[str] = set()
        # spreadsheet id -> {title: {"sheetId": int, "rows": [[str]]}}
        self.spreadsheets: dict[str, dict[str, dict[str, Any]]] = {}
        self.owner: dict[str, str] = {}  # spreadsheet -> tenant

    def error(self, status: int, message: str) -> Response:
        """Google's error body."""
        names = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND"}
        return JSONResponse(
            {
                "error": {
                    "code": status,
                    "message": message,
                    "status": names.get(status, "RESOURCE_EXHAUSTED"),
                }
            },
            status_code=status,
        )

    def unauthorized(self) -> Response:
        """Invalid credentials."""
        return self.error(401, "Request had invalid authentication credentials.")

    def throttled(self) -> Response:
        """Quota exceeded."""
        return self.error(429, "Quota exceeded for quota metric 'Write requests'.")

    def bad_code(self) -> Response:
        """Google's refusal of a code."""
        return self.oauth_error(400, "invalid_grant", "Malformed auth code.")

    async def authorize(self, request: Request) -> Response:
        """Remember which consents asked for offline access."""
        if request.query_params.get("access_type") != "offline":
            return await super().authorize(request)
        response = await super().authorize(request)
        location = response.headers.get("location", "")
        code = parse_qs(location.partition("?")[2]).get("code", [""])[0]
        self.offline.add(code)
        return response

    async def token(self, request: Request) -> Response:
        """Without offline access the answer has no refresh token."""
        form = form_of(await request.body())
        offline = form.get("code") in self.offline
        response = await super().token(request)
        if form.get("grant_type") == "authorization_code" and not offline:
            answer = json.loads(bytes(response.body))
            answer.pop("refresh_token", None)
            return JSONResponse(answer, status_code=response.status_code)
        return response

    def sheets(self, tenant: Tenant) -> dict[str, dict[str, Any]]:
        """The tenant's spreadsheet (the one the connection made)."""
        [spreadsheet] = [s for s, owner in self.owner.items() if owner == tenant.id]
        return self.spreadsheets[spreadsheet]

    def rows(self, tenant: Tenant, title: str) -> list[list[str]]:
        """A sheet's rows."""
        return self.sheets(tenant)[title]["rows"]

    async def route(self, tenant: Tenant, request: Request, path: str, body: Any) -> Response:
        """spreadsheets, :batchUpdate, values…."""
        rest = path.removeprefix("/spreadsheets").lstrip("/")
        if not rest and request.method == "POST":
            spreadsheet = f"1{secrets.token_hex(21)}"
            self.owner[spreadsheet] = tenant.id
            titles = [s["properties"]["title"] for s in (body or {}).get("sheets") or []]
            self.spreadsheets[spreadsheet] = {
                title: {"sheetId": index, "rows": []} for index, title in enumerate(titles)
            }
            return JSONResponse({"spreadsheetId": spreadsheet, **self._shape(spreadsheet)})
        spreadsheet, _, tail = rest.partition("/")
        action = ""
        if ":" in spreadsheet:
            spreadsheet, _, action = spreadsheet.partition(":")
        if self.owner.get(spreadsheet) != tenant.id:
            return self.error(404, "Requested entity was not found.")
        sheets = self.spreadsheets[spreadsheet]
        if not tail and request.method == "GET":
            return JSONResponse(self._shape(spreadsheet))
        if action == "batchUpdate" and request.method == "POST":
            replies = []
            for index, item in enumerate((body or {}).get("requests") or []):
                title = item["addSheet"]["properties"]["title"]
                if title in sheets:
                    return self.error(
                        400,
                        f'Invalid requests[{index}].addSheet: A sheet with the name "{title}" '
                        "already exists. Please enter another name.",
                    )
                sheet_id = 100000 + self.next_id()
                sheets[title] = {"sheetId": sheet_id, "rows": []}
                replies.append({"addSheet": {"properties": {"sheetId": sheet_id, "title": title}}})
            return JSONResponse({"spreadsheetId": spreadsheet, "replies": replies})
        if not tail.startswith("values/"):
            return self.error(404, "Requested entity was not found.")
        cells = tail.removeprefix("values/")
        append = cells.endswith(":append")
        parsed = A1_RANGE.match(cells.removesuffix(":append"))
        if parsed is None:
            return self.error(400, f"Unable to parse range: {cells}")
        title = (parsed["quoted"] or "").replace("''", "'") or parsed["bare"]
        if title not in sheets:
            return self.error(400, f"Unable to parse range: {cells}")
        rows: list[list[str]] = sheets[title]["rows"]
        first_row = int(parsed["r1"]) if parsed["r1"] else 1
        first_col = column_index(parsed["c1"]) if parsed["c1"] else 0
        if request.method == "GET":
            if parsed["c2"] is None and parsed["r2"] is None:  # one cell
                last_row, last_col = first_row, first_col
            else:
                last_row = int(parsed["r2"]) if parsed["r2"] else len(rows)
                last_col = column_index(parsed["c2"]) if parsed["c2"] else 10**6
            picked = [row[first_col : last_col + 1] for row in rows[first_row - 1 : last_row]]
            while picked and not any(picked[-1]):
                picked.pop()
            answer: dict[str, Any] = {"range": cells, "majorDimension": "ROWS"}
            if picked:
                answer["values"] = picked
            return JSONResponse(answer)
        if request.query_params.get("valueInputOption") not in ("RAW", "USER_ENTERED"):
            return self.error(400, "valueInputOption is required")
        values = [[str(cell) for cell in row] for row in (body or {}).get("values") or []]
        if append:
            first_row = len(rows) + 1
        for offset, row in enumerate(values):
            index = first_row - 1 + offset
            while len(rows) <= index:
                rows.append([])
            current = rows[index]
            current.extend([""] * max(0, first_col + len(row) - len(current)))
            current[first_col : first_col + len(row)] = row
        width = max((len(row) for row in values), default=1)
        written = (
            f"{title}!{column_letters(first_col)}{first_row}:"
            f"{column_letters(first_col + width - 1)}{first_row + len(values) - 1}"
        )
        update = {"spreadsheetId": spreadsheet, "updatedRange": written, "updatedRows": len(values)}
        if append:
            return JSONResponse({"spreadsheetId": spreadsheet, "updates": update})
        return JSONResponse(update)

    def _shape(self, spreadsheet: str) -> dict[str, Any]:
        return {
            "properties": {"title": "Leadex leads"},
            "sheets": [
                {"properties": {"sheetId": sheet["sheetId"], "title": title}}
                for title, sheet in self.spreadsheets[spreadsheet].items()
            ],
        }

    # Contacts are the rows of the "Contacts" sheet; their ids, "Contacts!<row>".

    def contact_emails(self, tenant: Tenant) -> list[str]:
        """Column A of Contacts below the header."""
        return sorted(row[0].lower() for row in self.rows(tenant, "Contacts")[1:] if row)

    def seed_contact(self, tenant: Tenant, email: str) -> str:
        """A row with a header above it, named Old Name."""
        rows = self.rows(tenant, "Contacts")
        if not rows:
            rows.append(["email", "full_name"])
        rows.append([email, "Old Name"])
        return f"Contacts!{len(rows)}"

    def contact_row(self, tenant: Tenant, remote_id: str) -> dict[str, str]:
        """A contact row by its id, keyed by the header."""
        rows = self.rows(tenant, "Contacts")
        row = rows[int(remote_id.rpartition("!")[2]) - 1]
        return dict(zip(rows[0], row, strict=False))

    def name_of(self, tenant: Tenant, remote_id: str) -> str:
        """The row's full_name."""
        return self.contact_row(tenant, remote_id).get("full_name", "")

    def company_count(self, tenant: Tenant) -> int:
        """Rows of Companies below the header."""
        return len(self.rows(tenant, "Companies")[1:])

    def all_linked(self, tenant: Tenant) -> bool:
        """Every contact row names its company's domain."""
        rows = self.rows(tenant, "Contacts")
        return all(dict(zip(rows[0], row, strict=False)).get("domain") for row in rows[1:])

    def list_members(self, tenant: Tenant) -> dict[str, set[str]]:
        """Every other sheet and the emails in its rows."""
        return {
            title: {row[0].lower() for row in sheet["rows"][1:] if row}
            for title, sheet in self.sheets(tenant).items()
            if title not in ("Contacts", "Companies")
        }


class CrmStandIns:
    """Every CRM stand-in on one loopback server, each under its provider's slug."""

    def __init__(self) -> None:
        self.hubspot = HubSpotStandIn()
        self.pipedrive = PipedriveStandIn()
        self.oauth: dict[str, OAuthStandIn] = {
            stand_in.slug: stand_in
            for stand_in in (
                SalesforceStandIn(),
                AttioStandIn(),
                CloseStandIn(),
                ZohoStandIn(),
                CopperStandIn(),
                GoogleSheetsStandIn(),
            )
        }

    @property
    def app(self) -> Starlette:
        """The ASGI app."""
        return Starlette(
            routes=[
                Mount("/hubspot", app=self.hubspot.app),
                Mount("/pipedrive", app=self.pipedrive.app),
                *(Mount(f"/{slug}", app=stand_in.app) for slug, stand_in in self.oauth.items()),
            ]
        )

    @staticmethod
    def env(base_url: str) -> dict[str, str]:
        """The server settings that point the integrations at the stand-ins."""
        clients = {
            "hubspot": (HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET),
            "pipedrive": (PIPEDRIVE_CLIENT_ID, PIPEDRIVE_CLIENT_SECRET),
            "salesforce": (SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET),
            "attio": (ATTIO_CLIENT_ID, ATTIO_CLIENT_SECRET),
            "close": (CLOSE_CLIENT_ID, CLOSE_CLIENT_SECRET),
            "zoho": (ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET),
            "copper": (COPPER_CLIENT_ID, COPPER_CLIENT_SECRET),
            "google_sheets": (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET),
        }
        return {
            "LEADEX_INTEGRATION_BASE_URLS": json.dumps(
                {slug: f"{base_url}/{slug}" for slug in clients}
            ),
            "LEADEX_INTEGRATION_CLIENTS": json.dumps(
                {
                    slug: {"client_id": client_id, "client_secret": secret}
                    for slug, (client_id, secret) in clients.items()
                }
            ),
        }
