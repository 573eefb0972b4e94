from django.contrib import admin

from .models import ImplementationConcept, Milestone, ReportFile, Responsibility, Result


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    autocomplete_fields = ["organisation"]
    extra = 0


class ResultInline(admin.TabularInline):
    model = Result
    fields = ["title", "parent", "status", "progress", "weight", "order"]
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(ImplementationConcept)
class ImplementationConceptAdmin(admin.ModelAdmin):
    list_display = ["recommendation", "status", "budget_eur", "modified"]
    list_filter = ["status", "recommendation__process"]
    search_fields = ["recommendation__title", "summary"]
    raw_id_fields = ["recommendation", "modified_by"]
    inlines = [ResponsibilityInline, ResultInline, MilestoneInline]


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["process", "kind", "created", "created_by"]
    list_filter = ["kind"]
    raw_id_fields = ["created_by"]
