"""Local stand-ins for CRM APIs, after their public API references, served over real HTTP.

HubSpot (developers.hubspot.com/docs/api): OAuth v1 (``/oauth/authorize`` redirects back with
a code; ``/oauth/v1/token`` trades codes and refresh tokens), ``/account-info/v3/details``,
CRM v3 objects (contacts, companies: create, PATCH, search with ``filterGroups``; creating a
contact whose email exists is a 409 ``CONFLICT``), v3 lists (``MANUAL`` lists and
``memberships/add``), v4 default associations, bearer-token auth (401
``INVALID_AUTHENTICATION``), and 429 ``RATE_LIMIT`` answers scripted per portal. Errors use
HubSpot's body ``{status: "error", message, correlationId, category}``.

Each authorization makes a new portal with its own records, so tests never see each other's.
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any
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


class CrmStandIns:
    """Every CRM stand-in on one loopback server, each under its provider's slug."""

    def __init__(self) -> None:
        self.hubspot = HubSpotStandIn()
        self.pipedrive = PipedriveStandIn()

    @property
    def app(self) -> Starlette:
        """The ASGI app."""
        return Starlette(
            routes=[
                Mount("/hubspot", app=self.hubspot.app),
                Mount("/pipedrive", app=self.pipedrive.app),
            ]
        )

    @staticmethod
    def env(base_url: str) -> dict[str, str]:
        """The server settings that point the integrations at the stand-ins."""
        return {
            "LEADEX_INTEGRATION_BASE_URLS": json.dumps(
                {"hubspot": f"{base_url}/hubspot", "pipedrive": f"{base_url}/pipedrive"}
            ),
            "LEADEX_INTEGRATION_CLIENTS": json.dumps(
                {
                    "hubspot": {
                        "client_id": HUBSPOT_CLIENT_ID,
                        "client_secret": HUBSPOT_CLIENT_SECRET,
                    },
                    "pipedrive": {
                        "client_id": PIPEDRIVE_CLIENT_ID,
                        "client_secret": PIPEDRIVE_CLIENT_SECRET,
                    },
                }
            ),
        }
