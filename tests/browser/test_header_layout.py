"""The header fits the window at every width, for visitors and members, and works by keyboard.

Reviewers found the desktop header 1823-2143 px wide at 1280-1920 px windows: the account links
and the language switch sat off-screen and keyboard focus scrolled the page sideways.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.browser.conftest import account_menu, log_in, with_confirmed_email
from tests.events.factories import EventFactory
from tests.factories import OrganisationMembershipFactory, UserFactory
from tests.strategy.factories import ProcessFactory
from werkstatt.notifications.services import notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [375, 1024, 1280, 1920]
PASSWORD = "Erzgebirge-Schwibbogen-1987"


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def pages(reference_data):
    process = ProcessFactory(title="ZukunftsWerkstatt INDUSTRIE: Strategie für die Region")
    event = EventFactory(title="Zulieferkonferenz IMPRO 2027 – Kooperation in der Lieferkette")
    return ["/", "/netzwerk/", process.get_absolute_url(), event.get_absolute_url()]


@pytest.fixture
def member(reference_data):
    user = with_confirmed_email(UserFactory(name="Katrin Schubert", is_staff=True))
    user.set_password(PASSWORD)
    user.save()
    OrganisationMembershipFactory(user=user)
    return user


def overflow(page) -> dict:
    """How far the page and the header's controls reach beyond the window."""
    return page.evaluate(
        """() => {
        const width = window.innerWidth;
        const sticking = [];
        for (const el of document.querySelectorAll(
            '.site-header a, .site-header button, .site-header summary')) {
            if (!el.checkVisibility()) continue;  // in the closed menu
            const box = el.getBoundingClientRect();
            if (box.width && box.height && (box.right > width + 0.5 || box.left < -0.5)) {
                sticking.push(el.textContent.trim());
            }
        }
        return {scroll: document.documentElement.scrollWidth, width, sticking};
    }"""
    )


def assert_fits(page, where: str) -> None:
    found = overflow(page)
    assert found["scroll"] <= found["width"], (where, found)
    assert found["sticking"] == [], (where, found)


def check_all_widths(page, paths: list[str], who: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(path)
            assert_fits(page, f"{who} {path} at {width}px")
            if width < 960:
                # The menu opened on a phone: still no sideways scrolling.
                page.locator(".site-menu > summary").click()
                assert page.locator(".main-nav").is_visible()
                assert_fits(page, f"{who} {path} at {width}px, menu open")
            elif who == "member":
                account_menu(page)
                assert_fits(page, f"{who} {path} at {width}px, account menu open")


def test_the_header_fits_for_visitors(page, pages):
    check_all_widths(page, pages, "visitor")


def test_the_header_fits_for_members(page, pages, member):
    log_in(page, member.email, PASSWORD)
    check_all_widths(page, pages, "member")


def test_keyboard_focus_never_scrolls_sideways(page, pages, member):
    log_in(page, member.email, PASSWORD)
    for width in (1024, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(pages[1])
        names = []
        for _ in range(20):
            page.keyboard.press("Tab")
            names.append(page.evaluate("document.activeElement.textContent.trim()"))
            assert page.evaluate("window.scrollX") == 0, names
        # Every section of the main navigation and the account menu were reached.
        assert german("Implementation") in names and german("My account") in names, names


def test_account_menu_opens_and_closes_by_keyboard(page, member):
    log_in(page, member.email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    summary = page.locator(".account-menu > summary")
    log_out = page.locator(".account-nav").get_by_role("button", name=german("Log out"))
    assert not log_out.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert log_out.is_visible()
    page.keyboard.press("Tab")  # into the menu: the profile link
    assert page.evaluate("document.activeElement.closest('.account-menu') !== null")
    page.keyboard.press("Escape")
    assert not log_out.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    # A click elsewhere closes it too.
    page.keyboard.press("Enter")
    assert log_out.is_visible()
    page.locator("main h1").first.click()
    assert not log_out.is_visible()


def test_the_notifications_link_tells_the_unread_count(page, member):
    notify(
        [member] * 1 + [],
        verb="tests.header",
        title="Neue Antwort auf Ihre Anfrage",
        url="/netzwerk/",
    )
    for i in range(2):
        notify([member], verb="tests.header", title=f"Kommentar {i}", url="/netzwerk/")
    log_in(page, member.email, PASSWORD)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/netzwerk/")
        with translation.override("de"):
            name = ngettext(
                "%(counter)s unread notification", "%(counter)s unread notifications", 3
            ) % {"counter": 3}
        link = page.get_by_role("link", name=name)
        assert link.is_visible()  # beside the brand, also on a phone with the menu closed
        assert link.locator(".notifications-link__count").inner_text() == "3"
    link.click()
    assert page.locator("h1").inner_text() == german("Notifications")
