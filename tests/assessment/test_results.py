"""The results: prioritised lists, stakeholder groups, districts — services and pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.assessment.factories import participant, recommendations
from tests.factories import UserFactory
from tests.strategy.factories import PhaseFactory, ProcessFactory, RecommendationFactory
from werkstatt.assessment.services import results
from werkstatt.assessment.services.comparisons import do_compare
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.assessment.services.ratings import do_rate
from werkstatt.network.models import Organisation, Region
from werkstatt.strategy.models import Phase, Recommendation

pytestmark = pytest.mark.django_db
Kind = Organisation.Kind


def rate_all(process, rec, user, value, region=None):
    values = {c.pk: value for c in criteria_of(process) if not c.per_district or region}
    do_rate(user, rec, values, region=region)


def test_one_enthusiast_does_not_beat_many_good_ratings(process, recs):
    enthusiast = participant(process)
    rate_all(process, recs[0], enthusiast, 5)
    for _ in range(12):
        rate_all(process, recs[1], participant(process), 4)
    rate_all(process, recs[2], participant(process), 2)
    ranking = results.rating_ranking(UserFactory(), process)
    order = [s.item for s in ranking.summaries]
    assert order[0] == recs[1].pk
    assert order.index(recs[0].pk) > 0
    first = ranking.summaries[0]
    assert first.n == 12 and first.mean == 4.0 and first.low < 4.0 < first.high
    assert ranking.raters == 14
    # Unrated recommendations are listed after the rated ones and not ranked (rank 0).
    assert [s.rank for s in ranking.summaries] == [1, 2, 3] + [0] * (len(recs) - 3)
    assert {s.item for s in ranking.summaries[3:]} == {r.pk for r in recs[3:]}
    assert all(s.n == 0 for s in ranking.summaries[3:])


def test_pairwise_ranking_follows_the_votes_and_is_cached(process, recs, django_assert_num_queries):
    people = [participant(process) for _ in range(5)]
    best, good, bad = recs[0], recs[1], recs[2]
    for person in people:
        do_compare(person, process, best, good, "first")
        do_compare(person, process, good, bad, "first")
        do_compare(person, process, best, bad, "first")
    ranking = results.pairwise_ranking(UserFactory(), process)
    # Never compared: after the compared ones, not ranked (the engine puts them at 50 %).
    assert [(s.item, s.rank) for s in ranking.summaries][:3] == [
        (best.pk, 1),
        (good.pk, 2),
        (bad.pk, 3),
    ]
    assert [s.rank for s in ranking.summaries[3:]] == [0] * (len(recs) - 3)
    assert ranking.comparisons == 15 and ranking.people == 5
    by_item = {s.item: s for s in ranking.summaries}
    assert by_item[best.pk].preference > 0.5 > by_item[bad.pk].preference
    assert by_item[recs[3].pk].comparisons == 0
    # A second call uses the remembered result: the person's roles and the data's state
    # (recommendations, totals, comparisons, phases).
    visitor = UserFactory()
    with django_assert_num_queries(5):
        again = results.pairwise_ranking(visitor, process)
    assert [s.item for s in again.summaries] == [s.item for s in ranking.summaries]
    # A new vote refits.
    do_compare(people[0], process, bad, recs[3], "first")
    refit = results.pairwise_ranking(UserFactory(), process)
    assert {s.item: s.comparisons for s in refit.summaries}[recs[3].pk] == 1


def test_groups_that_disagree_show_up_first(process, recs):
    digital, training, infra = recs[0], recs[1], recs[2]
    for _ in range(3):
        firm = participant(process, Kind.COMPANY)
        rate_all(process, digital, firm, 5)
        rate_all(process, training, firm, 2)
        rate_all(process, infra, firm, 4)
        union = participant(process, Kind.UNION)
        rate_all(process, digital, union, 2)
        rate_all(process, training, union, 5)
        rate_all(process, infra, union, 4)
    data = results.group_comparison(UserFactory(), process)
    assert data.groups == ["company", "union"]
    assert data.counts == [9, 9]
    rows = {row.item: row for row in data.rows}
    assert rows[digital.pk].ranks == [1, 3]
    assert rows[training.pk].ranks == [3, 1]
    assert rows[infra.pk].spread == 0
    assert data.rows[0].item in (digital.pk, training.pk)
    assert data.agreement[0][2] < 0
    with translation.override("en"):
        assert [str(label) for label, _ in data.columns] == ["Companies", "Trade unions"]
    with translation.override("de"):  # remembered results speak each reader's language
        assert str(data.columns[0][0]) != "Companies"


def test_group_comparison_by_pairwise_votes(process, recs):
    for _ in range(4):
        do_compare(participant(process, Kind.CHAMBER), process, recs[0], recs[1], "first")
        do_compare(participant(process, Kind.PUBLIC), process, recs[0], recs[1], "second")
    data = results.group_comparison(UserFactory(), process, "pairwise")
    assert data.groups == ["chamber", "public"]
    rows = {row.item: row for row in data.rows}
    assert rows[recs[0].pk].ranks == [1, 2] and rows[recs[1].pk].ranks == [2, 1]


def test_district_results_and_ranking(process, recs):
    chemnitz = Region.objects.get(slug="chemnitz")
    goerlitz = Region.objects.get(slug="landkreis-goerlitz")
    for _ in range(3):
        rate_all(process, recs[0], participant(process), 5, region=chemnitz)
        rate_all(process, recs[1], participant(process), 2, region=chemnitz)
    rate_all(process, recs[1], participant(process), 4, region=goerlitz)
    data = results.district_results(UserFactory(), process)
    assert len(data.rows) == 13 and len(data.tiles) == 13
    rows = {row.region.slug: row for row in data.rows}
    assert (rows["chemnitz"].n, rows["chemnitz"].recommendations) == (6, 2)
    assert rows["chemnitz"].summary.mean == pytest.approx(3.5)
    assert rows["dresden"].summary is None and rows["dresden"].n == 0
    tiles = {t.region.slug: t for t in data.tiles}
    assert tiles["dresden"].level == "none" and tiles["chemnitz"].level in {"3", "4"}
    # Chemnitz sits south of Mittelsachsen, Görlitz east of Bautzen on the tile grid.
    assert tiles["chemnitz"].y > tiles["mittelsachsen"].y
    assert tiles["landkreis-goerlitz"].x > tiles["landkreis-bautzen"].x
    ranked = results.district_ranking(UserFactory(), process, chemnitz)
    assert [s.item for s in ranked] == [recs[0].pk, recs[1].pk]
    dresden = Region.objects.get(slug="dresden")
    assert results.district_ranking(UserFactory(), process, dresden) == []


def test_recommendation_results_per_criterion_and_district(process, recs):
    chemnitz = Region.objects.get(slug="chemnitz")
    rate_all(process, recs[0], participant(process), 4, region=chemnitz)
    rate_all(process, recs[0], participant(process), 2)
    data = results.recommendation_results(process, recs[0])
    by_key = {row.criterion.key: row.summary for row in data.criteria}
    assert by_key["relevance"].n == 2 and by_key["relevance"].mean == 3.0
    assert by_key["district_fit"].n == 1
    fit = {row.region.slug: row for row in data.districts.rows}
    assert fit["chemnitz"].n == 1 and fit["chemnitz"].summary.mean == 4.0
    assert fit["leipzig"].summary is None


def test_lists_show_only_what_the_person_may_see(process, recs):
    hidden_phase = PhaseFactory(
        process=process,
        visibility=Phase.Visibility.BOARD,
        start_date=process.start_date,
        end_date=process.start_date,
    )
    secret = RecommendationFactory(process=process, phase=hidden_phase)
    pending = RecommendationFactory(
        process=process, moderation_state=Recommendation.ModerationState.PENDING
    )
    visitor_ids = set(results.candidates(UserFactory(), process))
    assert secret.pk not in visitor_ids and pending.pk not in visitor_ids
    assert {r.pk for r in recs} <= visitor_ids


# --- pages --------------------------------------------------------------------------------------


def page(client, name, process, **params):
    return client.get(reverse(f"assessment:{name}", kwargs={"slug": process.slug}), params)


def test_ranking_page_shows_both_methods_with_intervals(client, process, recs):
    rate_all(process, recs[0], participant(process), 5)
    do_compare(participant(process), process, recs[0], recs[1], "first")
    body = page(client, "ranking", process).content.decode()
    assert recs[0].title in body and 'class="interval-bar"' in body
    assert body.index(recs[0].title) < body.index(recs[1].title)
    body = page(client, "ranking", process, method="pairwise").content.decode()
    assert "interval-bar" in body and recs[1].title in body


def test_without_ratings_or_comparisons_nothing_is_ranked_as_if_rated(client, process, recs):
    with translation.override("en"):
        body = page(client, "ranking", process).content.decode()
        assert "No ratings yet: the list is not ranked until people rate." in body
        assert body.count("no ratings yet") == len(recs)
        table = body.split("<tbody>")[1]
        assert "overall mean 3.00" not in body and "3.00" not in table
        assert 'class="interval-bar"' not in table
        body = page(client, "ranking", process, method="pairwise").content.decode()
        assert "No comparisons yet" in body
        assert body.count("not compared yet") == len(recs)
        assert "50 %" not in body.split("<tbody>")[1]
        body = client.get(
            reverse("assessment:recommendation", args=[process.slug, recs[0].pk])
        ).content.decode()
        assert body.count("no ratings yet") == 4  # one per criterion
        assert "3.00" not in body


def test_rated_recommendations_are_ranked_before_unrated_ones(client, process, recs):
    # A low rating still ranks; the unrated (at the prior 3.00 in the engine) come after.
    rate_all(process, recs[2], participant(process), 1)
    with translation.override("en"):
        body = page(client, "ranking", process).content.decode()
    rows = body.split("<tbody>")[1].split("</tr>")
    assert recs[2].title in rows[0] and '<td class="numeric">1</td>' in rows[0]
    assert all("no ratings yet" in row for row in rows[1 : len(recs)])


def test_district_page_with_map_table_and_chosen_district(client, process, recs):
    chemnitz = Region.objects.get(slug="chemnitz")
    rate_all(process, recs[2], participant(process), 5, region=chemnitz)
    body = page(client, "districts", process, bezirk="chemnitz").content.decode()
    assert body.count('class="tile tile--') == 13
    assert "<svg" in body and 'role="img"' in body
    assert recs[2].title in body
    response = page(client, "districts", process, bezirk="atlantis")
    assert response.status_code == 302


def test_groups_page(client, process, recs):
    rate_all(process, recs[0], participant(process, Kind.UNION), 5)
    rate_all(process, recs[0], participant(process, Kind.COMPANY), 1)
    rate_all(process, recs[1], participant(process, Kind.UNION), 1)
    rate_all(process, recs[1], participant(process, Kind.COMPANY), 5)
    with translation.override("en"):
        response = page(client, "groups", process)
    body = response.content.decode()
    assert "Trade unions" in body and "Companies" in body and recs[0].title in body


def test_results_are_hidden_in_processes_without_an_assessment_phase(client):
    process = ProcessFactory()
    PhaseFactory(process=process)  # propose and comment only
    assert page(client, "ranking", process).status_code == 302  # the login
    client.force_login(UserFactory())
    assert page(client, "ranking", process).status_code == 403
    assert results.candidates(UserFactory(), process) == {}


def test_index_lists_processes_in_an_assessment_phase(client, process):
    other = ProcessFactory(title="Nur Diskussion")
    PhaseFactory(process=other)
    body = client.get(reverse("assessment:index")).content.decode()
    assert process.title in body and "Nur Diskussion" not in body


def test_overview_marks_what_i_rated(client, process, recs, member):
    rate_all(process, recs[1], member, 3)
    client.force_login(member)
    body = page(client, "process", process).content.decode()
    assert body.count('badge--success">') >= 1
    assert reverse("assessment:rate", kwargs={"slug": process.slug, "pk": recs[0].pk}) in body
    assert len(recommendations(process, 0)) == 0


def test_start_page_list_agrees_with_the_rules(process):
    from tests.factories import SpaceFactory, SpaceRoleFactory
    from tests.strategy.factories import add_role
    from werkstatt.accounts.models import Space, SpaceRole
    from werkstatt.assessment import rules

    members_only = ProcessFactory(slug="intern")
    PhaseFactory(process=members_only, allows_rate=True, visibility=Phase.Visibility.MEMBERS)
    board = SpaceFactory(kind=Space.Kind.BOARD)
    board_only = ProcessFactory(slug="gremium", board_space=board)
    PhaseFactory(process=board_only, allows_prioritise=True, visibility=Phase.Visibility.BOARD)
    later = ProcessFactory(slug="spaeter")
    PhaseFactory(
        process=later, allows_rate=True, start_date=later.end_date, end_date=later.end_date
    )
    draft = ProcessFactory(slug="entwurf", status="draft")
    PhaseFactory(process=draft, allows_rate=True)
    member = UserFactory()
    add_role(member, members_only)
    board_member = UserFactory()
    SpaceRoleFactory(user=board_member, space=board, role=SpaceRole.Role.BOARD_MEMBER)
    moderator = UserFactory()
    add_role(moderator, draft, SpaceRole.Role.MODERATOR)
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import SuperuserFactory

    everyone = [AnonymousUser(), UserFactory(), member, board_member, moderator, SuperuserFactory()]
    all_processes = [process, members_only, board_only, later, draft]
    for person in everyone:
        listed = set(results.assessment_processes(person).values_list("slug", flat=True))
        expected = {
            p.slug
            for p in all_processes
            if rules.assessment_phases(p) and rules.sees_results(person, p)
        }
        assert listed == expected, person
    assert set(results.assessment_processes(member).values_list("slug", flat=True)) == {
        process.slug,
        "intern",
    }
