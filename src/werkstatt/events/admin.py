"""Admin site for events. Registrations are read here mostly: seats and the waiting list are
the services' business (they lock the event and move people up), so status is read-only."""

from __future__ import annotations

from django.contrib import admin

from .models import Answer, Event, Feedback, Question, Registration, Room, Session, Speaker


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0
    raw_id_fields = ("organisation",)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ("title", "kind", "starts_at", "ends_at", "room")


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "visibility", "capacity", "organiser")
    list_filter = ("kind", "visibility", "has_matchmaking")
    search_fields = ("title", "slug", "venue_name")
    list_select_related = ("organiser",)
    raw_id_fields = ("space", "organiser")
    date_hierarchy = "starts_at"
    inlines = [RoomInline, SpeakerInline, SessionInline, QuestionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    raw_id_fields = ("question",)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "status", "created", "checked_in_at")
    list_filter = ("status",)
    search_fields = ("name", "user__email", "ticket_code", "event__title")
    list_select_related = ("event",)
    raw_id_fields = ("event", "user", "organisation", "checked_in_by")
    readonly_fields = ("status", "ticket_code", "waiting_since", "confirmed_at", "cancelled_at")
    inlines = [AnswerInline]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("event", "rating", "created")
    list_select_related = ("event",)
    raw_id_fields = ("event", "user")
