from django.contrib import admin

from .models import Meeting, MeetingRequest, Profile, Setup, Slot


@admin.register(Setup)
class SetupAdmin(admin.ModelAdmin):
    list_display = ["event", "tables", "requests_open", "scheduled_at"]
    raw_id_fields = ["event"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["event", "starts_at", "minutes"]
    list_filter = ["event"]
    raw_id_fields = ["event"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "is_visible"]
    list_filter = ["event"]
    raw_id_fields = ["registration", "event"]
    filter_horizontal = ["offered", "sought"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "status", "created"]
    list_filter = ["status", "event"]
    raw_id_fields = ["event", "sender", "recipient"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "slot", "table", "locked"]
    list_filter = ["event", "locked"]
    raw_id_fields = ["request", "event", "slot"]
