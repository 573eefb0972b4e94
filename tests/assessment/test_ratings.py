"""Rating recommendations: the service, its totals, the database's guarantees, the form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from tests.assessment.factories import (
    RatingFactory,
    assessment_process,
    participant,
    recommendations,
)
from tests.factories import UserFactory
from tests.strategy.factories import RecommendationFactory
from werkstatt.assessment.models import CriterionTotal, Rating, RatingTotal, StakeholderGroup
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.assessment.services.ratings import do_rate, refresh_process_totals
from werkstatt.network.models import Organisation, Region
from werkstatt.strategy.models import Recommendation

pytestmark = pytest.mark.django_db


def crit(process) -> dict[str, int]:
    return {c.key: c.pk for c in criteria_of(process)}


def chemnitz() -> Region:
    return Region.objects.get(slug="chemnitz")


def test_default_criteria_are_created_once(process):
    first = criteria_of(process)
    assert [c.key for c in first] == ["relevance", "district_fit", "feasibility", "urgency"]
    assert [c.per_district for c in first] == [False, True, False, False]
    assert criteria_of(process) == first
    with translation.override("en"):
        assert first[1].label == "Fit for a district"


def test_rating_stores_values_group_and_totals(process, recs, member):
    c = crit(process)
    do_rate(
        member,
        recs[0],
        {c["relevance"]: 5, c["district_fit"]: 4, c["feasibility"]: 3, c["urgency"]: None},
        region=chemnitz(),
    )
    stored = {r.criterion.key: r for r in Rating.objects.filter(user=member)}
    assert {k: r.value for k, r in stored.items()} == {
        "relevance": 5,
        "district_fit": 4,
        "feasibility": 3,
    }
    assert stored["district_fit"].region == chemnitz()
    assert stored["relevance"].region is None
    assert {r.group for r in stored.values()} == {StakeholderGroup.COMPANY}
    total = RatingTotal.objects.get(recommendation=recs[0])
    assert (total.group, total.n, total.total) == ("company", 1, pytest.approx(4.0))
    fit = CriterionTotal.objects.get(recommendation=recs[0], criterion_id=c["district_fit"])
    assert (fit.region, fit.n, fit.total, fit.total_sq) == (chemnitz(), 1, 4, 16)


def test_rating_again_changes_the_value_and_keeps_one_row(process, recs, member):
    c = crit(process)
    do_rate(member, recs[0], {c["relevance"]: 2})
    do_rate(member, recs[0], {c["relevance"]: 5})
    assert Rating.objects.filter(user=member).count() == 1
    assert Rating.objects.get(user=member).value == 5
    assert RatingTotal.objects.get(recommendation=recs[0]).total == 5


def test_fit_for_a_second_district_is_a_second_rating(process, recs, member):
    c = crit(process)
    do_rate(member, recs[0], {c["district_fit"]: 5}, region=chemnitz())
    do_rate(member, recs[0], {c["district_fit"]: 2}, region=Region.objects.get(slug="dresden"))
    assert Rating.objects.filter(user=member).count() == 2
    # One person, one voice in the overall total: the mean of their values.
    total = RatingTotal.objects.get(recommendation=recs[0])
    assert (total.n, total.total) == (1, pytest.approx(3.5))


def test_totals_aggregate_people_and_groups(process, recs):
    c = crit(process)
    union = participant(process, Organisation.Kind.UNION)
    firm = participant(process, Organisation.Kind.COMPANY)
    nobody = participant(process, None)
    do_rate(union, recs[0], {c["relevance"]: 5, c["urgency"]: 3})
    do_rate(firm, recs[0], {c["relevance"]: 2})
    do_rate(nobody, recs[0], {c["relevance"]: 1})
    totals = {t.group: (t.n, t.total) for t in RatingTotal.objects.filter(recommendation=recs[0])}
    assert totals == {"union": (1, 4.0), "company": (1, 2.0), "other": (1, 1.0)}
    relevance = CriterionTotal.objects.get(recommendation=recs[0], criterion_id=c["relevance"])
    assert (relevance.n, relevance.total, relevance.total_sq) == (3, 8, 30)
    # A bulk refresh computes the same.
    before = sorted(RatingTotal.objects.values_list("group", "n", "total"))
    refresh_process_totals(process.pk)
    assert sorted(RatingTotal.objects.values_list("group", "n", "total")) == before


def test_the_database_refuses_a_second_rating_also_without_district(process, recs, member):
    criterion = criteria_of(process)[0]
    RatingFactory(user=member, recommendation=recs[0], criterion=criterion, value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(user=member, recommendation=recs[0], criterion=criterion, value=4)
    district = criteria_of(process)[1]
    RatingFactory(user=member, recommendation=recs[0], criterion=district, region=chemnitz())
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(user=member, recommendation=recs[0], criterion=district, region=chemnitz())
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(user=member, recommendation=recs[1], criterion=criterion, value=6)
    assert Rating.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "region", "message"),
    [
        ({"relevance": 0}, None, "Please give a value from 1 to 5."),
        ({"relevance": 6}, None, "Please give a value from 1 to 5."),
        ({"district_fit": 4}, None, "Please choose the district you rate “Fit for a district”"),
        ({"relevance": None}, None, "Please rate at least one criterion."),
        ({"district_fit": 4}, "sachsen", "Please choose a district or a district-free city."),
    ],
)
def test_bad_values_change_nothing(process, recs, member, values, region, message):
    c = crit(process)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        do_rate(
            member,
            recs[0],
            {c[k]: v for k, v in values.items()},
            region=Region.objects.get(slug=region) if region else None,
        )
    assert exc.value.messages[0].startswith(message)
    assert not Rating.objects.exists() and not RatingTotal.objects.exists()


def test_criterion_of_another_process_is_refused(process, recs, member):
    other = assessment_process()
    foreign = criteria_of(other)[0]
    with translation.override("en"), pytest.raises(ValidationError, match="does not belong"):
        do_rate(member, recs[0], {foreign.pk: 3})
    assert not Rating.objects.exists()


def test_phase_without_rating_and_outsiders_are_refused(recs, member):
    closed = assessment_process(rate=False)
    rec = RecommendationFactory(process=closed)
    member_of_closed = participant(closed)
    with translation.override("en"), pytest.raises(ValidationError, match="not open"):
        do_rate(member_of_closed, rec, {criteria_of(closed)[0].pk: 3})
    outsider = UserFactory()
    with translation.override("en"), pytest.raises(ValidationError, match="Only participants"):
        do_rate(outsider, recs[0], {criteria_of(recs[0].process)[0].pk: 3})
    assert not Rating.objects.exists()


def test_theses_declined_and_unpublished_recommendations_cannot_be_rated(process, member):
    c = crit(process)
    for kwargs in (
        {"kind": Recommendation.Kind.THESIS},
        {"status": Recommendation.Status.DECLINED},
        {"moderation_state": Recommendation.ModerationState.PENDING},
    ):
        rec = RecommendationFactory(process=process, **kwargs)
        with translation.override("en"), pytest.raises(ValidationError, match="cannot be rated"):
            do_rate(member, rec, {c["relevance"]: 3})
    assert not Rating.objects.exists()


# --- the page -----------------------------------------------------------------------------------


def rate_url(process, rec) -> str:
    return reverse("assessment:rate", kwargs={"slug": process.slug, "pk": rec.pk})


def test_rating_form_saves_and_shows_the_values_again(client, process, recs, member):
    c = crit(process)
    client.force_login(member)
    response = client.post(
        rate_url(process, recs[0]),
        {
            f"criterion_{c['relevance']}": "5",
            f"criterion_{c['district_fit']}": "4",
            "region": "landkreis-zwickau",
            f"criterion_{c['feasibility']}": "2",
        },
    )
    assert response.status_code == 302
    assert Rating.objects.filter(user=member).count() == 3
    page = client.get(rate_url(process, recs[0])).content.decode()
    assert f'name="criterion_{c["relevance"]}" value="5" class="" required' not in page
    assert 'value="landkreis-zwickau" selected' in page
    assert f'name="criterion_{c["relevance"]}" value="5"' in page
    assert page.count("checked") == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"relevance": "0"}, "Please give a value from 1 to 5."),
        ({"relevance": "6"}, "Please give a value from 1 to 5."),
        ({"relevance": "abc"}, "Please give a value from 1 to 5."),
        ({"district_fit": "3", "region": "atlantis"}, "Please choose one of the districts"),
        ({"district_fit": "3"}, "Please choose the district you rate"),
        ({}, "Please rate at least one criterion."),
    ],
)
def test_rating_form_rejects_bad_input_with_a_message(client, process, recs, member, data, message):
    c = crit(process)
    post = {(f"criterion_{c[k]}" if k != "region" else "region"): v for k, v in data.items()}
    client.force_login(member)
    with translation.override("en"):
        url = rate_url(process, recs[0])
    response = client.post(url, post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rating.objects.exists()


def test_rating_form_in_german(client, process, recs, member):
    c = crit(process)
    client.force_login(member)
    with translation.override("de"):
        url = rate_url(process, recs[0])
    response = client.post(url, {f"criterion_{c['relevance']}": "6"})
    assert response.status_code == 400
    assert 'lang="de"' in response.content.decode()


def test_a_recommendation_of_another_process_is_not_found(client, process, member):
    other = assessment_process()
    foreign = recommendations(other, 1)[0]
    client.force_login(member)
    url = reverse("assessment:rate", kwargs={"slug": process.slug, "pk": foreign.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {f"criterion_{criteria_of(process)[0].pk}": "3"}).status_code == 404
    assert not Rating.objects.exists()


def test_rating_page_refuses_when_the_phase_does_not_allow_it(client):
    closed = assessment_process(rate=False)
    rec = RecommendationFactory(process=closed)
    user = participant(closed)
    client.force_login(user)
    response = client.post(rate_url(closed, rec), {f"criterion_{criteria_of(closed)[0].pk}": "3"})
    assert response.status_code == 403
    assert not Rating.objects.exists()
