"""Browser tests: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import shutil
import tempfile

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium tries to reach Google's services at start, which this closed network
# refuses many times over.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits(transactional_db):
    """allauth counts logins per address in the default cache (a database table that the
    transactional tests' flush leaves alone): at 30 logins a minute from 127.0.0.1 the journeys
    together would get the 429 page. Each journey starts with none counted."""
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    downloads = tempfile.mkdtemp(prefix="werkstatt-downloads-")
    context = browser.new_context(locale="de-DE", accept_downloads=True, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.downloads_dir = downloads
    # Map tiles come from the internet, which tests never reach: answer them empty at once.
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    yield page
    context.close()
    shutil.rmtree(downloads, ignore_errors=True)


@pytest.fixture
def reference_data(transactional_db):
    """Regions, capabilities, certifications and the network space.

    The migration loads them once, but transactional tests flush the tables after each test;
    load them again (idempotent, quick).
    """
    from werkstatt.network.services.reference_data import load_reference_data

    load_reference_data()


def log_in(page, email: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/konto/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/konto/login/" not in url)


def with_confirmed_email(user):
    """Mark the user's address as confirmed (login requires it; factories don't do it)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def account_menu(page):
    """The header's account menu, opened (on wide screens it is a disclosure, "My account").

    Returns the `.account-nav` locator, e.g.
    `account_menu(page).get_by_role("button", name=german("Log out")).click()`."""
    nav = page.locator(".account-nav")
    menu = nav.locator("details.account-menu")
    if menu.count() and menu.get_attribute("open") is None:
        summary = menu.locator("summary")
        if summary.is_visible():
            summary.click()
    return nav
