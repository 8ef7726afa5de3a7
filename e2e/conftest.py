"""Browser journeys: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Run with::

    env -u DATABASE_URL CHROMIUM=/usr/bin/chromium .venv/bin/pytest -q -m e2e e2e

Playwright never downloads a browser here: every launch uses the executable in ``$CHROMIUM``.
"""

import os

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an asyncio loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told this is fine (the test seeds data through the ORM between steps).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000  # generous: the suite shares two cores with other work
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    """Anything collected from e2e/ is a browser journey, even if a module forgets ``pytestmark``."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "accept_downloads": True}


@pytest.fixture(scope="session")
def page_checks():
    """The HTML and accessibility checks (e2e/htmlcheck.py), one Nu HTML checker for the session."""
    from e2e.htmlcheck import PageChecks, Vnu

    with Vnu() as vnu:
        checks = PageChecks(vnu)
        yield checks
        terminal = (
            f"{checks.documents} documents checked by the Nu HTML checker ({checks.seconds['vnu']:.0f} s with its"
            f" start), {checks.axe_runs} pages by axe-core ({checks.seconds['axe']:.0f} s)"
        )
        if checks.unread:
            terminal += f"; {len(checks.unread)} answers the browser had dropped before they could be read"
        print(f"\n{terminal}")


@pytest.fixture(scope="session")
def browser(browser, page_checks):
    """Every browser context, whoever opens it, is watched by the page checks."""
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        page_checks.watch_context(context)
        return context

    page_checks.new_context = new_context
    browser.new_context = watched_new_context
    yield browser
    browser.new_context = new_context


@pytest.fixture(autouse=True)
def _check_pages(page_checks, new_context):
    """Every page a journey loads has no Nu HTML checker error and no serious or critical axe-core
    violation; each htmx answer is checked by the Nu HTML checker as a fragment. Problems are reported
    after the test, per address."""
    page_checks.start_test()
    yield
    problems = page_checks.finish_test()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(page):
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return page


@pytest.fixture
def server(live_server, settings):
    """The live server's base URL; e-mails link back to it."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def places(transactional_db):
    """Countries and ISO regions (Belarus, Armenia, Moldova) as the real site has them."""
    from hramada.places.services import sync_regions

    sync_regions()


def pytest_configure(config):
    # pytest-playwright 0.10's ``base_url`` fixture trips a pytest 9 deprecation; not ours to fix.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning",
    )
