from django.urls import path

from .views import organiser, public

app_name = "events"

urlpatterns = [
    # participants (views/public.py)
    path("", public.index, name="index"),
    path("meine/", public.my_registrations, name="my_registrations"),
    path("anmeldung/<int:pk>/", public.registration_detail, name="registration"),
    path("anmeldung/<int:pk>/stornieren/", public.registration_cancel, name="registration_cancel"),
    path("anmeldung/<int:pk>/ticket.pdf", public.ticket_pdf, name="ticket_pdf"),
    path("neu/", organiser.event_create, name="event_create"),
    path("<slug:slug>/", public.event_detail, name="event"),
    path("<slug:slug>/kalender.ics", public.event_ical, name="event_ical"),
    path("<slug:slug>/programm/<int:pk>.ics", public.session_ical, name="session_ical"),
    path("<slug:slug>/anmelden/", public.register, name="register"),
    path("<slug:slug>/feedback/", public.feedback, name="feedback"),
    # organisers (views/organiser.py)
    path("<slug:slug>/verwalten/", organiser.manage, name="manage"),
    path("<slug:slug>/bearbeiten/", organiser.event_edit, name="event_edit"),
    path("<slug:slug>/programm/", organiser.agenda, name="agenda"),
    path("<slug:slug>/fragen/", organiser.questions, name="questions"),
    path("<slug:slug>/<str:kind>/<int:pk>/bearbeiten/", organiser.item_edit, name="item_edit"),
    path("<slug:slug>/<str:kind>/<int:pk>/loeschen/", organiser.item_delete, name="item_delete"),
    path("<slug:slug>/einladungen/", organiser.invitations, name="invitations"),
    path("<slug:slug>/anmeldungen/", organiser.registrations, name="registrations"),
    path("<slug:slug>/einlass/", organiser.checkin, name="checkin"),
    path("<slug:slug>/teilnehmende.xlsx", organiser.export_xlsx, name="export_xlsx"),
    path("<slug:slug>/namensschilder.pdf", organiser.badges_pdf, name="badges_pdf"),
    path(
        "<slug:slug>/namensschilder/<int:job>.pdf",
        organiser.badges_download,
        name="badges_download",
    ),
]
