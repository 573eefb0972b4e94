"""Admin site for the network directory.

Edits here bypass the page forms, so saving an organisation keeps what the services keep:
the normalised name, the headquarters' place on the organisation and the search index.
Every list selects its related rows in the same query (no N+1 at 50,000 organisations).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Capability,
    Certification,
    ContactPerson,
    ImportBatch,
    ImportRow,
    Material,
    Organisation,
    OrganisationMembership,
    Region,
    SearchTerm,
    Sector,
    Site,
)
from .services import organisations as services
from .services.history import diff_records

# --- reference data ---------------------------------------------------------------------------


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name_de", "code", "nuts", "kind", "parent", "seat")
    list_filter = ("kind",)
    search_fields = ("name_de", "name_en", "code", "nuts", "seat")
    list_select_related = ("parent",)
    autocomplete_fields = ["parent"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_de", "name_en", "parent")
    search_fields = ("code", "name_de", "name_en")
    list_select_related = ("parent",)
    autocomplete_fields = ["parent"]


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ("key", "name_de", "name_en", "depth", "parent")
    list_filter = ("depth",)
    search_fields = ("key", "name_de", "name_en", "synonyms")
    list_select_related = ("parent",)
    autocomplete_fields = ["parent"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_de", "name_en")
    search_fields = ("code", "name_de", "name_en")


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ("name_de", "name_en", "key")
    search_fields = ("key", "name_de", "name_en")


# --- organisations ----------------------------------------------------------------------------


class SiteInline(admin.StackedInline):
    model = Site
    extra = 0
    autocomplete_fields = ["region"]
    fields = [
        ("name", "is_headquarters"),
        ("street", "postcode", "city"),
        ("region", "lat", "lon"),
    ]


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "size", "region", "is_public", "updated")
    list_filter = ("kind", "size", "is_public", "region")
    search_fields = ("name", "slug", "name_key", "description")
    list_select_related = ("region",)
    autocomplete_fields = ["region", "sectors", "capabilities", "certifications", "materials"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["name_key", "created", "updated"]
    date_hierarchy = "created"
    show_full_result_count = False  # no COUNT(*) over the whole table on every list page
    inlines = [SiteInline, ContactPersonInline, MembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "size", "employees", "founded", "is_public")}),
        (_("Profile"), {"fields": ("description", "website", "email", "phone")}),
        (
            _("What it does"),
            {
                "fields": (
                    "sectors",
                    "capabilities",
                    "capabilities_text",
                    "capacities",
                    "certifications",
                    "materials",
                )
            },
        ),
        (_("Place (from the headquarters)"), {"fields": ("region", "lat", "lon")}),
        (_("Internal"), {"fields": ("name_key", "created", "updated")}),
    )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # simple-history diffs each record with several queries per many-to-many field; ours
        # costs the same few queries for the whole page.
        rows = list(historical_records)
        for entry in diff_records(rows, max(len(rows) - 1, 0)):
            entry.record.history_delta_changes = [
                {"field": c.label, "old": c.old, "new": c.new} for c in entry.changes
            ]

    def save_model(self, request, obj, form, change):
        obj.name_key = services.name_key(obj.name)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.do_refresh_location(form.instance, request.user)


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "organisation", "city", "postcode", "region", "is_headquarters")
    list_filter = ("is_headquarters", "region")
    search_fields = ("organisation__name", "city", "postcode", "street")
    list_select_related = ("organisation", "region")
    autocomplete_fields = ["organisation", "region"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.do_refresh_location(obj.organisation, request.user)

    def delete_model(self, request, obj):
        organisation = obj.organisation
        super().delete_model(request, obj)
        services.do_refresh_location(organisation, request.user)


@admin.register(ContactPerson)
class ContactPersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "function", "organisation", "email", "is_public")
    list_filter = ("is_public",)
    search_fields = ("name", "email", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ["organisation"]
    show_full_result_count = False


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "status", "created")
    list_filter = ("role", "status")
    search_fields = ("user__email", "user__name", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ["user", "organisation"]
    show_full_result_count = False


# --- imports and the search index -------------------------------------------------------------


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("original_name", "status", "created_by", "created", "committed")
    list_filter = ("status",)
    search_fields = ("original_name", "created_by__email")
    list_select_related = ("created_by",)
    autocomplete_fields = ["created_by"]
    readonly_fields = ["created", "committed", "job_id"]


@admin.register(ImportRow)
class ImportRowAdmin(admin.ModelAdmin):
    list_display = ("batch", "number", "status", "decision", "result", "match", "organisation")
    list_filter = ("status", "decision", "result")
    search_fields = ("batch__original_name",)
    list_select_related = ("batch", "match", "organisation")
    raw_id_fields = ["batch", "match", "organisation"]
    show_full_result_count = False


@admin.register(SearchTerm)
class SearchTermAdmin(admin.ModelAdmin):
    """Read-only view of the index (rebuilt by the search service, never edited by hand)."""

    list_display = ("term", "organisation", "weight")
    search_fields = ("=term", "organisation__name")
    list_select_related = ("organisation",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
