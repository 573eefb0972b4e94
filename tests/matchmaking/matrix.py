"""The B2B matchmaking's URLs in the permission matrix (see tests/matrix.py).

{b2b}: an event with matchmaking. "member" and "admin" take part (confirmed registrations with
profiles); "member" sent {b2b_request} to "admin"; {b2b_meeting} is an accepted meeting between
"admin" and a third participant; "moderator" organises the event; "user" and "other_admin" are
not registered.
"""

from __future__ import annotations

from tests.matrix import ALL_200, POST_ONLY, Row

E = {"slug": "{b2b}"}
PARTICIPANTS = "login 403 200 200 403 403 200"
ORGANISERS = "login 403 403 403 403 200 200"
ORGANISERS_POST = "login 403 403 403 403 302 302"

ROWS = [
    Row("matchmaking:index", {}, "GET", ALL_200),
    Row(
        "matchmaking:event",
        E,
        "GET",
        "login 403 200 200 403 302 200",
        note="organisers without a seat go to the table plan; superusers are registered",
    ),
    Row("matchmaking:profile", E, "GET", PARTICIPANTS),
    Row("matchmaking:participants", E, "GET", PARTICIPANTS),
    Row("matchmaking:schedule_ical", E, "GET", PARTICIPANTS),
    Row("matchmaking:schedule_pdf", E, "GET", PARTICIPANTS),
    Row("matchmaking:request_create", {"slug": "{b2b}", "pk": "{b2b_third}"}, "GET", POST_ONLY),
    Row(
        "matchmaking:request_create",
        {"slug": "{b2b}", "pk": "{b2b_third}"},
        "POST",
        "login 403 302 302 403 403 302",
        {"message": "Reden wir über Laserschneiden?"},
    ),
    Row("matchmaking:request_answer", {"pk": "{b2b_request}"}, "GET", POST_ONLY),
    Row(
        "matchmaking:request_answer",
        {"pk": "{b2b_request}"},
        "POST",
        "login 404 403 302 404 403 302",
        {"decision": "accept"},
        note="only the recipient answers (and superusers, who pass every rule)",
    ),
    Row("matchmaking:request_withdraw", {"pk": "{b2b_request}"}, "GET", POST_ONLY),
    Row(
        "matchmaking:request_withdraw",
        {"pk": "{b2b_request}"},
        "POST",
        "login 404 302 403 404 403 302",
    ),
    Row("matchmaking:setup", E, "GET", ORGANISERS),
    Row("matchmaking:plan", E, "GET", ORGANISERS),
    Row("matchmaking:plan", E, "POST", ORGANISERS_POST, note="schedules in a job"),
    Row("matchmaking:plan_xlsx", E, "GET", ORGANISERS),
    Row("matchmaking:meeting_lock", {"pk": "{b2b_meeting}"}, "GET", POST_ONLY),
    Row(
        "matchmaking:meeting_lock",
        {"pk": "{b2b_meeting}"},
        "POST",
        ORGANISERS_POST,
        {"locked": "0"},
    ),
]


# The API: 401 for anonymous callers instead of the login page; otherwise the pages' rules.
A = {"event_slug": "{b2b}"}
API_PARTICIPANTS = "401 403 200 200 403 403 200"
API_ORGANISERS = "401 403 403 403 403 200 200"
REQ = {"pk": "{b2b_request}"}

ROWS += [
    Row("matchmaking_api:profile", A, "GET", API_PARTICIPANTS),
    Row("matchmaking_api:profile", A, "PATCH", API_PARTICIPANTS, {"offer": "Laserschneiden"}),
    Row("matchmaking_api:suggestions", A, "GET", API_PARTICIPANTS),
    Row("matchmaking_api:schedule", A, "GET", API_PARTICIPANTS),
    Row("matchmaking_api:schedule-ical", A, "GET", API_PARTICIPANTS),
    Row("matchmaking_api:schedule-pdf", A, "GET", API_PARTICIPANTS),
    Row("matchmaking_api:unavailable", A, "GET", API_PARTICIPANTS),
    Row("matchmaking_api:unavailable", A, "PUT", API_PARTICIPANTS, {"slots": []}),
    Row("matchmaking_api:request-list", {}, "GET", "401 200 200 200 200 200 200"),
    Row(
        "matchmaking_api:request-list",
        {},
        "POST",
        "401 403 400 400 403 403 400",
        {"event": "impro-b2b", "message": "Reden wir?"},
        note="participants only; without a recipient 400 after the rules",
    ),
    Row("matchmaking_api:request-detail", REQ, "GET", "401 404 200 200 404 200 200"),
    Row(
        "matchmaking_api:request-accept",
        REQ,
        "POST",
        "401 404 403 200 404 403 200",
        note="only the recipient (and superusers, who pass every rule)",
    ),
    Row("matchmaking_api:request-decline", REQ, "POST", "401 404 403 200 404 403 200"),
    Row("matchmaking_api:request-withdraw", REQ, "POST", "401 404 200 403 404 403 200"),
    Row("matchmaking_api:slots", A, "GET", "401 403 200 200 403 200 200"),
    Row(
        "matchmaking_api:slots",
        A,
        "POST",
        "401 403 403 403 403 400 400",
        {},
        note="organisers; an empty body is 400 after the rules",
    ),
    Row("matchmaking_api:setup", A, "GET", API_ORGANISERS),
    Row("matchmaking_api:setup", A, "PATCH", API_ORGANISERS, {"requests_open": False}),
    Row("matchmaking_api:plan", A, "GET", API_ORGANISERS),
    Row("matchmaking_api:scheduling", A, "POST", "401 403 403 403 403 202 202"),
    Row(
        "matchmaking_api:scheduling-status",
        {"event_slug": "{b2b}", "job": "{b2b_job}"},
        "GET",
        API_ORGANISERS,
    ),
    Row(
        "matchmaking_api:meeting-lock",
        {"pk": "{b2b_meeting}"},
        "POST",
        "401 403 403 403 403 400 400",
        note="the meeting is not placed: 400 after the rules",
    ),
    Row("matchmaking_api:meeting-unlock", {"pk": "{b2b_meeting}"}, "POST", API_ORGANISERS),
]


def world(users: dict, values: dict) -> None:
    from tests.events.factories import make_organiser
    from tests.matchmaking.factories import b2b_event, meeting, participant
    from werkstatt.matchmaking.models import MeetingRequest

    event = b2b_event(slug="impro-b2b", title="IMPRO Zulieferkonferenz")
    make_organiser(event, users["moderator"])
    member = participant(event, user=users["member"], organisation_name="Acme")
    admin = participant(event, user=users["admin"], organisation_name="Acme")
    participant(event, user=users["superuser"])
    third = participant(event, organisation_name="Dritte GmbH")
    request = MeetingRequest.objects.create(
        event=event, sender=member, recipient=admin, message="Treffen?"
    )
    placed = meeting(admin, third)
    from werkstatt.jobs.models import Job

    job = Job.objects.create(
        kind="matchmaking.schedule", payload={"event": event.pk}, created_by=users["moderator"]
    )
    values.update(
        b2b_job=job.pk,
        b2b=event.slug,
        b2b_request=request.pk,
        b2b_meeting=placed.pk,
        b2b_third=third.pk,
    )
