"""Shell pages: login/logout, language switch, the home dashboard, the audit log, API tokens."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from precinct.cases import service as cases_service
from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission, authenticate
from precinct.core.i18n import LANGUAGES
from precinct.registry import service as registry_service
from precinct.web.deps import (
    LANG_COOKIE,
    ReadSession,
    WriteSession,
    check_csrf,
    get_settings,
    render,
    require,
    token_serializer,
)

router = APIRouter()
Viewer = Annotated[Actor, require(Permission.DASHBOARD)]
Auditor = Annotated[Actor, require(Permission.AUDIT_VIEW)]


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), error=False)


def _log_login(session: Any, username: str, ok: bool) -> None:
    action = audit.AuditAction.LOGIN if ok else audit.AuditAction.LOGIN_FAILED
    audit.append(session, audit.AuditEvent(username[:64], action))


@router.post("/login", include_in_schema=False, dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    session: WriteSession,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = authenticate(session, username.strip(), password)
    _log_login(session, username.strip(), user is not None)
    if user is None:
        return render(request, "login.html", 401, next=_safe_next(next), error=True)
    request.session.clear()
    request.session["user"] = {
        "username": user.username,
        "role": str(user.role),
        "name": user.display_name,
    }
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout(request: Request, session: WriteSession) -> Response:
    user = request.session.get("user")
    if user:
        audit.append(session, audit.AuditEvent(user["username"], audit.AuditAction.LOGOUT))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(request: Request, code: str) -> Response:
    if code not in LANGUAGES:
        raise HTTPException(404, f"unknown language {code}")
    back = _safe_next(request.headers.get("referer", "/").split(request.url.netloc, 1)[-1])
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def _dashboard_context(session: Any) -> dict[str, Any]:
    return {
        "figures": cases_service.figures(session),
        "residents": registry_service.count_persons(session),
    }


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, session: ReadSession, actor: Viewer) -> HTMLResponse:
    return render(request, "home.html", **_dashboard_context(session))


@router.get("/partials/figures", response_class=HTMLResponse, include_in_schema=False)
def figures_partial(request: Request, session: ReadSession, actor: Viewer) -> HTMLResponse:
    return render(request, "_figures.html", **_dashboard_context(session))


@router.get("/api/v1/figures", tags=["dashboard"])
def figures_json(session: ReadSession, actor: Viewer) -> dict[str, Any]:
    """Live quick-response figures: alarms, cases, solve rate, value stolen vs recovered."""
    data = asdict(cases_service.figures(session))
    return {k: (str(v) if k.startswith("value_") else v) for k, v in data.items()}


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request, session: ReadSession, actor: Auditor, who: str = ""
) -> HTMLResponse:
    entries = audit.recent(session, 300, who or None)
    return render(
        request, "audit.html", entries=entries, who=who, chain=audit.verify_chain(session)
    )


class AuditEntryOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    subject_type: str
    subject_id: str
    case_number: str
    reason: str
    detail: dict[str, Any]
    hash: str


@router.get("/api/v1/audit", tags=["audit"])
def audit_json(
    session: ReadSession, actor: Auditor, who: str = "", limit: int = 200
) -> list[AuditEntryOut]:
    """The newest audit entries (admins only)."""
    return [
        AuditEntryOut(
            seq=e.seq,
            at=e.at.isoformat(),
            actor=e.actor,
            action=e.action,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            case_number=e.case_number,
            reason=e.reason,
            detail=e.detail,
            hash=e.hash,
        )
        for e in audit.recent(session, min(limit, 1000), who or None)
    ]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/api/v1/token", tags=["auth"])
def issue_token(
    request: Request,
    session: WriteSession,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> TokenOut:
    """Exchange a username and password for a bearer token (for scripts)."""
    user = authenticate(session, username.strip(), password)
    _log_login(session, username.strip(), user is not None)
    if user is None:
        raise HTTPException(401, "wrong username or password")
    token = token_serializer(get_settings(request)).dumps({"u": user.username, "r": str(user.role)})
    return TokenOut(access_token=token)
