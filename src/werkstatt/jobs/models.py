"""Background jobs, queued in the database.

The database is the queue: several `werkstatt worker` processes on several machines claim jobs
from the same table (see services.claim_next). A job's row is also its progress report, which the
job page polls.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=100, help_text=_("The handler that runs it."))
    title = models.CharField(_("title"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # A message for the person who started the job; tracebacks go to the log, never here.
    error = models.TextField(_("error"), blank=True)
    result_url = models.CharField(_("result address"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    created = models.DateTimeField(_("queued at"), auto_now_add=True)
    # A delayed job (a trailing debounce): nobody claims it before this time; None means at once.
    run_after = models.DateTimeField(
        _("runs after"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A queued job is not started before this time."),
    )
    started = models.DateTimeField(_("started at"), null=True, blank=True)
    finished = models.DateTimeField(_("finished at"), null=True, blank=True)
    locked_by = models.CharField(_("worker"), max_length=200, blank=True)
    heartbeat = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["status", "created"], name="jobs_status_created"),
            models.Index(fields=["created_by", "-created"], name="jobs_creator_created"),
        ]

    def __str__(self) -> str:
        return self.title or self.kind

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def error_text(self) -> str:
        """The error in the reader's language.

        Our own fixed messages (services.GENERIC_ERROR) are stored as their English msgid and
        translated here, for whoever reads them; a handler's message (JobError) was rendered in
        the language of the person who started the job and is shown as it is (gettext leaves a
        text that is no msgid unchanged)."""
        return gettext(self.error) if self.error else ""

    @property
    def message_text(self) -> str:
        """The last progress message, like error_text."""
        return gettext(self.message) if self.message else ""

    @property
    def is_delayed(self) -> bool:
        """Queued and waiting for its run_after time."""
        return (
            self.status == self.Status.QUEUED
            and self.run_after is not None
            and self.run_after > timezone.now()
        )

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, or None while the total is unknown."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return None
        return max(0, min(100, self.progress_done * 100 // self.progress_total))

    @property
    def result_link(self) -> str:
        """result_url if it is a path on this site or an http(s) address, else ""."""
        url = self.result_url.strip()
        if (url.startswith("/") and not url.startswith("//")) or url.startswith(
            ("https://", "http://")
        ):
            return url
        return ""
