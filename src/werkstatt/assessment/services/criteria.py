"""A process's criteria: the defaults are created the first time they are needed."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from werkstatt.strategy.models import Process

from ..models import Criterion

DEFAULT_CRITERIA = (
    ("relevance", False),
    ("district_fit", True),
    ("feasibility", False),
    ("urgency", False),
)


def criteria_of(process: Process) -> list[Criterion]:
    """The criteria of `process` in order; creates the default four if it has none."""
    found = list(Criterion.objects.filter(process=process).order_by("order", "pk"))
    if found:
        return found
    return do_create_default_criteria(process)


def do_create_default_criteria(process: Process) -> list[Criterion]:
    try:
        with transaction.atomic():
            Criterion.objects.bulk_create(
                [
                    Criterion(process=process, key=key, order=k, per_district=per_district)
                    for k, (key, per_district) in enumerate(DEFAULT_CRITERIA)
                ]
            )
    except IntegrityError:
        pass  # someone else created them at the same moment
    return list(Criterion.objects.filter(process=process).order_by("order", "pk"))
