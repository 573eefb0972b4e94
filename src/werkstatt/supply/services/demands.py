"""Writes to demands: create, edit with their steps, mark fulfilled or withdrawn.

Each `do_*` makes one change atomically. Permission checks are the caller's (supply/rules.py);
the business rules that hold whoever asks are checked here (`check_*`) and raise
`ValidationError` with a message for the user, before anything is written:
a demand has at least one step, each step a known capability and a quantity of at least one,
the deadline is not in the past, the delivery place is known, an invitation-only demand invites
at least one organisation, and only open demands change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from werkstatt.network.models import Capability, Certification, Material, Organisation, Region
from werkstatt.network.services import geocoding

from ..models import Demand, DemandStep, Inquiry, InquiryMessage, Visibility
from .attachments import MAX_PER_DEMAND, Checked, check_files, demand_attachment_count, store
from .delivery import tell_supplier

DEMAND_FIELDS = (
    "title",
    "description",
    "delivery_postcode",
    "delivery_city",
    "deadline",
    "visibility",
)
MAX_STEPS = 30


@dataclass
class StepData:
    """One production step as the forms and the API hand it over."""

    capability: Capability | None
    quantity: int = 1
    material: Material | None = None
    tolerances: str = ""
    certifications: Sequence[Certification] = field(default_factory=list)


def step_data(raw: Mapping[str, Any]) -> StepData:
    return StepData(
        capability=raw.get("capability"),
        quantity=raw.get("quantity") or 0,
        material=raw.get("material"),
        tolerances=(raw.get("tolerances") or "").strip(),
        certifications=list(raw.get("certifications") or []),
    )


# --- checks -----------------------------------------------------------------------------------


def check_steps(steps: Sequence[StepData]) -> None:
    """Every step's problem at once (ValidationError {"steps": [...]})."""
    if not steps:
        raise ValidationError(
            {"steps": _("Please add at least one production step to the demand.")}
        )
    if len(steps) > MAX_STEPS:
        raise ValidationError(
            {"steps": _("A demand can have at most %(max)d steps.") % {"max": MAX_STEPS}}
        )
    problems = []
    for number, step in enumerate(steps, start=1):
        if step.capability is None or not isinstance(step.capability, Capability):
            problems.append(
                _("Step %(number)d: please choose a capability from the list.") % {"number": number}
            )
        if not isinstance(step.quantity, int) or step.quantity < 1:
            problems.append(
                _("Step %(number)d: the quantity must be at least 1.") % {"number": number}
            )
    if problems:
        raise ValidationError({"steps": problems})


def check_deadline(deadline: Any) -> None:
    if deadline is None:
        raise ValidationError({"deadline": _("Please enter a deadline.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline must not be in the past.")})


def locate_delivery(postcode: str, city: str) -> geocoding.Place:
    """The delivery place's coordinates; ValidationError if the place is unknown."""
    if not (postcode or "").strip() and not (city or "").strip():
        raise ValidationError(
            {"delivery_city": _("Please enter the delivery place (postcode and/or place).")}
        )
    place = geocoding.geocode(city=city or "", postcode=postcode or "")
    if place is None:
        raise ValidationError(
            {
                "delivery_city": _(
                    "We do not know the delivery place “%(place)s”. Please check the postcode "
                    "and the place name."
                )
                % {"place": " ".join(p for p in [postcode, city] if p)}
            }
        )
    return place


def check_visibility(visibility: str, invited: Iterable[Organisation]) -> None:
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Please choose who may see the demand.")})
    if visibility == Visibility.INVITED and not list(invited):
        raise ValidationError(
            {"invited_organisations": _("Please invite at least one organisation.")}
        )


def check_open(demand: Demand) -> None:
    if demand.status != Demand.Status.OPEN:
        raise ValidationError(
            _("This demand is %(status)s and can no longer be changed.")
            % {"status": demand.get_status_display()}
        )


# --- writes -----------------------------------------------------------------------------------


def _region(place: geocoding.Place) -> Region | None:
    return Region.objects.filter(code=place.region_code).first() if place.region_code else None


def _write_steps(demand: Demand, steps: Sequence[StepData]) -> None:
    demand.steps.all().delete()
    for order, data in enumerate(steps, start=1):
        step = DemandStep.objects.create(
            demand=demand,
            order=order,
            capability=data.capability,
            quantity=data.quantity,
            material=data.material,
            tolerances=data.tolerances[:300],
        )
        if data.certifications:
            step.certifications.set(data.certifications)


def _checked(
    data: Mapping[str, Any], steps: Sequence[StepData], files: Sequence[Any] = (), already: int = 0
) -> tuple[geocoding.Place, list, Checked]:
    """All of the demand's checks, every problem at once (one ValidationError with a message
    per field), so that nobody fixes one error to be shown the next."""
    errors: dict[str, list[Any]] = {}
    results: dict[str, Any] = {}

    def run(name: str, check: Any, *args: Any, **kwargs: Any) -> None:
        try:
            results[name] = check(*args, **kwargs)
        except ValidationError as error:
            for field_name, messages in error.update_error_dict({}).items():
                errors.setdefault(field_name, []).extend(messages)

    def title(value: str) -> None:
        if not (value or "").strip():
            raise ValidationError({"title": _("Please give the demand a title.")})

    invited = list(data.get("invited_organisations") or [])
    run("steps", check_steps, steps)
    run("deadline", check_deadline, data.get("deadline"))
    run("title", title, data.get("title"))
    run("visibility", check_visibility, str(data.get("visibility") or "public"), invited)
    run(
        "place",
        locate_delivery,
        data.get("delivery_postcode", ""),
        data.get("delivery_city", ""),
    )
    if files:
        run("files", check_files, files, already=already, limit=MAX_PER_DEMAND)
    if errors:
        raise ValidationError(errors)
    return results["place"], invited, results.get("files", [])


@transaction.atomic
def do_create_demand(
    organisation: Organisation,
    user: Any,
    data: Mapping[str, Any],
    steps: Sequence[StepData],
    files: Sequence[Any] = (),
) -> Demand:
    """Post a demand of `organisation` (the buyer) with its steps, in the given order, and its
    drawings (`files`, checked with everything else before anything is written)."""
    place, invited, checked = _checked(data, steps, files)
    demand = Demand(organisation=organisation, created_by=user if user.is_authenticated else None)
    for name in DEMAND_FIELDS:
        if name in data:
            setattr(demand, name, data[name])
    demand.title = demand.title.strip()
    demand.visibility = data.get("visibility") or Visibility.PUBLIC
    demand.delivery_lat, demand.delivery_lon = place.lat, place.lon
    demand.delivery_region = _region(place)
    if not demand.delivery_city:
        demand.delivery_city = place.name
    demand.save()
    demand.invited_organisations.set(invited if demand.visibility == Visibility.INVITED else [])
    _write_steps(demand, steps)
    store(demand, user, checked)
    return demand


@transaction.atomic
def do_update_demand(
    demand: Demand,
    user: Any,
    data: Mapping[str, Any],
    steps: Sequence[StepData],
    files: Sequence[Any] = (),
) -> Demand:
    """Change an open demand and replace its steps; `files` are added to its drawings."""
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    check_open(demand)
    merged = {name: getattr(demand, name) for name in DEMAND_FIELDS} | dict(data)
    if "invited_organisations" not in data:
        merged["invited_organisations"] = list(demand.invited_organisations.all())
    place, invited, checked = _checked(
        merged, steps, files, already=demand_attachment_count(demand)
    )
    for name in DEMAND_FIELDS:
        setattr(demand, name, merged[name])
    demand.title = demand.title.strip()
    demand.delivery_lat, demand.delivery_lon = place.lat, place.lon
    demand.delivery_region = _region(place)
    if not demand.delivery_city:
        demand.delivery_city = place.name
    demand.save()
    demand.invited_organisations.set(invited if demand.visibility == Visibility.INVITED else [])
    _write_steps(demand, steps)
    store(demand, user, checked)
    return demand


@transaction.atomic
def do_widen_step(demand: Demand, user: Any, step: DemandStep) -> DemandStep:
    """Change one step of an open demand to its broader process (the parent capability, e.g.
    "Abkanten" -> "Biegen"), when nobody offers the narrower one."""
    from .consortia import broader_key

    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    check_open(demand)
    step = DemandStep.objects.select_related("capability").filter(pk=step.pk, demand=demand).first()
    if step is None:
        raise ValidationError(_("Please choose a step of this demand."))
    broader = Capability.objects.filter(key=broader_key(step.capability.key)).first()
    if broader is None:
        raise ValidationError(
            _("Step %(number)d has no broader process to change to.") % {"number": step.order}
        )
    step.capability = broader
    step.save(update_fields=["capability"])
    Demand.objects.filter(pk=demand.pk).update(updated=timezone.now())
    return step


@transaction.atomic
def do_extend_deadline(demand: Demand, user: Any, deadline: Any) -> Demand:
    """Give an open (e.g. expired) demand a new deadline, today or later."""
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    check_open(demand)
    check_deadline(deadline)
    demand.deadline = deadline
    demand.save(update_fields=["deadline", "updated"])
    return demand


# What the suppliers of the still open inquiries are told when the demand is closed.
CLOSING: dict[str, tuple[Any, str, Any, Any]] = {
    # status -> (the inquiries' new status, verb, title, body)
    Demand.Status.WITHDRAWN: (
        Inquiry.Status.WITHDRAWN,
        "supply.demand_withdrawn",
        _("Demand withdrawn: {title}"),
        _("The buyer has withdrawn the demand; your inquiry is withdrawn with it."),
    ),
    Demand.Status.FULFILLED: (
        Inquiry.Status.CLOSED,
        "supply.demand_fulfilled",
        _("Demand fulfilled elsewhere: {title}"),
        _(
            "The buyer has marked the demand as fulfilled: it has been awarded elsewhere. "
            "Your inquiry is closed; thank you for your interest."
        ),
    ),
}


@transaction.atomic
def do_set_demand_status(demand: Demand, user: Any, status: str) -> Demand:
    """Mark an open demand fulfilled or withdrawn.

    Its inquiries that are still open close with it (withdrawn, or "closed: awarded
    elsewhere" when it is fulfilled), and their suppliers are told; accepted and declined
    inquiries keep their status.
    """
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if status not in (Demand.Status.FULFILLED, Demand.Status.WITHDRAWN):
        raise ValidationError(_("Please choose “fulfilled” or “withdrawn”."))
    check_open(demand)
    demand.status = status
    demand.save(update_fields=["status", "updated"])
    new_status, verb, title, body = CLOSING[status]
    for inquiry in demand.inquiries.filter(status__in=Inquiry.OPEN_STATUSES).select_related(
        "organisation"
    ):
        inquiry.status = new_status
        inquiry.save(update_fields=["status", "updated"])
        InquiryMessage.objects.create(
            inquiry=inquiry,
            side=InquiryMessage.Side.BUYER,
            author=user if user.is_authenticated else None,
            text="",
            status=new_status,
        )
        tell_supplier(
            inquiry,
            verb=verb,
            title=format_lazy(title, title=demand.title),
            actor=user,
            body=body,
        )
    return demand
