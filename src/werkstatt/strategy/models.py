"""The strategy workshop: a participatory process in phases, its action fields, the
recommendations and theses people bring in, the discussion about them, and its moderation.

Shape (after adhocracy4's project → module → phase): a Process owns its own accounts.Space (the
roles of its moderators, members and board members live there) and a timeline of Phases; each
phase declares what may be done in it (propose, comment, rate, prioritise; none = read only) and
who may see it (public, members, advisory board). The assessment and monitoring apps build on
Recommendation.status and Phase.allows("rate"/"prioritise"); this app never imports them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Process(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    class Moderation(models.TextChoices):
        PRE = "pre", _("Pre-moderation: contributions appear after approval")
        POST = "post", _("Post-moderation: contributions appear at once")

    space = models.OneToOneField(
        "accounts.Space",
        on_delete=models.CASCADE,
        related_name="process",
        verbose_name=_("space"),
    )
    # The advisory board whose board members see phases visible to the board only (optional;
    # board members of the process's own space always do).
    board_space = models.ForeignKey(
        "accounts.Space",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advised_processes",
        verbose_name=_("advisory board"),
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.CharField(
        _("organiser"),
        max_length=300,
        blank=True,
        help_text=_("Who runs the process, e.g. the ministry and its project office"),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=Moderation.choices, default=Moderation.POST
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Visitors can read the process; otherwise only its members"),
    )
    open_to_join = models.BooleanField(
        _("open to join"),
        default=True,
        help_text=_("Any signed-in person can join as a member; otherwise moderators add members"),
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:process", kwargs={"slug": self.slug})

    def phase_on(self, day: datetime.date) -> Phase | None:
        """The phase running on `day` (the latest-starting one if several), or None."""
        running = [p for p in self.timeline() if p.start_date <= day <= p.end_date]
        return running[-1] if running else None

    def current_phase(self) -> Phase | None:
        return self.phase_on(timezone.localdate())

    def timeline(self) -> list[Phase]:
        """The phases in order; uses the prefetched phases when there are any."""
        return sorted(self.phases.all(), key=lambda p: (p.start_date, p.order, p.pk))


class Phase(models.Model):
    class Action(models.TextChoices):
        PROPOSE = "propose", _("Propose recommendations and theses")
        COMMENT = "comment", pgettext_lazy("phase action", "Comment")
        RATE = "rate", _("Rate fit")
        PRIORITISE = "prioritise", _("Prioritise")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members of the process")
        BOARD = "board", _("Advisory board only")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    allows_propose = models.BooleanField(_("propose"), default=False)
    allows_comment = models.BooleanField(pgettext_lazy("phase action", "comment"), default=False)
    allows_rate = models.BooleanField(_("rate fit"), default=False)
    allows_prioritise = models.BooleanField(_("prioritise"), default=False)
    visibility = models.CharField(
        _("visible to"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "start_date", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="phase_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def allows(self, action: str) -> bool:
        """Whether `action` (a Phase.Action value) may be done in this phase."""
        return bool(getattr(self, f"allows_{Phase.Action(action).value}"))

    @property
    def actions(self) -> list[str]:
        return [a.value for a in Phase.Action if self.allows(a)]

    @property
    def is_read_only(self) -> bool:
        return not self.actions

    def is_running(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day <= self.end_date


class ActionField(models.Model):
    """A Handlungsfeld: a theme that groups the recommendations of a process."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="action_fields", verbose_name=_("process")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("action field")
        verbose_name_plural = _("action fields")
        ordering = ["process", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["process", "name"], name="unique_action_field_name")
        ]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation")
        THESIS = "thesis", _("Thesis")

    class Status(models.TextChoices):
        # The life of a recommendation; assessment and monitoring move it forward.
        SUBMITTED = "submitted", _("Submitted")
        DISCUSSION = "discussion", _("In discussion")
        ASSESSMENT = "assessment", _("In assessment")
        PRIORITISED = "prioritised", _("Prioritised")
        ACCEPTED = "accepted", _("Accepted")
        IN_IMPLEMENTATION = "in_implementation", _("In implementation")
        IMPLEMENTED = "implemented", _("Implemented")
        DECLINED = "declined", _("Not pursued")

    class ModerationState(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Rejected by moderation")

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("process"),
    )
    # RESTRICT: a phase that still holds recommendations cannot be deleted by accident (without
    # its phase a recommendation would fall back to the process's visibility); deleting the
    # whole process still deletes both. services.processes.do_delete_phase moves them first.
    phase = models.ForeignKey(
        Phase,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="recommendations",
        verbose_name=_("proposed in phase"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.RECOMMENDATION
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        verbose_name=_("author"),
    )
    author_organisation = models.ForeignKey(
        "network.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        verbose_name=_("on behalf of"),
    )
    action_fields = models.ManyToManyField(
        ActionField, blank=True, related_name="recommendations", verbose_name=_("action fields")
    )
    regions = models.ManyToManyField(
        "network.Region", blank=True, related_name="recommendations", verbose_name=_("districts")
    )
    sectors = models.ManyToManyField(
        "network.Sector", blank=True, related_name="recommendations", verbose_name=_("sectors")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    moderation_state = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationState.choices,
        default=ModerationState.APPROVED,
        db_index=True,
    )
    moderation_reason = models.TextField(_("reason for the moderation decision"), blank=True)
    answer = models.TextField(_("answer of the project office"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[action_fields, regions, sectors])

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["process", "moderation_state", "status"], name="rec_list"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "strategy:recommendation",
            kwargs={"slug": self.process.slug, "pk": self.pk},
        )

    @property
    def is_published(self) -> bool:
        return self.moderation_state == self.ModerationState.APPROVED


class RecommendationTerm(models.Model):
    """One term of a recommendation's title and text for the search, analysed the way the
    network directory analyses German text (engines/text.py: umlauts and ß folded, stemmed,
    compounds split). `reversed_term` finds the head of a compound ("werkstatt" in
    "Ausbildungswerkstätten") with a range scan. Kept by services/search.py."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="search_terms"
    )
    term = models.CharField(max_length=80)
    reversed_term = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["term", "recommendation"], name="rec_term"),
            models.Index(fields=["reversed_term", "recommendation"], name="rec_reversed_term"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "term"], name="unique_rec_term")
        ]

    def __str__(self) -> str:
        return self.term


class RecommendationEdit(models.Model):
    """A change of a published contribution in a pre-moderated process, waiting for the
    moderators. Until they approve it, everyone else keeps seeing the published version (the
    discussion refers to it); approved, it becomes the next version of the recommendation."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Rejected by moderation")

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="edits",
        verbose_name=_("recommendation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_edits",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Recommendation.Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    author_organisation = models.ForeignKey(
        "network.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    # {"action_fields": [ids], "regions": [ids], "sectors": [ids]}: only the kinds the edit set.
    tags = models.JSONField(_("tags"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    reason = models.TextField(_("reason for the moderation decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("edit awaiting moderation")
        verbose_name_plural = _("edits awaiting moderation")
        ordering = ["created", "pk"]
        constraints = [
            # One pending edit per recommendation: editing again changes it.
            models.UniqueConstraint(
                fields=["recommendation"],
                condition=Q(state="pending"),
                name="one_pending_edit_per_recommendation",
            )
        ]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is ours: never trust the uploaded name for the path.
    return f"strategy/{instance.recommendation.process_id}/{instance.recommendation_id}/{filename}"


class Attachment(models.Model):
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("recommendation"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    # Added with an edit that awaits moderation: shown to its author and the moderators only.
    edit = models.ForeignKey(
        RecommendationEdit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("added with the edit"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("recommendation"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_comments",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return f"{self.recommendation.get_absolute_url()}#comment-{self.pk}"


class CommentReaction(models.Model):
    """One reaction per person and comment; reacting again with the same kind takes it back."""

    class Kind(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        HELPFUL = "helpful", _("Helpful")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("comment")
    )
    # SET_NULL: a deleted account's reactions still count (the discussion's totals stay).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_reactions",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("reaction"), max_length=10, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="unique_comment_reaction")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.comment_id}"


class Report(models.Model):
    """Someone reports a recommendation or a comment to the moderators."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive or discriminating")
        PERSONAL_DATA = "personal_data", _("Personal data of others")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="reports", verbose_name=_("process")
    )
    recommendation = models.ForeignKey(
        Recommendation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("recommendation"),
    )
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("comment"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    text = models.TextField(_("explanation"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    created = models.DateTimeField(_("reported"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created", "-pk"]
        constraints = [
            # A report is about exactly one thing: a comment (of a recommendation) or a
            # recommendation itself.
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False) | Q(comment__isnull=False),
                name="report_has_target",
            ),
            # One open report per person and thing, whatever a double click or a race does.
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(state="open", comment__isnull=False),
                name="one_open_report_per_comment",
            ),
            models.UniqueConstraint(
                fields=["reporter", "recommendation"],
                condition=Q(state="open", comment__isnull=True),
                name="one_open_report_per_recommendation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.created:%Y-%m-%d}"

    @property
    def target(self) -> Comment | Recommendation | None:
        return self.comment or self.recommendation


class ModerationAction(models.Model):
    """The audit trail: one row for every moderation action, never edited or deleted."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Published a contribution")
        REJECT = "reject", _("Rejected a contribution")
        HIDE_COMMENT = "hide_comment", _("Hid a comment")
        SHOW_COMMENT = "show_comment", _("Showed a hidden comment again")
        ANSWER = "answer", _("Answered a recommendation")
        CHANGE_STATUS = "change_status", _("Changed the status")
        RESOLVE_REPORT = "resolve_report", _("Resolved a report")
        DISMISS_REPORT = "dismiss_report", _("Dismissed a report")
        EDIT = "edit", _("Edited a contribution of someone else")
        APPROVE_EDIT = "approve_edit", _("Published an edit")
        REJECT_EDIT = "reject_edit", _("Rejected an edit")
        CHANGE_PROCESS = "change_process", _("Changed the process")

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="moderation_actions",
        verbose_name=_("process"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderator"),
    )
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    recommendation = models.ForeignKey(
        Recommendation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
        verbose_name=_("recommendation"),
    )
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
        verbose_name=_("comment"),
    )
    report = models.ForeignKey(
        Report,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
        verbose_name=_("report"),
    )
    # What the target was called at the time, so the trail stays readable after deletions.
    target_label = models.CharField(_("about"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.target_label}"
