"""Links to the apps built on strategy appear exactly when their page answers 200.

For every role, every kind of recommendation (a recommendation, a thesis, one not pursued) in a
process with a running assessment phase and in a completed process without one: the "Fit
assessment" button is shown if and only if the assessment page opens, and the process
navigation's "Assessment and priorities" tab likewise.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.strategy.factories import (
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    add_role,
)
from werkstatt.accounts.models import SpaceRole
from werkstatt.strategy.models import Process

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    running = ProcessFactory(title="ZukunftsWerkstatt")
    PhaseFactory(process=running, allows_rate=True, allows_prioritise=True)
    start = datetime.date(2015, 11, 1)
    completed = ProcessFactory(
        title="StrategieWerkstatt",
        status=Process.Status.COMPLETED,
        start_date=start,
        end_date=datetime.date(2018, 11, 30),
    )
    PhaseFactory(
        process=completed,
        start_date=start,
        end_date=datetime.date(2018, 11, 30),
        allows_propose=True,
        allows_comment=True,
    )
    recs = [
        RecommendationFactory(process=running),
        RecommendationFactory(process=running, kind="thesis"),
        RecommendationFactory(process=running, status="declined"),
        RecommendationFactory(process=running, moderation_state="pending"),
        RecommendationFactory(process=completed, status="implemented"),
    ]
    people = {"anonymous": None, "user": UserFactory()}
    people["member"] = add_role(UserFactory(), running)
    add_role(people["member"], completed)
    people["moderator"] = add_role(UserFactory(), running, SpaceRole.Role.MODERATOR)
    add_role(people["moderator"], completed, SpaceRole.Role.MODERATOR)
    return recs, people


@pytest.mark.parametrize("who", ["anonymous", "user", "member", "moderator"])
def test_assessment_links_only_where_the_page_opens(world, who):
    recs, people = world
    client = Client()
    if people[who]:
        client.force_login(people[who])
    outcomes = set()
    for rec in recs:
        page = client.get(rec.get_absolute_url())
        if page.status_code == 404:
            continue  # pending: not for this person at all
        target = reverse("assessment:recommendation", args=[rec.process.slug, rec.pk])
        opens = client.get(target).status_code == 200
        assert (f'href="{target}"' in page.content.decode()) == opens, (who, rec.kind, rec.status)
        outcomes.add(opens)
    for process in {rec.process for rec in recs}:
        tab = reverse("assessment:process", args=[process.slug])
        opens = client.get(tab).status_code == 200
        for url in (
            reverse("strategy:process", args=[process.slug]),
            reverse("strategy:recommendations", args=[process.slug]),
        ):
            assert (f'href="{tab}"' in client.get(url).content.decode()) == opens, (who, url)
    # Both answers occur for everyone, so the test can fail either way.
    assert outcomes == {True, False}


def test_the_settings_link_to_the_assessment_criteria(client):
    process = ProcessFactory()
    client.force_login(add_role(UserFactory(), process, SpaceRole.Role.MODERATOR))
    html = client.get(reverse("strategy:process_edit", args=[process.slug])).content.decode()
    target = reverse("assessment:criteria", args=[process.slug])
    assert f'href="{target}"' in html
    assert client.get(target).status_code == 200
