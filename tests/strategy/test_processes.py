"""Processes, phases, action fields and joining: the services and their validation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import SpaceFactory, UserFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    PhaseFactory,
    ProcessFactory,
    add_role,
    running_process,
    today,
)
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.strategy.models import ModerationAction, Phase, Process
from werkstatt.strategy.services import processes as services

pytestmark = pytest.mark.django_db
D = datetime.date


def process_data(**kw):
    data = {
        "title": "ZukunftsWerkstatt Lausitz",
        "summary": "",
        "description": "",
        "organiser": "Projektbüro",
        "start_date": D(2026, 1, 1),
        "end_date": D(2027, 12, 31),
        "status": Process.Status.ACTIVE,
        "moderation": Process.Moderation.PRE,
        "is_public": True,
        "open_to_join": True,
        "board_space": None,
    }
    data.update(kw)
    return data


def phase_data(start, end, **kw):
    data = {"name": "Themen sammeln", "start_date": start, "end_date": end, "visibility": "public"}
    data.update(kw)
    return data


def test_create_process_makes_its_space_and_the_creator_moderates():
    user = UserFactory()
    process = services.do_create_process(user, process_data())
    assert process.slug == "zukunftswerkstatt-lausitz"
    assert process.space.kind == Space.Kind.PROCESS
    assert SpaceRole.objects.filter(
        user=user, space=process.space, role=SpaceRole.Role.MODERATOR
    ).exists()
    assert user.has_perm("strategy.change_process", process)


def test_create_process_slug_is_unique_and_never_a_path_segment():
    user = UserFactory()
    first = services.do_create_process(user, process_data())
    second = services.do_create_process(user, process_data())
    reserved = services.do_create_process(user, process_data(title="Neu"))
    assert first.slug != second.slug
    assert reserved.slug != "neu"


def test_create_process_with_end_before_start_changes_nothing():
    with pytest.raises(ValidationError) as exc:
        services.do_create_process(
            UserFactory(), process_data(start_date=D(2026, 5, 1), end_date=D(2026, 4, 1))
        )
    assert "vor dem Beginn" in exc.value.messages[0] or "before" in exc.value.messages[0]
    assert not Process.objects.exists()
    assert not Space.objects.filter(kind=Space.Kind.PROCESS).exists()


def test_phase_must_not_overlap_another():
    process = ProcessFactory(start_date=D(2026, 1, 1), end_date=D(2027, 12, 31))
    user = UserFactory()
    services.do_save_phase(process, user, phase_data(D(2026, 1, 1), D(2026, 3, 31)))
    with pytest.raises(ValidationError) as exc:
        services.do_save_phase(
            process, user, phase_data(D(2026, 3, 31), D(2026, 6, 30), name="Priorisieren")
        )
    assert "Themen sammeln" in exc.value.messages[0]
    assert process.phases.count() == 1


def test_phase_may_be_edited_without_overlapping_itself():
    process = ProcessFactory(start_date=D(2026, 1, 1), end_date=D(2027, 12, 31))
    user = UserFactory()
    phase = services.do_save_phase(process, user, phase_data(D(2026, 1, 1), D(2026, 3, 31)))
    services.do_save_phase(process, user, phase_data(D(2026, 1, 1), D(2026, 4, 30)), phase)
    phase.refresh_from_db()
    assert phase.end_date == D(2026, 4, 30)
    assert ModerationAction.objects.filter(process=process, kind="change_process").count() == 2


@pytest.mark.parametrize(
    "start,end",
    [
        (D(2026, 5, 1), D(2026, 4, 1)),
        (D(2025, 12, 1), D(2026, 2, 1)),
        (D(2027, 12, 1), D(2028, 1, 1)),
    ],
    ids=["end before start", "before the process", "after the process"],
)
def test_phase_dates_are_checked(start, end):
    process = ProcessFactory(start_date=D(2026, 1, 1), end_date=D(2027, 12, 31))
    with pytest.raises(ValidationError):
        services.do_save_phase(process, UserFactory(), phase_data(start, end))
    assert not process.phases.exists()


def test_process_dates_cannot_leave_a_phase_outside():
    process = ProcessFactory(start_date=D(2026, 1, 1), end_date=D(2027, 12, 31))
    PhaseFactory(process=process, start_date=D(2027, 6, 1), end_date=D(2027, 12, 31))
    with pytest.raises(ValidationError):
        services.do_update_process(process, UserFactory(), {"end_date": D(2027, 3, 31)})
    process.refresh_from_db()
    assert process.end_date == D(2027, 12, 31)


def test_current_phase_and_allows():
    process = ProcessFactory()
    past = PhaseFactory(
        process=process,
        start_date=today() - datetime.timedelta(days=50),
        end_date=today() - datetime.timedelta(days=31),
    )
    now = PhaseFactory(process=process, allows_propose=False, allows_rate=True)
    assert process.current_phase() == now
    assert now.allows("rate") and not now.allows("propose")
    assert past.allows("propose")
    assert process.phase_on(past.start_date) == past
    reading = PhaseFactory.build(allows_propose=False, allows_comment=False)
    assert reading.is_read_only
    with pytest.raises(ValueError):
        now.allows("dance")


def test_action_field_names_are_unique_per_process():
    process = ProcessFactory()
    ActionFieldFactory(process=process, name="Digitalisierung")
    with pytest.raises(ValidationError) as exc:
        services.do_save_action_field(process, UserFactory(), {"name": " digitalisierung "})
    assert "digitalisierung" in exc.value.messages[0].lower()
    other = ProcessFactory()
    services.do_save_action_field(other, UserFactory(), {"name": "Digitalisierung"})
    assert other.action_fields.count() == 1


def test_join_open_process():
    process = running_process()
    user = UserFactory()
    assert user.has_perm("strategy.join_process", process)
    services.do_join_process(user, process)
    assert SpaceRole.objects.filter(user=user, space=process.space, role="member").exists()
    assert not user.has_perm("strategy.join_process", process)  # already in
    with pytest.raises(ValidationError):
        services.do_join_process(user, process)


def test_closed_or_completed_process_cannot_be_joined():
    closed = running_process(open_to_join=False)
    done = running_process(status=Process.Status.COMPLETED)
    user = UserFactory()
    for process in (closed, done):
        with pytest.raises(ValidationError):
            services.do_join_process(user, process)
    assert not SpaceRole.objects.filter(user=user).exists()


def test_board_space_members_see_board_phases():
    board = SpaceFactory(kind=Space.Kind.BOARD)
    process = running_process(board_space=board)
    phase = PhaseFactory(
        process=process,
        start_date=process.start_date,
        end_date=process.start_date + datetime.timedelta(days=5),
        visibility=Phase.Visibility.BOARD,
    )
    board_member = add_role(UserFactory(), process, SpaceRole.Role.MEMBER)
    assert not board_member.has_perm("strategy.view_phase", phase)
    outsider = UserFactory()
    add_board = SpaceRole.objects.create(user=outsider, space=board, role="board_member")
    assert add_board and outsider.has_perm("strategy.view_phase", phase)


def test_moderators_add_and_remove_roles():
    process = running_process(open_to_join=False)
    moderator = UserFactory()
    SpaceRole.objects.create(user=moderator, space=process.space, role="moderator")
    person = UserFactory(email="k.seifert@seifert.example")
    role = services.do_add_role(process, moderator, " K.Seifert@seifert.example ", "member")
    assert role.user == person
    assert person.has_perm("strategy.view_process", process)
    for email, kind in (
        ("niemand@example.org", "member"),
        (person.email, "member"),
        (person.email, "king"),
    ):
        with pytest.raises(ValidationError):
            services.do_add_role(process, moderator, email, kind)
    assert SpaceRole.objects.filter(space=process.space).count() == 2
    only = SpaceRole.objects.get(space=process.space, role="moderator")
    with pytest.raises(ValidationError):
        services.do_remove_role(process, moderator, only)
    services.do_remove_role(process, moderator, role)
    assert not SpaceRole.objects.filter(user=person).exists()
    assert ModerationAction.objects.filter(process=process, kind="change_process").count() == 2
