"""B2B matchmaking at an event: profiles, meeting requests, slots and tables, the schedule.

Participants (confirmed registrations of an event with matchmaking) keep a profile of what they
offer and seek; they send meeting requests, the other side accepts or declines; an accepted
request is a Meeting. The organiser sets the slots and the number of tables and schedules all
accepted meetings at once (engines/scheduling.py, in a background job); meetings the organiser
locked stay where they are, and re-scheduling keeps the others where it can.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Setup(models.Model):
    """The organiser's settings of an event's matchmaking, and the last schedule's figures."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="matchmaking"
    )
    tables = models.PositiveSmallIntegerField(_("tables"), default=20)
    requests_open = models.BooleanField(
        _("requests open"), default=True, help_text=_("Participants can send meeting requests.")
    )
    max_requests = models.PositiveSmallIntegerField(
        _("requests per participant"),
        default=20,
        help_text=_("How many open or accepted requests one participant may send."),
    )
    scheduled_at = models.DateTimeField(_("last scheduled"), null=True, blank=True)
    scheduled_weight = models.FloatField(null=True, blank=True)
    upper_bound = models.FloatField(null=True, blank=True)
    unscheduled = models.PositiveIntegerField(default=0)
    idle_slots = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("matchmaking")
        verbose_name_plural = _("matchmakings")

    def __str__(self) -> str:
        return str(self.event)


class Slot(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="b2b_slots")
    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=20)

    class Meta:
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "starts_at"], name="matchmaking_one_slot_per_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} ({self.minutes} min)"

    @property
    def ends_at(self):
        import datetime

        return self.starts_at + datetime.timedelta(minutes=self.minutes)


class Profile(models.Model):
    registration = models.OneToOneField(
        "events.Registration", on_delete=models.CASCADE, related_name="b2b_profile"
    )
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="b2b_profiles")
    offer = models.TextField(_("what we offer"), blank=True)
    seek = models.TextField(_("what we seek"), blank=True)
    offered = models.ManyToManyField(
        "network.Capability", related_name="+", blank=True, verbose_name=_("capabilities offered")
    )
    sought = models.ManyToManyField(
        "network.Capability", related_name="+", blank=True, verbose_name=_("capabilities sought")
    )
    unavailable = models.ManyToManyField(
        Slot, related_name="+", blank=True, verbose_name=_("not available in")
    )
    is_visible = models.BooleanField(_("visible to other participants"), default=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matchmaking profile")
        verbose_name_plural = _("matchmaking profiles")
        ordering = ["registration__organisation_name", "registration__name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        r = self.registration
        if r.anonymised:  # account deleted or retention period over: no ticket code as a name
            return str(_("Former participant"))
        if r.organisation_name:
            return f"{r.name} ({r.organisation_name})" if r.name else r.organisation_name
        return r.name or r.ticket_code


class MeetingRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="b2b_requests")
    sender = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="sent_requests")
    recipient = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="received_requests"
    )
    message = models.TextField(_("message"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    answer = models.TextField(_("answer"), blank=True, max_length=1000)
    created = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="matchmaking_one_open_request_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")), name="matchmaking_not_with_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"


class Meeting(models.Model):
    """An accepted request; placed into a slot and at a table by the scheduler."""

    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="b2b_meetings")
    slot = models.ForeignKey(
        Slot, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("The scheduler leaves it where it is.")
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot__starts_at", "table", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=Q(slot__isnull=False),
                name="matchmaking_one_meeting_per_table",
            )
        ]

    def __str__(self) -> str:
        return str(self.request)

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:event", kwargs={"slug": self.event.slug})
