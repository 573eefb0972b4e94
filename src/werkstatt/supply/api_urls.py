"""/api/v1/: the supply network endpoints."""

from django.urls import path  # noqa: F401

app_name = "supply_api"
urlpatterns: list = []
