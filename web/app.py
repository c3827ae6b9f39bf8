"""The web app, mounted under /app by the API's application."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.config import Settings
from web import session
from web.client import ApiError
from web.routes import CsrfFailed, SignInRequired, router

HERE = Path(__file__).parent
CODES = {400: "invalid_request_error", 403: "permission_error", 404: "not_found"}


def create_web_app(settings: Settings) -> FastAPI:
    """The /app sub-application: pages rendered on the server from /v1 calls."""
    web = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    web.state.settings = settings
    web.state.templates = Jinja2Templates(directory=HERE / "templates")
    web.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    web.include_router(router)

    @web.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: Exception) -> Response:
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": "/app/login"})
        return RedirectResponse("/app/login", status_code=303)

    @web.exception_handler(ApiError)
    async def _api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return render_error(request, exc)

    @web.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: Exception) -> Response:
        return render_error(
            request,
            ApiError(
                403,
                "permission_error",
                "The form's CSRF token is missing or stale; reload the page and try again.",
                "csrf_token",
                request_id_of(request),
            ),
        )

    @web.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        location = [str(part) for part in first.get("loc", ())[1:]]
        param = ".".join(location) or None
        return render_error(
            request,
            ApiError(
                400,
                "invalid_request_error",
                f"{param or 'The request'}: {first.get('msg', 'is invalid')}.",
                param,
                request_id_of(request),
            ),
        )

    @web.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = "This page does not exist." if exc.status_code == 404 else str(exc.detail)
        return render_error(
            request,
            ApiError(
                exc.status_code,
                CODES.get(exc.status_code, "invalid_request_error"),
                message,
                request_id=request_id_of(request),
            ),
        )

    return web


def request_id_of(request: Request) -> str | None:
    """The id the API's middleware gave this request."""
    value = request.scope.get("state", {}).get("request_id")
    return str(value) if value else None


def render_error(request: Request, error: ApiError) -> Response:
    """An error in the envelope's terms: JSON for scripts, a fragment for htmx, else a page."""
    accept = request.headers.get("accept", "")
    if "application/json" in accept or "text/event-stream" in accept:
        return JSONResponse(error.envelope(), status_code=error.status)
    templates: Jinja2Templates = request.app.state.templates
    current = session.current(request)
    context = {"error": error, "web_session": current, "csrf": current.csrf if current else ""}
    if request.headers.get("HX-Request"):
        response: Response = templates.TemplateResponse(
            request, "_error.html", context, status_code=error.status
        )
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    page: HTMLResponse = templates.TemplateResponse(
        request, "error.html", context, status_code=error.status
    )
    return page
