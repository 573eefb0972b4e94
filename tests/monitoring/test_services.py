"""Implementation concepts, results, milestones, updates and the monitoring of a process."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from tests.factories import OrganisationFactory
from tests.monitoring.factories import ConceptFactory, MilestoneFactory, ResultFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    moderator_of,
)
from werkstatt.monitoring.models import ImplementationConcept, ProgressUpdate, Result
from werkstatt.monitoring.services import concepts as services
from werkstatt.notifications.models import Notification
from werkstatt.strategy.models import ModerationAction, Phase, Recommendation

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_a_concept_puts_the_recommendation_into_implementation_and_tells_its_author():
    rec = RecommendationFactory()
    office = moderator_of(rec.process)
    lead, partner = OrganisationFactory(), OrganisationFactory()
    concept = services.do_save_concept(
        rec,
        office,
        {"summary": "Verbund gründen", "status": "in_progress", "budget_eur": 50000},
        lead=[lead],
        partners=[partner],
    )
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.IN_IMPLEMENTATION
    assert {(r.organisation, r.role) for r in concept.responsibilities.all()} == {
        (lead, "lead"),
        (partner, "partner"),
    }
    assert ModerationAction.objects.filter(recommendation=rec, kind="change_status").exists()
    assert Notification.objects.filter(recipient=rec.author).exists()
    # Completing the concept marks the recommendation implemented.
    services.do_save_concept(rec, office, {"summary": "Verbund gegründet", "status": "completed"})
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.IMPLEMENTED
    assert ImplementationConcept.objects.count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"summary": "  "}, "summary"),
        (
            {
                "summary": "x",
                "start_date": datetime.date(2027, 5, 1),
                "end_date": datetime.date(2027, 1, 1),
            },
            "end_date",
        ),
        ({"summary": "x", "budget_eur": -5}, "budget_eur"),
    ],
)
def test_bad_concepts_change_nothing(data, field):
    rec = RecommendationFactory()
    with pytest.raises(ValidationError) as info:
        services.do_save_concept(rec, moderator_of(rec.process), data)
    assert field in info.value.message_dict
    assert not ImplementationConcept.objects.exists()
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.SUBMITTED


def test_the_same_organisation_cannot_lead_and_partner():
    rec = RecommendationFactory()
    org = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.do_save_concept(
            rec, moderator_of(rec.process), {"summary": "x"}, lead=[org], partners=[org]
        )
    assert not ImplementationConcept.objects.exists()


def test_unpublished_recommendations_get_no_concept():
    rec = RecommendationFactory(moderation_state=Recommendation.ModerationState.PENDING)
    with pytest.raises(ValidationError):
        services.do_save_concept(rec, moderator_of(rec.process), {"summary": "x"})


def test_progress_of_results_made_of_parts():
    concept = ConceptFactory()
    verbund = services.do_save_result(concept, {"title": "Verbund", "weight": 2})
    services.do_save_result(concept, {"title": "Vertrag", "parent": verbund, "progress": 100})
    services.do_save_result(concept, {"title": "Azubis", "parent": verbund, "progress": 0})
    services.do_save_result(concept, {"title": "Website", "progress": 80, "weight": 1})
    fresh = services.concepts_queryset().get(pk=concept.pk)
    progress = services.concept_progress(fresh)
    assert [n.result.title for n in progress.tree] == ["Verbund", "Website"]
    assert progress.tree[0].progress == pytest.approx(50)
    assert progress.progress == pytest.approx((2 * 50 + 80) / 3)


def test_a_result_cannot_become_part_of_its_own_part():
    concept = ConceptFactory()
    top = services.do_save_result(concept, {"title": "Oben"})
    below = services.do_save_result(concept, {"title": "Unten", "parent": top})
    with pytest.raises(ValidationError) as info:
        services.do_save_result(concept, {"title": "Oben", "parent": below}, result=top)
    assert "parent" in info.value.message_dict
    top.refresh_from_db()
    assert top.parent is None


def test_a_parent_from_another_concept_is_refused():
    other = ResultFactory()
    with pytest.raises(ValidationError):
        services.do_save_result(ConceptFactory(), {"title": "X", "parent": other})
    assert Result.objects.count() == 1


def test_progress_over_100_is_refused():
    concept = ConceptFactory()
    with pytest.raises(ValidationError):
        services.do_save_result(concept, {"title": "X", "progress": 101})
    assert not concept.results.exists()


def test_updates_record_status_and_progress_then():
    concept = ConceptFactory(status="in_progress")
    ResultFactory(concept=concept, progress=30)
    update = services.do_add_update(concept, None, {"text": "Erste Treffen gehalten."})
    assert (update.status, update.progress, update.date) == ("in_progress", 30, TODAY)
    with pytest.raises(ValidationError):
        services.do_add_update(
            concept, None, {"text": "Zukunft", "date": TODAY + datetime.timedelta(days=3)}
        )
    with pytest.raises(ValidationError):
        services.do_add_update(concept, None, {"text": " "})
    assert ProgressUpdate.objects.count() == 1


def test_a_milestone_cannot_be_reached_in_the_future():
    concept = ConceptFactory()
    with pytest.raises(ValidationError):
        services.do_save_milestone(
            concept,
            {
                "title": "Eröffnung",
                "due_date": TODAY,
                "reached_date": TODAY + datetime.timedelta(days=1),
            },
        )
    assert not concept.milestones.exists()


def test_process_monitoring_shows_only_what_the_visitor_may_see():
    process = ProcessFactory()
    field = ActionFieldFactory(process=process, name="Fachkräfte")
    public = RecommendationFactory(process=process)
    public.action_fields.add(field)
    board_phase = PhaseFactory(process=process, visibility=Phase.Visibility.BOARD)
    hidden = RecommendationFactory(process=process, phase=board_phase)
    c1 = ConceptFactory(recommendation=public, budget_eur=1000)
    ResultFactory(concept=c1, progress=60)
    ConceptFactory(recommendation=hidden, budget_eur=99999)
    MilestoneFactory(concept=c1, title="Kick-off", reached_date=TODAY, due_date=TODAY)
    MilestoneFactory(concept=c1, title="Abschluss", due_date=TODAY + datetime.timedelta(days=90))

    seen = services.process_monitoring(AnonymousUser(), process)
    assert [cp.concept for cp in seen.concepts] == [c1]
    assert seen.progress == pytest.approx(60)
    assert seen.budget_eur == 1000
    assert seen.by_action_field == [("Fachkräfte", pytest.approx(60), 1)]
    assert [(e.kind, e.title) for e in seen.timeline] == [
        ("milestone_due", "Abschluss"),
        ("milestone", "Kick-off"),
    ]
    moderator = moderator_of(process)
    assert len(services.process_monitoring(moderator, process).concepts) == 2
