"""Inquiries between a buyer and suppliers: send, answer, ask back, accept, decline, withdraw.

The status moves like this (who acts in brackets):

    sent ──(supplier)──> accepted | declined | question
    question ──(buyer answers)──> answered ──(supplier)──> accepted | declined | question
    sent | question | answered ──(buyer)──> withdrawn

Every step writes an InquiryMessage (the history both sides see) and notifies the other side's
organisation admins. Permission checks are the caller's; these functions check the status
and the demand and raise ValidationError with a message for the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from werkstatt.network.models import Organisation

from ..models import Demand, DemandStep, Inquiry, InquiryMessage
from .attachments import MAX_PER_MESSAGE, Checked, check_files, store
from .delivery import deliver_new, tell_supplier
from .notifying import organisation_admins, tell

Status = Inquiry.Status
Side = InquiryMessage.Side

# action -> (side that may take it, statuses it is allowed from, status it leads to)
# (TextChoices members; typed loosely since mypy runs here without the Django plugin.)
ACTIONS: dict[str, tuple[Any, tuple[Any, ...], Any]] = {
    "accept": (Side.SUPPLIER, (Status.SENT, Status.ANSWERED, Status.QUESTION), Status.ACCEPTED),
    "decline": (Side.SUPPLIER, (Status.SENT, Status.ANSWERED, Status.QUESTION), Status.DECLINED),
    "question": (Side.SUPPLIER, (Status.SENT, Status.ANSWERED, Status.QUESTION), Status.QUESTION),
    "answer": (Side.BUYER, (Status.QUESTION,), Status.ANSWERED),
    "withdraw": (Side.BUYER, Inquiry.OPEN_STATUSES, Status.WITHDRAWN),
}
# Actions that need a text.
TEXT_REQUIRED = {"question", "answer"}


def _check_message(message: str) -> str:
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Please write a message.")})
    if len(message) > 5000:
        raise ValidationError({"message": _("The message is too long (at most 5,000 characters).")})
    return message


def _check_demand_open(demand: Demand) -> None:
    if demand.status != Demand.Status.OPEN:
        raise ValidationError(
            _("The demand is %(status)s: no inquiries can be sent about it.")
            % {"status": demand.get_status_display()}
        )
    if demand.is_expired:
        raise ValidationError(
            _("The deadline of the demand has passed. Please extend it before sending inquiries.")
        )


def _check_recipient(demand: Demand, organisation: Organisation) -> None:
    if organisation.pk == demand.organisation_id:
        raise ValidationError(_("You cannot send an inquiry to your own organisation."))
    open_one = demand.inquiries.filter(organisation=organisation, status__in=Inquiry.OPEN_STATUSES)
    if open_one.exists():
        raise ValidationError(
            _("An inquiry to %(organisation)s about this demand is still open.")
            % {"organisation": organisation.name}
        )


def _create(
    demand: Demand,
    user: Any,
    organisation: Organisation,
    message: str,
    steps: Sequence[DemandStep],
    consortium: Any = None,
    checked: Checked | None = None,
) -> Inquiry:
    inquiry = Inquiry.objects.create(
        demand=demand,
        organisation=organisation,
        message=message,
        consortium=consortium,
        created_by=user if user.is_authenticated else None,
    )
    if steps:
        inquiry.steps.set(steps)
    first = InquiryMessage.objects.create(
        inquiry=inquiry,
        side=Side.BUYER,
        author=user if user.is_authenticated else None,
        text=message,
        status=Status.SENT,
    )
    if checked:
        store(demand, user, checked, first)
    deliver_new(inquiry, user, list(steps))
    return inquiry


def _check_steps(demand: Demand, steps: Sequence[DemandStep]) -> None:
    if any(step.demand_id != demand.pk for step in steps):
        raise ValidationError({"steps": _("Please choose steps of this demand.")})


@transaction.atomic
def do_send_inquiry(
    demand: Demand,
    user: Any,
    organisation: Organisation,
    message: str,
    steps: Sequence[DemandStep] = (),
    files: Sequence[UploadedFile] = (),
) -> Inquiry:
    """Send the buyer's inquiry about `demand` (or some of its steps) to one organisation,
    with files (drawings for this supplier) if given."""
    message = _check_message(message)
    _check_demand_open(demand)
    _check_steps(demand, steps)
    _check_recipient(demand, organisation)
    checked = check_files(files, already=0, limit=MAX_PER_MESSAGE) if files else []
    return _create(demand, user, organisation, message, steps, checked=checked)


@transaction.atomic
def do_send_consortium_inquiry(
    demand: Demand,
    user: Any,
    assignments: Sequence[tuple[DemandStep, Organisation]],
    message: str,
) -> list[Inquiry]:
    """Send one inquiry to each partner of a consortium, naming the steps it would do.

    The inquiries share a consortium id, so both sides see who else is asked. Nothing is sent
    if any partner cannot be asked.
    """
    message = _check_message(message)
    _check_demand_open(demand)
    if not assignments:
        raise ValidationError(_("The consortium has no partners."))
    steps_of: dict[int, list[DemandStep]] = {}
    partners: dict[int, Organisation] = {}
    for step, organisation in assignments:
        partners[organisation.pk] = organisation
        steps_of.setdefault(organisation.pk, []).append(step)
    _check_steps(demand, [step for step, _org in assignments])
    for organisation in partners.values():
        _check_recipient(demand, organisation)
    consortium = Inquiry.new_consortium_id()
    return [
        _create(demand, user, organisation, message, steps_of[pk], consortium)
        for pk, organisation in partners.items()
    ]


@transaction.atomic
def do_inquiry_action(
    inquiry: Inquiry,
    user: Any,
    action: str,
    text: str = "",
    files: Sequence[UploadedFile] = (),
) -> Inquiry:
    """One step of the conversation; `action` is a key of ACTIONS; `files` go with its text.

    Which side may take it is the caller's permission check (suppliers' admins accept, decline
    and ask; buyers' admins answer and withdraw); the status must allow it.
    """
    inquiry = (
        Inquiry.objects.select_for_update()
        .select_related("demand__organisation")
        .get(pk=inquiry.pk)
    )
    if action not in ACTIONS:
        raise ValidationError(_("Unknown action."))
    side, allowed, new_status = ACTIONS[action]
    if inquiry.status not in allowed:
        raise ValidationError(
            _("The inquiry is “%(status)s”: this is not possible now.")
            % {"status": inquiry.get_status_display()}
        )
    text = (text or "").strip()
    if action in TEXT_REQUIRED:
        text = _check_message(text)
    elif len(text) > 5000:
        raise ValidationError({"message": _("The message is too long (at most 5,000 characters).")})
    checked = check_files(files, already=0, limit=MAX_PER_MESSAGE) if files else []
    inquiry.status = new_status
    inquiry.save(update_fields=["status", "updated"])
    entry = InquiryMessage.objects.create(
        inquiry=inquiry,
        side=side,
        author=user if user.is_authenticated else None,
        text=text,
        status=new_status,
    )
    if checked:
        store(inquiry.demand, user, checked, entry)
    by = inquiry.organisation.name if side == Side.SUPPLIER else inquiry.demand.organisation.name
    title = format_lazy(
        _("{by}: {status} – {title}"),
        by=by,
        status=Status(new_status).label,
        title=inquiry.demand.title,
    )
    verb = f"supply.inquiry_{new_status}"
    if side == Side.SUPPLIER:
        tell(
            organisation_admins(inquiry.demand.organisation),
            verb=verb,
            title=title,
            url=inquiry.get_absolute_url(),
            actor=user,
            target=inquiry,
            body=text,
        )
    else:
        tell_supplier(inquiry, verb=verb, title=title, actor=user, body=text)
    return inquiry
