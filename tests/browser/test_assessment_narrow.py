"""The assessment pages on a 375 px phone: nothing scrolls the page sideways (wide tables
scroll inside their wrapper), and a keyboard scrolls such a table (a focusable region)."""

from __future__ import annotations

import pytest

from tests.assessment.factories import assessment_process, participant, recommendations
from tests.factories import PASSWORD, UserFactory
from tests.strategy.factories import add_role
from werkstatt.accounts.models import SpaceRole
from werkstatt.assessment.services.comparisons import do_compare
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.assessment.services.ratings import do_rate
from werkstatt.network.models import Region

from .conftest import log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375


def check_narrow(page, path: str) -> None:
    page.goto(path)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{path}: the page is {width} px wide"
    wraps = page.locator(".table-wrap")
    for k in range(wraps.count()):
        wrap = wraps.nth(k)
        # A table in a closed disclosure ("Your votes so far") is not rendered: open it as a
        # reader would (its size before that depends on whether Chromium laid it out).
        closed = wrap.evaluate("e => { const d = e.closest('details'); return !!d && !d.open; }")
        if closed:
            wrap.locator("xpath=ancestor::details[1]/summary").click()
        if not wrap.evaluate("e => e.scrollWidth > e.clientWidth"):
            continue
        assert wrap.get_attribute("tabindex") == "0", path
        assert wrap.get_attribute("role") == "region", path
        handle = wrap.element_handle()
        wrap.focus()
        assert page.evaluate("e => document.activeElement === e", handle), path
        page.keyboard.press("ArrowRight")
        page.wait_for_function("e => e.scrollLeft > 0", arg=handle)


def test_assessment_pages_fit_a_phone(browser, live_server, settings, reference_data):
    settings.ALLOWED_HOSTS = ["*"]
    process = assessment_process(slug="zukunftswerkstatt")
    recs = recommendations(process, 4)
    for rec in recs:
        rec.title = "Regionale Anlaufstellen für Industrie 4.0 in jedem Landkreis " + rec.title
        rec.save()
    chemnitz = Region.objects.get(slug="chemnitz")
    for value, rec in enumerate(recs[:3], start=2):
        person = participant(process)
        do_rate(person, rec, {c.pk: value for c in criteria_of(process)}, region=chemnitz)
        do_compare(person, process, rec, recs[3], "first")
    moderator = with_confirmed_email(UserFactory(email="prozess@example.org"))
    add_role(moderator, process, SpaceRole.Role.MODERATOR)
    context = browser.new_context(
        locale="de-DE", base_url=live_server.url, viewport={"width": WIDTH, "height": 800}
    )
    page = context.new_page()
    try:
        log_in(page, moderator.email, PASSWORD)
        base = f"/bewertung/{process.slug}/"
        for path in [
            "/bewertung/",
            base,
            base + "rangliste/",
            base + "rangliste/?method=pairwise",
            base + "gruppen/",
            base + "regionen/",
            base + "regionen/?bezirk=chemnitz",
            base + "vergleichen/",
            base + f"empfehlungen/{recs[0].pk}/",
            base + f"empfehlungen/{recs[0].pk}/bewerten/",
            base + "kriterien/",
            base + f"kriterien/{criteria_of(process)[0].pk}/",
        ]:
            check_narrow(page, path)
    finally:
        context.close()
