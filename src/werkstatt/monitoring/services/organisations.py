"""Finding the organisations responsible for a concept by the names people type.

Names are compared folded (case, umlauts and ß, accents: engines/text.fold), so "Handwerkskammer
Chemnitz", "handwerkskammer chemnitz" and "Handwerkskammer Chemnitz " are one; a name that
matches no organisation, or several, gets the closest names of the directory as suggestions.
Suggestions come from the organisations the directory shows publicly: names holding every word
typed, or else the names spelt most alike.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from werkstatt.engines.text import fold
from werkstatt.network.models import Organisation

SUGGESTIONS = 8


def _key(name: str) -> str:
    return " ".join(fold(name).split())


@dataclass
class Lookup:
    found: list[Organisation] = field(default_factory=list)
    missing: list[tuple[str, list[str]]] = field(default_factory=list)  # (name, suggestions)


def suggest(query: str, limit: int = SUGGESTIONS) -> list[str]:
    """Names of public organisations containing every word of `query` (folded): names that
    start with it first, then the shorter ones."""
    words = _key(query).split()
    if not words or max(len(w) for w in words) < 2:
        return []
    names = list(Organisation.objects.filter(is_public=True).values_list("name", flat=True))
    keys = {_key(name): name for name in names}
    hits = []
    for key, name in keys.items():
        if all(w in key for w in words):
            hits.append((not key.startswith(words[0]), len(name), name))
    if hits:
        return [name for _s, _l, name in sorted(hits)[:limit]]
    # Nothing contains the words: the names spelt most alike ("Chemniz" -> "Chemnitz").
    close = difflib.get_close_matches(" ".join(words), list(keys), n=limit, cutoff=0.75)
    return [keys[key] for key in close]


def lookup(names: list[str]) -> Lookup:
    """The organisations named (each once, in order); the names not found with suggestions."""
    result = Lookup()
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not wanted:
        return result
    exact = {_key(o.name): o for o in Organisation.objects.filter(name__in=wanted).order_by("-pk")}
    folded: dict[str, list[Organisation]] | None = None
    for name in wanted:
        key = _key(name)
        org = exact.get(key)
        if org is None:
            if folded is None:  # only when needed: every name of the directory, folded
                folded = {}
                for candidate in Organisation.objects.only("pk", "name", "slug").order_by("pk"):
                    folded.setdefault(_key(candidate.name), []).append(candidate)
            same = folded.get(key, [])
            org = same[0] if len(same) == 1 else None
        if org is None:
            result.missing.append((name, suggest(name, 3)))
        elif org not in result.found:
            result.found.append(org)
    return result
