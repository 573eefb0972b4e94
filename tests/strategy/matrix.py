"""The strategy workshop's URLs in the permission matrix (see tests/matrix.py).

In this world: "member" is a member of the process {st_process} and of the non-public {st_private};
"admin" is a member of {st_process} and the author of {st_rec} and of {st_pending} (awaiting
pre-moderation); "other_admin" is a board member of the process's advisory board and so sees
{st_board_rec}, proposed in a phase visible to the board only; "moderator" moderates {st_process}
and {st_draft}; "user" has no role anywhere.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from tests.factories import SpaceFactory, SpaceRoleFactory
from tests.matrix import ALL_200, LOGIN_THEN_200, POST_ONLY, Row
from tests.strategy.factories import (
    ActionFieldFactory,
    CommentFactory,
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    today,
)
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.strategy.models import (
    Attachment,
    ModerationAction,
    Phase,
    Process,
    Recommendation,
    RecommendationEdit,
    Report,
)

P = {"slug": "{st_process}"}
REC = {"slug": "{st_process}", "pk": "{st_rec}"}
COMMENT = {"slug": "{st_process}", "pk": "{st_comment}"}
MODERATORS = "login 403 403 403 403 200 200"
MODERATORS_POST = "login 403 403 403 403 302 302"
PARTICIPANTS = "login 403 200 200 200 200 200"
PARTICIPANTS_POST = "login 403 302 302 302 302 302"
PRIVATE = "404 404 200 404 404 404 200"

ROWS = [
    Row("strategy:index", {}, "GET", ALL_200),
    Row("strategy:process_create", {}, "GET", MODERATORS),
    Row("strategy:process", P, "GET", ALL_200),
    Row("strategy:process", {"slug": "{st_private}"}, "GET", PRIVATE, note="non-public"),
    Row(
        "strategy:process",
        {"slug": "{st_draft}"},
        "GET",
        "404 404 404 404 404 200 200",
        note="draft",
    ),
    Row("strategy:process_edit", P, "GET", MODERATORS),
    Row("strategy:join", P, "GET", POST_ONLY),
    Row("strategy:join", P, "POST", "login 302 403 403 403 403 302"),  # superusers pass rules
    Row("strategy:leave", P, "GET", POST_ONLY),
    Row("strategy:leave", P, "POST", "login 302 302 302 302 302 302"),
    Row("strategy:members", P, "GET", MODERATORS),
    Row(
        "strategy:members",
        P,
        "POST",
        "login 403 403 403 403 302 302",
        {"email": "user@example.org", "role": "member"},
    ),
    Row("strategy:member_remove", {"slug": "{st_process}", "pk": "{st_role}"}, "GET", POST_ONLY),
    Row(
        "strategy:member_remove",
        {"slug": "{st_process}", "pk": "{st_role}"},
        "POST",
        MODERATORS_POST,
    ),
    Row("strategy:phase_create", P, "GET", MODERATORS),
    Row("strategy:phase_edit", {"slug": "{st_process}", "pk": "{st_phase}"}, "GET", MODERATORS),
    Row("strategy:phase_delete", {"slug": "{st_process}", "pk": "{st_phase}"}, "GET", MODERATORS),
    Row(
        "strategy:phase_delete",
        {"slug": "{st_process}", "pk": "{st_phase}"},
        "POST",
        MODERATORS,
        note="holds contributions: refused without a phase to move them to",
    ),
    Row(
        "strategy:phase_delete",
        {"slug": "{st_process}", "pk": "{st_empty_phase}"},
        "POST",
        MODERATORS_POST,
        note="empty",
    ),
    Row("strategy:action_field_create", P, "GET", MODERATORS),
    Row(
        "strategy:action_field_edit",
        {"slug": "{st_process}", "pk": "{st_field}"},
        "GET",
        MODERATORS,
    ),
    Row("strategy:recommendations", P, "GET", ALL_200),
    Row("strategy:recommendations", {"slug": "{st_private}"}, "GET", PRIVATE, note="non-public"),
    Row("strategy:recommendation_create", P, "GET", PARTICIPANTS),
    Row("strategy:recommendation", REC, "GET", ALL_200),
    Row(
        "strategy:recommendation",
        {"slug": "{st_process}", "pk": "{st_pending}"},
        "GET",
        "404 404 404 200 404 200 200",
        note="awaiting moderation",
    ),
    Row(
        "strategy:recommendation",
        {"slug": "{st_process}", "pk": "{st_board_rec}"},
        "GET",
        "404 404 404 404 200 200 200",
        note="board-only phase",
    ),
    Row("strategy:recommendation_edit", REC, "GET", "login 403 403 200 403 200 200"),
    Row("strategy:recommendation_versions", REC, "GET", ALL_200),
    Row("strategy:comment_create", REC, "GET", POST_ONLY),
    Row("strategy:comment_create", REC, "POST", PARTICIPANTS_POST, {"text": "Guter Punkt."}),
    Row("strategy:recommendation_answer", REC, "GET", POST_ONLY),
    Row(
        "strategy:recommendation_answer",
        REC,
        "POST",
        MODERATORS_POST,
        {"answer": "Wir greifen das auf.", "status": "accepted"},
    ),
    Row("strategy:recommendation_moderate", REC, "GET", POST_ONLY),
    Row(
        "strategy:recommendation_moderate",
        {"slug": "{st_process}", "pk": "{st_pending}"},
        "POST",
        MODERATORS_POST,
        {"decision": "approve"},
    ),
    Row("strategy:attachment", {"slug": "{st_process}", "pk": "{st_attachment}"}, "GET", ALL_200),
    Row("strategy:comment_reply", COMMENT, "GET", PARTICIPANTS),
    Row("strategy:comment_react", COMMENT, "GET", POST_ONLY),
    Row("strategy:comment_react", COMMENT, "POST", PARTICIPANTS_POST, {"kind": "agree"}),
    Row("strategy:comment_hide", COMMENT, "GET", MODERATORS),
    Row("strategy:comment_show", COMMENT, "GET", POST_ONLY),
    Row(
        "strategy:comment_show",
        {"slug": "{st_process}", "pk": "{st_hidden_comment}"},
        "POST",
        MODERATORS_POST,
    ),
    Row(
        "strategy:report",
        {"slug": "{st_process}", "kind": "kommentar", "pk": "{st_comment}"},
        "GET",
        LOGIN_THEN_200,
    ),
    Row(
        "strategy:report",
        {"slug": "{st_process}", "kind": "empfehlung", "pk": "{st_rec}"},
        "POST",
        "login 302 302 302 302 302 302",
        {"reason": "spam"},
    ),
    Row("strategy:moderation", P, "GET", MODERATORS),
    Row("strategy:audit_log", P, "GET", MODERATORS),
    Row("strategy:edit_moderate", {"slug": "{st_process}", "pk": "{st_edit}"}, "GET", POST_ONLY),
    Row(
        "strategy:edit_moderate",
        {"slug": "{st_process}", "pk": "{st_edit}"},
        "POST",
        MODERATORS_POST,
        {"decision": "approve"},
    ),
    Row("strategy:report_handle", {"slug": "{st_process}", "pk": "{st_report}"}, "GET", POST_ONLY),
    Row(
        "strategy:report_handle",
        {"slug": "{st_process}", "pk": "{st_report}"},
        "POST",
        MODERATORS_POST,
        {"decision": "dismiss"},
    ),
    # --- API ---------------------------------------------------------------------------------
    Row("strategy_api:process-list", {}, "GET", ALL_200),
    Row("strategy_api:process-detail", P, "GET", ALL_200),
    Row("strategy_api:process-detail", {"slug": "{st_private}"}, "GET", PRIVATE, note="non-public"),
    Row("strategy_api:phase-list", {"process_slug": "{st_process}"}, "GET", ALL_200),
    Row("strategy_api:recommendation-list", {"process_slug": "{st_process}"}, "GET", ALL_200),
    Row(
        "strategy_api:recommendation-list",
        {"process_slug": "{st_process}"},
        "POST",
        "401 403 201 201 201 201 201",
        {
            "title": "Breitband in jedes Gewerbegebiet",
            "text": "Ohne Glasfaser keine Industrie 4.0.",
        },
    ),
    Row(
        "strategy_api:recommendation-detail",
        {"process_slug": "{st_process}", "pk": "{st_rec}"},
        "GET",
        ALL_200,
    ),
    Row(
        "strategy_api:recommendation-detail",
        {"process_slug": "{st_process}", "pk": "{st_pending}"},
        "GET",
        "404 404 404 200 404 200 200",
        note="awaiting moderation",
    ),
    Row(
        "strategy_api:comment-list",
        {"process_slug": "{st_process}", "recommendation_pk": "{st_rec}"},
        "GET",
        ALL_200,
    ),
    Row(
        "strategy_api:comment-list",
        {"process_slug": "{st_process}", "recommendation_pk": "{st_rec}"},
        "POST",
        "401 403 201 201 201 201 201",
        {"text": "Dem stimmen wir zu."},
    ),
]


def world(users: dict, values: dict) -> None:
    start = today() - datetime.timedelta(days=400)
    board = SpaceFactory(kind=Space.Kind.BOARD, slug="matrix-gremium", name="Gremium")
    process = ProcessFactory(
        slug="matrix-prozess", start_date=start, board_space=board, open_to_join=True
    )
    private = ProcessFactory(slug="matrix-intern", is_public=False)
    draft = ProcessFactory(slug="matrix-entwurf", status=Process.Status.DRAFT)
    phase = PhaseFactory(process=process)
    board_phase = PhaseFactory(
        process=process,
        start_date=start,
        end_date=start + datetime.timedelta(days=100),
        visibility=Phase.Visibility.BOARD,
    )
    empty_phase = PhaseFactory(
        process=process,
        start_date=start + datetime.timedelta(days=110),
        end_date=start + datetime.timedelta(days=150),
    )
    field = ActionFieldFactory(process=process, name="Digitalisierung")
    for space, user, role in (
        (process.space, "member", SpaceRole.Role.MEMBER),
        (private.space, "member", SpaceRole.Role.MEMBER),
        (process.space, "admin", SpaceRole.Role.MEMBER),
        (board, "other_admin", SpaceRole.Role.BOARD_MEMBER),
        (process.space, "moderator", SpaceRole.Role.MODERATOR),
        (draft.space, "moderator", SpaceRole.Role.MODERATOR),
    ):
        SpaceRoleFactory(user=users[user], space=space, role=role)
    rec = RecommendationFactory(process=process, phase=phase, author=users["admin"])
    rec.action_fields.add(field)
    pending = RecommendationFactory(
        process=process,
        phase=phase,
        author=users["admin"],
        moderation_state=Recommendation.ModerationState.PENDING,
    )
    board_rec = RecommendationFactory(process=process, phase=board_phase, author=users["moderator"])
    comment = CommentFactory(recommendation=rec, author=users["member"])
    hidden = CommentFactory(
        recommendation=rec, author=users["member"], is_hidden=True, hidden_reason="Beleidigend"
    )
    attachment = Attachment(
        recommendation=rec, name="skizze.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("skizze.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    edit = RecommendationEdit.objects.create(
        recommendation=rec,
        author=users["admin"],
        kind=rec.kind,
        title=rec.title,
        text=rec.text + " Geändert.",
        tags={"action_fields": [field.pk]},
    )
    report = Report.objects.create(
        process=process, recommendation=rec, comment=comment, reporter=users["user"], reason="spam"
    )
    ModerationAction.objects.create(
        process=process, actor=users["moderator"], kind="hide_comment", comment=hidden
    )
    values.update(
        st_process=process.slug,
        st_private=private.slug,
        st_draft=draft.slug,
        st_phase=phase.pk,
        st_empty_phase=empty_phase.pk,
        st_field=field.pk,
        st_rec=rec.pk,
        st_pending=pending.pk,
        st_board_rec=board_rec.pk,
        st_comment=comment.pk,
        st_hidden_comment=hidden.pk,
        st_attachment=attachment.pk,
        st_report=report.pk,
        st_edit=edit.pk,
        st_role=SpaceRole.objects.get(
            user=users["member"], space=process.space, role=SpaceRole.Role.MEMBER
        ).pk,
        # Unprefixed, for the apps that build on these objects (monitoring's world).
        process=process.slug,
        rec=rec.pk,
        board_rec=board_rec.pk,
    )
