"""The web app's pages; each reads and writes only through the public /v1 API."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from core.config import Settings
from web import logins, session, views
from web.client import Api, ApiError
from web.session import CSRF_FIELD, CSRF_HEADER, SessionCodec, WebSession

T = TypeVar("T")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class SignInRequired(Exception):
    """The page needs a signed-in session."""


class CsrfFailed(Exception):
    """A state-changing request without the session's CSRF token."""


def _codec(request: Request) -> SessionCodec:
    state = request.app.state
    if getattr(state, "sessions", None) is None:
        settings: Settings = state.settings
        state.sessions = SessionCodec(settings.signing_key())
    codec: SessionCodec = state.sessions
    return codec


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's CSRF token (form field or header)."""
    _codec(request)
    if request.method in SAFE_METHODS:
        return
    offered = request.headers.get(CSRF_HEADER)
    if not offered and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        offered = value if isinstance(value, str) else None
    if not session.csrf_matches(session.current(request), offered):
        raise CsrfFailed


router = APIRouter(dependencies=[Depends(check_csrf)])


def signed_in(request: Request) -> WebSession:
    """The signed-in session; pages without one send the browser to the sign-in form."""
    current = session.current(request)
    if current is None or not current.signed_in:
        raise SignInRequired
    return current


def secret_session(current: WebSession = Depends(signed_in)) -> WebSession:
    """A session on a secret key; a publishable key sees only shared artifacts."""
    if current.publishable:
        raise ApiError(
            403,
            "permission_error",
            "A publishable key can view shared artifacts only.",
            "api_key",
        )
    return current


def api_base(request: Request) -> str:
    """Where the web app reaches the API."""
    settings: Settings = request.app.state.settings
    return settings.web_api_url or settings.public_base_url


def api_for(request: Request, current: WebSession) -> Api:
    """An API client acting with the session's key."""
    assert current.key is not None
    return Api(api_base(request), current.key)


def render(
    request: Request,
    template: str,
    current: WebSession | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """A page, with the session's CSRF token and any flash error left by a redirect."""
    templates: Jinja2Templates = request.app.state.templates
    flash = context.pop("flash", None)
    if isinstance(flash, ApiError):
        flash = flash.envelope()["error"]
    had_flash = current is not None and current.flash is not None
    if had_flash and current is not None:
        flash = flash or current.flash
        current.flash = None
    response = templates.TemplateResponse(
        request,
        template,
        {
            "web_session": current,
            "csrf": current.csrf if current else "",
            "flash": flash,
            "new_idempotency_key": lambda: secrets.token_urlsafe(16),
            **context,
        },
        status_code=status_code,
    )
    if had_flash and current is not None:
        session.store(request, response, current)
    return response


def back_with(request: Request, current: WebSession, url: str, error: ApiError) -> Response:
    """Redirect-after-post that shows ``error`` on the page it lands on."""
    current.flash = error.envelope()["error"]
    response = RedirectResponse(url, status_code=303)
    session.store(request, response, current)
    return response


async def optional(call: Awaitable[T]) -> tuple[T | None, ApiError | None]:
    """Run an API call a page can live without; its error is shown in place."""
    try:
        return await call, None
    except ApiError as error:
        return None, error


# Sign-in and sign-out -------------------------------------------------------------------------


@router.get("/")
async def home(request: Request) -> Response:
    """The threads when signed in, else the sign-in form."""
    current = session.current(request)
    if current is None or not current.signed_in:
        return RedirectResponse("/app/login", status_code=303)
    return RedirectResponse(
        "/app/shared" if current.publishable else "/app/threads", status_code=303
    )


@router.get("/login")
async def login_form(request: Request) -> Response:
    """The sign-in form (a session is started so the form has a CSRF token)."""
    current = session.current(request)
    if current is None:
        current = WebSession.anonymous()
    response = render(request, "login.html", current)
    session.store(request, response, current)
    return response


async def _sign_in(request: Request, key: str) -> Response:
    """Check ``key`` against the API and start a session holding it."""
    key = key.strip()
    publishable = key.startswith("pk_pub_")
    async with Api(api_base(request), key) as api:
        if publishable:
            await api.get("/artifacts", limit=1)
            me: dict[str, Any] = {}
        else:
            me = await api.get("/me")
    fresh = WebSession.anonymous()
    fresh.key = key
    fresh.publishable = publishable
    if me:
        fresh.key_id = me["key"]["id"]
        fresh.org_name = me["organization"]["name"]
        fresh.mode = "live" if me["livemode"] else "test"
    response = RedirectResponse("/app/shared" if publishable else "/app/threads", status_code=303)
    session.store(request, response, fresh)
    return response


@router.post("/login")
async def login(request: Request, api_key: Annotated[str, Form(max_length=512)]) -> Response:
    """Sign in with an API key; a key the API refuses shows its error on the form."""
    current = session.current(request) or WebSession.anonymous()
    try:
        return await _sign_in(request, api_key)
    except ApiError as error:
        return render(request, "login.html", current, status_code=error.status, flash=error)


@router.get("/login/once/{token}")
async def login_once(request: Request, token: str) -> Response:
    """A one-time login link printed by `leadex-server dev`."""
    settings: Settings = request.app.state.settings
    key = logins.claim(settings.data_dir, token)
    if key is None:
        current = session.current(request) or WebSession.anonymous()
        error = ApiError(
            401,
            "authentication_error",
            "This login link was already used or has expired; sign in with the API key.",
            "token",
        )
        response = render(request, "login.html", current, status_code=401, flash=error)
        session.store(request, response, current)
        return response
    return await _sign_in(request, key)


@router.post("/logout")
async def logout() -> Response:
    """Forget the key."""
    response = RedirectResponse("/app/login", status_code=303)
    session.clear(response)
    return response


# Threads ----------------------------------------------------------------------------------------


async def _rail(api: Api, q: str | None) -> dict[str, Any]:
    threads = await api.get("/threads", limit=50, q=q or None)
    jobs_page, _ = await optional(api.get("/jobs", limit=100))
    statuses = {job["id"]: job["status"] for job in (jobs_page or {}).get("data", [])}
    return {"threads": threads["data"], "statuses": statuses, "q": q or ""}


@router.get("/threads")
async def threads_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    current: WebSession = Depends(secret_session),
) -> Response:
    """The rail and a start page."""
    async with api_for(request, current) as api:
        rail = await _rail(api, q)
    return render(request, "threads.html", current, rail=rail, active=None)


@router.get("/rail")
async def rail_fragment(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    active: Annotated[str | None, Query(max_length=64)] = None,
    current: WebSession = Depends(secret_session),
) -> Response:
    """The rail's list, for the search box."""
    async with api_for(request, current) as api:
        rail = await _rail(api, q)
    return render(request, "_rail_list.html", current, rail=rail, active=active)


@router.post("/threads")
async def create_thread(
    request: Request,
    title: Annotated[str, Form(max_length=400)] = "",
    idempotency_key: Annotated[str | None, Form(max_length=255)] = None,
    current: WebSession = Depends(secret_session),
) -> Response:
    """A new thread, then its page."""
    async with api_for(request, current) as api:
        try:
            body = {"title": title.strip()} if title.strip() else {}
            thread = await api.post("/threads", body, idempotency_key=idempotency_key)
        except ApiError as error:
            return back_with(request, current, "/app/threads", error)
    return RedirectResponse(f"/app/threads/{thread['id']}", status_code=303)


@router.get("/threads/{thread_id}")
async def thread_page(
    request: Request, thread_id: str, current: WebSession = Depends(secret_session)
) -> Response:
    """The conversation, the latest plan's card, and the composer."""
    async with api_for(request, current) as api:
        thread = await api.get(f"/threads/{thread_id}")
        messages = await api.get(f"/threads/{thread_id}/messages", limit=100)
        rail = await _rail(api, None)
        latest = next(
            (m for m in reversed(messages["data"]) if m.get("plan_id") and m.get("job_id")),
            None,
        )
        # The plan's criteria point into what the user wrote, not the assistant's reply.
        prompt = next(
            (m["content"] for m in reversed(messages["data"]) if m["role"] == "user"), None
        )
        plan = job = None
        if latest is not None:
            plan = await api.get(f"/plans/{latest['plan_id']}")
            job = await api.get(f"/jobs/{latest['job_id']}")
    return render(
        request,
        "thread.html",
        current,
        rail=rail,
        active=thread_id,
        thread=thread,
        messages=messages["data"],
        plan=plan,
        plan_view=views.plan_view(plan, prompt) if plan else None,
        job=job,
    )


@router.post("/threads/{thread_id}/messages")
async def post_message(
    request: Request,
    thread_id: str,
    content: Annotated[str, Form(max_length=20_000)],
    idempotency_key: Annotated[str | None, Form(max_length=255)] = None,
    current: WebSession = Depends(secret_session),
) -> Response:
    """Send a message: the planner drafts a plan for the thread."""
    async with api_for(request, current) as api:
        try:
            await api.post(
                f"/threads/{thread_id}/messages",
                {"content": content},
                idempotency_key=idempotency_key,
            )
        except ApiError as error:
            return back_with(request, current, f"/app/threads/{thread_id}", error)
    return RedirectResponse(f"/app/threads/{thread_id}#plan", status_code=303)


@router.post("/plans/{plan_id}/replan")
async def replan(
    request: Request,
    plan_id: str,
    feedback: Annotated[str, Form(max_length=20_000)],
    thread_id: Annotated[str, Form(max_length=64)],
    current: WebSession = Depends(secret_session),
) -> Response:
    """Ask the planner to redo the plan with the user's feedback."""
    async with api_for(request, current) as api:
        try:
            await api.post(f"/plans/{plan_id}/replan", {"feedback": feedback})
        except ApiError as error:
            return back_with(request, current, f"/app/threads/{thread_id}", error)
    return RedirectResponse(f"/app/threads/{thread_id}#plan", status_code=303)


def _integer_or_raw(value: str) -> int | str:
    """A form's number as an int; anything else goes to the API as written, which says why."""
    stripped = value.strip()
    return int(stripped) if stripped.isdigit() else stripped


@router.post("/jobs/{job_id}/approve")
async def approve(
    request: Request,
    job_id: str,
    thread_id: Annotated[str, Form(max_length=64)],
    max_credits: Annotated[str, Form(max_length=20)] = "",
    idempotency_key: Annotated[str | None, Form(max_length=255)] = None,
    current: WebSession = Depends(secret_session),
) -> Response:
    """Approve the plan's job, with an optional credit ceiling, and watch it run."""
    body = {"max_credits": _integer_or_raw(max_credits)} if max_credits.strip() else {}
    async with api_for(request, current) as api:
        try:
            await api.post(f"/jobs/{job_id}/approve", body, idempotency_key=idempotency_key)
        except ApiError as error:
            return back_with(request, current, f"/app/threads/{thread_id}", error)
    return RedirectResponse(f"/app/jobs/{job_id}", status_code=303)


# Jobs -------------------------------------------------------------------------------------------


def _lead_filters(min_confidence: str | None, has_email: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if min_confidence:
        params["min_confidence"] = min_confidence
    if has_email:
        params["has_field"] = "person.email"
    return params


async def _leads(api: Api, job_id: str, params: dict[str, Any]) -> dict[str, Any]:
    page = await api.get(f"/jobs/{job_id}/leads", limit=100, **params)
    return {"leads": [views.lead_view(lead) for lead in page["data"]], "more": page["has_more"]}


@router.get("/jobs/{job_id}")
async def job_page(
    request: Request,
    job_id: str,
    min_confidence: Annotated[str | None, Query(max_length=10)] = None,
    has_email: Annotated[str | None, Query(max_length=10)] = None,
    current: WebSession = Depends(secret_session),
) -> Response:
    """The live job: progress, step log, stop, leads with sources, downloads."""
    params = _lead_filters(min_confidence, has_email)
    async with api_for(request, current) as api:
        job = await api.get(f"/jobs/{job_id}")
        plan = await api.get(f"/plans/{job['plan_id']}")
        thread = await api.get(f"/threads/{job['thread_id']}")
        rail = await _rail(api, None)
        leads = await _leads(api, job_id, params)
        artifact = None
        if job.get("artifact"):
            artifact, _ = await optional(api.get(f"/artifacts/{job['artifact']['id']}"))
    return render(
        request,
        "job.html",
        current,
        rail=rail,
        active=job["thread_id"],
        thread=thread,
        job=job,
        plan=plan,
        artifact=artifact,
        filters={"min_confidence": min_confidence or "", "has_email": bool(has_email)},
        filter_query=urlencode(params),
        **leads,
    )


@router.get("/jobs/{job_id}/status")
async def job_status(
    request: Request, job_id: str, current: WebSession = Depends(secret_session)
) -> Response:
    """The job's progress, credits, summary and downloads, refreshed as events arrive."""
    async with api_for(request, current) as api:
        job = await api.get(f"/jobs/{job_id}")
        artifact = None
        if job.get("artifact"):
            artifact, _ = await optional(api.get(f"/artifacts/{job['artifact']['id']}"))
    return render(request, "_job_status.html", current, job=job, artifact=artifact)


@router.get("/jobs/{job_id}/leads")
async def job_leads(
    request: Request,
    job_id: str,
    min_confidence: Annotated[str | None, Query(max_length=10)] = None,
    has_email: Annotated[str | None, Query(max_length=10)] = None,
    current: WebSession = Depends(secret_session),
) -> Response:
    """The leads table, filtered."""
    async with api_for(request, current) as api:
        leads = await _leads(api, job_id, _lead_filters(min_confidence, has_email))
    return render(request, "_leads.html", current, job={"id": job_id}, **leads)


@router.get("/jobs/{job_id}/events")
async def job_events(
    request: Request, job_id: str, current: WebSession = Depends(secret_session)
) -> Response:
    """The job's SSE stream, relayed from /v1 so the key stays on the server."""
    api = api_for(request, current)
    last_event_id = request.headers.get("Last-Event-ID")
    opened = api.stream(f"/jobs/{job_id}/stream", last_event_id)
    try:
        upstream = await opened.__aenter__()
    except ApiError:
        await api.__aexit__(None, None, None)
        raise

    async def relay() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        except ApiError:
            return
        finally:
            await opened.__aexit__(None, None, None)
            await api.__aexit__(None, None, None)

    return StreamingResponse(
        relay(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post("/jobs/{job_id}/stop")
async def stop_job(
    request: Request, job_id: str, current: WebSession = Depends(secret_session)
) -> Response:
    """Stop a running job; its partial artifact is written."""
    async with api_for(request, current) as api:
        try:
            await api.post(f"/jobs/{job_id}/stop", {"reason": "stopped from the web app"})
        except ApiError as error:
            if request.headers.get("HX-Request"):
                raise
            return back_with(request, current, f"/app/jobs/{job_id}", error)
    if request.headers.get("HX-Request"):
        return Response(status_code=204)
    return RedirectResponse(f"/app/jobs/{job_id}", status_code=303)


# Artifacts --------------------------------------------------------------------------------------


@router.get("/artifacts/{artifact_id}/download")
async def download(
    request: Request,
    artifact_id: str,
    format: Annotated[str, Query(pattern="^(csv|json|xlsx)$")] = "csv",
    current: WebSession = Depends(signed_in),
) -> Response:
    """The artifact's file, fetched with the session's key."""
    async with api_for(request, current) as api:
        file = await api.download(f"/artifacts/{artifact_id}", format=format)
    headers = {"Cache-Control": "private, no-store"}
    disposition = file.headers.get("Content-Disposition")
    headers["Content-Disposition"] = disposition or (
        f'attachment; filename="{artifact_id}.{format}"'
    )
    return Response(
        file.content,
        media_type=file.headers.get("Content-Type", "application/octet-stream"),
        headers=headers,
    )


@router.post("/artifacts/{artifact_id}/share")
async def share(
    request: Request,
    artifact_id: str,
    job_id: Annotated[str, Form(max_length=64)],
    shareable: Annotated[str, Form(pattern="^(true|false)$")],
    current: WebSession = Depends(secret_session),
) -> Response:
    """Mark an artifact shareable with publishable keys, or not."""
    async with api_for(request, current) as api:
        try:
            await api.post(f"/artifacts/{artifact_id}", {"shareable": shareable == "true"})
        except ApiError as error:
            return back_with(request, current, f"/app/jobs/{job_id}", error)
    return RedirectResponse(f"/app/jobs/{job_id}#downloads", status_code=303)


@router.get("/shared")
async def shared(request: Request, current: WebSession = Depends(signed_in)) -> Response:
    """Shared artifacts: all a publishable key may see."""
    async with api_for(request, current) as api:
        page = await api.get("/artifacts", limit=100, shareable=True)
    return render(request, "shared.html", current, artifacts=page["data"])


# Settings ---------------------------------------------------------------------------------------


async def _settings_context(api: Api) -> dict[str, Any]:
    me, me_error = await optional(api.get("/me"))
    keys, keys_error = await optional(api.get("/api-keys", limit=100))
    schedules, schedules_error = await optional(api.get("/schedules", limit=100))
    usage, usage_error = await optional(api.get("/usage", group_by="day"))
    budget, budget_error = await optional(api.get("/usage/budget"))
    webhooks, webhooks_error = await optional(api.get("/webhooks", limit=100))
    integrations, integrations_error = await optional(api.get("/integrations"))
    return {
        "me": me,
        "me_error": me_error,
        "keys": (keys or {}).get("data", []),
        "keys_error": keys_error,
        "schedules": (schedules or {}).get("data", []),
        "schedules_error": schedules_error,
        "usage": usage,
        "usage_error": usage_error,
        "chart": views.usage_chart(usage) if usage else None,
        "budget": budget,
        "budget_error": budget_error,
        "webhooks": (webhooks or {}).get("data", []),
        "webhooks_error": webhooks_error,
        "integrations": (integrations or {}).get("data", []),
        "integrations_error": integrations_error,
        "scopes": views.SCOPES,
    }


@router.get("/settings")
async def settings_page(
    request: Request, current: WebSession = Depends(secret_session)
) -> Response:
    """API keys, schedules, webhooks and integrations where the server has them, usage, budget."""
    async with api_for(request, current) as api:
        context = await _settings_context(api)
        rail = await _rail(api, None)
    return render(request, "settings.html", current, rail=rail, active=None, **context)


async def _settings_with_secret(
    request: Request, current: WebSession, api: Api, minted: dict[str, Any]
) -> Response:
    context = await _settings_context(api)
    rail = await _rail(api, None)
    return render(
        request, "settings.html", current, rail=rail, active=None, minted=minted, **context
    )


@router.post("/settings/keys")
async def create_key(
    request: Request,
    name: Annotated[str, Form(max_length=400)],
    scopes: Annotated[list[str] | None, Form()] = None,
    kind: Annotated[str, Form(pattern="^(secret|publishable)$")] = "secret",
    idempotency_key: Annotated[str | None, Form(max_length=255)] = None,
    current: WebSession = Depends(secret_session),
) -> Response:
    """Mint a key; its secret is on this page once."""
    body: dict[str, Any] = {"name": name, "kind": kind}
    if kind == "secret":
        body["scopes"] = scopes or []
    async with api_for(request, current) as api:
        try:
            minted = await api.post("/api-keys", body, idempotency_key=idempotency_key)
        except ApiError as error:
            return back_with(request, current, "/app/settings#keys", error)
        return await _settings_with_secret(request, current, api, minted)


@router.post("/settings/keys/{key_id}/revoke")
async def revoke_key(
    request: Request, key_id: str, current: WebSession = Depends(secret_session)
) -> Response:
    """Revoke a key at once."""
    async with api_for(request, current) as api:
        try:
            await api.delete(f"/api-keys/{key_id}")
        except ApiError as error:
            return back_with(request, current, "/app/settings#keys", error)
    if key_id == current.key_id:
        response = RedirectResponse("/app/login", status_code=303)
        session.clear(response)
        return response
    return RedirectResponse("/app/settings#keys", status_code=303)


@router.post("/settings/keys/{key_id}/rotate")
async def rotate_key(
    request: Request, key_id: str, current: WebSession = Depends(secret_session)
) -> Response:
    """A new secret for the key; rotating the session's own key keeps the user signed in."""
    async with api_for(request, current) as api:
        try:
            minted = await api.post(f"/api-keys/{key_id}/rotate")
        except ApiError as error:
            return back_with(request, current, "/app/settings#keys", error)
    if key_id == current.key_id and minted.get("secret"):
        current.key = minted["secret"]
        current.key_id = minted["id"]
    async with api_for(request, current) as api:
        response = await _settings_with_secret(request, current, api, minted)
    session.store(request, response, current)
    return response


@router.post("/settings/budget")
async def set_budget(
    request: Request,
    monthly_credits: Annotated[str, Form(max_length=20)] = "",
    current: WebSession = Depends(secret_session),
) -> Response:
    """Set (or clear, when empty) the monthly credit ceiling."""
    value = _integer_or_raw(monthly_credits) if monthly_credits.strip() else None
    async with api_for(request, current) as api:
        try:
            await api.put("/usage/budget", {"monthly_credits": value})
        except ApiError as error:
            return back_with(request, current, "/app/settings#usage", error)
    return RedirectResponse("/app/settings#usage", status_code=303)
