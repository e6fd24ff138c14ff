"""The workbench application: FastAPI + Jinja2 + HTMX, with every asset served locally."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from starlette.middleware.sessions import SessionMiddleware

from precinct import __version__
from precinct.cases import api as cases_api
from precinct.config import Settings
from precinct.core.db import Database
from precinct.fleet import api as fleet_api
from precinct.linkage import api as linkage_api
from precinct.linkage import rings_api
from precinct.registry import api as registry_api
from precinct.video import api as video_api
from precinct.web import pages
from precinct.web.deps import LoginRequired, is_api, render

PACKAGE = Path(__file__).resolve().parent.parent
# The workbench's own templates first, then each capability's `templates/` folder.
TEMPLATE_DIRS = [
    PACKAGE / "web" / "templates",
    *sorted(p for p in PACKAGE.glob("*/templates") if p.parent.name != "web"),
]
STATIC = PACKAGE / "web" / "static"


def _templates(settings: Settings) -> Jinja2Templates:
    loader = ChoiceLoader([FileSystemLoader(str(d)) for d in TEMPLATE_DIRS])
    env = Environment(loader=loader, autoescape=True)
    zone = ZoneInfo(settings.timezone)

    def localtime(value: datetime | None) -> str:
        return "" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    env.filters["localtime"] = localtime
    return Jinja2Templates(env=env)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if is_api(request):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        return render(
            request, "error.html", exc.status_code, status=exc.status_code, detail=exc.detail
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": exc.errors()}, 422)
        return render(request, "error.html", 422, status=422, detail=str(exc.errors()))


def _install_docs(app: FastAPI) -> None:
    @app.get("/api/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Precinct API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    app = FastAPI(
        title="Precinct",
        version=__version__,
        description="Investigation and service platform for a district police bureau.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.resolved_database_url)
    app.state.templates = _templates(settings)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="precinct_session",
        max_age=settings.session_max_age,
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _install_error_handlers(app)
    _install_docs(app)
    for router in (
        pages.router,
        registry_api.router,
        cases_api.router,
        fleet_api.router,
        video_api.router,
        linkage_api.router,
        rings_api.router,
    ):
        app.include_router(router)
    return app
