"""Every opinion-map page passes the project's HTML checks for a moderator (who sees the most),
and its scrolling tables are labelled regions a keyboard reaches."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.opinions.factories import moderator_of
from tests.web.html_checks import check_page
from werkstatt.opinions.services import analysis
from werkstatt.opinions.services import conversations as services

pytestmark = pytest.mark.django_db


def test_pages_pass_the_html_checks(client, planted_conversation):
    conversation, statements, *_ = planted_conversation
    moderator = moderator_of(conversation.phase.process)
    services.do_vote(conversation, moderator, statements[0], 1)
    analysis.run_analysis(conversation)
    client.force_login(moderator)
    s = conversation.slug
    urls = [
        reverse("opinions:index"),
        reverse("opinions:conversation", args=[s]),
        reverse("opinions:results", args=[s]),
        reverse("opinions:statement_add", args=[s]),
        reverse("opinions:conversation_edit", args=[s]),
        reverse("opinions:moderation", args=[s]),
        reverse("opinions:import", args=[s]),
        reverse("opinions:conversation_create", args=[conversation.phase.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert check_page(html) == [], url
        for tag in re.findall(r'<div class="table-wrap"[^>]*>', html):
            assert 'tabindex="0"' in tag and 'role="region"' in tag, (url, tag)
            assert "aria-label" in tag, (url, tag)
