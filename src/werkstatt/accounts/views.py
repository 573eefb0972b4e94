"""A person's own account: profile, personal data (download, delete), API token."""

from __future__ import annotations

import json

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from . import services
from .forms import DeleteAccountForm, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.do_update_profile(user, **form.cleaned_data)
            language = form.cleaned_data["language"]
            with translation.override(language):
                messages.success(request, _("Your profile has been saved."))
            # The language is part of the address (/en/…): go to the profile in that language.
            response = redirect(translate_url(reverse("accounts:profile"), language))
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
    else:
        form = ProfileForm(initial={"name": user.name, "language": user.language})
    memberships = user.organisation_memberships.select_related("organisation").order_by(
        "organisation__name"
    )
    space_roles = user.space_roles.select_related("space").order_by("space__name", "role")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            "space_roles": space_roles,
            "data_contents": services.data_download_contents(),
        },
    )


@login_required
def data_download(request: HttpRequest) -> HttpResponse:
    data = services.export_user_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"werkstatt-meine-daten-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        # Guessing the password here is throttled like allauth's re-authentication.
        throttled = ratelimit.consume_or_429(request, action="reauthenticate", user=user)
        if throttled:
            return throttled
        form = DeleteAccountForm(request.POST, user=user)
        if form.is_valid():
            logout(request)
            services.do_delete_account(user)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("web:home")
    else:
        form = DeleteAccountForm(user=user)
    return render(request, "accounts/delete.html", {"form": form})


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/api_token.html", {"token": token})


@login_required
@require_POST
def api_token_regenerate(request: HttpRequest) -> HttpResponse:
    had_token = Token.objects.filter(user=request.user).exists()
    services.do_regenerate_api_token(request.user)
    if had_token:
        messages.success(request, _("A new API token has been created; the old one is invalid."))
    else:
        messages.success(request, _("Your API token has been created."))
    return redirect("accounts:api_token")
