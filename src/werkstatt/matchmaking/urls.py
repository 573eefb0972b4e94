from django.urls import path

from . import views

app_name = "matchmaking"
urlpatterns = [
    path("", views.index, name="index"),
    path("anfrage/<int:pk>/antwort/", views.request_answer, name="request_answer"),
    path("anfrage/<int:pk>/zurueckziehen/", views.request_withdraw, name="request_withdraw"),
    path("termin/<int:pk>/sperren/", views.meeting_lock, name="meeting_lock"),
    path("<slug:slug>/", views.event_page, name="event"),
    path("<slug:slug>/profil/", views.profile_edit, name="profile"),
    path("<slug:slug>/teilnehmende/", views.participants, name="participants"),
    path("<slug:slug>/anfragen/<int:pk>/", views.request_create, name="request_create"),
    path("<slug:slug>/mein-plan.ics", views.schedule_ical, name="schedule_ical"),
    path("<slug:slug>/mein-plan.pdf", views.schedule_pdf, name="schedule_pdf"),
    path("<slug:slug>/einstellungen/", views.setup, name="setup"),
    path("<slug:slug>/tischplan/", views.plan, name="plan"),
    path("<slug:slug>/tischplan.xlsx", views.plan_xlsx, name="plan_xlsx"),
]
