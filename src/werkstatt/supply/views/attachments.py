"""Drawings and documents: download (permission-checked, never a public URL), add to a demand,
remove from it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from werkstatt import uploads

from ..forms import AttachmentForm
from ..models import Attachment, Demand
from ..services import attachments as services
from .common import GET, object_view

attachment_view = object_view(Attachment, "supply.view_attachment")
attachment_admin_view = object_view(
    Attachment, "supply.view_attachment", "supply.delete_attachment"
)
demand_admin_view = object_view(Demand, "supply.view_demand", "supply.change_demand")


@GET
@attachment_view
def attachment_download(request: HttpRequest, attachment: Attachment) -> HttpResponse:
    return uploads.download_response(attachment.file, attachment.content_type, attachment.name)


@require_POST
@demand_admin_view
def demand_attachments(request: HttpRequest, demand: Demand) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["attachments"])
        added = services.do_attach_to_demand(demand, request.user, form.cleaned_data["attachments"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d file attached to the demand.",
                "%(count)d files attached to the demand.",
                len(added),
            )
            % {"count": len(added)},
        )
    return redirect(demand.get_absolute_url() + "#attachments-title")


@require_POST
@attachment_admin_view
def attachment_delete(request: HttpRequest, attachment: Attachment) -> HttpResponse:
    demand = attachment.demand
    try:
        services.do_delete_attachment(attachment, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The file “%(name)s” has been removed.") % {"name": attachment.name}
        )
    return redirect(demand.get_absolute_url() + "#attachments-title")
