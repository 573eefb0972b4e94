"""Journey: switch the language to English and back; the skip link with the keyboard."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def test_switch_to_english_and_back_on_the_same_page(page):
    page.goto("/netzwerk/")
    assert page.locator("html").get_attribute("lang") == "de"
    switch = page.get_by_role("group", name=in_language("de", "Language"))
    switch.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r"/en/netzwerk/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Network directory"
    switch = page.get_by_role("group", name="Language")
    assert switch.locator("[aria-current=true]").inner_text() == "English"

    switch.get_by_role("button", name="Deutsch").click()
    page.wait_for_url(re.compile(r"/netzwerk/$"))
    assert "/en/" not in page.url
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == in_language("de", "Network directory")


def test_tab_reaches_the_skip_link_first_and_enter_moves_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["skip-link", "#main"]
    skip = page.locator(".skip-link")
    assert skip.inner_text() == in_language("de", "Skip to content")
    assert skip.is_visible()  # shown while it has the focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
