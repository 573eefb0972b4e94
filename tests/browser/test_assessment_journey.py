"""Journey: a member rates a recommendation's fit (radio groups, a district), compares pairs by
keyboard (htmx: the next pair appears in place), and sees the prioritised list by both methods.
Without JavaScript the comparison works by full page loads."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.assessment.factories import assessment_process, recommendations
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
)
from tests.strategy.factories import add_role
from werkstatt.assessment.models import Comparison, Rating
from werkstatt.network.models import Organisation

from .conftest import CHROMIUM_ARGS, log_in, with_confirmed_email  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def focused(page) -> str:
    """The value of the focused button ("first", "second", "undecided"), or the element's id."""
    return page.evaluate("() => document.activeElement.value || document.activeElement.id")


@pytest.fixture
def world(reference_data):
    process = assessment_process(slug="zukunftswerkstatt", title="ZukunftsWerkstatt INDUSTRIE")
    titles = [
        "Breitband in jedes Gewerbegebiet",
        "Ausbildungsverbünde kleiner Betriebe",
        "FabLabs als offene Werkstätten",
        "Transferstellen an Hochschulen",
    ]
    recs = recommendations(process, 4)
    for rec, title in zip(recs, titles, strict=True):
        rec.title = title
        rec.save()
    user = with_confirmed_email(UserFactory(email="firma@example.org", name="Frieda Firma"))
    OrganisationMembershipFactory(
        user=user, organisation=OrganisationFactory(kind=Organisation.Kind.UNION)
    )
    add_role(user, process)
    return process, recs, user


def test_rate_fit_compare_pairs_and_see_the_prioritised_list(page, world):
    process, recs, user = world
    log_in(page, user.email, PASSWORD)
    page.goto(f"/bewertung/{process.slug}/")
    page.locator(f"a[href$='/empfehlungen/{recs[0].pk}/bewerten/']").click()
    page.wait_for_url(f"**/empfehlungen/{recs[0].pk}/bewerten/")

    # One radio group per criterion, reachable by its label; the district from the list.
    fieldsets = page.locator("form.rating-form fieldset")
    assert fieldsets.count() == 4
    for index, value in enumerate(["5", "4", "3", "4"]):
        fieldsets.nth(index).locator(f"input[value='{value}']").check()
    page.locator("select[name=region]").select_option("landkreis-zwickau")
    page.locator("form.rating-form button[type=submit]").click()
    page.wait_for_url(f"**/bewertung/{process.slug}/")
    assert Rating.objects.filter(user=user).count() == 4
    assert Rating.objects.get(user=user, region__slug="landkreis-zwickau").value == 4
    assert set(Rating.objects.filter(user=user).values_list("group", flat=True)) == {"union"}

    # Compare pairs by keyboard: "1" takes the first, the next pair replaces it in place.
    page.goto(f"/bewertung/{process.slug}/vergleichen/")
    first_pair = page.locator("#pair h3").all_inner_texts()
    assert len(first_pair) == 2
    page.keyboard.press("1")
    page.wait_for_function("() => document.querySelector('#pair .alert--success') !== null")
    assert Comparison.objects.filter(user=user).count() == 1
    second_pair = page.locator("#pair h3").all_inner_texts()
    assert sorted(second_pair) != sorted(first_pair)
    # The focus is on the new pair's heading, not lost to <body>: Tab reaches its first button;
    # the live region names the next pair in a short message (the pair itself is not live).
    page.wait_for_function("() => document.activeElement.id === 'pair-heading'")
    assert page.locator("#pair").get_attribute("aria-live") is None
    said = german("Saved. Next pair: “%(first)s” or “%(second)s”.")
    expected = said % {"first": second_pair[0], "second": second_pair[1]}
    assert page.locator("#pair-status").inner_text() == expected
    page.keyboard.press("Tab")
    assert focused(page) == "first"
    # By Tab and Enter on "This one first" of the second card: the same again.
    page.keyboard.press("Tab")
    assert focused(page) == "second"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#pair p.small').textContent.includes('2')"
    )
    page.wait_for_function("() => document.activeElement.id === 'pair-heading'")
    assert Comparison.objects.filter(user=user).count() == 2
    page.keyboard.press("Tab")
    assert focused(page) == "first"
    # A mouse click works as well; the page never reloaded (htmx).
    page.locator("#pair button[value=undecided]").click()
    page.wait_for_function(
        "() => document.querySelector('#pair p.small').textContent.includes('3')"
    )
    assert Comparison.objects.filter(user=user).count() == 3
    vote = Comparison.objects.filter(user=user).order_by("pk").first()
    preferred = vote.item_low if vote.choice == "low" else vote.item_high
    assert preferred.title == first_pair[0]

    # The prioritised list: the rated recommendation first, with its interval drawn.
    page.goto(f"/bewertung/{process.slug}/rangliste/")
    first_row = page.locator("table.ranking tbody tr").first
    assert recs[0].title in first_row.inner_text()
    assert first_row.locator("svg.interval-bar").count() == 1
    page.goto(f"/bewertung/{process.slug}/rangliste/?method=pairwise")
    rows = page.locator("table.ranking tbody tr")
    assert rows.count() == 4
    assert preferred.title in page.locator("table.ranking").inner_text()
    page.goto(f"/bewertung/{process.slug}/regionen/?bezirk=landkreis-zwickau")
    assert page.locator(".tile-map svg g.tile").count() == 13
    assert recs[0].title in page.locator("main").inner_text()


def test_comparing_works_without_javascript(browser, live_server, settings, world):
    process, recs, user = world
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        locale="de-DE", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        log_in(page, user.email, PASSWORD)
        page.goto(f"/bewertung/{process.slug}/vergleichen/")
        page.locator("#pair button[value=second]").click()
        page.wait_for_load_state()
        assert Comparison.objects.filter(user=user).count() == 1
        assert page.locator(".alert--success").count() >= 1
        assert page.locator("#pair h3").count() == 2
    finally:
        context.close()
