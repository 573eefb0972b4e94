"""The events demo: the three seeded events on the small demo network, reproducible, removable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from werkstatt.events import demo
from werkstatt.events.models import Event, Registration, Session
from werkstatt.network.demo import ACCOUNT_DOMAIN

pytestmark = pytest.mark.django_db


def test_demo_builds_the_three_events_and_deletes_them():
    # The network and its accounts, then our demo alone (the other apps' demos have tests of
    # their own, and must not decide whether ours passes).
    out = StringIO()
    call_command("demo", organisations=150, no_index=True, network_only=True, stdout=out)
    lines: list[str] = []
    demo.build_demo(seed=2026, report=lines.append)
    assert any("Zulieferkonferenz" in line for line in lines)
    impro, strategy, board = (Event.objects.get(slug=slug) for slug in demo.SLUGS)
    now = timezone.now()

    assert impro.has_matchmaking and impro.starts_at > now
    assert timezone.localtime(impro.starts_at).month == 3 and impro.venue_address.endswith(
        "Dresden"
    )
    confirmed = impro.registrations.filter(status=Registration.Status.CONFIRMED)
    assert 290 <= confirmed.count() <= impro.capacity
    assert confirmed.exclude(organisation=None).count() >= 300
    participant = confirmed.filter(user__email__startswith=demo.PARTICIPANT_PREFIX).first()
    assert participant.user.email.endswith("@" + ACCOUNT_DOMAIN)
    assert participant.user.check_password("werkstatt-demo")
    assert participant.answers.count() == 3
    assert participant.organisation.memberships.filter(user=participant.user).exists()

    kinds = set(strategy.sessions.values_list("kind", flat=True))
    assert {Session.Kind.KEYNOTE, Session.Kind.TALK, Session.Kind.PANEL} <= kinds
    assert strategy.speakers.count() >= 4

    assert board.visibility == Event.Visibility.INVITATION and board.ends_at < now
    assert board.sessions.filter(kind=Session.Kind.DEMONSTRATION).exists()
    gremium = get_user_model().objects.get(email=f"gremium@{ACCOUNT_DOMAIN}")
    assert gremium.has_perm("events.view_event", board)
    assert board.feedback.exists()
    moderation = get_user_model().objects.get(email=f"moderation@{ACCOUNT_DOMAIN}")
    assert moderation.has_perm("events.change_event", impro)

    first_names = sorted(impro.registrations.values_list("name", flat=True))
    demo.delete_demo(report=lines.append)
    assert not Event.objects.filter(slug__in=demo.SLUGS).exists()
    participants = get_user_model().objects.filter(email__startswith=demo.PARTICIPANT_PREFIX)
    assert not participants.exists()
    assert gremium.space_roles.filter(space__kind="event").count() == 0
    # Reproducible for a seed.
    demo.build_demo(seed=2026, report=lines.append)
    again = Event.objects.get(slug=demo.SLUGS[0])
    assert sorted(again.registrations.values_list("name", flat=True)) == first_names
