"""/api/v1/veranstaltungen/: events, their agenda, registrations."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "events_api"

router = SimpleRouter()
router.register("events", api.EventViewSet, basename="event")
router.register("registrations", api.RegistrationViewSet, basename="registration")

nested = SimpleRouter()
nested.register("sessions", api.SessionViewSet, basename="session")

urlpatterns = [
    path("", include(router.urls)),
    path("events/<slug:event_slug>/", include(nested.urls)),
]
