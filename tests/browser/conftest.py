"""End-to-end fixtures: the real site in a real WSGI server, and one headless Debian Chromium per session.

Fixtures (any test under tests/browser/ can use them):
- `live_server` (session): the app from `create_app`, served by werkzeug on a free loopback port, with
  BASE_URL set to that address and TRANSLATIONS_DIR a private copy of translations/ (edit a `.po` in
  `live_server.translations_dir` and the catalog registry reloads it on the next request; restore it
  afterwards, the server is shared by the session). `live_server.url_for("pages.office", locale="ja")`.
  A test needing other settings starts its own: `with serve_app(lambda base_url: create_app({...})) as s:`.
- `browser` (session): Chromium from Debian (/usr/bin/chromium, or $CHROMIUM), driven by Playwright.
  Never a browser of Playwright's own: `playwright install` downloads one, which this project cannot.
- `new_page(**context_options)`: a page in a fresh browser context (no cookies) whose relative URLs go to
  the live server; e.g. `new_page(locale="ja-JP", java_script_enabled=False)`. Closed after the test.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from app import create_app
from app.config import PROJECT_ROOT
from tests.browser.server import serve_app

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Headless in a container: no sandbox (we run as root), no GPU, and nothing that phones home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    translations = tmp_path_factory.mktemp("live") / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo"))
    with serve_app(lambda base_url: create_app({"BASE_URL": base_url,
                                                "TRANSLATIONS_DIR": translations})) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        # A failure, not a skip: a suite that quietly drops its browser tests would pass without them.
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `make system-packages` "
                    "(scripts/install-system-packages.sh), or set CHROMIUM=/path/to/chromium", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(base_url=live_server.url, **context_options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ (gitignored): screenshots and axe reports for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
