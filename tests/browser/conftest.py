"""Browser tests: Playwright drives Debian's Chromium against the app served on 127.0.0.1.

Playwright's own browser download cannot work here, so the tests use the system
Chromium (`apt-get install chromium`). Without it they are skipped with that
hint, except under CI=true, where a missing browser is a failure.
"""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HINT = "Chromium not found: install it with `sudo apt-get install chromium` (Debian/Ubuntu) to run the browser tests."


def _chromium_available():
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(HINT + " (CI=true: browser tests must run)")
        pytest.skip(HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served on a free port of 127.0.0.1 in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server, world):
    """A fresh browser context (no cookies) on a phone-sized or desktop screen, with the world loaded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.base_url = live_server
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def log_in(page, username, password="rahasia-uji-123"):
    page.goto(page.base_url + "/masuk")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def settled(page):
    """Wait until htmx has no request in flight and has finished swapping and settling (for a
    moment after a swap a re-used id keeps its old class; an input typed into too early is lost)."""
    from playwright.sync_api import expect

    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


def pytest_collection_modifyitems(items):
    """Every browser journey starts a server and Chromium: all of them are `slow`."""
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)
