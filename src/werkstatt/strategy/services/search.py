"""Searching recommendations and theses with the directory's German text analysis.

The terms of a recommendation's title and text come from engines/text.py (`index_terms`: umlauts
and ß folded, Snowball stems, long compounds split into their parts) and are kept in
RecommendationTerm whenever a recommendation is saved. A query's terms (`query_terms`) match a
stored term that equals them, starts with them (from three letters: "Digital" finds
"Digitalisierungslotsen") or ends with them (from four letters, via the reversed term:
"Werkstatt" finds "Ausbildungswerkstätten"), always as index range scans; all query terms must
match. So "Gewerbeflaechen" finds "Gewerbeflächen", on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_save

from werkstatt.engines.text import index_terms, query_terms, reverse

from ..models import Recommendation, RecommendationTerm

#: Above every character a term can hold: `term < x + HIGH` ends the range of terms starting x.
HIGH = "\uffff"
MAX_QUERY_TERMS = 8
TITLE_WEIGHT, TEXT_WEIGHT = 3.0, 1.0


def terms_of(rec: Recommendation) -> list[str]:
    return sorted(index_terms([(rec.title, TITLE_WEIGHT), (rec.text, TEXT_WEIGHT)]))


def index_recommendations(recs: Iterable[Recommendation]) -> None:
    """(Re)write the search terms of these recommendations."""
    recs = [r for r in recs if r.pk]
    if not recs:
        return
    with transaction.atomic():
        RecommendationTerm.objects.filter(recommendation__in=[r.pk for r in recs]).delete()
        RecommendationTerm.objects.bulk_create(
            RecommendationTerm(recommendation_id=r.pk, term=t, reversed_term=reverse(t))
            for r in recs
            for t in terms_of(r)
        )


def reindex_all(batch: int = 500) -> int:
    """Index every recommendation again (after a change of the text analysis)."""
    done = 0
    qs = Recommendation.objects.only("pk", "title", "text").order_by("pk")
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:batch])
        if not chunk:
            return done
        index_recommendations(chunk)
        done += len(chunk)
        last = chunk[-1].pk


def _term_match(term: str) -> Q:
    match = Q(term__gte=term, term__lt=term + HIGH) if len(term) >= 3 else Q(term=term)
    if len(term) >= 4 and term.isalpha():
        backwards = reverse(term)
        match |= Q(reversed_term__gte=backwards, reversed_term__lt=backwards + HIGH)
    return match


def matching(qs: QuerySet[Recommendation], query: str) -> QuerySet[Recommendation]:
    """The recommendations of `qs` whose title or text hold every term of `query`; none if
    the query has no searchable word (only stop words)."""
    terms = query_terms(query)[:MAX_QUERY_TERMS]
    if not terms:
        return qs.none() if query.strip() else qs
    for term in terms:
        found = RecommendationTerm.objects.filter(_term_match(term)).values("recommendation_id")
        qs = qs.filter(pk__in=found)
    return qs


_deferred = threading.local()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Save recommendations without indexing each (the caller indexes them in one go, or
    leaves it to reindex_all, as the demo does for tests)."""
    _deferred.on = True
    try:
        yield
    finally:
        _deferred.on = False


def _saved(sender: Any, instance: Recommendation, update_fields: Any = None, **kwargs: Any):
    if kwargs.get("raw") or getattr(_deferred, "on", False):
        return
    if update_fields is not None and not {"title", "text"} & set(update_fields):
        return
    index_recommendations([instance])


post_save.connect(_saved, sender=Recommendation, dispatch_uid="strategy-recommendation-terms")
