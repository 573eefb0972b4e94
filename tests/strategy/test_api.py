"""The API answers with the same rules as the pages and never lists what they hide."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from tests.factories import (
    OrganisationFactory,
    OrganisationMembershipFactory,
    RegionFactory,
    UserFactory,
)
from tests.strategy.factories import (
    ActionFieldFactory,
    CommentFactory,
    ProcessFactory,
    RecommendationFactory,
    member_of,
    running_process,
)
from werkstatt.strategy.models import Comment, Process, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_processes_list_hides_private_and_drafts(api):
    ProcessFactory(slug="offen")
    ProcessFactory(slug="intern", is_public=False)
    ProcessFactory(slug="entwurf", status=Process.Status.DRAFT)
    data = api.get(reverse("strategy_api:process-list")).json()
    assert [p["slug"] for p in data["results"]] == ["offen"]
    assert api.get(reverse("strategy_api:process-detail", args=["intern"])).status_code == 404


def test_recommendations_filter_and_hide_pending(api):
    process = running_process()
    region = RegionFactory(code="14521")
    field = ActionFieldFactory(process=process)
    shown = RecommendationFactory(process=process, title="Sichtbar")
    shown.regions.add(region)
    shown.action_fields.add(field)
    RecommendationFactory(process=process, title="Andere")
    RecommendationFactory(process=process, title="Wartet", moderation_state="pending")
    url = reverse("strategy_api:recommendation-list", args=[process.slug])
    titles = {r["title"] for r in api.get(url).json()["results"]}
    assert titles == {"Sichtbar", "Andere"}
    assert [r["title"] for r in api.get(url, {"region": "14521"}).json()["results"]] == ["Sichtbar"]
    assert [r["title"] for r in api.get(url, {"action_field": field.pk}).json()["results"]] == [
        "Sichtbar"
    ]
    assert api.get(url, {"region": "99999"}).json()["results"] == []


def test_propose_and_comment_through_the_api(api):
    process = running_process()
    member = member_of(process)
    api.force_authenticate(member)
    url = reverse("strategy_api:recommendation-list", args=[process.slug])
    bad = api.post(url, {"title": "", "text": "x"}, format="json")
    assert bad.status_code == 400
    foreign = ActionFieldFactory(process=ProcessFactory())
    bad = api.post(
        url, {"title": "Titel", "text": "x" * 30, "action_fields": [foreign.pk]}, format="json"
    )
    assert bad.status_code == 400
    assert not Recommendation.objects.exists()
    created = api.post(url, {"title": "Glasfaser", "text": "x" * 30}, format="json")
    assert created.status_code == 201
    rec = Recommendation.objects.get()
    curl = reverse("strategy_api:comment-list", args=[process.slug, rec.pk])
    assert api.post(curl, {"text": "Gut."}, format="json").status_code == 201
    assert api.post(curl, {"text": "   "}, format="json").status_code == 400
    assert Comment.objects.count() == 1
    api.force_authenticate(UserFactory())
    assert api.post(curl, {"text": "Ich darf nicht."}, format="json").status_code == 403


def test_hidden_comment_text_is_not_in_the_api(api):
    process = running_process()
    rec = RecommendationFactory(process=process)
    CommentFactory(recommendation=rec, text="Geheim", is_hidden=True, hidden_reason="Spam")
    data = api.get(reverse("strategy_api:comment-list", args=[process.slug, rec.pk])).json()
    assert data["results"][0]["text"] == "" and data["results"][0]["hidden_reason"] == "Spam"


def test_propose_on_behalf_of_an_organisation_through_the_api(api):
    process = running_process()
    member = member_of(process)
    mine = OrganisationFactory(slug="seifert-metallbau")
    OrganisationMembershipFactory(user=member, organisation=mine, status="active")
    pending = OrganisationFactory(slug="noch-nicht")
    OrganisationMembershipFactory(user=member, organisation=pending, status="pending")
    api.force_authenticate(member)
    url = reverse("strategy_api:recommendation-list", args=[process.slug])
    body = {"title": "Glasfaser", "text": "x" * 30}
    for slug in ("noch-nicht", OrganisationFactory(slug="fremd").slug):
        refused = api.post(url, {**body, "author_organisation": slug}, format="json")
        assert refused.status_code == 400
        with translation.override("de"):
            message = gettext("You can only speak for an organisation you are an active member of.")
        assert refused.json()["author_organisation"] == [message]
    unknown = api.post(url, {**body, "author_organisation": "gibt-es-nicht"}, format="json")
    assert unknown.status_code == 400 and "author_organisation" in unknown.json()
    assert not Recommendation.objects.exists()
    created = api.post(url, {**body, "author_organisation": "seifert-metallbau"}, format="json")
    assert created.status_code == 201
    assert created.json()["author_organisation"] == "seifert-metallbau"
    assert Recommendation.objects.get().author_organisation == mine
