"""/api/v1/: the events endpoints."""

from django.urls import path  # noqa: F401

app_name = "events_api"
urlpatterns: list = []
