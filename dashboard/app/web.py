"""The web routes beside the Streamlit app: sign-in and sign-out, readiness, the map's files.

Signing in happens in a plain HTML form posted to the server, not inside the
Streamlit page, so the server can set the session cookie itself: ``HttpOnly``
(no script in the page can read it), ``SameSite=Lax``, signed with
itsdangerous and expiring with the session. Password checks run in a small
thread pool (:data:`dashboard.config.PASSWORD_CHECKS_AT_ONCE` at a time), and
failed attempts wait longer and longer (:mod:`dashboard.register.sign_in_limits`).
"""

from __future__ import annotations

import asyncio
import html
import string
from pathlib import Path

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard import config
from dashboard.app import faults, loaders, map_assets, navigation, session, warm_up
from dashboard.register import accounts, sessions, sign_in_limits

TEMPLATES = {
    path.stem: string.Template(path.read_text("utf-8"))
    for path in (Path(__file__).resolve().parent / "templates").glob("*.html")
}
# Argon2 is memory-hard (64 MiB a check): a few at a time keep a burst from exhausting memory.
_PASSWORD_CHECKS = anyio.CapacityLimiter(config.PASSWORD_CHECKS_AT_ONCE)
MAX_FIELD_LENGTH = 200
WRONG = "That username and password do not match an account."
WAIT = "Too many failed attempts. Wait a minute, then try again."
SIGNED_OUT = "You are signed out."
REGISTER_DOWN = (
    "Signing in and out cannot be done right now: the register cannot be reached or saved "
    "to. Nothing was changed. Try again in a minute."
)


def _page(
    title: str, body: str, message: str = "", *, kind: str = "error", status: int = 200
) -> HTMLResponse:
    """A page from ``templates/page.html``; ``body`` is trusted HTML, the rest is escaped."""
    shown = TEMPLATES["message"].substitute(kind=kind, text=html.escape(message)) if message else ""
    page = TEMPLATES["page"].substitute(title=html.escape(title), message=shown, body=body)
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


def _next_page(value: str | None) -> str:
    """The page to return to: a known page name only, so the form cannot redirect elsewhere."""
    page = navigation.page_of_url(value)
    return navigation.page_name(page) if page else ""


def _form(next_page: str, username: str = "") -> str:
    return TEMPLATES["sign_in_form"].substitute(
        next_page=html.escape(next_page),
        username=html.escape(username),
        hours=f"{config.SESSION_HOURS:g}",
    )


def client_address(request: Request) -> str | None:
    """The browser's address; behind the proxy, the one the proxy saw (its last X-Forwarded-For)."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for", "")
    if peer in session.trusted_proxies() and forwarded:
        return forwarded.split(",")[-1].strip()[:64] or peer
    return peer


async def sign_in(request: Request) -> Response:
    """GET: the sign-in form. POST: check the password; on success set the cookie and go on.

    While the register cannot be read or written, the form says so (status 503) and
    nothing is changed; the error itself, which may name the database host, is logged.
    """
    try:
        return await _sign_in(request)
    except faults.DATABASE_ERRORS as exc:
        faults.LOG.error("sign-in: register fault %s", type(exc).__name__, exc_info=exc)
        return _page("Sign in", _form(""), REGISTER_DOWN, status=503)


async def _sign_in(request: Request) -> Response:
    if session.oidc_configured():
        return RedirectResponse("../sign_in", status_code=303)
    if request.method == "GET":
        return _page("Sign in", _form(_next_page(request.query_params.get("next"))))
    form = await request.form(max_files=0, max_fields=5)
    username = str(form.get("username", ""))[:MAX_FIELD_LENGTH]
    password = str(form.get("password", ""))[:MAX_FIELD_LENGTH]
    next_page = _next_page(str(form.get("next", "")))
    engine = loaders.register()
    keys = sign_in_limits.failure_keys(username, client_address(request))
    wait = sign_in_limits.wait_seconds(
        await anyio.to_thread.run_sync(sign_in_limits.recent_failures, engine, keys)
    )
    if wait >= config.SIGN_IN_MAX_WAIT_S:
        return _page("Sign in", _form(next_page, username), WAIT, status=429)
    await asyncio.sleep(wait)  # the same for a real and an unknown account
    async with _PASSWORD_CHECKS:
        user = await anyio.to_thread.run_sync(accounts.authenticate, engine, username, password)
    if user is None:
        await anyio.to_thread.run_sync(sign_in_limits.record_failure, engine, keys)
        return _page("Sign in", _form(next_page, username), WRONG, status=401)
    await anyio.to_thread.run_sync(sign_in_limits.clear_failures, engine, keys[0])
    token = await anyio.to_thread.run_sync(
        lambda: sessions.start_session(
            engine,
            user.username,
            hours=config.SESSION_HOURS,
            client=client_address(request),
        )
    )
    # With no page asked for, open the role's own first page (a cabinet member's summary).
    page = navigation.page_of_url(next_page) or navigation.ROLE_PAGES[user.role][0]
    start = navigation.page_url(page)
    response = RedirectResponse(f"../{start}", status_code=303)
    response.set_cookie(
        session.COOKIE_NAME,
        session.cookie_value(token),
        max_age=int(config.SESSION_HOURS * 3600),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def sign_out(request: Request) -> Response:
    """GET: a page with a sign-out button. POST: end the session everywhere and clear the cookie."""
    if request.method == "GET":
        return _page("Sign out", TEMPLATES["sign_out_form"].template)
    token = session.token_from_cookie(request.cookies.get(session.COOKIE_NAME))
    if token:
        try:
            await anyio.to_thread.run_sync(sessions.end_session, loaders.register(), token)
        except faults.DATABASE_ERRORS as exc:
            faults.LOG.error("sign-out: register fault %s", type(exc).__name__, exc_info=exc)
            return _page("Sign out", TEMPLATES["sign_out_form"].template, REGISTER_DOWN, status=503)
    response = _page("Signed out", _form(""), SIGNED_OUT, kind="note")
    response.delete_cookie(session.COOKIE_NAME, path="/")
    return response


async def ready(_request: Request) -> Response:
    """Readiness for the proxy: 200 once the register is reachable and the caches are warm.

    The map page's caches are warmed when the server starts (:mod:`dashboard.app.warm_up`).
    """
    if warm_up.pending():
        return PlainTextResponse("warming up", status_code=503)
    try:
        await anyio.to_thread.run_sync(session.check_register)
    except Exception:  # any database fault means "not ready"; the details go to the log
        return PlainTextResponse("not ready", status_code=503)
    return PlainTextResponse("ok")


def routes() -> list[Route]:
    """The routes to mount beside Streamlit (see ``server.py``)."""
    return [
        Route("/auth/sign-in", sign_in, methods=["GET", "POST"]),
        Route("/auth/sign-out", sign_out, methods=["GET", "POST"]),
        Route("/healthz/ready", ready, methods=["GET"]),
        *map_assets.routes(),
    ]
