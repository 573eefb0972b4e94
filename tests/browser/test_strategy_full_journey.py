"""Journey, end to end on ONE recommendation: a member joins a process and proposes a
recommendation; a second member comments on it (htmx), rates its fit on every criterion with a
district and compares pairs (keyboard and mouse) in which it appears; the prioritised list
shows it; the project office writes its implementation concept with a responsible organisation
and reports progress; a visitor finds all of it on the public monitoring page."""

from __future__ import annotations

import re

import pytest
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.assessment.factories import criteria_of
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
)
from tests.strategy.factories import (
    ActionFieldFactory,
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    add_role,
)
from werkstatt.accounts.models import SpaceRole
from werkstatt.assessment.models import Comparison, Rating, StakeholderGroup
from werkstatt.monitoring.models import ImplementationConcept, ProgressUpdate
from werkstatt.network.models import Organisation
from werkstatt.strategy.models import Comment, Process, Recommendation

from .conftest import log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Überbetriebliche Ausbildungswerkstätten im ländlichen Raum"
TEXT = (
    "Viele Betriebe bilden nicht aus, weil ihnen die Ausstattung fehlt. Überbetriebliche "
    "Werkstätten im ländlichen Raum schließen diese Lücke."
)
COMMENT = "Das FabLab kann Werkbänke beisteuern."
CONCEPT = "Drei Werkstätten in Annaberg, Marienberg und Zwickau einrichten."
REPORT = "Die erste Werkstatt in Annaberg bildet aus."
LEAD = "Handwerkskammer Chemnitz"
# Two other published recommendations: three candidates, three pairs. Two different pairs out
# of three always include the new recommendation (the assessment never repeats a pair before
# all are answered), whichever pairs the random choice picks first.
OTHERS = ["Breitband in jedes Gewerbegebiet", "Transferstellen an Hochschulen"]


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def world(reference_data):
    process = ProcessFactory(slug="zukunftswerkstatt", title="ZukunftsWerkstatt INDUSTRIE")
    # Post-moderation: a proposal is published at once and takes part in the assessment.
    assert process.moderation == Process.Moderation.POST
    PhaseFactory(
        process=process,
        name="Empfehlungen, Bewertung und Priorisierung",
        allows_propose=True,
        allows_comment=True,
        allows_rate=True,
        allows_prioritise=True,
    )
    criteria_of(process)
    ActionFieldFactory(process=process, name="Aus- und Weiterbildung")
    for title in OTHERS:
        RecommendationFactory(process=process, title=title)
    OrganisationFactory(name=LEAD)
    author = with_confirmed_email(UserFactory(email="j.uhlig@seifert.example", name="Jens Uhlig"))
    member = with_confirmed_email(
        UserFactory(email="a.friedrich@igmetall.example", name="Anke Friedrich")
    )
    OrganisationMembershipFactory(
        user=member,
        organisation=OrganisationFactory(name="IG Metall Zwickau", kind=Organisation.Kind.UNION),
    )
    add_role(member, process)
    office = with_confirmed_email(
        UserFactory(email="t.kretzschmar@projektbuero.example", name="Thomas Kretzschmar")
    )
    add_role(office, process, SpaceRole.Role.MODERATOR)
    return process, author, member, office


def preferred(comparison: Comparison) -> Recommendation:
    low = comparison.choice == Comparison.Choice.LOW
    return comparison.item_low if low else comparison.item_high


def wait_for_htmx(page) -> None:
    """htmx processes swapped-in content when the swap has settled."""
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-swapping')")
    page.wait_for_timeout(100)


def test_from_proposal_to_public_monitoring(page, world):
    process, author, member, office = world
    slug = process.slug

    # 1. A member joins the process and proposes a recommendation through the form.
    log_in(page, author.email, PASSWORD)
    page.goto(f"/strategie/{slug}/")
    page.get_by_role("button", name=german("Take part")).click()
    expect(page.get_by_role("button", name=german("Leave the process"))).to_be_visible()
    assert SpaceRole.objects.filter(user=author, space=process.space).exists()
    page.get_by_role("link", name=german("Propose a recommendation or thesis")).first.click()
    page.get_by_role("radio", name=german("Recommendation"), exact=True).check()
    page.locator("input[name=title]").fill(TITLE)
    page.locator("textarea[name=text]").fill(TEXT)
    page.get_by_role("checkbox", name="Aus- und Weiterbildung").check()
    page.get_by_role("button", name=german("Submit")).click()
    page.wait_for_url(re.compile(r"/empfehlungen/\d+/$"))
    rec = Recommendation.objects.get(author=author)
    assert rec.title == TITLE
    assert rec.kind == Recommendation.Kind.RECOMMENDATION
    assert rec.is_published  # post-moderation: visible at once
    assert page.url.endswith(rec.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    page.context.clear_cookies()

    # 2. A second member finds it in the list and comments (htmx: swapped in place).
    log_in(page, member.email, PASSWORD)
    page.goto(f"/strategie/{slug}/empfehlungen/")
    page.locator("main").get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(f"**{rec.get_absolute_url()}")
    discussion = page.locator("#discussion")
    discussion.locator("textarea[name=text]").fill(COMMENT)
    discussion.get_by_role("button", name=german("Publish comment")).click()
    expect(discussion).to_contain_text(COMMENT)
    assert page.url.endswith(rec.get_absolute_url())  # no page load: htmx swapped the section
    comment = Comment.objects.get(recommendation=rec)
    assert (comment.author, comment.text) == (member, COMMENT)
    wait_for_htmx(page)

    # 3. From the recommendation's page to its fit assessment, and the rating form: every
    # criterion, and the district for the per-district one.
    page.get_by_role("link", name=german("Fit assessment")).click()
    page.wait_for_url(f"**/bewertung/{slug}/empfehlungen/{rec.pk}/")
    page.locator("main").get_by_role("link", name=german("Rate"), exact=True).click()
    page.wait_for_url(f"**/bewertung/{slug}/empfehlungen/{rec.pk}/bewerten/")
    criteria = criteria_of(process)
    fieldsets = page.locator("form.rating-form fieldset")
    assert fieldsets.count() == len(criteria) == 4
    values = [5, 4, 4, 5]
    for index, value in enumerate(values):
        fieldsets.nth(index).locator(f"input[value='{value}']").check()
    page.locator("select[name=region]").select_option("landkreis-zwickau")
    page.get_by_role("button", name=german("Save rating")).click()
    page.wait_for_url(f"**/bewertung/{slug}/")
    expect(page.locator("main")).to_contain_text(german("Thank you: your rating has been saved."))
    ratings = Rating.objects.filter(user=member, recommendation=rec)
    assert {r.criterion_id: r.value for r in ratings} == {
        c.pk: v for c, v in zip(criteria, values, strict=True)
    }
    district = ratings.get(criterion__per_district=True)
    assert district.region.slug == "landkreis-zwickau"
    assert set(ratings.values_list("group", flat=True)) == {StakeholderGroup.UNION}
    row = page.locator("main table tbody tr", has=page.get_by_role("link", name=TITLE))
    expect(row).to_contain_text(german("rated"))

    # 4. Compare pairs: "1" on the keyboard takes the first; htmx shows the next pair in place.
    page.locator("main").get_by_role("link", name=german("Compare pairs")).first.click()
    page.wait_for_url(f"**/bewertung/{slug}/vergleichen/")
    answered = german("You have answered %(answered)s of %(total)s pairs.")
    expect(page.locator("#pair p.small")).to_have_text(answered % {"answered": 0, "total": 3})
    shown = [page.locator("#pair h3").all_inner_texts()]
    assert len(shown[0]) == 2
    page.keyboard.press("1")
    expect(page.locator("#pair p.small")).to_have_text(answered % {"answered": 1, "total": 3})
    expect(page.locator("#pair .alert--success")).to_be_visible()
    page.wait_for_function("() => document.activeElement.id === 'pair-heading'")
    shown.append(page.locator("#pair h3").all_inner_texts())
    assert sorted(shown[1]) != sorted(shown[0])
    # The new recommendation is in one of the two pairs: a click puts it first if it is here.
    choice = "second" if shown[1][1] == TITLE else "first"
    page.locator(f"#pair button[value={choice}]").click()
    expect(page.locator("#pair p.small")).to_have_text(answered % {"answered": 2, "total": 3})
    assert page.url.endswith(f"/bewertung/{slug}/vergleichen/")  # htmx: no page load
    assert any(TITLE in pair for pair in shown)
    mine = Comparison.objects.filter(user=member, process=process)
    assert mine.count() == 2
    assert mine.filter(Q(item_low=rec) | Q(item_high=rec)).exists()
    assert set(mine.values_list("group", flat=True)) == {StakeholderGroup.UNION}
    by_key, by_click = mine.order_by("pk")
    assert preferred(by_key).title == shown[0][0]  # "1": the first of the first pair
    if TITLE in shown[1]:  # the click chose it
        assert preferred(by_click) == rec

    # 5. The prioritised list by ratings: the only rated recommendation leads it.
    page.locator("nav.assessment-nav").get_by_role("link", name=german("Prioritised list")).click()
    page.wait_for_url(f"**/bewertung/{slug}/rangliste/")
    rows = page.locator("table.ranking tbody tr")
    expect(rows).to_have_count(3)
    first = rows.first
    expect(first.get_by_role("link", name=TITLE)).to_be_visible()
    expect(first.locator("td").first).to_have_text("1")
    expect(first.locator("svg.interval-bar")).to_have_count(1)
    # By pairwise comparison it is listed with the comparisons it took part in.
    page.get_by_role("link", name=german("By pairwise comparison")).click()
    page.wait_for_url(re.compile(r"/rangliste/\?method=pairwise$"))
    compared = page.locator("table.ranking tbody tr", has=page.get_by_role("link", name=TITLE))
    comparisons_of_rec = mine.filter(Q(item_low=rec) | Q(item_high=rec)).count()
    expect(compared.locator("td").last).to_have_text(str(comparisons_of_rec))
    page.context.clear_cookies()

    # 6. The project office writes the implementation concept from the recommendation's page,
    # names the lead organisation, adds a result and reports progress.
    log_in(page, office.email, PASSWORD)
    page.goto(rec.get_absolute_url())
    page.get_by_role("link", name=german("Write the implementation concept")).click()
    page.wait_for_url(f"**/umsetzung/empfehlung/{rec.pk}/konzept/")
    page.locator("textarea[name=summary]").fill(CONCEPT)
    page.locator("select[name=status]").select_option("in_progress")
    page.locator("input[name=budget_eur]").fill("240000")
    page.locator("textarea[name=lead]").fill(LEAD)
    page.get_by_role("button", name=german("Save")).click()
    page.wait_for_url(re.compile(r"/umsetzung/konzept/\d+/$"))
    concept = ImplementationConcept.objects.get(recommendation=rec)
    assert concept.summary == CONCEPT
    assert [o.name for o in concept.organisations.all()] == [LEAD]
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.IN_IMPLEMENTATION
    expect(page.locator("main")).to_contain_text(german("The implementation concept is saved."))

    page.get_by_role("link", name=german("Add a result")).click()
    page.locator("input[name=title]").fill("Werkstatt Annaberg eingerichtet")
    page.locator("input[name=progress]").fill("40")
    page.get_by_role("button", name=german("Save")).click()
    page.wait_for_url(re.compile(rf"/umsetzung/konzept/{concept.pk}/$"))
    page.get_by_role("link", name=german("Report progress")).click()
    page.locator("textarea[name=text]").fill(REPORT)
    page.get_by_role("button", name=german("Save")).click()
    page.wait_for_url(re.compile(rf"/umsetzung/konzept/{concept.pk}/$"))
    update = ProgressUpdate.objects.get(concept=concept)
    assert (update.text, update.progress) == (REPORT, 40)
    page.context.clear_cookies()

    # 7. A visitor, not logged in, finds it on the public monitoring page.
    page.goto("/umsetzung/")
    page.get_by_role("link", name=process.title).click()
    page.wait_for_url(f"**/umsetzung/prozess/{slug}/")
    row = page.locator("main table tbody tr", has=page.get_by_role("link", name=TITLE))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(LEAD)
    expect(row).to_contain_text(german("In progress"))
    assert row.locator("progress").get_attribute("value") == "40"
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf"/umsetzung/konzept/{concept.pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    main = page.locator("main")
    expect(main).to_contain_text(CONCEPT)
    expect(main.get_by_role("link", name=LEAD)).to_be_visible()
    expect(main).to_contain_text(REPORT)
    expect(main).to_contain_text("Werkstatt Annaberg eingerichtet")
    expect(main.get_by_role("link", name=german("Edit the concept"))).to_have_count(0)
    expect(main.get_by_role("link", name=german("Report progress"))).to_have_count(0)
    # ... and follows it back to the recommendation and its discussion.
    main.get_by_role("link", name=german("The recommendation and its discussion")).click()
    page.wait_for_url(f"**{rec.get_absolute_url()}")
    expect(page.locator("#discussion")).to_contain_text(COMMENT)
