"""/api/v1/: the strategy workshop endpoints."""

from django.urls import path  # noqa: F401

app_name = "strategy_api"
urlpatterns: list = []
