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
