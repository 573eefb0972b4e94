"""Journey: a member proposes a recommendation, another member comments and replies (htmx,
by keyboard), the project office answers and moves the status, and the author finds the
answer among their notifications."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD, UserFactory
from tests.strategy.factories import ActionFieldFactory, add_role, running_process
from werkstatt.accounts.models import SpaceRole
from werkstatt.strategy.models import Comment, Recommendation

from .conftest import log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def people(reference_data):
    process = running_process(slug="zukunftswerkstatt", title="ZukunftsWerkstatt INDUSTRIE")
    ActionFieldFactory(process=process, name="Aus- und Weiterbildung")
    author = with_confirmed_email(UserFactory(email="j.uhlig@seifert.example", name="Jens Uhlig"))
    commenter = with_confirmed_email(
        UserFactory(email="a.friedrich@fablab.example", name="Anke Friedrich")
    )
    office = with_confirmed_email(
        UserFactory(email="t.kretzschmar@projektbuero.example", name="Thomas Kretzschmar")
    )
    add_role(commenter, process)
    add_role(office, process, SpaceRole.Role.MODERATOR)
    return process, author, commenter, office


def test_propose_comment_answer(page, people):
    process, author, commenter, office = people

    # The author joins the process and proposes a recommendation.
    log_in(page, author.email, PASSWORD)
    page.goto(f"/strategie/{process.slug}/")
    page.get_by_role("button", name=german("Take part")).click()
    page.get_by_role("link", name=german("Propose a recommendation or thesis")).first.click()
    page.locator("input[name=title]").fill("Überbetriebliche Ausbildungswerkstätten")
    page.locator("textarea[name=text]").fill(
        "Viele Betriebe bilden nicht aus, weil ihnen die Ausstattung fehlt. Überbetriebliche "
        "Werkstätten im ländlichen Raum schließen diese Lücke."
    )
    page.get_by_role("checkbox", name="Aus- und Weiterbildung").check()
    page.get_by_role("button", name=german("Submit")).click()
    page.wait_for_url(re.compile(r"/empfehlungen/\d+/$"))
    rec = Recommendation.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == rec.title
    page.context.clear_cookies()

    # Another member comments (htmx: the discussion is replaced in place) ...
    log_in(page, commenter.email, PASSWORD)
    page.goto(rec.get_absolute_url())
    discussion = page.locator("#discussion")
    discussion.locator("textarea[name=text]").fill("Das FabLab kann Werkbänke beisteuern.")
    discussion.get_by_role("button", name=german("Publish comment")).click()
    expect_text(discussion, "Das FabLab kann Werkbänke beisteuern.")
    assert page.url.endswith(rec.get_absolute_url())  # no page load: htmx swapped the section
    # htmx processes the swapped-in links when the swap has settled.
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-swapping')")
    page.wait_for_timeout(100)
    # ... and answers themselves by keyboard: the reply link, Enter, type, Enter on the button.
    comment = Comment.objects.get()
    reply_link = page.locator(f"#comment-{comment.pk}").get_by_role("link", name=german("Reply"))
    reply_link.focus()
    page.keyboard.press("Enter")
    reply_box = page.locator(f"#reply-text-{comment.pk}")
    reply_box.wait_for()
    reply_box.fill("Ab Montag, nach Absprache.")
    reply_box.press("Tab")
    page.keyboard.press("Enter")
    expect_text(page.locator("#discussion .comment-list--replies"), "Ab Montag, nach Absprache.")
    assert Comment.objects.get(parent=comment).text == "Ab Montag, nach Absprache."
    page.context.clear_cookies()

    # The project office answers and moves the status.
    log_in(page, office.email, PASSWORD)
    page.goto(rec.get_absolute_url())
    page.locator("textarea[name=answer]").fill("Wir besprechen das mit den Landkreisen.")
    page.locator("select[name=status]").select_option("assessment")
    page.get_by_role("button", name=german("Save answer and status")).click()
    answer = page.get_by_role("region", name=german("Answer of the project office"))
    expect_text(answer, "Wir besprechen das mit den Landkreisen.")
    page.context.clear_cookies()

    # The author sees the answer among their notifications and follows it.
    log_in(page, author.email, PASSWORD)
    page.goto("/benachrichtigungen/")
    link = page.locator("main").get_by_role("link", name=re.compile("Überbetriebliche")).first
    link.click()
    page.wait_for_url(re.compile(r"/empfehlungen/\d+/"))
    expect_text(page.locator("main"), "Wir besprechen das mit den Landkreisen.")


def expect_text(locator, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text)
