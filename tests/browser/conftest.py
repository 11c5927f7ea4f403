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

import os

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
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
