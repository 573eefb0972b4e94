"""Rank suppliers for a demand and say why. No Django in here.

A demand is a list of production steps (a capability key from the taxonomy, required
certifications, a material, a quantity), a delivery place and a free description. Each
candidate supplier has capabilities, certifications, materials, sites, a size class and text.
The score (0 to 1) is a weighted sum of six parts, each between 0 and 1:

- coverage (WEIGHTS["coverage"]): how much of the demand the supplier can do, step by step.
  The taxonomy is a tree of dotted keys. A supplier *covers* a step when it has the step's
  capability or one below it (a step asking for "trennen.spanen" is covered by a milling shop,
  "trennen.spanen.fraesen") and holds all of the step's certifications: the consortium
  engine's rule (FORMATS.md §2, `able_to_do`), so the ranking and the consortia say the same.
  A covered step counts 1. A supplier that only names a capability above the step's (it says
  "Biegen", the step asks for "Abkanten") probably can, but has not said so: GENERIC_MATCH;
  one that lacks a certification of the step counts CERTIFICATION_SHORT times as much. Such
  steps are never "covered"; they are explained apart (`generic`, `missing_certification`),
  and the steps nobody could do at all as `uncovered`.
- certifications: the share of the certifications the demand requires (over all steps) that
  the supplier holds (1 if none are required).
- distance: exp(-km / DISTANCE_SCALE_KM) from the supplier's site nearest the delivery place
  (short regional routes; 0.5 at about 42 km). Unknown places score DISTANCE_UNKNOWN.
- size: how the size class fits the quantity (many pieces want larger firms, prototypes small
  ones, see SIZE_FIT); unknown quantity or size is neutral; CAPACITY_BONUS more for a supplier
  that states its capacities (explained as {"kind": "capacity"}).
- material: the share of the steps' materials the supplier lists.
- text: German lexical similarity of the demand's description with the supplier's texts:
  BM25 over terms analysed by `engines.text` (umlaut folding, stemming, compound parts), i.e.
  sum over query terms of idf x saturated weight, divided by the best candidate's sum, so the
  best text match scores 1.

Explanations are structured parts the page renders and translates, never English sentences.
Steps are named by `id` and by their position (`number`, 1 for the first step):
{"kind": "coverage", "covered": 3, "total": 4, "steps": [ids covered]},
{"kind": "generic", "step": id, "number": 2, "capability": the supplier's broader key,
"step_capability": the step's key}, {"kind": "uncovered", "steps": [ids], "numbers": [3, 4]}
(steps the supplier has nothing for), {"kind": "distance", "km": 23},
{"kind": "certification", "code": "ISO 9001"}, {"kind": "missing_certification", "code": ...,
"steps": [ids], "numbers": [...]} (the steps asking for it), {"kind": "size", "size": "small",
"fit": "good", "fits": true} (fit: good, fair or poor; fits unless poor), {"kind": "capacity"},
{"kind": "material", "key": "edelstahl"}, {"kind": "text", "terms": ["Edelstahl"]} (the
description's words that matched, as written; numbers and units never count as words).

Everything is vectorised over a `CandidateTable` (capabilities etc. as flat arrays with offsets),
so a service can keep one table of the whole directory in memory and rank tens of thousands of
candidates in a few milliseconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .geo import EARTH_RADIUS_KM
from .text import idf, index_terms, query_terms

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

WEIGHTS: dict[str, float] = {
    "coverage": 0.40,
    "certifications": 0.15,
    "distance": 0.20,
    "size": 0.07,
    "material": 0.05,
    "text": 0.13,
}
GENERIC_MATCH = 0.5
# A step the supplier has the capability for but not all of the step's certifications.
CERTIFICATION_SHORT = 0.5
DISTANCE_SCALE_KM = 60.0
DISTANCE_UNKNOWN = 0.0
SIZES = ("micro", "small", "medium", "large")
# Quantity (pieces, summed over steps' largest) -> fit per size class.
SIZE_FIT: tuple[tuple[float, dict[str, float]], ...] = (
    (50, {"micro": 1.0, "small": 1.0, "medium": 0.7, "large": 0.4}),
    (5_000, {"micro": 0.6, "small": 1.0, "medium": 1.0, "large": 0.7}),
    (math.inf, {"micro": 0.2, "small": 0.6, "medium": 1.0, "large": 1.0}),
)
NEUTRAL = 0.5
# Added to the size part (at most 1) for a supplier that states its capacities (machines, free
# capacity, batch sizes): a buyer can check the fit at once.
CAPACITY_BONUS = 0.2
# Description words that say nothing about the work (units, quantities); numbers never count.
NOT_DESCRIPTIVE = frozenset({"mm", "cm", "dm", "km", "kg", "µm", "um", "stuck", "stk", "ca"})
MAX_TEXT_TERMS = 12


@dataclass(frozen=True)
class DemandStep:
    """One production step of a demand."""

    capability: str
    certifications: tuple[str, ...] = ()
    material: str = ""
    quantity: int | None = None
    id: str = ""


@dataclass(frozen=True)
class RankingDemand:
    """What is needed and where it goes; `text` is the free description (title, details)."""

    steps: tuple[DemandStep, ...]
    lat: float | None = None
    lon: float | None = None
    text: str = ""


@dataclass
class CandidateTable:
    """Candidate suppliers as arrays. Build with `CandidateTable.build(...)`.

    Lists per candidate are stored flat: the capabilities of candidate i are
    `cap_codes[cap_start[i]:cap_start[i + 1]]`, codes into `cap_keys`; the same for
    certifications, materials and sites (site_lat/site_lon).
    """

    ids: list[Any]
    cap_keys: list[str]
    cap_start: IntArray
    cap_codes: IntArray
    cert_keys: list[str]
    cert_start: IntArray
    cert_codes: IntArray
    mat_keys: list[str]
    mat_start: IntArray
    mat_codes: IntArray
    site_start: IntArray
    site_lat: FloatArray
    site_lon: FloatArray
    size: npt.NDArray[np.int8]  # index into SIZES, -1 unknown
    capacity: npt.NDArray[np.bool_] | None = None  # states machines/free capacity/batch sizes
    texts: list[str] | None = None  # for text similarity without a prepared index
    _text_index: dict[str, dict[int, float]] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls,
        ids: Sequence[Any],
        capabilities: Sequence[Sequence[str]],
        certifications: Sequence[Sequence[str]],
        sites: Sequence[Sequence[tuple[float, float]]],
        sizes: Sequence[str | None],
        materials: Sequence[Sequence[str]] | None = None,
        texts: Sequence[str] | None = None,
        capacity: Sequence[bool] | None = None,
    ) -> CandidateTable:
        """A table from per-candidate lists (all sequences in the order of `ids`)."""
        n = len(ids)
        empty: list[Sequence[str]] = [()] * n
        cap_keys, cap_start, cap_codes = _flatten(capabilities)
        cert_keys, cert_start, cert_codes = _flatten(certifications)
        mat_keys, mat_start, mat_codes = _flatten(materials if materials is not None else empty)
        counts = np.array([len(s) for s in sites], dtype=np.intp)
        site_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
        flat = [p for s in sites for p in s]
        site_lat = np.array([p[0] for p in flat], dtype=np.float64)
        site_lon = np.array([p[1] for p in flat], dtype=np.float64)
        size_index = {s: k for k, s in enumerate(SIZES)}
        size = np.array([size_index.get(s or "", -1) for s in sizes], dtype=np.int8)
        return cls(
            list(ids),
            cap_keys,
            cap_start,
            cap_codes,
            cert_keys,
            cert_start,
            cert_codes,
            mat_keys,
            mat_start,
            mat_codes,
            site_start,
            site_lat,
            site_lon,
            size,
            np.array(capacity, dtype=bool) if capacity is not None else None,
            list(texts) if texts is not None else None,
        )

    def text_postings(self, terms: Sequence[str]) -> dict[str, dict[int, float]]:
        """Term -> {candidate position: weight} from `texts` (analysed once, then cached)."""
        if self._text_index is None:
            index: dict[str, dict[int, float]] = {}
            for position, text in enumerate(self.texts or []):
                for term, weight in index_terms([(text, 1.0)]).items():
                    index.setdefault(term, {})[position] = weight
            self._text_index = index
        return {t: self._text_index.get(t, {}) for t in terms}


def _flatten(rows: Sequence[Sequence[str]]) -> tuple[list[str], IntArray, IntArray]:
    keys: dict[str, int] = {}
    codes: list[int] = []
    start = [0]
    for row in rows:
        for value in dict.fromkeys(row):
            codes.append(keys.setdefault(value, len(keys)))
        start.append(len(codes))
    return list(keys), np.array(start, dtype=np.intp), np.array(codes, dtype=np.intp)


def _has_any(start: IntArray, codes: IntArray, wanted: BoolArray) -> BoolArray:
    """Per candidate: whether any of its codes is marked in `wanted` (a mask over the keys)."""
    if len(codes) == 0 or not wanted.any():
        return np.zeros(len(start) - 1, dtype=bool)
    hits = wanted[codes].astype(np.int64)
    cumulative = np.concatenate([[0], np.cumsum(hits)])
    return (cumulative[start[1:]] - cumulative[start[:-1]]) > 0


def _key_mask(keys: list[str], test: Any) -> BoolArray:
    return np.array([bool(test(k)) for k in keys], dtype=bool)


def _nearest_km(table: CandidateTable, lat: float, lon: float) -> FloatArray:
    """Per candidate: km from its nearest site to (lat, lon); inf without sites."""
    n = len(table)
    if len(table.site_lat) == 0:
        return np.full(n, np.inf)
    phi, lam = math.radians(lat), math.radians(lon)
    sphi, slam = np.radians(table.site_lat), np.radians(table.site_lon)
    h = np.sin((sphi - phi) / 2) ** 2 + np.cos(sphi) * math.cos(phi) * np.sin((slam - lam) / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    km = np.where(np.isnan(km), np.inf, km)
    out = np.full(n, np.inf)
    has = table.site_start[1:] > table.site_start[:-1]
    if has.any():
        starts = table.site_start[:-1][has]
        out[has] = np.minimum.reduceat(km, starts)
    return out


def capability_match(step_key: str, supplier_key: str) -> float:
    """1 if `supplier_key` is the step's capability or below it, GENERIC_MATCH if it is above
    it (more general), else 0."""
    if supplier_key == step_key or supplier_key.startswith(step_key + "."):
        return 1.0
    if step_key.startswith(supplier_key + "."):
        return GENERIC_MATCH
    return 0.0


def relevant_capabilities(steps: Sequence[DemandStep]) -> list[str]:
    """Keys whose holders may match: each step's key and its ancestors (holders of keys below a
    step's key are found by prefix)."""
    out: list[str] = []
    for step in steps:
        parts = step.capability.split(".")
        for k in range(1, len(parts) + 1):
            key = ".".join(parts[:k])
            if key not in out:
                out.append(key)
    return out


@dataclass
class Ranked:
    """One ranked candidate: its id, score (0..1), the six parts' values and the explanation."""

    id: Any
    score: float
    components: dict[str, float]
    parts: list[dict[str, Any]]
    distance_km: float | None
    covered_steps: list[str]


def _size_fit(quantity: int | None) -> dict[str, float] | None:
    if quantity is None or quantity <= 0:
        return None
    for limit, fit in SIZE_FIT:
        if quantity <= limit:
            return fit
    return None


_WORD = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*")


def text_terms(text: str) -> dict[str, str]:
    """Query term -> the first word of the text that gave it (for the explanation), at most
    MAX_TEXT_TERMS, in the text's order. Numbers ("500", "1.200") and units ("mm") are left
    out: they say nothing about which supplier fits."""
    words: dict[str, str] = {}
    for token in _WORD.findall(text):
        if not any(ch.isalpha() for ch in token):
            continue
        for term in query_terms(token):
            if term in NOT_DESCRIPTIVE or not any(ch.isalpha() for ch in term):
                continue
            words.setdefault(term, token)
            if len(words) >= MAX_TEXT_TERMS:
                return words
    return words


def _capability_mask(table: CandidateTable, step_key: str, value: float) -> BoolArray:
    """Per candidate: whether one of its capabilities matches `step_key` with this value."""
    return _has_any(
        table.cap_start,
        table.cap_codes,
        _key_mask(table.cap_keys, lambda k: capability_match(step_key, k) == value),
    )


def holds_all(table: CandidateTable, codes: Sequence[str]) -> BoolArray:
    """Per candidate: whether it holds every one of these certifications."""
    out = np.ones(len(table), dtype=bool)
    index = {k: j for j, k in enumerate(table.cert_keys)}
    for code in dict.fromkeys(codes):
        wanted = np.zeros(len(table.cert_keys), dtype=bool)
        if code not in index:
            return np.zeros(len(table), dtype=bool)
        wanted[index[code]] = True
        out &= _has_any(table.cert_start, table.cert_codes, wanted)
    return out


def able_to_do(
    table: CandidateTable, capability: str, certifications: Sequence[str] = ()
) -> BoolArray:
    """Per candidate: whether it can do a step (the step's capability or one below it, and all
    of the step's certifications): the consortium engine's rule, FORMATS.md §2."""
    return _capability_mask(table, capability, 1.0) & holds_all(table, certifications)


def broader_capability(step_key: str, keys: Sequence[str]) -> str | None:
    """Of `keys`, the nearest one above `step_key` in the taxonomy (None if none is)."""
    above = [k for k in keys if step_key.startswith(k + ".")]
    return max(above, key=len) if above else None


def rank(
    demand: RankingDemand,
    table: CandidateTable,
    *,
    limit: int = 50,
    candidates: IntArray | None = None,
    postings: Mapping[str, Mapping[int, float]] | None = None,
    document_count: int | None = None,
    document_frequency: Mapping[str, int] | None = None,
) -> list[Ranked]:
    """The `limit` best candidates for `demand`, best first, with explanations.

    Only candidates with a capability for at least one step (the step's, one below or one
    above it) are ranked, whether or not they hold its certifications; `candidates`
    restricts to those positions (e.g. the publicly visible ones). Text similarity uses
    `postings` (term -> {position: weight}, e.g. from the search index) if given, else the
    table's `texts`; idf from `document_count`/`document_frequency` if given, else from the
    postings. Ties are broken by position, so the order is deterministic.
    """
    n = len(table)
    steps = demand.steps
    if n == 0 or not steps:
        return []
    mask = np.zeros(n, dtype=bool)
    if candidates is None:
        mask[:] = True
    else:
        mask[np.asarray(candidates, dtype=np.intp)] = True

    # Per step: the capability or one below it (full), only one above it (generic), and
    # whether the supplier holds the step's certifications; covered = full and certified.
    full = np.zeros((len(steps), n), dtype=bool)
    generic = np.zeros((len(steps), n), dtype=bool)
    certified = np.zeros((len(steps), n), dtype=bool)
    for i, step in enumerate(steps):
        full[i] = _capability_mask(table, step.capability, 1.0)
        generic[i] = ~full[i] & _capability_mask(table, step.capability, GENERIC_MATCH)
        certified[i] = holds_all(table, step.certifications)
    covered_mask = full & certified
    step_value = (full.astype(np.float64) + GENERIC_MATCH * generic) * np.where(
        certified, 1.0, CERTIFICATION_SHORT
    )
    mask &= (full | generic).any(axis=0)
    positions = np.nonzero(mask)[0]
    if len(positions) == 0:
        return []
    coverage = step_value[:, positions].mean(axis=0)

    # Certifications over all steps.
    required = list(dict.fromkeys(c for s in steps for c in s.certifications))
    held = np.zeros((len(required), len(positions)), dtype=bool)
    for j, code in enumerate(required):
        held[j] = holds_all(table, [code])[positions]
    certifications = held.mean(axis=0) if required else np.ones(len(positions))

    # Distance.
    if demand.lat is not None and demand.lon is not None:
        km = _nearest_km(table, demand.lat, demand.lon)[positions]
        distance = np.where(np.isfinite(km), np.exp(-km / DISTANCE_SCALE_KM), DISTANCE_UNKNOWN)
    else:
        km = np.full(len(positions), np.inf)
        distance = np.full(len(positions), NEUTRAL)

    # Size and capacity fit: by the largest quantity of the steps.
    quantities = [s.quantity for s in steps if s.quantity]
    fit = _size_fit(max(quantities) if quantities else None)
    sizes = table.size[positions]
    if fit is None:
        size = np.full(len(positions), NEUTRAL)
    else:
        lookup = np.array([fit[s] for s in SIZES] + [NEUTRAL])
        size = lookup[np.where(sizes < 0, len(SIZES), sizes)]

    stated = (
        table.capacity[positions] if table.capacity is not None else np.zeros(len(positions), bool)
    )
    size = np.minimum(1.0, size + CAPACITY_BONUS * stated)

    # Materials.
    wanted_materials = list(dict.fromkeys(s.material for s in steps if s.material))
    mat_index = {k: j for j, k in enumerate(table.mat_keys)}
    has_material = np.zeros((len(wanted_materials), len(positions)), dtype=bool)
    for j, key in enumerate(wanted_materials):
        wanted = np.zeros(len(table.mat_keys), dtype=bool)
        if key in mat_index:
            wanted[mat_index[key]] = True
        has_material[j] = _has_any(table.mat_start, table.mat_codes, wanted)[positions]
    material = has_material.mean(axis=0) if wanted_materials else np.full(len(positions), NEUTRAL)

    # Text: BM25 over analysed terms.
    words = text_terms(demand.text)
    terms = list(words)
    text = np.zeros(len(positions))
    matched_terms: list[FloatArray] = []
    if terms:
        found = postings if postings is not None else table.text_postings(terms)
        documents = document_count if document_count is not None else n
        for term in terms:
            entries = found.get(term, {})
            df = (document_frequency or {}).get(term, len(entries))
            factor = idf(max(documents, df), df)
            dense = np.zeros(n)
            if entries:
                keys = np.fromiter(entries.keys(), dtype=np.intp, count=len(entries))
                values = np.fromiter(entries.values(), dtype=np.float64, count=len(entries))
                dense[keys] = values
            column = dense[positions]
            text += factor * column
            matched_terms.append(column)
        best = float(text.max()) if len(text) else 0.0
        if best > 0:
            text = text / best

    parts = {
        "coverage": coverage,
        "certifications": certifications,
        "distance": distance,
        "size": size,
        "material": material,
        "text": text,
    }
    score = sum(WEIGHTS[name] * values for name, values in parts.items())
    order = np.lexsort((positions, -np.round(score, 12)))[: max(0, limit)]

    out: list[Ranked] = []
    for k in order.tolist():
        position = int(positions[k])
        explanation: list[dict[str, Any]] = []
        ids = [step.id or str(i + 1) for i, step in enumerate(steps)]
        covered = [ids[i] for i in range(len(steps)) if covered_mask[i, position]]
        explanation.append(
            {"kind": "coverage", "covered": len(covered), "total": len(steps), "steps": covered}
        )
        own_keys = [
            table.cap_keys[c]
            for c in table.cap_codes[table.cap_start[position] : table.cap_start[position + 1]]
        ]
        nothing: list[int] = []
        for i, step in enumerate(steps):
            if generic[i, position]:
                explanation.append(
                    {
                        "kind": "generic",
                        "step": ids[i],
                        "number": i + 1,
                        "capability": broader_capability(step.capability, own_keys)
                        or step.capability,
                        "step_capability": step.capability,
                    }
                )
            elif not full[i, position]:
                nothing.append(i)
        if nothing:
            explanation.append(
                {
                    "kind": "uncovered",
                    "steps": [ids[i] for i in nothing],
                    "numbers": [i + 1 for i in nothing],
                }
            )
        if np.isfinite(km[k]):
            explanation.append({"kind": "distance", "km": int(round(float(km[k])))})
        for j, code in enumerate(required):
            if held[j, k]:
                explanation.append({"kind": "certification", "code": code})
                continue
            asking = [i for i, step in enumerate(steps) if code in step.certifications]
            explanation.append(
                {
                    "kind": "missing_certification",
                    "code": code,
                    "steps": [ids[i] for i in asking],
                    "numbers": [i + 1 for i in asking],
                }
            )
        if fit is not None and sizes[k] >= 0:
            value = float(size[k])
            label = "good" if value >= 0.99 else ("fair" if value >= 0.6 else "poor")
            explanation.append(
                {"kind": "size", "size": SIZES[int(sizes[k])], "fit": label, "fits": value >= 0.6}
            )
        if stated[k]:
            explanation.append({"kind": "capacity"})
        for j, key in enumerate(wanted_materials):
            if has_material[j, k]:
                explanation.append({"kind": "material", "key": key})
        hits = [words[t] for t, column in zip(terms, matched_terms, strict=True) if column[k] > 0]
        if hits:
            explanation.append({"kind": "text", "terms": hits})
        out.append(
            Ranked(
                id=table.ids[position],
                score=round(float(score[k]), 6),
                components={name: round(float(v[k]), 6) for name, v in parts.items()},
                parts=explanation,
                distance_km=round(float(km[k]), 3) if np.isfinite(km[k]) else None,
                covered_steps=covered,
            )
        )
    return out
