"""The strategy and monitoring pages on a 375 px phone: nothing scrolls the page sideways; wide
tables scroll inside their wrapper. For a visitor and for the project office, who sees the most
controls."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile

from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.monitoring.factories import ConceptFactory, MilestoneFactory, ResultFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    CommentFactory,
    PhaseFactory,
    RecommendationFactory,
    add_role,
    running_process,
    today,
)
from werkstatt.accounts.models import SpaceRole
from werkstatt.monitoring.models import ProgressUpdate, ReportFile
from werkstatt.strategy.models import ModerationAction, Phase, Report

from .conftest import log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375
LONG = "Überbetriebliche Ausbildungswerkstätten für Mechatronik im ländlichen Raum Sachsens"


def check_narrow(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, path
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(
        """w => [...document.querySelectorAll('main *')]
          .filter(e => e.getBoundingClientRect().right > w + 1
                       || e.scrollWidth > e.clientWidth + 1)
          .map(e => e.tagName + '.' + e.className)
          .slice(0, 20)""",
        WIDTH,
    )
    assert width <= WIDTH, f"{path}: the page is {width} px wide: {wide}"


@pytest.fixture
def world(reference_data):
    process = running_process(
        slug="zukunftswerkstatt",
        title="ZukunftsWerkstatt INDUSTRIE",
        organiser="Sächsisches Staatsministerium für Wirtschaft, Arbeit und Verkehr",
    )
    start = process.start_date
    PhaseFactory(
        process=process,
        name="Vorauswahl im Begleitgremium",
        start_date=start,
        end_date=start + datetime.timedelta(days=20),
        visibility=Phase.Visibility.BOARD,
    )
    field = ActionFieldFactory(process=process, name="Kooperation und Cross-Innovation")
    rec = RecommendationFactory(process=process, title=LONG, phase=process.current_phase())
    rec.action_fields.add(field)
    parent = CommentFactory(recommendation=rec, text="Das FabLab kann Werkbänke beisteuern.")
    reply = CommentFactory(recommendation=rec, parent=parent, text="Ab Montag, nach Absprache.")
    CommentFactory(recommendation=rec, parent=reply, text="Gern, wir melden uns.")
    RecommendationFactory(
        process=process, title="Wartet auf Moderation", moderation_state="pending"
    )
    Report.objects.create(process=process, recommendation=rec, comment=parent, reason="spam")
    office = with_confirmed_email(UserFactory(email="buero@projekt.example", name="Projektbüro"))
    add_role(office, process, SpaceRole.Role.MODERATOR)
    ModerationAction.objects.create(
        process=process,
        actor=office,
        kind="change_status",
        recommendation=rec,
        target_label=rec.title,
        details={"from": "assessment", "to": "in_implementation"},
    )
    concept = ConceptFactory(recommendation=rec, budget_eur=180000, start_date=today())
    for name, role in (("Handwerkskammer Chemnitz", "lead"), ("Technische Universität", "lead")):
        concept.responsibilities.create(organisation=OrganisationFactory(name=name), role=role)
    top = ResultFactory(concept=concept, title="Verbünde gegründet")
    ResultFactory(concept=concept, parent=top, title="Verbund Annaberg-Buchholz", progress=100)
    MilestoneFactory(concept=concept, title="Erste Auszubildende in der Werkstatt")
    ProgressUpdate.objects.create(
        concept=concept, date=today(), text="Der erste Verbund arbeitet.", status="in_progress",
        progress=50,
    )  # fmt: skip
    report = ReportFile(process=process, kind=ReportFile.Kind.PDF)
    report.file.save("bericht.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return process, rec, parent, concept, office


def test_strategy_and_monitoring_pages_fit_a_phone(browser, live_server, settings, world):
    settings.ALLOWED_HOSTS = ["*"]
    process, rec, comment, concept, office = world
    s = process.slug
    public = [
        "/strategie/",
        f"/strategie/{s}/",
        f"/strategie/{s}/empfehlungen/",
        f"/strategie/{s}/empfehlungen/{rec.pk}/",
        f"/strategie/{s}/empfehlungen/{rec.pk}/versionen/",
        "/umsetzung/",
        f"/umsetzung/prozess/{s}/",
        f"/umsetzung/konzept/{concept.pk}/",
    ]
    office_only = [
        f"/strategie/{s}/empfehlungen/neu/",
        f"/strategie/{s}/empfehlungen/{rec.pk}/bearbeiten/",
        f"/strategie/{s}/bearbeiten/",
        f"/strategie/{s}/phasen/neu/",
        f"/strategie/{s}/phasen/{process.current_phase().pk}/",
        f"/strategie/{s}/phasen/{process.current_phase().pk}/loeschen/",
        f"/strategie/{s}/handlungsfelder/neu/",
        f"/strategie/{s}/mitglieder/",
        f"/strategie/{s}/moderation/",
        f"/strategie/{s}/moderation/protokoll/",
        f"/strategie/{s}/kommentare/{comment.pk}/antworten/",
        f"/strategie/{s}/kommentare/{comment.pk}/ausblenden/",
        f"/strategie/{s}/kommentar/{comment.pk}/melden/",
        "/strategie/neu/",
        f"/umsetzung/empfehlung/{rec.pk}/konzept/",
        f"/umsetzung/konzept/{concept.pk}/ergebnisse/neu/",
        f"/umsetzung/konzept/{concept.pk}/meilensteine/neu/",
        f"/umsetzung/konzept/{concept.pk}/berichte/neu/",
        f"/umsetzung/prozess/{s}/berichte/",
    ]
    context = browser.new_context(
        locale="de-DE", base_url=live_server.url, viewport={"width": WIDTH, "height": 800}
    )
    page = context.new_page()
    try:
        for path in public:
            check_narrow(page, path)
        log_in(page, office.email, PASSWORD)
        for path in public + office_only:
            check_narrow(page, path)
        # The organisation finder appears with JavaScript and adds a name to the leads.
        page.goto(f"/umsetzung/empfehlung/{rec.pk}/konzept/")
        finder = page.locator("#org-finder")
        finder.fill("Handwerks")
        page.wait_for_function(
            "() => document.querySelectorAll('#org-finder-options option').length > 0"
        )
        assert page.locator("#org-finder-options option").first.get_attribute("value") == (
            "Handwerkskammer Chemnitz"
        )
        finder.fill("Handwerkskammer Chemnitz")
        page.locator("[data-org-add=partner]").click()
        value = page.locator("textarea[name=partners]").input_value()
        assert value.splitlines()[-1] == "Handwerkskammer Chemnitz"
    finally:
        context.close()
