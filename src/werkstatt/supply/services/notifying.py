"""Tell the admins of an organisation about something in the supply network.

Through the notifications app's `notify`: an in-platform notification plus an e-mail now or in
the daily digest, as each person chose.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from werkstatt.network.models import Organisation, OrganisationMembership
from werkstatt.notifications.services import notify


def organisation_admins(organisation: Organisation) -> list[Any]:
    """The active admins of `organisation`: the people who answer for it."""
    return list(
        get_user_model().objects.filter(
            organisation_memberships__organisation=organisation,
            organisation_memberships__role=OrganisationMembership.Role.ADMIN,
            organisation_memberships__status=OrganisationMembership.Status.ACTIVE,
            is_active=True,
        )
    )


def tell(
    recipients: Iterable[Any],
    *,
    verb: str,
    title: Any,
    url: str,
    actor: Any = None,
    target: Any = None,
    body: Any = None,
) -> None:
    """Notify `recipients` (users); the actor is never told about their own action.

    `body` (the message's text, or a lazy explanation) goes into the e-mail where notify()
    takes one (the notifications app adds that argument; until then it is left out)."""
    if not getattr(actor, "is_authenticated", False):
        actor = None  # a system action (the demo, a job)
    people = [r for r in recipients if actor is None or r.pk != actor.pk]
    if not people:
        return
    extra: dict[str, Any] = {}
    if body and notify_takes_body():
        extra["body"] = body
    notify(people, verb=verb, title=title, url=url, actor=actor, target=target, **extra)


@functools.cache
def notify_takes_body() -> bool:
    return "body" in inspect.signature(notify).parameters
