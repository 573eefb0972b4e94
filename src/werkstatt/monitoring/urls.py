from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("prozess/<slug:slug>/", views.process_page, name="process"),
    path("prozess/<slug:slug>/berichte/", views.reports, name="reports"),
    path(
        "prozess/<slug:slug>/berichte/neuester/<slug:kind>/",
        views.latest_report,
        name="latest_report",
    ),
    path("bericht/<int:pk>/", views.report_download, name="report_download"),
    path("empfehlung/<int:pk>/konzept/", views.concept_edit, name="concept_edit"),
    path(
        "empfehlung/<int:pk>/konzept/organisationen/",
        views.organisation_suggestions,
        name="organisation_suggestions",
    ),
    path("konzept/<int:pk>/", views.concept_page, name="concept"),
    path("konzept/<int:pk>/ergebnisse/neu/", views.result_add, name="result_add"),
    path("ergebnis/<int:pk>/", views.result_edit, name="result_edit"),
    path("ergebnis/<int:pk>/loeschen/", views.result_delete, name="result_delete"),
    path("konzept/<int:pk>/meilensteine/neu/", views.milestone_add, name="milestone_add"),
    path("meilenstein/<int:pk>/", views.milestone_edit, name="milestone_edit"),
    path("meilenstein/<int:pk>/loeschen/", views.milestone_delete, name="milestone_delete"),
    path("konzept/<int:pk>/berichte/neu/", views.update_add, name="update_add"),
]
