"""/bewertung/: fit assessment and prioritisation of a process's recommendations."""

from django.urls import path

from . import views

app_name = "assessment"

P = "<slug:slug>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(P, views.process_overview, name="process"),
    path(P + "empfehlungen/<int:pk>/", views.recommendation_results, name="recommendation"),
    path(P + "empfehlungen/<int:pk>/bewerten/", views.rate, name="rate"),
    path(P + "vergleichen/", views.compare, name="compare"),
    path(P + "rangliste/", views.ranking, name="ranking"),
    path(P + "gruppen/", views.groups, name="groups"),
    path(P + "regionen/", views.districts, name="districts"),
    path(P + "kriterien/", views.criteria, name="criteria"),
    path(P + "kriterien/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path(P + "kriterien/<int:pk>/verschieben/", views.criterion_move, name="criterion_move"),
    path(P + "kriterien/<int:pk>/abfragen/", views.criterion_active, name="criterion_active"),
    path(P + "kriterien/<int:pk>/loeschen/", views.criterion_delete, name="criterion_delete"),
]
