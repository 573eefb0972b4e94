"""German text helpers shared by search and duplicate detection. No Django in here.

The search index is ours (see network.models.SearchTerm), so the whole analysis of German text
lives here and is the same for every database:

1. tokenise: words and codes. "ISO-9001", "3D-Druck", "CO2", "S235JR" stay together as codes;
   their parts are indexed too, so "ISO 9001" and "ISO-9001" find each other.
2. fold umlauts and ß (`fold`), so "Müller" = "Mueller", "Schweiß" = "schweiss".
3. drop stop words (German, a few English ones, legal forms like "GmbH").
4. stem with Snowball's German stemmer (pinned snowballstemmer), plus two small additions that
   Snowball leaves out and that purchasers' texts are full of: the trade suffix "-erei"
   ("Fräserei" -> "fräs", "Schweißerei" -> "schweiß") and verb forms in "-t"/"-st" ("fräst",
   "dreht", "biegt").
5. decompound long words (index side only): "Edelstahlverarbeitung" also gives "edelstahl",
   "verarbeit", "edel", "stahl". The splitter is the pinned `compound_split` package (a
   character-n-gram model trained on German): it needs no lexicon, so a word nobody put into a
   lexicon still splits, and it is deterministic, so an organisation's terms do not depend on
   which other organisations are indexed (a splitter over the index vocabulary would have that
   flaw: adding one firm would change the terms of others). Only confident splits are used.

Queries are not decompounded: a query word matches index terms equal to it, starting with it
(the modifier: "Blech" -> "blechbearbeit") or ending with it (the head: "Bearbeitung" ->
"blechbearbeit"), which the index serves with range scans on `term` and `reversed_term`.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator

import snowballstemmer

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})


def fold(text: str) -> str:
    """Lower-case `text` and fold German umlauts and ß ("Müller" -> "mueller", "Maß" -> "mass").

    Other accents are stripped ("Café" -> "cafe"), so that spellings people type without the
    special characters find the same words.
    """
    if text.isascii():  # most words: nothing to normalise, fold or strip
        return text.lower()
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed.lower()
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Compatibility forms can decompose to capitals ("ℕ" -> "N"): lower once more so that
    # folding is idempotent.
    return stripped.lower().translate(_FOLD)


# Words and codes: runs of letters/digits, joined by "-", "/" or "." when a letter or digit
# follows ("ISO-9001", "e.V.", "Dreh-/Frästeile" gives "dreh" and "fraesteile").
_TOKEN = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*")
_SPLIT_PARTS = re.compile(r"[-./]")
_ALNUM = re.compile(r"[^a-z0-9]")

STOP_WORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderen anderer anderes
    auch auf aus bei beim bin bis bist da dabei damit dann das dass dazu dem den denen der
    des dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem
    einen einer eines einige er es etwa euch euer fuer gegen hat hatte hier hin hinter ich
    ihr ihre im in ins ist ja jede jedem jeden jeder jedes jetzt kann kein keine koennen man
    mehr mein mit muss nach nicht noch nun nur ob oder ohne sehr sein seine sich sie sind so
    sowie ueber um und uns unser unsere unter viel vom von vor wann war waren was weg weil
    welche wenn wer werden wie wieder will wir wird wo zu zum zur zwischen bzw z zb ca usw
    etc inkl sowohl a an and are as at be by for from in is it of on or the to with our we
    you your gmbh mbh ag kg co ohg gbr ug ev kgaa se haftungsbeschraenkt
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_STEMMER = snowballstemmer.stemmer("german")
# Compounds shorter than this are not split: short words are rarely compounds, and prefix and
# suffix matching already cover two short parts.
_MIN_COMPOUND = 10
# Minimum score of compound_split's best split (its scores run from about -2 to 1; true splits of
# industry words score 0.5 to 1, wrong ones of plain words below 0).
_MIN_SPLIT_SCORE = 0.3
# Weight of a term that only stands inside a compound, relative to the whole word.
PART_FACTOR = 0.5
# Saturation of repeated occurrences within one field (BM25's k1).
K1 = 1.2


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one folded, lower-case German word ("fraesen" -> "fras", "fräst" -> "fras").

    Snowball's German stemmer, then two additions that make trade words meet: "-erei"
    ("schweisserei" -> "schweiss") and a final "t" of verb forms ("dreht" -> "dreh"), applied to
    every word alike, so the index and the query always agree.
    """
    word = fold(word)
    if not word.isalpha():
        return word
    result = _STEMMER.stemWord(word)
    if len(result) > 6 and result.endswith("erei"):
        result = _STEMMER.stemWord(result[:-4])
    if len(result) >= 5 and result.endswith("t"):
        result = _STEMMER.stemWord(result[:-1])
    return fold(result)


@functools.lru_cache(maxsize=200_000)
def split_compound(word: str, min_length: int = _MIN_COMPOUND) -> tuple[str, ...]:
    """The parts of a German compound, recursively ("edelstahlverarbeitung" ->
    ("edelstahl", "verarbeitung", "edel", "stahl")); () if `word` is not a confident compound.

    `word` is lower case and may carry umlauts (the model was trained on them). Parts are
    returned folded and unstemmed.
    """
    if len(word) < min_length or not word.isalpha():
        return ()
    from compound_split import char_split  # noqa: PLC0415 - 40 MB model, load only when needed

    score, modifier, head = char_split.split_compound(word)[0]
    if score < _MIN_SPLIT_SCORE:
        return ()
    modifier, head = modifier.lower(), head.lower()
    if len(modifier) < 4:  # "mit|arbeitern", "her|stellung": prefixes, not words
        return ()
    parts: list[str] = [fold(modifier), fold(head)]
    # Parts of a compound split further from 8 letters ("edelstahl" -> "edel", "stahl").
    parts.extend(split_compound(modifier, 8))
    parts.extend(split_compound(head, 8))
    return tuple(parts)


@functools.lru_cache(maxsize=200_000)
def _word_terms(word: str) -> str | None:
    folded = fold(word)
    if folded in STOP_WORDS or not folded or len(folded) > 80:
        return None
    if folded.isdigit():
        return folded if len(folded) >= 2 else None
    if not folded.isalpha():  # a code such as "3d", "co2", "s235jr"
        return _ALNUM.sub("", folded) or None
    if len(folded) < 2:
        return None
    return stem(folded)


def _tokens(text: str) -> Iterator[str]:
    yield from _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def query_terms(query: str) -> list[str]:
    """The terms a query searches for, in order, without repeats.

    "Blechbearbeitung in Dresden" -> ["blechbearbei", "dresd"]; codes are split into their parts
    ("ISO-9001" -> ["iso", "9001"]), which the index holds for both spellings.
    """
    terms: list[str] = []
    for token in _tokens(query):
        for part in _SPLIT_PARTS.split(token):
            term = _word_terms(part)
            if term and term not in terms:
                terms.append(term)
    return terms


def _saturate(tf: float) -> float:
    return tf * (K1 + 1) / (tf + K1)


@functools.lru_cache(maxsize=200_000)
def _token_terms(token: str) -> tuple[tuple[tuple[str, float], ...], str | None, str | None]:
    """The (term, occurrences) pairs of one token, the token folded if it is a number, and
    folded if it is a short word (for "ISO 9001"); cached: words repeat."""
    counts: dict[str, float] = defaultdict(float)
    parts = [p for p in _SPLIT_PARTS.split(token) if p]
    for part in parts:
        term = _word_terms(part)
        if not term:
            continue
        counts[term] += 1.0
        if part.isalpha():
            for sub in split_compound(part):
                sub_term = _word_terms(sub)
                if sub_term and sub_term != term and len(sub_term) >= 3:
                    counts[sub_term] += PART_FACTOR
    if len(parts) > 1:
        # The whole of a joined word or code: "iso9001", "3ddruck", "blechbearbei".
        term = _word_terms("".join(parts))
        if term:
            counts[term] += 1.0
    folded = fold(token)
    number = folded if folded.isdigit() else None
    short_word = folded if folded.isalpha() and len(folded) <= 5 else None
    return tuple(counts.items()), number, short_word


def _field_terms(text: str) -> dict[str, float]:
    """Term -> occurrences (parts of compounds count PART_FACTOR) for one field."""
    counts: dict[str, float] = defaultdict(float)
    previous_alpha: str | None = None
    token_terms = _token_terms
    for token in _TOKEN.findall(unicodedata.normalize("NFC", text).lower()):
        pairs, number, short_word = token_terms(token)
        for term, count in pairs:
            counts[term] += count
        # "ISO 9001", "IATF 16949", "DIN 8580": a short code word and a number also as one term.
        if number is not None and previous_alpha is not None:
            counts[previous_alpha + number] += 1.0
        previous_alpha = short_word
    return counts


# Fields up to this length are analysed once per distinct text: kinds, capability and
# certification lists, places and region names repeat across thousands of organisations.
_CACHED_FIELD_LENGTH = 300


def _saturated_terms(text: str) -> tuple[tuple[str, float], ...]:
    return tuple((term, _saturate(tf)) for term, tf in _field_terms(text).items())


_cached_saturated_terms = functools.lru_cache(maxsize=20_000)(_saturated_terms)


def index_terms(fields: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Term -> weight for a document given as (text, field weight) pairs.

    Each field contributes field weight x saturated term frequency (BM25's tf part, k1 = 1.2),
    so a term in the name (weight 3) outweighs one in the description (weight 1) however often
    the description repeats it; a term found in several fields sums up. Weights are rounded to
    6 decimals so that they are stored the same in every database.
    """
    weights: dict[str, float] = defaultdict(float)
    for text, field_weight in fields:
        if not text or field_weight <= 0:
            continue
        if len(text) <= _CACHED_FIELD_LENGTH:
            terms = _cached_saturated_terms(text)
        else:
            terms = _saturated_terms(text)
        for term, saturated in terms:
            weights[term] += field_weight * saturated
    return {term: round(weight, 6) for term, weight in sorted(weights.items()) if len(term) <= 80}


def idf(document_count: int, matching: int) -> float:
    """BM25's inverse document frequency (always positive)."""
    return math.log(1.0 + (document_count - matching + 0.5) / (matching + 0.5))


def reverse(term: str) -> str:
    """The term spelt backwards, for suffix matching with an index range scan."""
    return term[::-1]
