"""/benachrichtigungen/: one's notifications and their e-mail settings."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("gelesen/", views.mark_read, name="mark_read"),
    path("einstellungen/", views.settings_view, name="settings"),
]
