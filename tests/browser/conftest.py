"""Fixtures for the browser tests: Debian's Chromium, headless, driven by Playwright.

Every test here is marked ``browser``. They need ``/usr/bin/chromium`` (or ``$CHROMIUM``) and the
Python package ``playwright`` (the classroom extra); without either they are skipped, so the fast
test command passes on a machine with no browser. Playwright never downloads a browser here: it
starts the system's Chromium with the flags this machine's closed network needs.

Pages are served from 127.0.0.1 only. Any request a page makes to another host is refused and
reported, as are console errors, uncaught exceptions and failed or 4xx/5xx responses.
Screenshots go to ``artifacts/screenshots/``.
"""

import pytest
from browser_support import BUILD, CHAPTERS, CHROMIUM, CHROMIUM_FLAGS, Watch, run_classroom, serve


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives a real Chromium (needs chromium and playwright; .ci/run runs them)",
    )


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium, or a skip when this machine has no Chromium or no Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (classroom extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh page (own context: no cache, no storage) with a ``Watch`` as ``page.watch``."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    new_page = context.new_page()
    new_page.set_default_timeout(60_000)
    new_page.watch = Watch(new_page)
    yield new_page
    context.close()


@pytest.fixture(scope="session")
def build_server(chromium):
    """Build the site and the slides (incrementally, into ``_build``) and serve ``_build``."""
    if not CHAPTERS:
        pytest.skip("no chapters in notebooks/")
    run_classroom("site", "--strict")
    run_classroom("slides")
    with serve(BUILD) as url:
        yield url


@pytest.fixture(scope="session")
def slides_server(chromium):
    """Build the slides only (into ``_build/slides``) and serve ``_build``."""
    if not CHAPTERS:
        pytest.skip("no chapters in notebooks/")
    run_classroom("slides")
    with serve(BUILD) as url:
        yield url
