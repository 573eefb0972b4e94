"""Admin site for the strategy workshop. The pages are where moderators work; the admin is the
operator's tool, so the audit trail is read-only here too."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionField,
    Attachment,
    Comment,
    ModerationAction,
    Phase,
    Process,
    Recommendation,
    Report,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class ActionFieldInline(admin.TabularInline):
    model = ActionField
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "status", "start_date", "end_date", "is_public")
    list_filter = ("status", "is_public", "moderation")
    search_fields = ("title", "slug")
    raw_id_fields = ("space", "board_space")
    inlines = [PhaseInline, ActionFieldInline]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ("name", "content_type", "size", "uploaded_by", "created")
    fields = ("name", "content_type", "size", "uploaded_by", "created")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # uploads go through the page, which checks the file's content


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "process", "kind", "status", "moderation_state", "author", "created")
    list_filter = ("process", "kind", "status", "moderation_state")
    search_fields = ("title", "text")
    list_select_related = ("process", "author")
    raw_id_fields = ("author", "author_organisation", "answered_by", "phase")
    filter_horizontal = ("action_fields", "regions", "sectors")
    inlines = [AttachmentInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "recommendation", "author", "is_hidden", "created")
    list_filter = ("is_hidden",)
    search_fields = ("text",)
    list_select_related = ("recommendation", "author")
    raw_id_fields = ("recommendation", "parent", "author", "hidden_by")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "process", "reason", "state", "reporter", "created")
    list_filter = ("state", "reason")
    list_select_related = ("process", "reporter")
    raw_id_fields = ("recommendation", "comment", "reporter")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("created", "process", "actor", "kind", "target_label")
    list_filter = ("kind", "process")
    list_select_related = ("process", "actor")
    search_fields = ("target_label", "reason")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
