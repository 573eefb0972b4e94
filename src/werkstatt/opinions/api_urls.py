"""/api/v1/meinungsbild/: opinion conversations, statements, one's own votes, results."""

from django.urls import path

from . import api

app_name = "opinions_api"

C = "conversations/<slug:slug>/"
urlpatterns = [
    path("conversations/", api.ConversationList.as_view(), name="conversation-list"),
    path(C, api.ConversationDetail.as_view(), name="conversation-detail"),
    path(C + "statements/", api.StatementList.as_view(), name="statement-list"),
    path(C + "votes/", api.VoteList.as_view(), name="vote-list"),
    path(C + "results/", api.ResultsView.as_view(), name="results"),
]
