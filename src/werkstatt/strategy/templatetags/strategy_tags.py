"""Template helpers of the strategy workshop."""

from __future__ import annotations

from typing import Any

import rules
from django import template

from ..models import Process, Recommendation
from ..services.audit import detail_lines
from ..services.names import public_name as _public_name

register = template.Library()


@register.filter
def public_name(user: Any) -> str:
    """The name a person shows others; never their e-mail address."""
    return _public_name(user)


@register.simple_tag
def sees_assessment(user: Any, process: Process) -> bool:
    """Whether the assessment pages of `process` answer this person (the tab of the process
    navigation): asked of the assessment app's rule by its name, so strategy needn't import it."""
    return bool(user.has_perm("assessment.view_results", process))


@register.simple_tag
def sees_fit_assessment(user: Any, rec: Recommendation) -> bool:
    """Whether the fit assessment page of one recommendation answers this person.

    The assessment app's rules decide: `assessment.view_recommendation` when it registers one;
    until then its results rule for the process, and only for what takes part in the assessment
    at all (a published recommendation, not a thesis, not set aside)."""
    if rules.perm_exists("assessment.view_recommendation"):
        return bool(user.has_perm("assessment.view_recommendation", rec))
    return (
        rec.is_published
        and rec.kind == Recommendation.Kind.RECOMMENDATION
        and rec.status != Recommendation.Status.DECLINED
        and user.has_perm("strategy.view_recommendation", rec)
        and sees_assessment(user, rec.process)
    )


@register.filter
def audit_details(action: Any) -> list[tuple[str, str]]:
    """An audit-trail row's details as (label, value) in the reader's language."""
    return detail_lines(action)


@register.simple_tag
def has_perm(user: Any, name: str, obj: Any = None) -> bool:
    """`user.has_perm(name, obj)` in a template, for the pages of the apps built on strategy
    (their rules are registered by name; strategy imports none of them)."""
    return bool(user.has_perm(name, obj))
