"""/strategie/: processes, phases, recommendations, comments, moderation."""

from django.urls import path

from .views import moderation, processes, recommendations

app_name = "strategy"

P = "<slug:slug>/"
R = P + "empfehlungen/<int:pk>/"
urlpatterns = [
    path("", processes.index, name="index"),
    path("neu/", processes.process_create, name="process_create"),
    path(P, processes.process_detail, name="process"),
    path(P + "bearbeiten/", processes.process_edit, name="process_edit"),
    path(P + "mitmachen/", processes.join, name="join"),
    path(P + "austreten/", processes.leave, name="leave"),
    path(P + "mitglieder/", processes.members, name="members"),
    path(P + "mitglieder/<int:pk>/entfernen/", processes.member_remove, name="member_remove"),
    path(P + "phasen/neu/", processes.phase_form, name="phase_create"),
    path(P + "phasen/<int:pk>/", processes.phase_form, name="phase_edit"),
    path(P + "phasen/<int:pk>/loeschen/", processes.phase_delete, name="phase_delete"),
    path(P + "handlungsfelder/neu/", processes.action_field_form, name="action_field_create"),
    path(P + "handlungsfelder/<int:pk>/", processes.action_field_form, name="action_field_edit"),
    path(P + "empfehlungen/", recommendations.recommendation_list, name="recommendations"),
    path(
        P + "empfehlungen/neu/",
        recommendations.recommendation_create,
        name="recommendation_create",
    ),
    path(R, recommendations.recommendation_detail, name="recommendation"),
    path(R + "bearbeiten/", recommendations.recommendation_edit, name="recommendation_edit"),
    path(
        R + "versionen/",
        recommendations.recommendation_versions_view,
        name="recommendation_versions",
    ),
    path(R + "kommentieren/", recommendations.comment_create, name="comment_create"),
    path(R + "antwort/", recommendations.recommendation_answer, name="recommendation_answer"),
    path(
        R + "moderieren/", recommendations.recommendation_moderate, name="recommendation_moderate"
    ),
    path(P + "anhaenge/<int:pk>/", recommendations.attachment_download, name="attachment"),
    path(P + "kommentare/<int:pk>/antworten/", recommendations.comment_reply, name="comment_reply"),
    path(P + "kommentare/<int:pk>/reaktion/", recommendations.comment_react, name="comment_react"),
    path(P + "kommentare/<int:pk>/ausblenden/", moderation.comment_hide, name="comment_hide"),
    path(P + "kommentare/<int:pk>/einblenden/", moderation.comment_show, name="comment_show"),
    path(
        P + "<str:kind>/<int:pk>/melden/",
        recommendations.report,
        name="report",
    ),
    path(P + "moderation/", moderation.queue, name="moderation"),
    path(P + "moderation/protokoll/", moderation.audit_log, name="audit_log"),
    path(P + "meldungen/<int:pk>/", moderation.report_handle, name="report_handle"),
    path(
        P + "aenderungen/<int:pk>/moderieren/",
        recommendations.edit_moderate,
        name="edit_moderate",
    ),
]
