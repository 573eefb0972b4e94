"""Deleting a phase never deletes what it holds and never shows it to more people.

A phase visible to the advisory board only holds a recommendation with a board discussion, a
thesis with an implementation concept and an opinion conversation with statements and votes.
For every role, the pages that answer 200 must be the same before and after every attempt to
delete the phase: refused without a target, refused with a wider target, and done by moving
everything to another board-only phase.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from tests.factories import SpaceFactory, SpaceRoleFactory, SuperuserFactory, UserFactory
from tests.monitoring.factories import ConceptFactory
from tests.opinions.factories import StatementFactory
from tests.strategy.factories import (
    CommentFactory,
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    add_role,
    today,
)
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.opinions.models import Conversation, Participant, Statement, Vote
from werkstatt.strategy.models import ModerationAction, Phase, Recommendation
from werkstatt.strategy.services import processes as services

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "user", "member", "board", "author", "moderator", "superuser")


@pytest.fixture
def world():
    start = today() - datetime.timedelta(days=300)
    board = SpaceFactory(kind=Space.Kind.BOARD)
    process = ProcessFactory(board_space=board, start_date=start)
    people = {
        "user": UserFactory(),
        "member": UserFactory(),
        "board": UserFactory(),
        "author": UserFactory(),
        "moderator": UserFactory(),
        "superuser": SuperuserFactory(),
    }
    add_role(people["member"], process)
    add_role(people["author"], process)
    add_role(people["moderator"], process, SpaceRole.Role.MODERATOR)
    SpaceRoleFactory(user=people["board"], space=board, role=SpaceRole.Role.BOARD_MEMBER)

    def phase(days: int, length: int, visibility: str, **kw) -> Phase:
        first = start + datetime.timedelta(days=days)
        return PhaseFactory(
            process=process,
            start_date=first,
            end_date=first + datetime.timedelta(days=length),
            visibility=visibility,
            **kw,
        )

    board_phase = phase(0, 50, Phase.Visibility.BOARD, name="Vorauswahl im Begleitgremium")
    other_board = phase(60, 50, Phase.Visibility.BOARD, name="Zweite Runde im Gremium")
    members = phase(120, 50, Phase.Visibility.MEMBERS, name="Nur Mitglieder")
    public = PhaseFactory(process=process, name="Priorisieren")  # running, public
    rec = RecommendationFactory(
        process=process, phase=board_phase, author=people["board"], title="Interne Empfehlung"
    )
    comment = CommentFactory(recommendation=rec, author=people["board"], text="Nur im Gremium.")
    thesis = RecommendationFactory(
        process=process,
        phase=board_phase,
        author=people["author"],
        kind="thesis",
        title="Interne These mit Konzept",
    )
    concept = ConceptFactory(recommendation=thesis)
    statement = StatementFactory(conversation__phase=board_phase)
    conversation = statement.conversation
    participant = Participant.objects.create(conversation=conversation, user=people["board"])
    Vote.objects.create(statement=statement, participant=participant, value=1)
    urls = [
        reverse("strategy:recommendation", args=[process.slug, rec.pk]),
        reverse("strategy:recommendation", args=[process.slug, thesis.pk]),
        reverse("strategy_api:recommendation-detail", args=[process.slug, rec.pk]),
        reverse("strategy_api:comment-list", args=[process.slug, rec.pk]),
        reverse("monitoring:concept", args=[concept.pk]),
        reverse("monitoring_api:concept", args=[concept.pk]),
        reverse("opinions:conversation", args=[conversation.slug]),
    ]
    lists = [
        reverse("strategy:recommendations", args=[process.slug]),
        reverse("monitoring:process", args=[process.slug]),
        reverse("strategy_api:recommendation-list", args=[process.slug]),
    ]
    return {
        "process": process,
        "people": people,
        "board_phase": board_phase,
        "other_board": other_board,
        "members": members,
        "public": public,
        "rec": rec,
        "comment": comment,
        "thesis": thesis,
        "conversation": conversation,
        "urls": urls,
        "lists": lists,
    }


def seen(world) -> dict[str, tuple]:
    """Per role: which of the pages answer 200, and which secret words the lists show."""
    result = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world["people"][role])
        statuses = tuple(client.get(url).status_code == 200 for url in world["urls"])
        pages = [client.get(url).content.decode() for url in world["lists"]]
        listed = tuple(
            title in page
            for page in pages
            for title in ("Interne Empfehlung", "Interne These mit Konzept")
        )
        result[role] = statuses + listed
    return result


def delete(world, move_to: Phase | None = None):
    client = Client()
    client.force_login(world["people"]["moderator"])
    data = {"move_to": move_to.pk} if move_to else {}
    url = reverse("strategy:phase_delete", args=[world["process"].slug, world["board_phase"].pk])
    return client.post(url, data)


def test_visitors_never_saw_the_board_phase(world):
    before = seen(world)
    assert not any(before["anonymous"]) and not any(before["user"])
    assert not any(before["member"]) and not any(before["author"][:1])
    # The board sees both in the lists of recommendations; the monitoring lists the concept.
    expected = (True,) * 7 + (True, True, False, True, True, True)
    assert before["board"] == before["moderator"] == expected


def test_the_deletion_is_confirmed_first_and_names_what_the_phase_holds(world):
    client = Client()
    client.force_login(world["people"]["moderator"])
    url = reverse("strategy:phase_delete", args=[world["process"].slug, world["board_phase"].pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    # What it holds, and only the phases visible to as few people can take it over.
    assert f"2 {Recommendation._meta.verbose_name_plural}" in text
    assert f"1 {Conversation._meta.verbose_name_plural}" in text
    assert "Zweite Runde im Gremium" in text
    assert "Nur Mitglieder" not in text and "Priorisieren" not in text
    assert Phase.objects.filter(pk=world["board_phase"].pk).exists()  # GET changes nothing


def test_a_phase_with_contents_is_not_deleted_without_a_target(world):
    before = seen(world)
    response = delete(world)
    assert response.status_code == 200
    assert gettext("Please choose where its contents go.") in response.content.decode()
    assert Phase.objects.filter(pk=world["board_phase"].pk).exists()
    assert Conversation.objects.filter(pk=world["conversation"].pk).exists()
    assert Vote.objects.count() == 1 and Statement.objects.count() == 1
    assert seen(world) == before


@pytest.mark.parametrize("target", ["public", "members"])
def test_contents_never_move_to_a_phase_more_people_see(world, target):
    before = seen(world)
    response = delete(world, world[target])
    assert response.status_code == 200
    assert Phase.objects.filter(pk=world["board_phase"].pk).exists()
    assert Recommendation.objects.get(pk=world["rec"].pk).phase == world["board_phase"]
    assert seen(world) == before
    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationError) as refused:
        services.do_delete_phase(world["board_phase"], world["people"]["moderator"], world[target])
    assert refused.value.code == "wider_visibility"


def test_moving_to_another_board_phase_keeps_everything_and_widens_nothing(world):
    before = seen(world)
    response = delete(world, world["other_board"])
    assert response.status_code == 302
    assert not Phase.objects.filter(pk=world["board_phase"].pk).exists()
    other = world["other_board"]
    assert Recommendation.objects.get(pk=world["rec"].pk).phase == other
    assert Recommendation.objects.get(pk=world["thesis"].pk).phase == other
    assert Conversation.objects.get(pk=world["conversation"].pk).phase == other
    assert Vote.objects.count() == 1 and Statement.objects.count() == 1
    assert world["rec"].comments.count() == 1
    assert seen(world) == before
    action = ModerationAction.objects.get(details__has_key="deleted phase")
    assert action.details["moved to"] == other.name
    assert action.details["moved"] == {"strategy.recommendation": 2, "opinions.conversation": 1}


def test_an_empty_phase_is_deleted_after_confirmation(world):
    empty = world["members"]
    client = Client()
    client.force_login(world["people"]["moderator"])
    url = reverse("strategy:phase_delete", args=[world["process"].slug, empty.pk])
    assert "move_to" not in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Phase.objects.filter(pk=empty.pk).exists()


def test_without_a_phase_of_the_same_reach_the_phase_stays():
    process = ProcessFactory()
    phase = PhaseFactory(process=process, visibility=Phase.Visibility.BOARD)
    RecommendationFactory(process=process, phase=phase)
    PhaseFactory(
        process=process,
        start_date=process.start_date,
        end_date=process.start_date + datetime.timedelta(days=5),
    )
    assert services.move_targets(phase) == []
    with pytest.raises(ValidationError) as refused:
        services.do_delete_phase(phase, AnonymousUser())
    assert refused.value.code == "phase_not_empty"
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_the_database_refuses_to_drop_a_recommendations_phase():
    process = ProcessFactory()
    phase = PhaseFactory(process=process)
    rec = RecommendationFactory(process=process, phase=phase)
    with pytest.raises(RestrictedError):
        phase.delete()
    # Deleting the whole process still deletes everything in it.
    process.delete()
    assert not Recommendation.objects.filter(pk=rec.pk).exists()
