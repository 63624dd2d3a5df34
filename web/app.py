"""The web app: search and file pages, feeds and exports, the JSON API, the admin area.

`create_app(settings)` builds it; `lexwatch serve` runs it with uvicorn. Every
response carries the security headers; every unsafe request but the one-click
unsubscribe needs a CSRF token (web.csrf); every page but sign-in and
unsubscribe (whose signed token is its credential) needs a signed-in user, and
a feed token opens feeds, exports and the API only (web.auth); with
LEXWATCH_PUBLIC_READ visitors read without either (web.visitors, web.caching).
X-Forwarded-For and X-Forwarded-Proto count only from LEXWATCH_TRUSTED_PROXIES.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from db.engine import get_engine
from vocab.languages import LANGUAGES
from vocab.settings import VERSION, Settings
from web import caching, csrf, keys, render, sessions, visitors
from web.auth import IP_ATTEMPTS, IP_WINDOW, AddressLimiter, Forbidden, LoginRequired, TokenRefused
from web.routes import (
    admin,
    agenda,
    api,
    changes,
    files,
    login,
    people,
    robots,
    search,
    unsubscribe,
)

STATIC = Path(__file__).parent / "static"
ROUTE_MODULES = (login, search, agenda, files, changes, admin, people, api, unsubscribe)
SECURITY_HEADERS = {
    # No inline script or style anywhere, nothing from another origin, no framing.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(settings: Settings) -> FastAPI:
    """The Lexwatch web app over the database the settings name."""
    app = FastAPI(
        title="Lexwatch API",
        version=VERSION,
        description="Legislative files, their timelines and changes, search, and watched sources.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: not in this app
        redoc_url=None,
        dependencies=[Depends(csrf.protect)],
    )
    app.state.settings = settings
    app.state.engine = get_engine(settings.db_url)
    app.state.secret_key = keys.secret_key(settings)
    app.state.templates = {language: render.environment(language) for language in LANGUAGES}
    app.state.limiter = AddressLimiter(IP_ATTEMPTS, IP_WINDOW)
    app.state.visitor_limits = visitors.limiters()
    _middleware(app, settings)
    if settings.trusted_proxies:  # added last, so it runs first: every later step sees the client
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    _handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.routers = [module.router for module in ROUTE_MODULES]
    for router in app.state.routers:
        app.include_router(router)
    app.router.routes.append(robots.route)
    return app


def _middleware(app: FastAPI, settings: Settings) -> None:
    https = settings.base_url.startswith("https://")

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next) -> Response:
        sessions.load(request, app.state.secret_key)
        response = await call_next(request)
        secure = https or request.url.scheme == "https"
        if not (settings.public_read and caching.needs_no_session(request)):
            sessions.save(request, response, app.state.secret_key, secure=secure)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)  # a route may be stricter (digest HTML)
        caching.set_headers(request, response, public_read=settings.public_read)
        if secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_json(request):
            headers = {"WWW-Authenticate": "Bearer"}
            return JSONResponse({"detail": "sign in first"}, status_code=401, headers=headers)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{_next(target)}", status_code=303)

    @app.exception_handler(TokenRefused)
    async def token_refused(request: Request, exc: TokenRefused) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return _error(request, exc.status, str(exc), headers)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _exc: Forbidden) -> Response:
        return _error(request, 403, "Only admins may open this page or do this.")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), exc.headers)


def _next(target: str) -> str:
    return urlencode({"next": target})


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    response = render.page(
        request, "error.html", status=status, status_code=status, message=message
    )
    response.headers.update(headers or {})
    return response
