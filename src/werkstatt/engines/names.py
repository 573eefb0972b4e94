"""Organisation names for duplicate detection: normalise, compare, find candidates.

"Müller GmbH", "Mueller GmbH & Co. KG" and "Muller KG" are the same firm to a person; to a
database they are three strings. `name_key` folds umlauts, drops legal forms, punctuation and
filler words ("und", "&", "Inh. …"); `compare_key` also merges the spellings of umlauts without
the special characters ("ue" and "u"). `NameIndex` finds candidates by the rarest words of a name
(blocking) and scores them with rapidfuzz, lowering the score when the places differ.

Region words such as "Sachsen" are deliberately kept: "Sachsenguss" and "Guss Sachsen" are
names people tell apart, and dropping them would make "Metallbau Sachsen" equal to every
"Metallbau". No Django in here.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from .text import fold

# Legal forms, folded and without punctuation, as token sequences (longest first).
_LEGAL_FORMS: list[tuple[str, ...]] = sorted(
    (
        tuple(form.split())
        for form in [
            "gesellschaft mit beschraenkter haftung",
            "aktiengesellschaft",
            "kommanditgesellschaft auf aktien",
            "kommanditgesellschaft",
            "offene handelsgesellschaft",
            "gesellschaft buergerlichen rechts",
            "eingetragener verein",
            "eingetragene genossenschaft",
            "eingetragener kaufmann",
            "eingetragene kauffrau",
            "unternehmergesellschaft",
            "haftungsbeschraenkt",
            "gmbh",
            "mbh",
            "ggmbh",
            "ag",
            "kg",
            "kgaa",
            "ohg",
            "gbr",
            "ug",
            "eg",
            "se",
            "ev",
            "ek",
            "e k",
            "e v",
            "e g",
            "e kfm",
            "e kfr",
            "ekfm",
            "ekfr",
            "partg",
            "partgmbb",
            "mbb",
            "co",
            "cie",
            "ltd",
            "inc",
            "llc",
            "plc",
            "sa",
            "sarl",
            "bv",
            "nv",
            "kft",
            "sro",
            "s r o",
            "spa",
            "srl",
            "sp z o o",
            "z o o",
        ]
    ),
    key=len,
    reverse=True,
)
_FILLERS = {"und", "u", "and", "the", "firma", "fa"}
# Everything after these words names the owner, not the firm ("Metallbau Inh. Hans Müller").
_OWNER_MARKERS = {"inh", "inhaber", "inhaberin", "prop"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_COLLAPSE = re.compile(r"(?<=[aou])e")

DUPLICATE_SCORE = 85.0
# From this many candidates of a query on, they are scored in one call of rapidfuzz's cdist.
_BATCH_FROM = 24
POSSIBLE_SCORE = 70.0


_FORMS_BY_FIRST: dict[str, list[tuple[str, ...]]] = defaultdict(list)
for _form in _LEGAL_FORMS:  # longest first, as sorted above
    _FORMS_BY_FIRST[_form[0]].append(_form)


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for form in _FORMS_BY_FIRST.get(tokens[i], ()):
            if tuple(tokens[i : i + len(form)]) == form:
                i += len(form)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def name_key(name: str) -> str:
    """The normalised name stored in `Organisation.name_key`.

    >>> name_key("Müller GmbH & Co. KG")
    'mueller'
    >>> name_key("Metallbau Schröder e.K., Inh. Hans Schröder")
    'metallbau schroeder'
    """
    tokens = _NON_WORD.split(fold(name).replace("&", " "))
    tokens = [t for t in tokens if t]
    for index, token in enumerate(tokens):
        if token in _OWNER_MARKERS and index > 0:
            tokens = tokens[:index]
            break
    tokens = [t for t in _strip_legal_forms(tokens) if t not in _FILLERS]
    if not tokens:  # a name made only of legal-form words: keep what there was
        tokens = [t for t in _NON_WORD.split(fold(name)) if t]
    return " ".join(tokens)[:200]


# A name is keyed when it is matched and again when it is added; places and web addresses repeat
# across thousands of rows: each distinct string is normalised once.
@functools.lru_cache(maxsize=100_000)
def compare_key(name: str) -> str:
    """`name_key` with "ae/oe/ue" merged into "a/o/u", so "Mueller" = "Muller" = "Müller"."""
    return _COLLAPSE.sub("", name_key(name))


def _collapse(key: str) -> str:
    return _COLLAPSE.sub("", key)


@functools.lru_cache(maxsize=20_000)
def _norm_place(text: str) -> str:
    return _collapse(" ".join(_NON_WORD.split(fold(text))).strip())


@functools.lru_cache(maxsize=100_000)
def _domain(website: str) -> str:
    text = website.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.split("/", 1)[0].split("@")[-1]
    return text.removeprefix("www.")


class Match(NamedTuple):
    """A candidate: the id of an indexed entry, a score 0–100 and the reasons (codes).

    Reason codes: identical_name, similar_name, same_postcode, same_city, different_city,
    same_website.
    """

    id: int
    score: float
    reasons: tuple[str, ...]


@dataclass(slots=True)
class _Entry:
    key: str
    postcode: str
    city: str
    domain: str


class NameIndex:
    """An in-memory index of organisation names for duplicate detection.

    Blocking: a query is compared only with entries that share its full key or one of its two
    rarest words, so a file of 50,000 rows against 50,000 organisations stays fast.
    """

    def __init__(self, max_block: int = 200) -> None:
        self._entries: dict[int, _Entry] = {}
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._by_token: dict[str, list[int]] = defaultdict(list)
        self._by_domain: dict[str, list[int]] = defaultdict(list)
        self.max_block = max_block

    def __len__(self) -> int:
        return len(self._entries)

    def add(
        self, id: int, name: str, postcode: str = "", city: str = "", website: str = ""
    ) -> None:
        key = compare_key(name)
        entry = _Entry(key, postcode.strip(), _norm_place(city), _domain(website))
        self._entries[id] = entry
        self._by_key[key].append(id)
        for token in set(key.split()):
            self._by_token[token].append(id)
        if entry.domain:
            self._by_domain[entry.domain].append(id)

    def _block(self, key: str, domain: str) -> set[int]:
        ids: set[int] = set(self._by_key.get(key, ()))
        if domain:
            ids.update(self._by_domain.get(domain, ()))
        tokens = sorted(set(key.split()), key=lambda t: len(self._by_token.get(t, ())))
        for rank, token in enumerate(tokens[:2]):
            postings = self._by_token.get(token, ())
            # A word shared by hundreds of names ("metallbau") says little: it is used only
            # when it is the rarest word of the name, and then only its first entries.
            if rank == 0 or len(postings) <= self.max_block:
                ids.update(postings[: self.max_block])
        return ids

    def match(
        self,
        name: str,
        postcode: str = "",
        city: str = "",
        website: str = "",
        *,
        min_score: float = POSSIBLE_SCORE,
        limit: int = 5,
    ) -> list[Match]:
        """Candidates for `name` at `postcode`/`city`, best first, with score ≥ `min_score`."""
        key = compare_key(name)
        if not key:
            return []
        domain = _domain(website)
        place = _norm_place(city)
        postcode = postcode.strip()
        matches: list[Match] = []
        ids = list(self._block(key, domain))
        if not ids:
            return matches
        entries = [self._entries[id] for id in ids]
        # All candidates at once (the same scores as score_keys, computed in rapidfuzz's loop).
        keys = [entry.key for entry in entries]
        if len(keys) < _BATCH_FROM:  # a call of cdist costs more than a few comparisons
            fuzzy = [
                0.5 * fuzz.token_set_ratio(key, other) + 0.5 * fuzz.token_sort_ratio(key, other)
                for other in keys
            ]
        else:
            fuzzy = (
                0.5 * process.cdist([key], keys, scorer=fuzz.token_set_ratio, dtype=np.float64)[0]
                + 0.5
                * process.cdist([key], keys, scorer=fuzz.token_sort_ratio, dtype=np.float64)[0]
            ).tolist()
        numbers = _numbers(key)
        for id, entry, similarity in zip(ids, entries, fuzzy, strict=True):
            same_website = bool(domain) and entry.domain == domain
            reasons: list[str] = []
            if entry.key == key:
                score = 100.0
                reasons.append("identical_name")
            else:
                # The place only lowers a score and only the website raises it: a name this far
                # off is no candidate, whatever else agrees.
                if similarity < min_score and not same_website:
                    continue
                score = similarity if entry.key else 0.0
                if _numbers(entry.key) != numbers:
                    score = min(score, 60.0)
                reasons.append("similar_name")
            if postcode and entry.postcode and postcode == entry.postcode:
                reasons.append("same_postcode")
            elif place and entry.city:
                if place == entry.city:
                    reasons.append("same_city")
                else:
                    # The same name in another town is often another firm (or a branch).
                    score -= 20.0
                    reasons.append("different_city")
            if same_website:
                score = max(score, 95.0)
                reasons.append("same_website")
            if score >= min_score:
                matches.append(Match(id, round(score, 1), tuple(reasons)))
        matches.sort(key=lambda m: (-m.score, m.id))
        return matches[:limit]


def score_keys(a: str, b: str) -> float:
    """Similarity 0–100 of two compare keys.

    token_set_ratio alone calls "mueller" and "mueller metallbau" identical (a subset); the
    token_sort part lowers that, so a short name is a possible, not a certain, duplicate of a
    longer one, and "müller metallbau" vs "müller elektrotechnik" stays far apart.
    """
    if not a or not b:
        return 0.0
    score = 0.5 * fuzz.token_set_ratio(a, b) + 0.5 * fuzz.token_sort_ratio(a, b)
    # "Werk 1" and "Werk 2", "Nummer 1" and "Nummer 11": names that differ in a number are
    # different organisations however alike the letters are.
    if _numbers(a) != _numbers(b):
        score = min(score, 60.0)
    return score


@functools.lru_cache(maxsize=100_000)
def _numbers(key: str) -> frozenset[str]:
    """The words of `key` that contain a digit (cached: an indexed key is compared with many
    queries, and finding them cost more than the fuzzy comparison itself)."""
    return frozenset(t for t in key.split() if any(ch.isdigit() for ch in t))


def match_candidates(
    name: str,
    postcode: str,
    city: str,
    index: NameIndex | Iterable[tuple[int, str, str, str]],
    *,
    min_score: float = POSSIBLE_SCORE,
) -> list[Match]:
    """Candidates for a name at a place among `index` (a NameIndex, or (id, name, postcode,
    city) tuples), best first: a list of (id, score, reasons)."""
    if not isinstance(index, NameIndex):
        built = NameIndex()
        for id, other, other_postcode, other_city in index:
            built.add(id, other, other_postcode, other_city)
        index = built
    return index.match(name, postcode, city, min_score=min_score)


# The organisation services call it by this name.
normalise = name_key
