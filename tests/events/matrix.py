"""The events app's rows of the permission matrix (tests/test_permission_matrix.py).

World: {ev} is public, {ev_members} for members of the network, {ev_invite} by invitation
(other_admin is invited). The role "moderator" organises all three. "member" holds the
registration {reg} for {ev}.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.matrix import ALL_200, LOGIN_THEN_200, POST_ONLY, Row
from werkstatt.accounts.models import SpaceRole

E = {"slug": "{ev}"}
ORGANISERS = "login 403 403 403 403 200 200"
ORGANISERS_POST = "login 403 403 403 403 302 302"
INVITED = "404 404 404 404 200 200 200"
REG = {"pk": "{reg}"}
OWNER_OR_ORGANISER = "login 404 200 404 404 200 200"


def _items() -> list[Row]:
    rows = []
    for kind, placeholder in (
        ("raum", "{room}"),
        ("person", "{speaker}"),
        ("programmpunkt", "{session}"),
        ("frage", "{question}"),
    ):
        kwargs = {"slug": "{ev}", "kind": kind, "pk": placeholder}
        rows += [
            Row("events:item_edit", kwargs, "GET", ORGANISERS, note=kind),
            Row("events:item_delete", kwargs, "GET", ORGANISERS, note=kind),
        ]
    rows.append(
        Row(
            "events:item_delete",
            {"slug": "{ev}", "kind": "raum", "pk": "{room}"},
            "POST",
            ORGANISERS_POST,
            note="raum",
        )
    )
    return rows


ROWS = [
    # participants
    Row("events:index", {}, "GET", ALL_200),
    Row("events:my_registrations", {}, "GET", LOGIN_THEN_200),
    Row("events:event", E, "GET", ALL_200),
    Row(
        "events:event",
        {"slug": "{ev_members}"},
        "GET",
        "404 404 200 200 200 200 200",
        note="members",
    ),
    Row("events:event", {"slug": "{ev_invite}"}, "GET", INVITED, note="invitation"),
    Row("events:event_ical", E, "GET", ALL_200),
    Row("events:event_ical", {"slug": "{ev_invite}"}, "GET", INVITED, note="invitation"),
    Row("events:session_ical", {"slug": "{ev}", "pk": "{session}"}, "GET", ALL_200),
    Row("events:register", E, "GET", "login 200 302 200 200 200 200", note="member registered"),
    Row(
        "events:register",
        E,
        "POST",
        "login 302 302 302 302 302 302",
        {"name": "Katrin Seifert"},
    ),
    Row(
        "events:register",
        {"slug": "{ev_invite}"},
        "GET",
        "login 404 404 404 200 200 200",
        note="invitation",
    ),
    Row("events:feedback", E, "GET", "login 403 200 403 403 403 200", note="participants"),
    Row("events:registration", REG, "GET", OWNER_OR_ORGANISER),
    Row("events:registration_cancel", REG, "GET", POST_ONLY),
    Row("events:registration_cancel", REG, "POST", "login 404 302 404 404 302 302"),
    Row("events:ticket_pdf", REG, "GET", OWNER_OR_ORGANISER),
    # organisers
    Row("events:event_create", {}, "GET", "login 403 403 200 200 200 200"),
    Row("events:manage", E, "GET", ORGANISERS),
    Row(
        "events:manage",
        {"slug": "{ev_invite}"},
        "GET",
        "login 404 404 404 403 200 200",
        note="invitation",
    ),
    Row("events:event_edit", E, "GET", ORGANISERS),
    Row("events:agenda", E, "GET", ORGANISERS),
    Row("events:questions", E, "GET", ORGANISERS),
    Row("events:invitations", E, "GET", ORGANISERS),
    Row(
        "events:invitations",
        E,
        "POST",
        ORGANISERS_POST,
        {"emails": "user@example.org"},
    ),
    Row("events:registrations", E, "GET", ORGANISERS),
    Row("events:checkin", E, "GET", ORGANISERS),
    Row("events:checkin", E, "POST", ORGANISERS, {"code": "ABCD-EFGH-JKMN"}),
    Row("events:export_xlsx", E, "GET", ORGANISERS),
    Row("events:badges_pdf", E, "GET", ORGANISERS),
    Row("events:badges_pdf", E, "POST", ORGANISERS_POST, note="the badges in a job"),
    Row("events:badges_download", {"slug": "{ev}", "job": "{ev_badges_job}"}, "GET", ORGANISERS),
    *_items(),
    # API
    Row("events_api:event-list", {}, "GET", ALL_200),
    Row("events_api:event-detail", E, "GET", ALL_200),
    Row("events_api:event-detail", {"slug": "{ev_invite}"}, "GET", INVITED, note="invitation"),
    Row("events_api:session-list", {"event_slug": "{ev}"}, "GET", ALL_200),
    Row(
        "events_api:session-list", {"event_slug": "{ev_invite}"}, "GET", INVITED, note="invitation"
    ),
    Row("events_api:registration-list", {}, "GET", "401 200 200 200 200 200 200"),
    Row(
        "events_api:registration-list",
        {},
        "POST",
        "401 201 400 201 201 201 201",
        {"event": "zulieferkonferenz"},
    ),
    Row("events_api:registration-detail", REG, "GET", "401 404 200 404 404 200 200"),
    Row("events_api:registration-cancel", REG, "POST", "401 404 200 404 404 200 200"),
]


def world(users: dict, values: dict) -> None:
    from tests.events.factories import (
        EventFactory,
        QuestionFactory,
        RegistrationFactory,
        RoomFactory,
        SessionFactory,
        SpeakerFactory,
        make_organiser,
    )
    from tests.factories import SpaceRoleFactory
    from werkstatt.events.models import Event, Feedback

    ev = EventFactory(slug="zulieferkonferenz", title="Zulieferkonferenz", capacity=100)
    members = EventFactory(slug="nur-mitglieder", visibility=Event.Visibility.MEMBERS)
    invite = EventFactory(slug="begleitgremium", visibility=Event.Visibility.INVITATION)
    for event in (ev, members, invite):
        make_organiser(event, users["moderator"])
    SpaceRoleFactory(user=users["other_admin"], space=invite.space, role=SpaceRole.Role.MEMBER)
    room = RoomFactory(event=ev)
    speaker = SpeakerFactory(event=ev)
    session = SessionFactory(event=ev, room=room)
    session.speakers.add(speaker)
    question = QuestionFactory(event=ev, required=False)
    reg = RegistrationFactory(event=ev, user=users["member"], ticket_code="ABCDEFGHJKMN")
    past = EventFactory(
        slug="vergangen",
        starts_at=timezone.now() - timedelta(days=3),
    )
    Feedback.objects.create(event=past, user=users["member"], rating=5, comment="Gut")
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from werkstatt.events.services.documents import badges_storage_path
    from werkstatt.jobs.models import Job

    badges_job = Job.objects.create(
        kind="events.badges",
        payload={"event": ev.pk},
        status=Job.Status.SUCCEEDED,
        created_by=users["moderator"],
    )
    default_storage.save(badges_storage_path(ev, badges_job.pk), ContentFile(b"%PDF-1.4"))
    values.update(
        {
            "ev_badges_job": badges_job.pk,
            "ev": ev.slug,
            "ev_members": members.slug,
            "ev_invite": invite.slug,
            "room": room.pk,
            "speaker": speaker.pk,
            "session": session.pk,
            "question": question.pk,
            "reg": reg.pk,
        }
    )
