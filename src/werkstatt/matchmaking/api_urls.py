"""/api/v1/b2b/: the b2b matchmaking endpoints."""

from django.urls import path  # noqa: F401

app_name = "matchmaking_api"
urlpatterns: list = []
