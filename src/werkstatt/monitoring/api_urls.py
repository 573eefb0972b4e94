"""/api/v1/umsetzung/: the implementation monitoring."""

from django.urls import path

from . import api

app_name = "monitoring_api"
urlpatterns = [
    path("prozesse/<slug:slug>/", api.ProcessMonitoringView.as_view(), name="process"),
    path("konzepte/<int:pk>/", api.ConceptView.as_view(), name="concept"),
]
