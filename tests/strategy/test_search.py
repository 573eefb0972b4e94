"""The search of recommendations analyses German as the directory does (engines/text.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.strategy.factories import RecommendationFactory, member_of, running_process
from werkstatt.strategy.models import RecommendationTerm
from werkstatt.strategy.services import recommendations as services
from werkstatt.strategy.services.queries import RecommendationFilter, filtered_recommendations
from werkstatt.strategy.services.search import reindex_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def process():
    process = running_process()
    for title, text in (
        (
            "Überbetriebliche Ausbildungswerkstätten für Mechatronik",
            "Viele Betriebe bilden nicht aus, weil ihnen die Ausstattung fehlt.",
        ),
        (
            "Gewerbeflächen an der Schiene entwickeln",
            "Neue Industrieflächen dort, wo ein Gleisanschluss möglich ist.",
        ),
        (
            "Digitalisierungslotsen für kleine Zulieferbetriebe",
            "Regionale Lotsen besuchen Betriebe und nennen Förderprogramme.",
        ),
        ("Wissen älterer Fachkräfte sichern", "Tandems mit Jüngeren, digitale Anleitungen."),
    ):
        RecommendationFactory(process=process, title=title, text=text)
    RecommendationFactory(
        process=process, title="Geheime Werkstatt", text="x" * 30, moderation_state="pending"
    )
    return process


def found(process, query, user=None):
    from django.contrib.auth.models import AnonymousUser

    qs = filtered_recommendations(
        user or AnonymousUser(), process, RecommendationFilter(query=query)
    )
    return sorted(r.title.split()[0] for r in qs)


@pytest.mark.parametrize(
    "query, titles",
    [
        ("Werkstatt", ["Überbetriebliche"]),  # the head of a compound, umlaut and plural
        ("werkstaetten", ["Überbetriebliche"]),
        ("Gewerbeflaechen", ["Gewerbeflächen"]),  # ä typed as ae
        ("Gewerbefläche", ["Gewerbeflächen"]),
        ("Digital", ["Digitalisierungslotsen", "Wissen"]),  # the beginning of a word
        ("Betriebe Ausstattung", ["Überbetriebliche"]),  # every word must match
        ("Fachkraft", ["Wissen"]),  # stemmed: Fachkräfte
        ("Schiene Lotsen", []),
        ("und der die", []),  # only stop words: nothing, rather than everything
        ("Quantencomputer", []),
    ],
)
def test_german_search(process, query, titles):
    assert found(process, query) == titles


def test_search_keeps_visibility_and_follows_edits(process):
    assert found(process, "Werkstatt") == ["Überbetriebliche"]  # not the pending one
    author = member_of(process)
    rec = services.do_propose(
        process, author, {"title": "Offene Werkstatttage an Berufsschulen", "text": "y" * 30}
    )
    assert "Offene" in found(process, "Werkstatt")
    services.do_edit(rec, author, {"title": "Offene Tage an Berufsschulen"})
    assert "Offene" not in found(process, "Werkstatt")
    assert "Offene" in found(process, "Berufsschule")


def test_reindex_writes_the_same_terms(process):
    before = sorted(RecommendationTerm.objects.values_list("recommendation_id", "term"))
    RecommendationTerm.objects.all().delete()
    assert reindex_all() == 5
    assert sorted(RecommendationTerm.objects.values_list("recommendation_id", "term")) == before


def test_the_page_and_the_api_search_alike(client, process):
    page = client.get(reverse("strategy:recommendations", args=[process.slug]), {"q": "Werkstatt"})
    assert "Ausbildungswerkstätten" in page.content.decode()
    assert "Gewerbeflächen" not in page.content.decode()
    url = reverse("strategy_api:recommendation-list", args=[process.slug])
    data = APIClient().get(url, {"q": "Gewerbeflaechen"}).json()
    assert [r["title"] for r in data["results"]] == ["Gewerbeflächen an der Schiene entwickeln"]
