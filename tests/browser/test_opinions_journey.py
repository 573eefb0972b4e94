"""Journey: a participant votes through the statements by keyboard (htmx: the focus moves to
the next statement, the live region announces the vote), then sees the map and their group.
Without JavaScript the same forms work by full page loads."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD, UserFactory
from tests.opinions.factories import ConversationFactory, StatementFactory, member_of
from werkstatt.opinions.models import Participant, Vote

from .conftest import CHROMIUM_ARGS, log_in, with_confirmed_email  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STATEMENTS = 8


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def world(settings):
    settings.JOBS_MODE = "sync"
    settings.OPINIONS_ANALYSIS_INTERVAL = 0
    conversation = ConversationFactory(
        slug="thesen", title="Kontroverse Thesen", question="Was denken Sie?"
    )
    statements = [
        StatementFactory(
            conversation=conversation,
            number=i,
            text=f"These {i}: {'Mehr Förderung' if i % 2 == 0 else 'Weniger Staat'} für alle.",
        )
        for i in range(STATEMENTS)
    ]
    # Two camps of earlier participants: "Förderung" agrees with the even theses.
    votes = []
    for camp in ("foerderung", "markt"):
        for k in range(10):
            p = Participant.objects.create(conversation=conversation, external_id=f"{camp}-{k}")
            for s in statements:
                agree = (s.number % 2 == 0) == (camp == "foerderung")
                value = 0 if (k + s.number) % 5 == 0 else (1 if agree else -1)
                votes.append(Vote(participant=p, statement=s, value=value))
    Vote.objects.bulk_create(votes)
    user = with_confirmed_email(UserFactory(email="teilnehmerin@example.org", name="Ute Teil"))
    member_of(conversation.phase.process, user)
    return conversation, user


def focused(page) -> str:
    script = "() => { const e = document.activeElement; return e.id + '|' + e.textContent.trim(); }"
    return page.evaluate(script)


def test_vote_through_statements_by_keyboard_then_see_the_map(page, world):
    conversation, user = world
    log_in(page, user.email, PASSWORD)
    page.goto(f"/meinungsbild/{conversation.slug}/")
    status = page.locator("#vote-status")
    assert status.get_attribute("aria-live") == "polite"
    for n in range(STATEMENTS):
        text = page.locator("#current-statement-text").inner_text()
        agree = "Mehr Förderung" in text
        if n == 0:
            # Start from the statement, as after each vote: Tab reaches the buttons.
            page.locator("#current-statement").focus()
        page.keyboard.press("Tab")
        assert focused(page).endswith("|" + german("Agree")), focused(page)
        if not agree:
            page.keyboard.press("Tab")
            assert focused(page).endswith("|" + german("Disagree"))
        page.keyboard.press("Enter")
        said = (
            german("Agreed: “%(statement)s”.") if agree else german("Disagreed: “%(statement)s”.")
        )
        expected = said % {"statement": text}
        page.wait_for_function(
            "(expected) => document.getElementById('vote-status').textContent.includes(expected)",
            arg=expected,
        )
        # The focus is on the next statement (or on the "all done" note).
        page.wait_for_function("() => document.activeElement.id === 'current-statement'")
        if n < STATEMENTS - 1:
            assert page.locator("#current-statement-text").inner_text() != text
        status.evaluate("node => { node.textContent = ''; }")  # the next announcement anew

    assert Vote.objects.filter(participant__user=user).count() == STATEMENTS
    page.get_by_role("link", name=german("See the opinion map"), exact=True).click()
    page.wait_for_url(re.compile(r"/thesen/ergebnisse/$"))
    svg = page.locator("svg.opinion-map__svg")
    assert svg.is_visible()
    assert page.locator("#map-me").count() == 1
    assert svg.locator("polygon.opinion-hull").count() == 2
    heading = page.locator("#my-group-heading").inner_text()
    assert re.search(r"\b[AB]\b", heading), heading
    # My group is the one of the "Förderung" camp.
    from werkstatt.opinions.services.analysis import latest_result

    groups = latest_result(conversation).data["participants"]
    mine = groups[str(Participant.objects.get(user=user).pk)]
    camp = {groups[str(p.pk)] for p in Participant.objects.filter(external_id__startswith="foe")}
    assert camp == {mine}
    assert "ABCDE"[mine] in heading
    # The table says the same for screen readers.
    table = page.locator("#map-table")
    assert table.locator("tbody tr").count() == 2
    assert german("your group") in table.inner_text()


def test_voting_works_without_javascript(browser, live_server, world, settings):
    settings.ALLOWED_HOSTS = ["*"]
    conversation, user = world
    context = browser.new_context(
        locale="de-DE", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        log_in(page, user.email, PASSWORD)
        page.goto(f"/meinungsbild/{conversation.slug}/")
        first = page.locator("#current-statement-text").inner_text()
        page.get_by_role("button", name=german("Pass / unsure")).click()
        page.wait_for_url(re.compile(r"/meinungsbild/thesen/(#abstimmen)?$"))
        passed = german("Passed: “%(statement)s”.") % {"statement": first}
        assert passed in page.locator(".messages").inner_text()
        assert page.locator("#current-statement-text").inner_text() != first
        assert Vote.objects.get(participant__user=user).value == 0
    finally:
        context.close()


def test_a_refused_vote_shows_its_reason_and_the_next_statement(page, world):
    """The statement was moderated out while the person read it: the card says so (focused),
    nothing is stored, and the next statement is there."""
    conversation, user = world
    log_in(page, user.email, PASSWORD)
    page.goto(f"/meinungsbild/{conversation.slug}/")
    shown = int(page.locator("input[name=statement]").get_attribute("value"))
    conversation.statements.filter(number=shown).update(status="rejected")
    page.get_by_role("button", name=german("Agree"), exact=True).click()
    alert = page.locator("#vote-card [role=alert]")
    alert.wait_for()
    assert german("This statement is not open for votes.") in alert.inner_text()
    page.wait_for_function("() => document.activeElement.getAttribute('role') === 'alert'")
    assert int(page.locator("input[name=statement]").get_attribute("value")) != shown
    assert not Vote.objects.filter(participant__user=user).exists()
