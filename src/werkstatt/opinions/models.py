"""Opinion maps: a conversation of short statements that people agree with, disagree with or
pass on, the way Polis does it; the engine (engines/opinions.py) finds the opinion groups.

Shape:
- A Conversation belongs to a phase of a strategy process; who may see it and take part follows
  the phase's visibility and the process's roles (opinions/rules.py asks strategy's rules).
- A Participant is one voter in one conversation: a Werkstatt user, or someone imported from a
  Polis export (no user, an external id). Votes and statements reference participants, so that
  imported conversations and our own are the same data.
- A Vote is the participant's current vote on a statement: one row per participant and
  statement (a database constraint); voting again updates it and its `modified` time. The
  engine takes the latest vote anyway; we keep no history of changed votes (less personal data,
  and the export writes the current votes).
- An AnalysisResult is the engine's result at one moment, as JSON, with the number of votes and
  the time of the newest vote it saw (to know whether it is stale).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Polis's limit for a statement.
STATEMENT_MAX_LENGTH = 280


class Conversation(models.Model):
    # PROTECT: deleting a phase (or its process) must not silently take a conversation with all
    # its votes along; the conversation has to be moved or deleted first.
    phase = models.ForeignKey(
        "strategy.Phase",
        on_delete=models.PROTECT,
        related_name="conversations",
        verbose_name=_("phase"),
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(
        _("question"),
        blank=True,
        help_text=_("What the conversation is about; shown above the statements."),
    )
    is_open = models.BooleanField(
        _("open for votes"),
        default=True,
        help_text=_("Participants can vote and add statements; otherwise only the results show."),
    )
    allow_statements = models.BooleanField(_("participants may add statements"), default=True)
    moderate_statements = models.BooleanField(
        _("moderate new statements"),
        default=True,
        help_text=_("Statements of participants appear only after a moderator has accepted them."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("opinion conversation")
        verbose_name_plural = _("opinion conversations")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opinions:conversation", kwargs={"slug": self.slug})

    @property
    def process(self):
        return self.phase.process


class Participant(models.Model):
    """One voter in one conversation: a user of ours, or a voter of an imported Polis export."""

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("conversation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinion_participations",
        verbose_name=_("user"),
    )
    # The voter's id in an imported Polis export ("" for our own users).
    external_id = models.CharField(_("external id"), max_length=40, blank=True)
    created = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["conversation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=Q(user__isnull=False),
                name="opinions_one_participant_per_user",
            ),
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=~Q(external_id=""),
                name="opinions_unique_external_participant",
            ),
        ]

    def __str__(self) -> str:
        return self.external_id or f"#{self.pk}"


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Moderated out")

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="statements",
        verbose_name=_("conversation"),
    )
    # Numbered per conversation from 0, as Polis numbers its comments (imports keep Polis's).
    number = models.PositiveIntegerField(_("number"))
    text = models.CharField(_("statement"), max_length=STATEMENT_MAX_LENGTH)
    author = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
        verbose_name=_("author"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    is_seed = models.BooleanField(
        _("seed statement"), default=False, help_text=_("Written by the moderators.")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["conversation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="opinions_statement_number"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="votes", verbose_name=_("participant")
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="votes", verbose_name=_("statement")
    )
    value = models.SmallIntegerField(_("vote"), choices=Value.choices)
    # Set by the services (imports keep Polis's times), not auto_now.
    created = models.DateTimeField(_("first voted"), default=timezone.now)
    modified = models.DateTimeField(_("voted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["statement", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="opinions_one_vote_per_statement"
            ),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="opinions_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.statement_id} · {self.value:+d}"


class AnalysisResult(models.Model):
    """The engine's result for a conversation at one moment (the newest one is shown)."""

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="analyses",
        verbose_name=_("conversation"),
    )
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True, db_index=True)
    vote_count = models.PositiveIntegerField(_("votes"))
    participant_count = models.PositiveIntegerField(_("participants"))
    # The time of the newest vote the analysis saw: newer votes make it stale.
    votes_until = models.DateTimeField(_("votes until"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    # groups, coordinates, participants, repness, consensus, divisive (see services/analysis.py)
    data = models.JSONField(_("result"), default=dict)
    # Per statement what Polis's priority rule needs (agree, disagree, seen, extremity), apart
    # from `data` so that choosing the next statement does not load the whole map.
    priority_data = models.JSONField(_("priority inputs"), default=dict)

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        ordering = ["-computed_at", "-pk"]
        get_latest_by = ["computed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.conversation} · {self.computed_at:%Y-%m-%d %H:%M}"
