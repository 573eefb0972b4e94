"""/api/v1/bewertung/: the fit assessment and prioritisation endpoints."""

from django.urls import path  # noqa: F401

app_name = "assessment_api"
urlpatterns: list = []
