"""Template helpers shared by all pages: `{% load werkstatt %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import translate_url

register = template.Library()

ELLIPSIS = None  # a gap in an elided page range


@register.simple_tag
def page_range(page_obj: Any, on_each_side: int = 2, on_ends: int = 1) -> list[int | None]:
    """The page numbers to link around the current page; None stands for a gap.

    Works with Django's Paginator (elided range) and with any page object that has
    `number` and `paginator.num_pages`.
    """
    paginator = page_obj.paginator
    number = page_obj.number
    if hasattr(paginator, "get_elided_page_range"):
        pages = paginator.get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends)
        return [p if isinstance(p, int) else ELLIPSIS for p in pages]
    total = int(paginator.num_pages)
    keep = set(range(1, min(on_ends, total) + 1))
    keep |= set(range(max(total - on_ends + 1, 1), total + 1))
    keep |= set(range(max(number - on_each_side, 1), min(number + on_each_side, total) + 1))
    result: list[int | None] = []
    previous = 0
    for page in sorted(keep):
        if page - previous > 1:
            result.append(ELLIPSIS)
        result.append(page)
        previous = page
    return result


@register.simple_tag(takes_context=True)
def path_in_language(context: template.Context, language: str) -> str:
    """The current page's address in another language (for the language switch).

    Translated here, while the active language matches the address: Django's set_language
    cannot translate a prefixed address (/en/…) back to the unprefixed default language.
    """
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language)


# The header's notifications link shows the person's own unread count. Pages rendered for a
# role rather than a person (web/page_cache.py's frames, whose `user` is a stand-in) get the link
# without a count between these markers; fill_personal_parts() puts the person's in.
PERSONAL_START = "<!--personal:notifications-->"
PERSONAL_END = "<!--/personal:notifications-->"


def _notifications_link(user: Any, request: Any) -> str:
    from django.contrib.auth import get_user_model
    from django.template.loader import render_to_string
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("notifications:index")
    except NoReverseMatch:
        return ""
    person = isinstance(user, get_user_model())
    unread = 0
    if person:
        from werkstatt.notifications.services import unread_count

        unread = unread_count(user)
    match = getattr(request, "resolver_match", None)
    html = render_to_string(
        "web/includes/notifications_link.html",
        {
            "url": url,
            "unread": unread,
            "current": bool(match and match.namespace == "notifications"),
        },
    )
    return html if person else PERSONAL_START + html + PERSONAL_END


@register.simple_tag(takes_context=True)
def notifications_link(context: template.Context) -> str:
    """The bell with "3 unread notifications" for screen readers; one COUNT query."""
    from django.utils.safestring import mark_safe

    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return mark_safe(_notifications_link(user, context.get("request")))  # noqa: S308 - our template


def fill_personal_parts(html: str, request: Any) -> str:
    """Put the person's own parts (the unread count) into a page rendered for their role."""
    start = html.find(PERSONAL_START)
    if start < 0:
        return html
    end = html.find(PERSONAL_END, start)
    if end < 0:
        return html
    user = getattr(request, "user", None)
    own = _notifications_link(user, request) if user and user.is_authenticated else ""
    return html[:start] + own + html[end + len(PERSONAL_END) :]
