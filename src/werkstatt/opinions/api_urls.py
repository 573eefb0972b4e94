"""/api/v1/: the opinion maps endpoints."""

from django.urls import path  # noqa: F401

app_name = "opinions_api"
urlpatterns: list = []
