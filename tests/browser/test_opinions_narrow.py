"""The opinion-map pages on a 375 px phone: nothing scrolls the page sideways, and a keyboard
scrolls a wide table (a focusable region)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.opinions.conftest import planted
from tests.opinions.factories import ConversationFactory
from tests.strategy.factories import add_role
from werkstatt.accounts.models import SpaceRole
from werkstatt.opinions.services import analysis
from werkstatt.opinions.services import conversations as services

from .conftest import log_in, with_confirmed_email
from .test_assessment_narrow import WIDTH, check_narrow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_opinion_pages_fit_a_phone(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.JOBS_MODE = "sync"
    conversation = ConversationFactory(slug="thesen")
    statements, *_ = planted(conversation)
    moderator = with_confirmed_email(UserFactory(email="prozess@example.org"))
    add_role(moderator, conversation.phase.process, SpaceRole.Role.MODERATOR)
    for statement in statements[:4]:
        services.do_vote(conversation, moderator, statement, 1)
    analysis.run_analysis(conversation)
    context = browser.new_context(
        locale="de-DE", base_url=live_server.url, viewport={"width": WIDTH, "height": 800}
    )
    page = context.new_page()
    try:
        log_in(page, moderator.email, PASSWORD)
        base = f"/meinungsbild/{conversation.slug}/"
        for path in [
            "/meinungsbild/",
            base,
            base + "ergebnisse/",
            base + "moderation/",
            base + "import/",
            base + "bearbeiten/",
        ]:
            check_narrow(page, path)
    finally:
        context.close()
