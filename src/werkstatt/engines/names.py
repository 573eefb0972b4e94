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
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

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
            "g m b h",
            "mbh",
            "m b h",
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
    same_website, different_website.
    """

    id: int
    score: float
    reasons: tuple[str, ...]


@functools.lru_cache(maxsize=100_000)
def _sorted_key(key: str) -> str:
    """`key` with its words in alphabetical order: rapidfuzz's token_sort_ratio of two keys is
    the plain ratio of these (the words need not be split and sorted again for every pair), and
    token_set_ratio is the same for any order of the words."""
    return " ".join(sorted(key.split()))


def _numbers_code(key: str) -> str:
    return " ".join(sorted(_numbers(key)))


class _Growing:
    """A NumPy array that grows by doubling; a view of the filled part costs nothing, so a
    query reads a word's thousand entries without copying them."""

    __slots__ = ("array", "size")

    def __init__(self, dtype: Any = np.int64, capacity: int = 4) -> None:
        self.array = np.empty(capacity, dtype=dtype)
        self.size = 0

    def append(self, value: Any) -> None:
        if self.size == len(self.array):
            self.array = np.concatenate([self.array, np.empty_like(self.array)])
        self.array[self.size] = value
        self.size += 1

    def view(self) -> np.ndarray:
        return self.array[: self.size]


# The columns of NameIndex._codes: each a string's number in NameIndex._strings (0 = empty).
_KEY, _NUMBERS, _POSTCODE, _CITY, _DOMAIN = range(5)
_NO_CODE = -1  # a string no entry has
_EMPTY: np.ndarray = np.empty(0, dtype=np.int64)


class NameIndex:
    """An in-memory index of organisation names for duplicate detection.

    Blocking: a query is compared only with the entries that
    1. have the same compare key, or the same web domain;
    2. share one of the two rarest of its words that entries have, if at most `max_block`
       entries have that word;
    3. share two of its words (the first `max_block` entries of each pair of words);
    4. share its rarest word and its postcode or place, when more than `max_block` entries
       have that word (the first `max_block` of them; without a place and a second word: the
       first `max_block` entries with the word).
    Words are ranked by how many entries have them, equal counts alphabetically. So a file of
    50,000 rows against 50,000 organisations stays fast, and "Sächsische Anlagenbau GmbH" is
    compared with the other "Sächsische Anlagenbau" firms and the "Anlagenbau" in its town,
    not with the first of a thousand "Anlagenbau". A name that shares only a common word
    with another can only be a duplicate if its other words are a typo of the other's (see
    `score_keys`), and is missed by the blocking in another town.

    Scoring is vectorised: the entries' keys, places and domains are numbers in a NumPy array,
    the candidates' word-sorted keys go through rapidfuzz's cdist, first with the plain ratio
    (token_sort_ratio; a bound that drops most candidates) and then with token_set_ratio for
    those left. `tests/engines/test_names.py` checks the result against a plain pairwise
    implementation of the same rules on random inputs.
    """

    def __init__(self, max_block: int = 50) -> None:
        self.max_block = max_block
        self._ids: list[int] = []
        self._sorted = _Growing(object, 256)  # each entry's compare key, its words sorted
        self._codes = np.zeros((256, 5), dtype=np.int64)
        self._strings: dict[str, int] = {"": 0}
        self._by_key: dict[int, _Growing] = {}
        self._by_word: dict[str, _Growing] = {}
        self._by_pair: dict[tuple[str, str], _Growing] = {}
        self._by_domain: dict[int, _Growing] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def _code(self, text: str) -> int:
        code = self._strings.get(text)
        if code is None:
            code = self._strings[text] = len(self._strings)
        return code

    def add(
        self, id: int, name: str, postcode: str = "", city: str = "", website: str = ""
    ) -> None:
        key = compare_key(name)
        domain = _domain(website)
        position = len(self._ids)
        if position == len(self._codes):
            self._codes = np.concatenate([self._codes, np.zeros_like(self._codes)])
        codes = (
            self._code(key),
            self._code(_numbers_code(key)),
            self._code(postcode.strip()),
            self._code(_norm_place(city)),
            self._code(domain),
        )
        self._codes[position] = codes
        self._ids.append(id)
        self._sorted.append(_sorted_key(key))
        _posting(self._by_key, codes[_KEY]).append(position)
        words = _sorted_words(key)
        for word in words:
            _posting(self._by_word, word).append(position)
        for pair in itertools.combinations(words, 2):
            _posting(self._by_pair, pair).append(position)
        if domain:
            _posting(self._by_domain, codes[_DOMAIN]).append(position)

    def candidates(
        self, key: str, postcode: str = "", city: str = "", website: str = ""
    ) -> np.ndarray:
        """Positions (in the order of `add`) of the entries a query is compared with, sorted;
        the rules are in the class docstring. `key` is a compare key."""
        limit = self.max_block
        parts = [_view(self._by_key, self._strings.get(key, _NO_CODE))]
        domain = _domain(website)
        if domain:
            parts.append(_view(self._by_domain, self._strings.get(domain, _NO_CODE)))
        # Words no entry has tell nothing: ranked are the words entries have.
        by_word = self._by_word
        known = [w for w in _sorted_words(key) if w in by_word]
        ranked = sorted(known, key=lambda w: (by_word[w].size, w))
        if ranked:
            rarest = by_word[ranked[0]].view()
            if len(rarest) <= limit:
                parts.append(rarest)
            else:
                postcode, place = postcode.strip(), _norm_place(city)
                if postcode or place:
                    codes = self._codes[rarest]
                    near = np.zeros(len(rarest), dtype=bool)
                    if postcode:
                        near |= codes[:, _POSTCODE] == self._strings.get(postcode, _NO_CODE)
                    if place:
                        near |= codes[:, _CITY] == self._strings.get(place, _NO_CODE)
                    parts.append(rarest[near][:limit])
                elif len(ranked) == 1:
                    parts.append(rarest[:limit])
        if len(ranked) > 1:
            second = by_word[ranked[1]].view()
            if len(second) <= limit:
                parts.append(second)
            for pair in itertools.combinations(known, 2):
                found = self._by_pair.get(pair)
                if found is not None:
                    parts.append(found.array[: min(found.size, limit)])
        parts = [part for part in parts if len(part)]
        if len(parts) == 1:
            return parts[0]
        return np.unique(np.concatenate(parts)) if parts else _EMPTY

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
        """Candidates for `name` at `postcode`/`city`, best first, with score ≥ `min_score`.

        The score of a candidate: `score_keys` of the two keys (100 for the same key), minus 20
        when both have a place and the places differ (unless the postcodes are the same), minus
        20 when both have a website and the domains differ, at least 95 with the same domain.
        A name below `min_score` is no candidate whatever the place, unless the website is the
        same.
        """
        key = compare_key(name)
        if not key or not self._ids:
            return []
        domain = _domain(website)
        place = _norm_place(city)
        postcode = postcode.strip()
        positions = self.candidates(key, postcode, city, website)
        if not len(positions):
            return []
        strings = self._strings
        codes = self._codes[positions]
        query = _sorted_key(key)
        choices = self._sorted.array[positions].tolist()
        token_sort = process.cdist([query], choices, scorer=fuzz.ratio, dtype=np.float64)[0]
        identical = codes[:, _KEY] == strings.get(key, _NO_CODE)
        same_website = (
            codes[:, _DOMAIN] == strings.get(domain, _NO_CODE)
            if domain
            else np.zeros(len(positions), dtype=bool)
        )
        # token_set_ratio is at most 100: the rest cannot reach min_score on their name.
        keep = np.flatnonzero((50.0 + 0.5 * token_sort >= min_score) | identical | same_website)
        if not len(keep):
            return []
        codes, identical, same_website = codes[keep], identical[keep], same_website[keep]
        token_set = process.cdist(
            [query],
            [choices[i] for i in keep.tolist()],
            scorer=fuzz.token_set_ratio,
            dtype=np.float64,
        )[0]
        similarity = 0.5 * token_set + 0.5 * token_sort[keep]
        candidate = identical | (similarity >= min_score) | same_website
        score = np.where(identical, 100.0, np.where(codes[:, _KEY] == 0, 0.0, similarity))
        # "Werk 1" and "Werk 2": names that differ in a number are different organisations.
        other_numbers = codes[:, _NUMBERS] != strings.get(_numbers_code(key), _NO_CODE)
        named = np.where(~identical & other_numbers, np.minimum(score, 60.0), score)
        none = np.zeros(len(keep), dtype=bool)
        same_postcode = codes[:, _POSTCODE] == strings.get(postcode, _NO_CODE) if postcode else none
        same_city, other_city = none, none
        if place:
            has_city = codes[:, _CITY] != 0
            same_city = (
                ~same_postcode & has_city & (codes[:, _CITY] == strings.get(place, _NO_CODE))
            )
            # The same name in another town is often another firm (or a branch).
            other_city = ~same_postcode & has_city & ~same_city
        # Two websites: two firms, more likely than not.
        other_website = (codes[:, _DOMAIN] != 0) & ~same_website if domain else none
        score = named - 20.0 * other_city - 20.0 * other_website
        final = np.where(same_website, np.maximum(score, 95.0), score)
        matches: list[Match] = []
        for i in np.flatnonzero(candidate & (final >= min_score)).tolist():
            position = int(positions[keep[i]])
            value = float(final[i])
            # Checked in Python for the few left: capped like numbers, before the place counts.
            if (
                not identical[i]
                and not same_website[i]
                and _other_words(key, self._sorted.array[position])
            ):
                value = min(float(named[i]), 60.0) - 20.0 * bool(other_city[i])
                value -= 20.0 * bool(other_website[i])
                if value < min_score:
                    continue
            reasons = ["identical_name" if identical[i] else "similar_name"]
            if same_postcode[i]:
                reasons.append("same_postcode")
            elif same_city[i]:
                reasons.append("same_city")
            elif other_city[i]:
                reasons.append("different_city")
            if same_website[i]:
                reasons.append("same_website")
            elif other_website[i]:
                reasons.append("different_website")
            matches.append(Match(self._ids[position], round(value, 1), tuple(reasons)))
        matches.sort(key=lambda m: (-m.score, m.id))
        return matches[:limit]


def _posting(postings: dict, key: Any) -> _Growing:
    found = postings.get(key)
    if found is None:
        found = postings[key] = _Growing()
    return found


def _view(postings: dict, key: Any) -> np.ndarray:
    found = postings.get(key)
    return _EMPTY if found is None else found.view()


@functools.lru_cache(maxsize=100_000)
def _sorted_words(key: str) -> tuple[str, ...]:
    return tuple(sorted(set(key.split())))


def score_keys(a: str, b: str) -> float:
    """Similarity 0–100 of two compare keys.

    token_set_ratio alone calls "mueller" and "mueller metallbau" identical (a subset); the
    token_sort part lowers that, so a short name is a possible, not a certain, duplicate of a
    longer one, and "müller metallbau" vs "müller elektrotechnik" stays far apart. Names that
    differ in a number or in a word (`_other_words`) score at most 60: no candidate.
    """
    if not a or not b:
        return 0.0
    score = 0.5 * fuzz.token_set_ratio(a, b) + 0.5 * fuzz.token_sort_ratio(a, b)
    # "Werk 1" and "Werk 2", "Nummer 1" and "Nummer 11": names that differ in a number are
    # different organisations however alike the letters are.
    if _numbers(a) != _numbers(b) or _other_words(a, b):
        score = min(score, 60.0)
    return score


@functools.lru_cache(maxsize=100_000)
def _words(key: str) -> frozenset[str]:
    return frozenset(key.split())


def _alike(a: str, b: str) -> bool:
    """A typo or an abbreviation of each other: one letter wrong, missing, extra or two swapped
    ("schmidt"/"schmitt", "hofmann"/"hoffmann"), or one the start of the other ("sachs" and
    "sachsische", "h" and "hans"). "Frästechnik" and "Glastechnik" are two words."""
    return a.startswith(b) or b.startswith(a) or OSA.distance(a, b, score_cutoff=1) <= 1


def _other_words(a: str, b: str) -> bool:
    """Whether two keys differ in a word: each has words the other lacks, and none of them is
    alike one of the other's. "Stephan Blechbearbeitung" and "Hähnel Blechbearbeitung" share
    the long word and score 85, but are two firms; "Leipziger Industriesoftware" and
    "Leipziger Industriesoftware Franke" may be one (a name is a part of the other), and
    "Schmitt Feinmechanik" is a typo of "Schmidt Feinmechanik"."""
    words_a, words_b = _words(a), _words(b)
    only_a, only_b = words_a - words_b, words_b - words_a
    if not only_a or not only_b:
        return False
    return not any(_alike(x, y) for x in only_a for y in only_b)


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
