"""Journey: register → confirmation e-mail → confirm → logged in → log out → log in again."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext

from tests.browser.conftest import account_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Erzgebirge-Schwibbogen-1987"


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def test_register_confirm_log_out_and_log_in_again(page, mailoutbox, settings):
    # pytest-django's test environment sends mail to the in-memory outbox; the live server runs
    # in this process, so its mails land there too.
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"

    page.goto("/")
    page.locator(".account-nav").get_by_role("link", name=german("Register")).click()
    assert page.locator("h1").inner_text() == german("Register")

    # Fill the form with the keyboard: the name field first, then Tab from field to field.
    page.get_by_label(german("Your name")).focus()
    page.keyboard.type("Katrin Schubert")
    page.keyboard.press("Tab")
    page.keyboard.type("k.schubert@zulieferer-erzgebirge.de")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/konto/confirm-email/$"))
    assert page.locator("html").get_attribute("lang") == "de"
    user = get_user_model().objects.get(email="k.schubert@zulieferer-erzgebirge.de")
    assert user.name == "Katrin Schubert"
    assert not user.emailaddress_set.get().verified

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["k.schubert@zulieferer-erzgebirge.de"]
    assert mail.subject.startswith("[Werkstatt] ")
    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", mail.body).group(0)

    # Not logged in yet: the account can't be used before the address is confirmed.
    assert page.locator(".account-nav").get_by_role("link", name=german("Log in")).is_visible()

    page.goto(link)
    assert "k.schubert@zulieferer-erzgebirge.de" in page.locator("main").inner_text()
    page.get_by_role("button", name=german("Confirm")).click()
    page.wait_for_url(lambda url: "confirm-email" not in url)

    # Logged in right away, the address is confirmed. The account's links are behind one
    # disclosure, "My account".
    account_nav = page.locator(".account-nav")
    toggle = account_nav.locator("summary", has_text=german("My account"))
    assert toggle.is_visible()
    assert not account_nav.get_by_role("button", name=german("Log out")).is_visible()
    account_menu(page)
    log_out = account_nav.get_by_role("button", name=german("Log out"))
    assert log_out.is_visible()
    assert account_nav.get_by_role("link", name=german("Profile")).is_visible()
    assert user.emailaddress_set.get().verified

    log_out.click()
    page.wait_for_load_state()
    assert account_nav.get_by_role("link", name=german("Log in")).is_visible()
    assert account_nav.get_by_role("button", name=german("Log out")).count() == 0

    # A wrong password: a German message, still logged out.
    account_nav.get_by_role("link", name=german("Log in")).click()
    page.locator("input[name=login]").fill("k.schubert@zulieferer-erzgebirge.de")
    page.locator("input[name=password]").fill("Erzgebirge-falsch")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state()
    # Our own wording (accounts/adapter.py), German after the translation pass.
    expected = german("The e-mail address or the password is not correct.")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert expected in summary.inner_text()
    # The summary takes the focus, so a screen reader reads it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert account_nav.get_by_role("button", name=german("Log out")).count() == 0

    # The right password: logged in with the new account.
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/konto/login/" not in url)
    assert account_menu(page).get_by_role("button", name=german("Log out")).is_visible()
    page.goto("/konto/profil/")
    assert "k.schubert@zulieferer-erzgebirge.de" in page.locator("main").inner_text()
