"""/api/v1/b2b/: profile, suggestions, requests, schedule, unavailable slots; organisers' slots,
tables, table plan, scheduling job and locks."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "matchmaking_api"

router = SimpleRouter()
router.register("requests", api.RequestViewSet, basename="request")

E = "events/<slug:event_slug>/"

urlpatterns = [
    path("", include(router.urls)),
    path(E + "profile/", api.ProfileView.as_view(), name="profile"),
    path(E + "suggestions/", api.SuggestionsView.as_view(), name="suggestions"),
    path(E + "schedule/", api.ScheduleView.as_view(), name="schedule"),
    path(E + "schedule.ics", api.ScheduleIcalView.as_view(), name="schedule-ical"),
    path(E + "schedule.pdf", api.SchedulePdfView.as_view(), name="schedule-pdf"),
    path(E + "unavailable/", api.UnavailableView.as_view(), name="unavailable"),
    path(E + "slots/", api.SlotsView.as_view(), name="slots"),
    path(E + "setup/", api.SetupView.as_view(), name="setup"),
    path(E + "plan/", api.PlanView.as_view(), name="plan"),
    path(E + "scheduling/", api.SchedulingView.as_view(), name="scheduling"),
    path(E + "scheduling/<int:job>/", api.SchedulingStatusView.as_view(), name="scheduling-status"),
    path("meetings/<int:pk>/lock/", api.LockView.as_view(), name="meeting-lock"),
    path("meetings/<int:pk>/unlock/", api.UnlockView.as_view(), name="meeting-unlock"),
]
