"""Admin site for the supply network: demands with their steps, inquiries with their history,
the cooperation exchange. Lists select their related rows in the same query."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Attachment,
    CooperationContact,
    CooperationMessage,
    CooperationOffer,
    Demand,
    DemandStep,
    Inquiry,
    InquiryMessage,
)


class DemandStepInline(admin.TabularInline):
    model = DemandStep
    extra = 0
    autocomplete_fields = ["capability"]
    raw_id_fields = ["material"]
    filter_horizontal = ["certifications"]


class AttachmentInline(admin.TabularInline):
    """The files as rows (name, kind, size): the files themselves only through the site's
    permission-checked download, never a media URL."""

    model = Attachment
    extra = 0
    fields = ["name", "content_type", "size", "message", "uploaded_by", "created"]
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "status", "visibility", "deadline", "created")
    list_filter = ("status", "visibility")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ["organisation", "created_by", "invited_organisations"]
    inlines = [DemandStepInline, AttachmentInline]
    date_hierarchy = "created"


class InquiryMessageInline(admin.TabularInline):
    model = InquiryMessage
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ("demand", "organisation", "status", "consortium", "updated")
    list_filter = ("status",)
    search_fields = ("demand__title", "organisation__name")
    list_select_related = ("demand", "organisation")
    raw_id_fields = ["demand", "organisation", "created_by", "steps"]
    inlines = [InquiryMessageInline]


@admin.register(CooperationOffer)
class CooperationOfferAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "kind", "direction", "status", "expires_on")
    list_filter = ("kind", "direction", "status", "visibility")
    search_fields = ("title", "summary", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ["organisation", "created_by"]
    filter_horizontal = ["capabilities", "sectors"]


class CooperationMessageInline(admin.TabularInline):
    model = CooperationMessage
    extra = 0
    raw_id_fields = ["author"]


@admin.register(CooperationContact)
class CooperationContactAdmin(admin.ModelAdmin):
    list_display = ("offer", "organisation", "updated")
    search_fields = ("offer__title", "organisation__name")
    list_select_related = ("offer", "organisation")
    raw_id_fields = ["offer", "organisation", "created_by"]
    inlines = [CooperationMessageInline]
