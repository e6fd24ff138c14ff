"""HTTP tests of the workbench and the JSON API: login, CSRF, roles, purpose, audit, i18n."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from precinct.core.audit import AuditEntry
from precinct.core.db import Database
from precinct.web.deps import PUBLIC_PATHS

from .conftest import PASSWORD, csrf_from, login


def audit_actions(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return [
            (e.actor, e.action)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        ]


def test_pages_redirect_to_login_and_api_answers_401(client: TestClient) -> None:
    response = client.get("/cases")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/cases"
    assert client.get("/api/v1/cases").status_code == 401


def test_login_sets_a_hardened_session_cookie(client: TestClient, app_db: Database) -> None:
    assert login(client, "investigator") == 303
    cookie = client.cookies.jar
    assert any(c.name == "precinct_session" for c in cookie)
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
    )
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header
    assert ("investigator", "login") in audit_actions(app_db)


def test_wrong_password_is_refused_and_audited(client: TestClient, app_db: Database) -> None:
    assert login(client, "admin", "not-the-password") == 401
    assert client.get("/").status_code == 303
    assert ("admin", "login_failed") in audit_actions(app_db)


def test_login_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403


def test_logout_needs_csrf(client: TestClient) -> None:
    login(client, "admin")
    assert client.post("/logout").status_code == 403
    token = csrf_from(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("viewer", "/persons", 403),
        ("viewer", "/cases", 403),
        ("viewer", "/cameras", 200),
        ("traffic", "/alarms", 200),
        ("traffic", "/persons", 403),
        ("service_clerk", "/cases", 403),
        ("service_clerk", "/persons", 200),
        ("analyst", "/audit", 403),
        ("admin", "/audit", 200),
        ("viewer", "/api/v1/audit", 403),
        ("investigator", "/api/v1/cases", 200),
    ],
)
def test_roles_are_checked(client: TestClient, role: str, path: str, status: int) -> None:
    login(client, role)
    assert client.get(path).status_code == status


def _permission_of(route: APIRoute) -> Any:
    found = []
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if getattr(dep.call, "__precinct_permission__", None):
            found.append(dep.call.__precinct_permission__)
        stack.extend(dep.dependencies)
    return found


def _all_routes(routes: list[Any]) -> list[APIRoute]:
    out: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append(route)
        elif hasattr(route, "original_router"):
            out.extend(_all_routes(route.original_router.routes))
    return out


def test_every_route_checks_a_role_or_is_public(client: TestClient) -> None:
    routes = _all_routes(client.app.routes)  # type: ignore[attr-defined]
    assert len(routes) > 15
    unguarded = [r.path for r in routes if not _permission_of(r) and r.path not in PUBLIC_PATHS]
    assert unguarded == []


def test_person_lookup_needs_a_purpose_and_is_audited(client: TestClient, app_db: Database) -> None:
    login(client, "investigator")
    assert client.get("/api/v1/persons", params={"q": "刘"}).status_code == 400
    page = client.get("/persons", params={"q": "刘"})
    assert page.status_code == 200 and "person-results" not in page.text
    response = client.get("/api/v1/persons", params={"q": "刘", "reason": "巡查核实身份"})
    assert response.status_code == 200 and response.json() == []
    with app_db.read() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "search"))
    assert entry is not None and entry.actor == "investigator"
    assert entry.reason == "巡查核实身份" and entry.detail["query"] == "刘"


def test_language_defaults_to_chinese_and_switches(client: TestClient) -> None:
    login(client, "admin")
    assert "民生小案快反看板" in client.get("/").text
    response = client.get("/lang/en", headers={"referer": "http://testserver/cases"})
    assert response.status_code == 303 and response.headers["location"] == "/cases"
    assert "Quick-response dashboard" in client.get("/").text
    assert client.get("/lang/xx").status_code == 404


def test_bearer_token_for_scripts(client: TestClient) -> None:
    bad = client.post("/api/v1/token", data={"username": "analyst", "password": "nope-nope"})
    assert bad.status_code == 401
    token = client.post("/api/v1/token", data={"username": "analyst", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    fresh = TestClient(client.app)
    assert fresh.get("/api/v1/figures", headers=headers).status_code == 200
    assert fresh.get("/api/v1/audit", headers=headers).status_code == 403
    forged = {"Authorization": "Bearer " + token.json()["access_token"][:-2] + "xx"}
    assert fresh.get("/api/v1/figures", headers=forged).status_code == 401


def test_openapi_documents_the_json_api(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/persons",
        "/api/v1/cameras",
        "/api/v1/alarms",
        "/api/v1/figures",
        "/api/v1/audit",
    ):
        assert path in spec["paths"], path
    docs = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs


def test_pages_load_no_external_assets(client: TestClient) -> None:
    login(client, "admin")
    for path in ("/", "/cameras", "/cases", "/alarms", "/persons", "/audit"):
        html = client.get(path).text
        assert "http://" not in html.replace("http://testserver", "")
        assert "https://" not in html, path
