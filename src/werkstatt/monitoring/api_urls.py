"""/api/v1/umsetzung/: the implementation and monitoring endpoints."""

from django.urls import path  # noqa: F401

app_name = "monitoring_api"
urlpatterns: list = []
