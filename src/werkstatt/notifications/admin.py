from django.contrib import admin

from .models import Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "verb", "created", "read_at", "email")
    list_filter = ("verb", "email")
    search_fields = ("title", "recipient__email")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "actor")


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "email_frequency", "last_digest_at")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
