"""Admin of the assessment: criteria per process; ratings and comparisons to look at (they are
written through the services, which keep the totals, so here they are read only)."""

from __future__ import annotations

from django.contrib import admin

from .models import Comparison, Criterion, Rating
from .services.ratings import refresh_totals


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "key", "process", "order", "per_district")
    list_filter = ("per_district",)
    list_select_related = ("process",)
    search_fields = ("key", "name", "process__title")
    raw_id_fields = ("process",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("recommendation", "criterion", "region", "value", "group", "modified")
    list_filter = ("group", "value")
    list_select_related = ("recommendation", "criterion", "region")
    raw_id_fields = ("user", "recommendation", "criterion", "region")

    # Deleting a rating here (e.g. on a person's request) keeps the totals right.
    def delete_model(self, request, obj) -> None:
        rec_id = obj.recommendation_id
        super().delete_model(request, obj)
        refresh_totals([rec_id])

    def delete_queryset(self, request, queryset) -> None:
        rec_ids = set(queryset.values_list("recommendation_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_totals(rec_ids)


@admin.register(Comparison)
class ComparisonAdmin(ReadOnlyAdmin):
    list_display = ("process", "item_low", "item_high", "choice", "group", "modified")
    list_filter = ("choice", "group")
    list_select_related = ("process", "item_low", "item_high")
    raw_id_fields = ("user", "process", "item_low", "item_high")
