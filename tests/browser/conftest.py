"""Real-browser fixtures: Debian's headless Chromium driven by the `playwright` Python package.

Generic on purpose (every browser test module shares them): `browser` launches Chromium once per test module,
`new_context` opens a fresh, isolated browser context (its own cookies, so one per user), `page` is one tab in a
default context. Contexts are 1280×800, in Chinese, on Beijing time.

When Playwright or Chromium is missing the tests skip, except under CI=true, where that is a failure.

Why module scope and DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API keeps an asyncio loop marked as running in
this thread while it is started, and Django refuses ORM calls when it sees a running loop. No async code runs in
the test thread, so the check is lifted for as long as Playwright runs, and Playwright is stopped at the end of
each browser module so the rest of the suite runs with the check in force.
"""

import contextlib
import os
import time

import pytest

from tests.browser.chromium import CHROMIUM_ARGS, chromium_path
from tests.conftest import skip_or_fail

VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("needs the playwright Python package")
    executable = chromium_path()
    if not executable:
        skip_or_fail("needs Chromium (apt-get install chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser):
    """A factory of isolated browser contexts (one per user in a test); all are closed after the test."""
    contexts = []

    def make(**options):
        settings = {"viewport": VIEWPORT, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", **options}
        context = browser.new_context(**settings)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    # Every page closed first, and a moment for the live server: a page's timers stop, and what it sends as it
    # goes (the presence's last word, editing/static/editing/presence.js) is answered now, not while the test's
    # tables are flushed (on PostgreSQL the flush's TRUNCATE and that request's UPDATE deadlocked). Closed without
    # its "leave page?" question: a test may end with unsaved edits and a handler that answers "stay".
    shown = [page for context in contexts for page in context.pages if page.url != "about:blank"]
    for page in shown:
        with contextlib.suppress(Exception):  # a page that crashed or closed already
            page.close(run_before_unload=False)
    if shown:
        time.sleep(0.5)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
