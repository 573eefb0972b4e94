"""Profiles, partner suggestions and meeting requests of the B2B matchmaking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkstatt.engines.text import STOP_WORDS, fold, stem
from werkstatt.events.models import Event, Registration
from werkstatt.notifications.services import notify

from ..models import Meeting, MeetingRequest, Profile, Setup

OPEN = (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED)
MAX_MESSAGE = 1000


def setup_of(event: Event) -> Setup:
    setup, _created = Setup.objects.get_or_create(event=event)
    return setup


def ensure_profiles(event: Event) -> None:
    """Every confirmed participant has a profile (made from their organisation's capabilities
    on first sight), so that others find them before they visit the matchmaking themselves."""
    missing = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED, b2b_profile__isnull=True
    ).select_related("organisation")
    for registration in missing:
        profile_for(registration)


def profiles(event: Event) -> QuerySet[Profile]:
    """The profiles of confirmed participants (call ensure_profiles first)."""
    return (
        Profile.objects.filter(event=event, registration__status=Registration.Status.CONFIRMED)
        .select_related("registration", "registration__organisation")
        .prefetch_related("offered", "sought")
    )


@transaction.atomic
def profile_for(registration: Registration) -> Profile:
    """The participant's profile; a new one starts with the organisation's capabilities."""
    profile = Profile.objects.filter(registration=registration).first()
    if profile is not None:
        return profile
    profile = Profile.objects.create(registration=registration, event=registration.event)
    if registration.organisation_id:
        org = registration.organisation
        profile.offered.set(org.capabilities.all())
        profile.offer = (org.description or "")[:1000]
        profile.save(update_fields=["offer"])
    return profile


def do_save_profile(profile: Profile, data: dict[str, Any]) -> Profile:
    unavailable = data.get("unavailable")
    if unavailable is not None and any(s.event_id != profile.event_id for s in unavailable):
        raise ValidationError({"unavailable": _("A slot of another event was chosen.")})
    for name in ("offer", "seek", "is_visible"):
        if name in data:
            setattr(profile, name, data[name])
    with transaction.atomic():
        profile.save()
        for name in ("offered", "sought", "unavailable"):
            if data.get(name) is not None:
                getattr(profile, name).set(data[name])
    return profile


# --- suggestions ----------------------------------------------------------------------------


@dataclass
class Suggestion:
    profile: Profile
    score: float
    they_offer: list[str]  # capabilities I seek that they offer
    they_seek: list[str]  # capabilities they seek that I offer
    common_terms: list[str]


# A certification is a norm body and a number ("EN 1090", "DIN EN ISO 3834-2", "IATF 16949"):
# the one place where a number is a topic. Other numbers, stop words and very short words are
# no "common topic" of two profiles.
_CERTIFICATION = re.compile(
    r"\b((?:(?:DIN|EN|ISO|IEC|IATF|VDA|AS|DVS|KTA|AD)[\s-]*)+)(\d{3,5}(?:-\d{1,2})?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Words that carry no topic in a profile's free text, beyond the search's stop words.
_PROFILE_STOP_WORDS = frozenset(
    """
    darueber dafuer daran darin davon dazu hierzu hierfuer gern gerne neu neue neuen neuer
    hinaus bieten bietet biete suchen sucht suche finden moechten moegen gesucht angeboten
    partner partnern kontakt kontakte unternehmen firma firmen bereich bereichen thema themen
    gespraech gespraeche austausch moeglichkeit moeglichkeiten insbesondere speziell etwa
    sowie vor allem allem eigene eigenen eigener verschiedene verschiedenen kurz kurze
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def topic_words(text: str) -> dict[str, str]:
    """The topics of a free text: key (stem, or a certification's code) -> the word as written.

    "Nach EN 1090 und ISO 9001, darüber hinaus Einsatz von Robotern" -> {"cert:en1090":
    "EN 1090", "cert:iso9001": "ISO 9001", "einsatz": "Einsatz", "robo": "Robotern"}; words
    meet by their stem, the first spelling is shown.
    """
    topics: dict[str, str] = {}
    if not text:
        return topics

    def certification(match: re.Match[str]) -> str:
        bodies = " ".join(match.group(1).upper().replace("-", " ").split())
        shown = f"{bodies} {match.group(2)}"
        # "DIN EN 1090-2" and "EN 1090" are one norm: the last body and the main number.
        key = f"cert:{bodies.split()[-1]}{match.group(2).split('-')[0]}".lower()
        topics.setdefault(key, shown)
        return " "

    rest = _CERTIFICATION.sub(certification, text)
    for word in _WORD.findall(rest):
        folded = fold(word)
        if len(folded) < 3 or folded in STOP_WORDS or folded in _PROFILE_STOP_WORDS:
            continue
        topics.setdefault(stem(folded.replace("-", "")), word)
    return topics


def suggestions(profile: Profile, *, limit: int = 10) -> list[Suggestion]:
    """Partners for `profile`: who offers what I seek and seeks what I offer (capabilities of
    the taxonomy), then shared words of the free texts; not myself, my own organisation, nor
    those I have an open request with."""
    me_offer = {c.pk: c for c in profile.offered.all()}
    me_seek = {c.pk: c for c in profile.sought.all()}
    my_topics = topic_words(f"{profile.offer}\n{profile.seek}")
    asked = set(
        MeetingRequest.objects.filter(status__in=OPEN)
        .filter(Q(sender=profile) | Q(recipient=profile))
        .values_list("sender_id", "recipient_id")
    )
    excluded = {pk for pair in asked for pk in pair} | {profile.pk}
    out = []
    others = profiles(profile.event).filter(is_visible=True).exclude(pk__in=excluded)
    if profile.registration.organisation_id:
        others = others.exclude(registration__organisation_id=profile.registration.organisation_id)
    for other in others:
        they_offer = [c.name_de for c in other.offered.all() if c.pk in me_seek]
        they_seek = [c.name_de for c in other.sought.all() if c.pk in me_offer]
        shared = my_topics.keys() & topic_words(f"{other.offer}\n{other.seek}").keys()
        # Certifications first, then the words as I wrote them, alphabetically.
        common = sorted(
            (my_topics[key] for key in shared),
            key=lambda word: (not word[-1].isdigit(), word.lower()),
        )
        score = 2.0 * len(they_offer) + 2.0 * len(they_seek) + 0.5 * min(len(common), 6)
        if score > 0:
            out.append(Suggestion(other, score, they_offer, they_seek, common[:6]))
    out.sort(key=lambda s: (-s.score, s.profile.display_name.lower(), s.profile.pk))
    return out[:limit]


# --- requests -------------------------------------------------------------------------------


def _users(*profiles_: Profile) -> list[Any]:
    return [p.registration.user for p in profiles_ if p.registration.user_id]


@transaction.atomic
def do_send_request(sender: Profile, recipient: Profile, message: str) -> MeetingRequest:
    setup = setup_of(sender.event)
    message = (message or "").strip()
    if not setup.requests_open:
        raise ValidationError(_("The organiser has closed meeting requests."))
    if recipient.event_id != sender.event_id:
        raise ValidationError(_("Meetings can only be requested with participants of this event."))
    if recipient.pk == sender.pk:
        raise ValidationError(_("You cannot request a meeting with yourself."))
    if not recipient.is_visible or recipient.registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("This participant does not take part in the matchmaking."))
    if not message:
        raise ValidationError({"message": _("Write a few words on what you want to talk about.")})
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": _("The message is too long (at most 1,000 characters).")})
    if MeetingRequest.objects.filter(sender=recipient, recipient=sender, status__in=OPEN).exists():
        raise ValidationError(_("This participant has already asked you for a meeting: answer it."))
    sent = MeetingRequest.objects.filter(sender=sender, status__in=OPEN).count()
    if sent >= setup.max_requests:
        raise ValidationError(
            _("You have sent %(n)d requests, the most this event allows.") % {"n": sent}
        )
    try:
        with transaction.atomic():
            request = MeetingRequest.objects.create(
                event=sender.event, sender=sender, recipient=recipient, message=message
            )
    except IntegrityError:
        raise ValidationError(_("You have already asked this participant.")) from None
    notify(
        _users(recipient),
        verb="matchmaking.request",
        title=format_lazy(gettext_lazy("{} asks you for a meeting"), sender.display_name),
        url=_hub_url(sender.event),
        target=request,
        body=message,
    )
    return request


def _hub_url(event: Event) -> str:
    from django.urls import reverse

    return reverse("matchmaking:event", kwargs={"slug": event.slug})


@transaction.atomic
def do_answer_request(request: MeetingRequest, *, accept: bool, answer: str = "") -> MeetingRequest:
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != MeetingRequest.Status.PENDING:
        raise ValidationError(_("This request has been answered already."))
    request.status = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
    request.answer = (answer or "").strip()[:MAX_MESSAGE]
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answer", "answered_at"])
    if accept:
        Meeting.objects.create(request=request, event=request.event)
    title = (
        gettext_lazy("{} accepted your meeting request")
        if accept
        else gettext_lazy("{} declined your meeting request")
    )
    notify(
        _users(request.sender),
        verb="matchmaking.answer",
        title=format_lazy(title, request.recipient.display_name),
        url=_hub_url(request.event),
        target=request,
        body=request.answer,
    )
    return request


@transaction.atomic
def do_withdraw_request(request: MeetingRequest) -> MeetingRequest:
    """The sender withdraws; an accepted meeting is cancelled and its place freed."""
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in OPEN:
        raise ValidationError(_("This request is no longer open."))
    was_meeting = request.status == MeetingRequest.Status.ACCEPTED
    Meeting.objects.filter(request=request).delete()
    request.status = MeetingRequest.Status.WITHDRAWN
    request.save(update_fields=["status"])
    if was_meeting:
        notify(
            _users(request.recipient),
            verb="matchmaking.cancelled",
            title=format_lazy(
                gettext_lazy("{} cancelled your meeting"), request.sender.display_name
            ),
            url=_hub_url(request.event),
            target=request,
        )
    return request


@transaction.atomic
def do_leave(profile: Profile, *, account_deleted: bool = False) -> int:
    """The participant no longer takes part (registration cancelled, account being deleted):
    their open requests are withdrawn either way, their meetings cancelled and each partner
    told. Returns how many meetings were cancelled. Nothing happens twice."""
    open_requests = list(
        # Lock only the requests: the account of a party may be null (an outer join).
        MeetingRequest.objects.select_for_update(of=("self",))
        .filter(status__in=OPEN)
        .filter(Q(sender=profile) | Q(recipient=profile))
        .select_related("sender__registration__user", "recipient__registration__user")
    )
    if not open_requests:
        return 0
    cancelled = [r for r in open_requests if r.status == MeetingRequest.Status.ACCEPTED]
    Meeting.objects.filter(request__in=cancelled).delete()
    MeetingRequest.objects.filter(pk__in=[r.pk for r in open_requests]).update(
        status=MeetingRequest.Status.WITHDRAWN
    )
    # Whoever deletes their account leaves no name behind in others' notifications.
    organisation = profile.registration.organisation_name
    for request in cancelled:
        partner = request.recipient if request.sender_id == profile.pk else request.sender
        if not account_deleted:
            title = format_lazy(gettext_lazy("{} cancelled your meeting"), profile.display_name)
        elif organisation:
            title = format_lazy(
                gettext_lazy("Your meeting with {} is cancelled: they no longer take part"),
                organisation,
            )
        else:
            title = gettext_lazy(
                "A meeting of yours is cancelled: your partner no longer takes part"
            )
        notify(
            _users(partner),
            verb="matchmaking.cancelled",
            title=title,
            url=_hub_url(profile.event),
            target=request,
        )
    return len(cancelled)
