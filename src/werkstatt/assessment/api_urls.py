"""/api/v1/bewertung/: the fit assessment and prioritisation endpoints."""

from django.urls import path

from . import api

app_name = "assessment_api"
P = "<slug:process_slug>/"
urlpatterns = [
    path(P + "bewertungen/", api.RatingListView.as_view(), name="ratings"),
    path(P + "vergleiche/", api.ComparisonListView.as_view(), name="comparisons"),
    path(P + "paar/", api.NextPairView.as_view(), name="next_pair"),
    path(P + "rangliste/", api.RankingView.as_view(), name="ranking"),
    path(P + "gruppen/", api.GroupsView.as_view(), name="groups"),
    path(P + "regionen/", api.DistrictsView.as_view(), name="districts"),
]
