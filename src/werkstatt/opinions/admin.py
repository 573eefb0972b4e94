"""Admin for the opinion maps: conversations and statements; analyses read-only."""

from django.contrib import admin

from .models import AnalysisResult, Conversation, Statement


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "phase",
        "is_open",
        "allow_statements",
        "moderate_statements",
        "created",
    ]
    list_filter = ["is_open"]
    list_select_related = ["phase"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["phase", "created_by"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["number", "text", "conversation", "status", "is_seed", "created"]
    list_filter = ["status", "is_seed"]
    list_select_related = ["conversation"]
    search_fields = ["text"]
    raw_id_fields = ["conversation", "author"]


@admin.register(AnalysisResult)
class AnalysisResultAdmin(admin.ModelAdmin):
    list_display = ["conversation", "computed_at", "vote_count", "participant_count", "seconds"]
    list_select_related = ["conversation"]
    readonly_fields = [f.name for f in AnalysisResult._meta.fields]
    exclude = ["data", "priority_data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
