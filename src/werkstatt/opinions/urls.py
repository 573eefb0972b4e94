"""/meinungsbild/: opinion conversations, voting, results, moderation, Polis import/export."""

from django.urls import path

from .views import conversations, manage

app_name = "opinions"

C = "<slug:slug>/"
urlpatterns = [
    path("", conversations.index, name="index"),
    path("neu/<int:phase>/", manage.conversation_create, name="conversation_create"),
    path(C, conversations.conversation_detail, name="conversation"),
    path(C + "abstimmen/", conversations.vote, name="vote"),
    path(C + "aussage/", conversations.statement_add, name="statement_add"),
    path(C + "ergebnisse/", conversations.results_view, name="results"),
    path(C + "bearbeiten/", manage.conversation_edit, name="conversation_edit"),
    path(C + "moderation/", manage.moderation, name="moderation"),
    path(C + "aussagen/<int:pk>/moderieren/", manage.statement_moderate, name="statement_moderate"),
    path(C + "import/", manage.polis_import, name="import"),
    path(C + "export/", manage.polis_export, name="export"),
    path(C + "analysieren/", manage.analyse_now, name="analyse"),
]
