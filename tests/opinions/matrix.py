"""The opinion maps' rows of the permission matrix (see tests/matrix.py).

World: an active public process; "member" takes part in it (a member of its space), "moderator"
moderates it. {conv} is in a public phase, {conv_members} in a phase visible to members only.
Statement 0 of {conv} is accepted, statement 1 awaits moderation ({pending}).
"""

from __future__ import annotations

from tests.matrix import ALL_200, POST_ONLY, Row

C = {"slug": "{conv}"}
M = {"slug": "{conv_members}"}
MEMBERS_ONLY = "404 404 200 404 404 200 200"
MODERATORS = "login 403 403 403 403 200 200"
MODERATORS_POST = "login 403 403 403 403 302 302"
PARTICIPANTS_POST = "login 403 302 403 403 302 302"
API_MODERATORS_ONLY = "401 403 403 403 403 200 200"

ROWS = [
    Row("opinions:index", {}, "GET", ALL_200),
    Row("opinions:conversation_create", {"phase": "{phase}"}, "GET", MODERATORS),
    Row(
        "opinions:conversation_create",
        {"phase": "{phase}"},
        "POST",
        MODERATORS_POST,
        {"title": "Neue Thesen", "is_open": "on", "allow_statements": "on"},
    ),
    Row("opinions:conversation", C, "GET", ALL_200),
    Row("opinions:conversation", M, "GET", MEMBERS_ONLY, note="members-only phase"),
    Row("opinions:vote", C, "GET", POST_ONLY),
    Row("opinions:vote", C, "POST", PARTICIPANTS_POST, {"statement": 0, "value": 1}),
    Row(
        "opinions:vote",
        M,
        "POST",
        "login 404 302 404 404 302 302",
        {"statement": 0, "value": -1},
        note="members-only phase",
    ),
    Row("opinions:statement_add", C, "GET", "login 403 200 403 403 200 200"),
    Row("opinions:statement_add", C, "POST", PARTICIPANTS_POST, {"text": "Eine neue These."}),
    Row("opinions:results", C, "GET", ALL_200),
    Row("opinions:results", M, "GET", MEMBERS_ONLY, note="members-only phase"),
    Row("opinions:conversation_edit", C, "GET", MODERATORS),
    Row(
        "opinions:conversation_edit",
        C,
        "POST",
        MODERATORS_POST,
        {"title": "Umbenannt", "is_open": "on"},
    ),
    Row("opinions:moderation", C, "GET", MODERATORS),
    Row("opinions:moderation", M, "GET", "login 404 403 404 404 200 200", note="members-only"),
    Row("opinions:moderation", C, "POST", MODERATORS_POST, {"text": "Eine Saat-These."}),
    Row("opinions:statement_moderate", {"slug": "{conv}", "pk": "{pending}"}, "GET", POST_ONLY),
    Row(
        "opinions:statement_moderate",
        {"slug": "{conv}", "pk": "{pending}"},
        "POST",
        MODERATORS_POST,
        {"status": "accepted"},
    ),
    Row("opinions:import", C, "GET", MODERATORS),
    Row("opinions:export", C, "GET", MODERATORS),
    Row("opinions:analyse", C, "GET", POST_ONLY),
    Row("opinions:analyse", C, "POST", MODERATORS_POST),
    # --- API ------------------------------------------------------------------------------------
    Row("opinions_api:conversation-list", {}, "GET", ALL_200),
    Row("opinions_api:conversation-detail", C, "GET", ALL_200),
    Row("opinions_api:conversation-detail", M, "GET", MEMBERS_ONLY, note="members-only phase"),
    Row("opinions_api:statement-list", C, "GET", ALL_200),
    Row("opinions_api:statement-list", M, "GET", MEMBERS_ONLY, note="members-only phase"),
    Row(
        "opinions_api:statement-list",
        C,
        "POST",
        "401 403 201 403 403 201 201",
        {"text": "Per API eingereicht."},
    ),
    Row("opinions_api:vote-list", C, "GET", "401 200 200 200 200 200 200"),
    Row("opinions_api:vote-list", M, "GET", "401 404 200 404 404 200 200", note="members-only"),
    Row(
        "opinions_api:vote-list",
        C,
        "POST",
        "401 403 200 403 403 200 200",
        {"statement": 0, "value": 1},
    ),
    Row("opinions_api:results", C, "GET", ALL_200),
    Row("opinions_api:results", M, "GET", MEMBERS_ONLY, note="members-only phase"),
]


def world(users: dict, values: dict) -> None:
    from tests.opinions.factories import (
        ConversationFactory,
        PhaseFactory,
        ProcessFactory,
        StatementFactory,
        member_of,
        moderator_of,
    )
    from werkstatt.opinions.models import Participant, Statement, Vote
    from werkstatt.opinions.services import analysis
    from werkstatt.strategy.models import Phase

    process = ProcessFactory(slug="opinions-matrix")
    member_of(process, users["member"])
    moderator_of(process, users["moderator"])
    public = PhaseFactory(process=process, visibility=Phase.Visibility.PUBLIC)
    members = PhaseFactory(process=process, visibility=Phase.Visibility.MEMBERS)
    conv = ConversationFactory(phase=public, slug="matrix-thesen")
    conv_members = ConversationFactory(phase=members, slug="matrix-intern")
    accepted = StatementFactory(conversation=conv, number=0)
    pending = StatementFactory(conversation=conv, number=1, status=Statement.Status.PENDING)
    StatementFactory(conversation=conv_members, number=0)
    voter = Participant.objects.create(conversation=conv, external_id="7")
    Vote.objects.create(participant=voter, statement=accepted, value=1)
    analysis.run_analysis(conv)  # an AnalysisResult for the admin pages and the results page
    values.update(
        {
            "phase": public.pk,
            "conv": conv.slug,
            "conv_members": conv_members.slug,
            "pending": pending.pk,
        }
    )
