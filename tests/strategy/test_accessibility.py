"""Every strategy page and the notifications pages pass the project's HTML checks (one h1,
labelled controls, landmarks, no inline script or style, ids that exist) for a moderator, who
sees the most controls."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.strategy.factories import (
    ActionFieldFactory,
    CommentFactory,
    RecommendationFactory,
    moderator_of,
    running_process,
)
from tests.web.html_checks import check_page
from werkstatt.notifications.services import notify
from werkstatt.strategy.models import Report

pytestmark = pytest.mark.django_db


def test_pages_pass_the_html_checks(client):
    process = running_process()
    moderator = moderator_of(process)
    field = ActionFieldFactory(process=process)
    rec = RecommendationFactory(process=process, phase=process.current_phase())
    pending = RecommendationFactory(process=process, moderation_state="pending")
    comment = CommentFactory(recommendation=rec)
    CommentFactory(recommendation=rec, parent=comment)
    CommentFactory(recommendation=rec, is_hidden=True, hidden_reason="Spam")
    Report.objects.create(process=process, recommendation=rec, comment=comment, reason="spam")
    notify([moderator], verb="x", title="Hallo", url="/")
    client.force_login(moderator)
    s = process.slug
    urls = [
        reverse("strategy:index"),
        reverse("strategy:process", args=[s]),
        reverse("strategy:process_create"),
        reverse("strategy:process_edit", args=[s]),
        reverse("strategy:phase_create", args=[s]),
        reverse("strategy:phase_edit", args=[s, process.current_phase().pk]),
        reverse("strategy:phase_delete", args=[s, process.current_phase().pk]),
        reverse("strategy:action_field_edit", args=[s, field.pk]),
        reverse("strategy:recommendations", args=[s]),
        reverse("strategy:recommendation_create", args=[s]),
        rec.get_absolute_url(),
        pending.get_absolute_url(),
        reverse("strategy:recommendation_edit", args=[s, rec.pk]),
        reverse("strategy:recommendation_versions", args=[s, rec.pk]),
        reverse("strategy:comment_reply", args=[s, comment.pk]),
        reverse("strategy:comment_hide", args=[s, comment.pk]),
        reverse("strategy:report", args=[s, "kommentar", comment.pk]),
        reverse("strategy:moderation", args=[s]),
        reverse("strategy:members", args=[s]),
        reverse("strategy:audit_log", args=[s]),
        reverse("notifications:index"),
        reverse("notifications:settings"),
    ]
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = check_page(response.content.decode())
        if found:
            problems[url] = found
    assert not problems
