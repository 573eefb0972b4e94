"""A process's criteria: the defaults are created the first time they are needed; the process's
moderators add, edit, reorder and deactivate criteria.

What may change, and when (never silently invalidating a rating):
- A criterion nobody has rated yet: everything (name, description, whether it asks for a
  district), and it can be deleted.
- A criterion with ratings: its name and description may be made clearer (the page shows how
  many ratings were given to the wording so far); whether it asks for a district is fixed,
  because the ratings were given for a district or without one. To ask something else,
  deactivate it and add a new criterion.
- Deactivating a criterion stops new ratings on it; its ratings stay in every result (they were
  given in good faith). It can be asked again later.
- All criteria use the same scale, 1 (very low) to 5 (very high), which the results assume.
- At least one criterion stays asked, and at most one asked criterion asks for a district
  (the rating form has one district choice; the district pages show that criterion).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from werkstatt.strategy.models import ModerationAction, Process
from werkstatt.strategy.services.audit import log_action

from ..models import Criterion, Rating

DEFAULT_CRITERIA = (
    ("relevance", False),
    ("district_fit", True),
    ("feasibility", False),
    ("urgency", False),
)
NAME_MAX = Criterion._meta.get_field("name").max_length or 120


def criteria_of(process: Process) -> list[Criterion]:
    """All criteria of `process` in order, asked or not; creates the default four if it has
    none."""
    found = list(Criterion.objects.filter(process=process).order_by("order", "pk"))
    if found:
        return found
    return do_create_default_criteria(process)


def active_criteria(process: Process) -> list[Criterion]:
    """The criteria raters are asked now, in order."""
    return [c for c in criteria_of(process) if c.is_active]


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


def rating_counts(process: Process) -> dict[int, int]:
    """criterion id → how many ratings it has."""
    return dict(
        Rating.objects.filter(criterion__process=process)
        .order_by()
        .values("criterion_id")
        .annotate(n=Count("pk"))
        .values_list("criterion_id", "n")
    )


# --- checks -------------------------------------------------------------------------------------


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """An error of one form field, with its code (for the form and for callers)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _clean_name(process: Process, data: Mapping[str, Any], criterion: Criterion | None) -> str:
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        raise _field_error("name", _("Please give the criterion a name."), "name")
    if len(name) > NAME_MAX:
        raise _field_error(
            "name",
            _("The name can have at most %(max)d characters.") % {"max": NAME_MAX},
            "name_length",
        )
    for other in Criterion.objects.filter(process=process):
        if criterion is not None and other.pk == criterion.pk:
            continue
        if str(other.label).casefold() == name.casefold():
            raise _field_error(
                "name", _("The process has a criterion of this name already."), "name_taken"
            )
    return name


def _check_district(
    process: Process, per_district: bool, active: bool, criterion: Criterion | None
) -> None:
    if not (per_district and active):
        return
    others = Criterion.objects.filter(process=process, per_district=True, is_active=True)
    if criterion is not None:
        others = others.exclude(pk=criterion.pk)
    if others.exists():
        raise _field_error(
            "per_district",
            _(
                "Only one asked criterion can ask for a district: “%(other)s” does already. "
                "Deactivate it first."
            )
            % {"other": others.first().label},  # type: ignore[union-attr]
            "one_district_criterion",
        )


def _stored_name(criterion: Criterion | None, name: str) -> str:
    """A default criterion keeps its translated name while the name is not changed."""
    default = Criterion.DEFAULTS.get(criterion.key) if criterion is not None else None
    if default and not criterion.name and name == str(default[0]):  # type: ignore[union-attr]
        return ""
    return name


def _stored_description(criterion: Criterion | None, description: str) -> str:
    default = Criterion.DEFAULTS.get(criterion.key) if criterion is not None else None
    if default and not criterion.description and description == str(default[1]):  # type: ignore[union-attr]
        return ""
    return description


def _unique_key(process: Process, name: str) -> str:
    base = (slugify(name) or "kriterium")[:32]
    taken = set(Criterion.objects.filter(process=process).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key = f"{base}-{n}"
        n += 1
    return key


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def do_add_criterion(process: Process, user: Any, data: Mapping[str, Any]) -> Criterion:
    """Add a criterion at the end (asked at once)."""
    Process.objects.select_for_update().filter(pk=process.pk).values_list("pk").first()
    criteria_of(process)  # the defaults exist before a first own criterion joins them
    name = _clean_name(process, data, None)
    per_district = bool(data.get("per_district"))
    _check_district(process, per_district, True, None)
    last = Criterion.objects.filter(process=process).aggregate(m=Max("order"))["m"]
    criterion = Criterion.objects.create(
        process=process,
        key=_unique_key(process, name),
        name=name,
        description=str(data.get("description") or "").strip(),
        per_district=per_district,
        order=(last or 0) + 1,
    )
    log_action(
        process, user, ModerationAction.Kind.CHANGE_PROCESS, details={"added criterion": name}
    )
    return criterion


@transaction.atomic
def do_edit_criterion(criterion: Criterion, user: Any, data: Mapping[str, Any]) -> Criterion:
    """Change a criterion's name, description and (while nobody rated it) whether it asks for
    a district."""
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    process = criterion.process
    name = _clean_name(process, data, criterion)
    per_district = bool(data.get("per_district"))
    if per_district != criterion.per_district:
        if Rating.objects.filter(criterion=criterion).exists():
            raise _field_error(
                "per_district",
                _(
                    "This criterion has ratings, given for a district or without one: that "
                    "can no longer change. Deactivate it and add a new criterion instead."
                ),
                "rated",
            )
        _check_district(process, per_district, criterion.is_active, criterion)
    before = (str(criterion.label), criterion.help_text, criterion.per_district)
    criterion.name = _stored_name(criterion, name)
    criterion.description = _stored_description(
        criterion, str(data.get("description") or "").strip()
    )
    criterion.per_district = per_district
    criterion.save(update_fields=["name", "description", "per_district"])
    after = (str(criterion.label), criterion.help_text, criterion.per_district)
    if before != after:
        log_action(
            process,
            user,
            ModerationAction.Kind.CHANGE_PROCESS,
            details={"criterion": before[0], "changed to": after[0]},
        )
    return criterion


@transaction.atomic
def do_move_criterion(criterion: Criterion, user: Any, direction: str) -> None:
    """Move a criterion one place up or down (the order of the rating form)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a criterion up or down."), code="direction")
    Process.objects.select_for_update().filter(pk=criterion.process_id).values_list("pk").first()
    ordered = list(
        Criterion.objects.filter(process_id=criterion.process_id).order_by("order", "pk")
    )
    index = next(k for k, c in enumerate(ordered) if c.pk == criterion.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for k, item in enumerate(ordered):
        item.order = k
    Criterion.objects.bulk_update(ordered, ["order"])


@transaction.atomic
def do_set_criterion_active(criterion: Criterion, user: Any, active: bool) -> Criterion:
    """Ask a criterion again, or no longer (its ratings stay in the results)."""
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    process = criterion.process
    if criterion.is_active == active:
        return criterion
    if not active:
        asked = Criterion.objects.filter(process=process, is_active=True).exclude(pk=criterion.pk)
        if not asked.exists():
            raise ValidationError(
                _("At least one criterion must be asked."), code="last_active_criterion"
            )
    else:
        try:
            _check_district(process, criterion.per_district, True, criterion)
        except ValidationError as exc:
            (error,) = exc.error_dict["per_district"]
            raise ValidationError(error.message, code=error.code) from exc
    criterion.is_active = active
    criterion.save(update_fields=["is_active"])
    log_action(
        process,
        user,
        ModerationAction.Kind.CHANGE_PROCESS,
        details={"criterion": str(criterion.label), "asked": active},
    )
    return criterion


@transaction.atomic
def do_delete_criterion(criterion: Criterion, user: Any) -> None:
    """Delete a criterion nobody has rated (one with ratings can only be deactivated)."""
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    if Rating.objects.filter(criterion=criterion).exists():
        raise ValidationError(
            _("This criterion has ratings; it can be deactivated, not deleted."), code="rated"
        )
    process = criterion.process
    if (
        criterion.is_active
        and not Criterion.objects.filter(process=process, is_active=True)
        .exclude(pk=criterion.pk)
        .exists()
    ):
        raise ValidationError(
            _("At least one criterion must be asked."), code="last_active_criterion"
        )
    label = str(criterion.label)
    criterion.delete()
    log_action(
        process, user, ModerationAction.Kind.CHANGE_PROCESS, details={"deleted criterion": label}
    )
