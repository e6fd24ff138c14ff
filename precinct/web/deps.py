"""Request dependencies shared by every router: database sessions, the signed-in actor, role
checks, CSRF and page rendering.

Every route either depends on `require(permission)` or is listed in `PUBLIC_PATHS`; a test walks
the app's routes to keep it so.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from precinct.config import Settings
from precinct.core.access import Actor
from precinct.core.auth import Permission, Role, role_allows
from precinct.core.db import Database
from precinct.core.i18n import LANGUAGE_NAMES, LANGUAGES, pick_language, translator

PUBLIC_PATHS = frozenset(
    {
        "/login",
        "/logout",
        "/lang/{code}",
        "/api/v1/token",
        "/healthz",
        "/api/docs",
        "/api/openapi.json",
    }
)
LANG_COOKIE = "precinct_lang"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_SALT = "precinct-api-token"


class LoginRequired(Exception):
    """Raised for page requests without a signed-in user; answered by a redirect to /login."""


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def read_session(request: Request) -> Iterator[Session]:
    with get_db(request).read() as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    with get_db(request).write() as session:
        yield session


# "function" scope: the session commits and closes when the route returns, BEFORE the response is
# sent. With the default ("request") a POST's redirect could reach the browser before its commit,
# and the page it loads next would show the old state.
ReadSession = Annotated[Session, Depends(read_session, scope="function")]
WriteSession = Annotated[Session, Depends(write_session, scope="function")]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def token_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=TOKEN_SALT)


def _bearer_actor(request: Request) -> Actor | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    settings = get_settings(request)
    try:
        data = token_serializer(settings).loads(header[7:], max_age=settings.session_max_age)
    except (BadSignature, SignatureExpired) as exc:
        raise HTTPException(401, "invalid or expired token") from exc
    return Actor(data["u"], Role(data["r"]))


def _session_actor(request: Request) -> Actor | None:
    user = request.session.get("user")
    return Actor(user["username"], Role(user["role"])) if user else None


def current_actor(request: Request) -> Actor:
    actor = _bearer_actor(request) or _session_actor(request)
    if actor is not None:
        return actor
    if is_api(request):
        raise HTTPException(401, "not signed in", headers={"WWW-Authenticate": "Bearer"})
    raise LoginRequired()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """Unsafe methods from a cookie session must carry the session's CSRF token."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise HTTPException(403, "CSRF token missing or wrong")


def require(permission: Permission) -> Any:
    """A dependency that yields the actor when their role grants `permission`, else 403."""

    def dependency(request: Request) -> Actor:
        actor = current_actor(request)
        if not role_allows(actor.role, permission):
            raise HTTPException(403, f"your role ({actor.role}) does not allow this")
        return actor

    dependency.__precinct_permission__ = permission  # type: ignore[attr-defined]
    return Depends(dependency)


def language(request: Request) -> str:
    return pick_language(request.cookies.get(LANG_COOKIE), get_settings(request).default_language)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    lang = language(request)
    actor = _session_actor(request)
    base = {
        "request": request,
        "t": translator(lang),
        "lang": lang,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "actor": actor,
        "can": (lambda p: actor is not None and role_allows(actor.role, p)),
        "P": Permission,
        "csrf_token": csrf_token(request),
    }
    return templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )


Renderer = Callable[..., HTMLResponse]
