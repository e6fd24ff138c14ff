"""Fixtures for the browser tests: a demo district served by uvicorn, and headless Chromium.

The tests drive the Debian Chromium at /usr/bin/chromium with Playwright's sync API (no browser
download, no pytest-playwright plugin). Without that browser they are skipped, unless
PRECINCT_REQUIRE_ALL=1 (as in `make test` and CI), where a missing browser is an error.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ALL = os.environ.get("PRECINCT_REQUIRE_ALL") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_SEED = 20241215
DEMO_RESIDENTS = 2000
SERVER_START_TIMEOUT = 30.0
NAVIGATION_TIMEOUT_MS = 15_000


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    return None


def skip_or_fail_without_browser() -> None:
    """Skip (or, with PRECINCT_REQUIRE_ALL=1, fail) when the browser tests cannot run."""
    reason = browser_missing_reason()
    if reason is None:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{reason}, but PRECINCT_REQUIRE_ALL=1", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@dataclass(frozen=True)
class LiveServer:
    """A running workbench over a freshly built demo district."""

    base_url: str
    data_dir: Path
    case_number: str
    truth: Any

    def url(self, path: str) -> str:
        return self.base_url + path


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _wait_healthy(base_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the uvicorn thread stopped before the server answered /healthz")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(
        f"the server did not answer /healthz within {SERVER_START_TIMEOUT} s: {last}"
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import uvicorn

    from precinct.config import Settings
    from precinct.demo.run import DemoOptions, build_demo
    from precinct.web.app import create_app

    data_dir = tmp_path_factory.mktemp("e2e-demo")
    settings = Settings(data_dir=data_dir, demo_mode=True)
    result = build_demo(settings, DemoOptions(DEMO_SEED, DEMO_RESIDENTS, fresh=True))
    app = create_app(settings)

    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="precinct-e2e-server", daemon=True
    )
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, thread)
        yield LiveServer(base_url, data_dir, result.truth.case_number, result.truth)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        app.state.db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    skip_or_fail_without_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


ContextFactory = Callable[..., "BrowserContext"]


@pytest.fixture
def new_context(browser: Browser, live_server: LiveServer) -> Iterator[ContextFactory]:
    """Make fresh browser contexts (own cookies) against the live server; closed afterwards."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.base_url, **options)
        context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: ContextFactory) -> Page:
    """A page in its own fresh context."""
    return new_context().new_page()


def _sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("#login-submit")


Login = Callable[..., "Page"]


@pytest.fixture
def login(new_context: ContextFactory) -> Login:
    """`login(username, password=None, page=None)`: sign in through the form, on `page` or on a
    page in a fresh context, with the demo password unless another is given."""
    from precinct.demo.run import DEMO_PASSWORD

    def sign_in(username: str, password: str | None = None, page: Page | None = None) -> Page:
        page = page or new_context().new_page()
        _sign_in(page, username, DEMO_PASSWORD if password is None else password)
        return page

    return sign_in
