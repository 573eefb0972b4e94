"""The notifications page (list, mark read) and the settings of one's e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import MarkReadForm, SettingsForm
from ..models import Notification
from ..services import do_mark_read, do_update_settings, frequency_of

PAGE_SIZE = 30


@require_http_methods(["GET", "HEAD"])
@login_required
def index(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(recipient=request.user).select_related("actor")
    if request.GET.get("ungelesen"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "notifications": page.object_list,
        "unread_only": bool(request.GET.get("ungelesen")),
        "unread": Notification.objects.filter(recipient=request.user, read_at__isnull=True).count(),
        "frequency": frequency_of(request.user),
    }
    return render(request, "notifications/index.html", context)


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one (ids=…) or all notifications read; "next" opens the notification's page."""
    own = list(Notification.objects.filter(recipient=request.user).values_list("pk", flat=True))
    form = MarkReadForm(request.POST, ids=own)
    if not form.is_valid():
        messages.error(request, _("This notification no longer exists."))
        return redirect("notifications:index")
    ids = form.cleaned_data["ids"] or None
    count = do_mark_read(request.user, ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if ids is None:
        messages.success(request, _("All notifications are marked as read."))
    elif count:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:index")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(
        request.POST or None, initial={"email_frequency": frequency_of(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        do_update_settings(request.user, form.cleaned_data["email_frequency"])
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
