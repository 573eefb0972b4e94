"""Werkstatt's allauth adapter: throttled logins get the 429 page; logins land in the
person's own language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    # Our own wording (msgids), so that the German translation addresses people formally
    # ("Sie"); allauth's own German catalogue uses "du".
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account has been deactivated."),
        "cannot_remove_primary_email": _("You cannot remove your primary e-mail address."),
        "duplicate_email": _("This e-mail address already belongs to your account."),
        "email_password_mismatch": _("The e-mail address or the password is not correct."),
        "email_taken": _("An account with this e-mail address already exists."),
        "enter_current_password": _("Please enter your current password."),
        "incorrect_password": _("The password is not correct."),
        "invalid_or_expired_key": _("This link is not valid or has expired."),
        "invalid_login": _("The login is not valid."),
        "invalid_password_reset": _("This link to reset your password is not valid."),
        "max_email_addresses": _("You cannot add more than %d e-mail addresses."),
        "too_many_login_attempts": _("Too many failed logins. Please try again later."),
        "unknown_email": _("No account has this e-mail address."),
        "unverified_primary_email": _("Your primary e-mail address must be confirmed first."),
        "select_only_one": _("Please select only one."),
        "same_as_current": _("The new value must differ from the current one."),
        "rate_limited": _("Too many requests. Please wait a moment."),
    }

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth reports a throttled login as a form error; we answer 429 Too Many Requests
        # so that clients and monitoring see the throttling, with our German page (429.html).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from error
            raise

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "language", "")
        return translate_url(url, language) if language else url
