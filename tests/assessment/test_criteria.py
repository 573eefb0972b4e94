"""The process's moderators manage its criteria: add, edit, reorder, deactivate, delete; what may
change once a criterion has ratings (services/criteria.py); bad input changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.assessment.factories import participant
from tests.strategy.factories import moderator_of
from werkstatt.assessment.models import Criterion, Rating, RatingTotal
from werkstatt.assessment.services import criteria as service
from werkstatt.assessment.services import results
from werkstatt.assessment.services.criteria import active_criteria, criteria_of
from werkstatt.assessment.services.ratings import do_rate
from werkstatt.network.models import Region
from werkstatt.strategy.models import ModerationAction

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def moderator(process):
    return moderator_of(process)


def url(name: str, process, **kwargs) -> str:
    return reverse(f"assessment:{name}", kwargs={"slug": process.slug, **kwargs})


def labels(process) -> list[str]:
    return [str(c.label) for c in active_criteria(process)]


def rate_page_labels(client, process, rec) -> list[str]:
    form = client.get(url("rate", process, pk=rec.pk)).context["form"]
    return [str(f.label) for name, f in form.fields.items() if name.startswith("criterion_")]


def test_a_moderator_adds_a_criterion_and_raters_are_asked_it(client, process, recs, moderator):
    client.force_login(moderator)
    page = client.get(url("criteria", process)).content.decode()
    assert all(name in page for name in ("Relevance", "Fit for a district", "Urgency"))
    response = client.post(
        url("criteria", process),
        {"name": "  Nachhaltigkeit ", "description": "Schont es Klima und Ressourcen?"},
    )
    assert response.status_code == 302
    added = Criterion.objects.get(process=process, name="Nachhaltigkeit")
    assert added.is_active and not added.per_district and added.key == "nachhaltigkeit"
    assert labels(process)[-1] == "Nachhaltigkeit"
    assert ModerationAction.objects.filter(process=process, actor=moderator).exists()
    rater = participant(process)
    client.force_login(rater)
    assert rate_page_labels(client, process, recs[0])[-1] == "Nachhaltigkeit"
    do_rate(rater, recs[0], {added.pk: 5})
    assert Rating.objects.get(criterion=added).value == 5


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": ""}, "Please give the criterion a name."),
        ({"name": "relevance"}, "The process has a criterion of this name already."),
        ({"name": "x" * 121}, "at most 120 characters"),
        ({"name": "Zweiter Landkreis", "per_district": "on"}, "Only one asked criterion"),
    ],
)
def test_bad_criteria_are_refused_and_change_nothing(client, process, moderator, data, message):
    criteria_of(process)
    client.force_login(moderator)
    before = list(Criterion.objects.values_list("pk", "name", "order", "per_district"))
    response = client.post(url("criteria", process), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Criterion.objects.values_list("pk", "name", "order", "per_district")) == before


def test_while_unrated_everything_changes_once_rated_the_district_is_fixed(
    client, process, recs, moderator
):
    criteria = {c.key: c for c in criteria_of(process)}
    urgency = criteria["urgency"]
    client.force_login(moderator)
    # Unrated: name, question and the district all change (district_fit stops asking first).
    service.do_edit_criterion(criteria["district_fit"], moderator, {"name": "Fit for a district"})
    response = client.post(
        url("criterion_edit", process, pk=urgency.pk),
        {"name": "Urgency in the district", "description": "How soon there?", "per_district": "on"},
    )
    assert response.status_code == 302
    urgency.refresh_from_db()
    assert (urgency.label, urgency.help_text, urgency.per_district) == (
        "Urgency in the district",
        "How soon there?",
        True,
    )
    # Rated: the page says how many ratings the wording has; the district stays as it was.
    do_rate(
        participant(process), recs[0], {urgency.pk: 4}, region=Region.objects.get(slug="leipzig")
    )
    page = client.get(url("criterion_edit", process, pk=urgency.pk)).content.decode()
    assert "1 rating has been given to this criterion." in page
    response = client.post(
        url("criterion_edit", process, pk=urgency.pk), {"name": "Urgency (in the district)"}
    )
    assert response.status_code == 302  # the disabled field keeps its value
    urgency.refresh_from_db()
    assert urgency.per_district and urgency.label == "Urgency (in the district)"
    with pytest.raises(ValidationError) as refused:
        service.do_edit_criterion(urgency, moderator, {"name": "Urgency", "per_district": False})
    assert refused.value.error_dict["per_district"][0].code == "rated"
    urgency.refresh_from_db()
    assert urgency.per_district and urgency.label == "Urgency (in the district)"


def test_default_names_stay_translated_while_unchanged(client, process, moderator):
    relevance = criteria_of(process)[0]
    client.force_login(moderator)
    client.post(
        url("criterion_edit", process, pk=relevance.pk),
        {"name": "Relevance", "description": str(Criterion.DEFAULTS["relevance"][1])},
    )
    relevance.refresh_from_db()
    assert (relevance.name, relevance.description) == ("", "")
    with translation.override("de"):
        assert str(relevance.label) != "Relevance"  # German, from the catalogue


def test_deactivated_criteria_are_not_asked_but_their_ratings_count(
    client, process, recs, moderator
):
    criteria = {c.key: c for c in criteria_of(process)}
    rater = participant(process)
    do_rate(rater, recs[0], {criteria["relevance"].pk: 5, criteria["urgency"].pk: 1})
    client.force_login(moderator)
    response = client.post(
        url("criterion_active", process, pk=criteria["urgency"].pk), {"asked": "0"}
    )
    assert response.status_code == 302
    assert "Urgency" not in labels(process)
    client.force_login(rater)
    assert "Urgency" not in rate_page_labels(client, process, recs[0])
    with pytest.raises(ValidationError) as refused:
        do_rate(rater, recs[0], {criteria["urgency"].pk: 2})
    assert refused.value.code == "criterion_inactive"
    # The ratings stay: the person's mean still counts the urgency they gave (5 and 1 → 3).
    assert Rating.objects.get(criterion=criteria["urgency"]).value == 1
    total = RatingTotal.objects.get(recommendation=recs[0])
    assert (total.n, total.total) == (1, 3.0)
    data = results.recommendation_results(process, recs[0])
    shown = {row.criterion.key: row.summary.n for row in data.criteria}
    assert shown["urgency"] == 1
    body = client.get(url("recommendation", process, pk=recs[0].pk)).content.decode()
    assert "no longer asked" in body
    # Asked again.
    service.do_set_criterion_active(criteria["urgency"], moderator, True)
    assert "Urgency" in labels(process)


def test_the_last_asked_criterion_stays(process, moderator):
    *others, last = criteria_of(process)
    for criterion in others:
        service.do_set_criterion_active(criterion, moderator, False)
    with pytest.raises(ValidationError) as refused:
        service.do_set_criterion_active(last, moderator, False)
    assert refused.value.code == "last_active_criterion"
    with pytest.raises(ValidationError):
        service.do_delete_criterion(last, moderator)
    assert active_criteria(process) == [last]


def test_reordering_changes_the_rating_form(client, process, recs, moderator):
    client.force_login(moderator)
    urgency = criteria_of(process)[-1]
    for _ in range(3):
        client.post(url("criterion_move", process, pk=urgency.pk), {"direction": "up"})
    assert labels(process)[0] == "Urgency"
    client.post(url("criterion_move", process, pk=urgency.pk), {"direction": "up"})  # first
    assert labels(process)[0] == "Urgency"
    client.post(url("criterion_move", process, pk=urgency.pk), {"direction": "down"})
    assert labels(process)[:2] == ["Relevance", "Urgency"]
    client.force_login(participant(process))
    assert rate_page_labels(client, process, recs[0])[:2] == ["Relevance", "Urgency"]


def test_only_unrated_criteria_can_be_deleted(client, process, recs, moderator):
    relevance, *_rest, urgency = criteria_of(process)
    do_rate(participant(process), recs[0], {relevance.pk: 4})
    client.force_login(moderator)
    page = client.get(url("criteria", process)).content.decode()
    assert page.count('action="' + url("criterion_delete", process, pk=urgency.pk)) == 1
    assert url("criterion_delete", process, pk=relevance.pk) not in page
    response = client.post(url("criterion_delete", process, pk=relevance.pk), follow=True)
    assert "it can be deactivated, not deleted" in response.content.decode()
    assert Criterion.objects.filter(pk=relevance.pk).exists()
    client.post(url("criterion_delete", process, pk=urgency.pk))
    assert not Criterion.objects.filter(pk=urgency.pk).exists()


def test_moderators_find_the_criteria_from_the_assessment_pages(client, process, moderator):
    link = 'href="' + url("criteria", process) + '"'
    client.force_login(participant(process))
    assert link not in client.get(url("ranking", process)).content.decode()
    client.force_login(moderator)
    assert link in client.get(url("ranking", process)).content.decode()
    assert link in client.get(url("process", process)).content.decode()
