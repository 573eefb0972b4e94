"""Template helpers of the supply network: explanations of rankings and matches in words."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()


def _km(value: Any) -> str:
    km = float(value)
    return number_format(km, decimal_pos=0 if km >= 10 else 1, use_l10n=True)


def material_name(key: str) -> str:
    """The material's name in the active language (reference data: one query per process)."""
    names = _material_names()
    de, en = names.get(key, (key, ""))
    return en if (get_language() or "de").startswith("en") and en else de


@functools.cache
def _material_names() -> dict[str, tuple[str, str]]:
    from werkstatt.network.models import Material

    return {m.key: (m.name_de, m.name_en) for m in Material.objects.all()}


def capability_name(key: str) -> str:
    """The capability's name in the active language (reference data, cached per process; a
    key the cache does not know yet is looked up once more)."""
    names = _capability_names()
    if key not in names:
        _capability_names.cache_clear()
        names = _capability_names()
    de, en = names.get(key, (key, ""))
    return en if (get_language() or "de").startswith("en") and en else de


@functools.cache
def _capability_names() -> dict[str, tuple[str, str]]:
    from werkstatt.network.models import Capability

    return {c.key: (c.name_de, c.name_en) for c in Capability.objects.all()}


def _numbers(values: Any) -> str:
    return ", ".join(str(v) for v in values or [])


def explain(part: dict[str, Any]) -> str:
    """One structured explanation part of the ranking or the matching, as a short phrase.

    Unknown kinds give "" (the engine may learn new reasons before the page does).
    """
    kind = part.get("kind")
    if kind == "coverage":
        return _("covers %(covered)d of %(total)d steps") % {
            "covered": part.get("covered", 0),
            "total": part.get("total", 0),
        }
    if kind == "distance":
        return _("%(km)s km") % {"km": _km(part.get("km", 0))}
    if kind == "certification":
        return str(part.get("code", ""))
    if kind == "missing_certification":
        numbers = part.get("numbers") or []
        if numbers:
            return ngettext(
                "without %(code)s (step %(numbers)s)",
                "without %(code)s (steps %(numbers)s)",
                len(numbers),
            ) % {"code": part.get("code", ""), "numbers": _numbers(numbers)}
        return _("without %(code)s") % {"code": part.get("code", "")}
    if kind == "generic":
        numbers = part.get("numbers") or ([part["number"]] if part.get("number") else [])
        if not numbers or not part.get("capability"):
            return _("a broader process for one step")
        return ngettext(
            "%(capability)s (broader) for step %(numbers)s",
            "%(capability)s (broader) for steps %(numbers)s",
            len(numbers),
        ) % {"capability": capability_name(part["capability"]), "numbers": _numbers(numbers)}
    if kind == "uncovered":
        numbers = part.get("numbers") or []
        return ngettext(
            "step %(numbers)s not covered", "steps %(numbers)s not covered", len(numbers)
        ) % {"numbers": _numbers(numbers)}
    if kind == "size":
        fit = part.get("fit", "good")
        if fit == "good":
            return _("size fits the quantity")
        if fit == "fair":
            return _("size fits the quantity partly")
        return _("size may not fit the quantity")
    if kind == "capacity":
        return _("has stated capacities")
    if kind == "text":
        if "percent" in part:
            return _("similar description (%(percent)d %%)") % {"percent": part["percent"]}
        words = part.get("words") or part.get("terms") or []
        if words:
            return _("description mentions %(words)s") % {"words": ", ".join(map(str, words))}
        return _("similar description")
    if kind == "material":
        key = str(part.get("material") or part.get("key") or "")
        return _("works with %(material)s") % {"material": material_name(key)}
    if kind == "same_kind":
        return _("also %(kind)s") % {"kind": part.get("label", "")}
    if kind == "partnership":
        labels = part.get("labels") or []
        return ngettext(
            "partnership type: %(labels)s", "partnership types: %(labels)s", len(labels)
        ) % {"labels": ", ".join(labels)}
    if kind == "capabilities":
        return _("capabilities: %(labels)s") % {"labels": ", ".join(part.get("labels") or [])}
    if kind == "related_capabilities":
        pairs = [" – ".join(map(str, pair)) for pair in part.get("pairs") or []]
        return ngettext(
            "related process: %(pairs)s", "related processes: %(pairs)s", len(pairs)
        ) % {"pairs": "; ".join(pairs)}
    if kind == "shared_words":
        return _("both mention %(words)s") % {"words": ", ".join(map(str, part.get("terms") or []))}
    if kind == "sectors":
        return _("sectors: %(labels)s") % {"labels": ", ".join(part.get("labels") or [])}
    return ""


def merged(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parts with the broader-process ones of the same capability joined into one
    ("Biegen (broader) for steps 2, 3")."""
    out: list[dict[str, Any]] = []
    generic: dict[str, dict[str, Any]] = {}
    for part in parts or []:
        if part.get("kind") == "generic" and part.get("capability") and part.get("number"):
            known = generic.get(part["capability"])
            if known is not None:
                known["numbers"].append(part["number"])
                continue
            part = {**part, "numbers": [part["number"]]}
            generic[part["capability"]] = part
        out.append(part)
    return out


@register.filter
def explanation(parts: list[dict[str, Any]]) -> list[str]:
    """The parts that say something, in words, each phrase once."""
    texts = (explain(p) for p in merged(parts))
    return list(dict.fromkeys(text for text in texts if text))


@register.filter
def km(value: Any) -> str:
    return _km(value)
