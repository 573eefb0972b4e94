"""Implementation of prioritised recommendations, and its public monitoring.

A recommendation the process took up gets one implementation concept: who is responsible,
the budget, the measures as results (results may be made of sub-results, whose weighted
progress is the result's progress), milestones, and dated progress updates that form the
public timeline together with the milestones.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", pgettext_lazy("implementation status", "Cancelled")


class ImplementationConcept(models.Model):
    recommendation = models.OneToOneField(
        "strategy.Recommendation",
        on_delete=models.CASCADE,
        related_name="implementation",
        verbose_name=_("recommendation"),
    )
    summary = models.TextField(_("concept"), help_text=_("What will be done, how and why."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    budget_eur = models.DecimalField(
        _("budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding = models.CharField(
        _("funding"),
        max_length=300,
        blank=True,
        help_text=_("e.g. the state budget, ERDF, the partners' own funds"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("planned end"), null=True, blank=True)
    organisations = models.ManyToManyField(
        "network.Organisation",
        through="Responsibility",
        related_name="implementation_concepts",
        verbose_name=_("responsible organisations"),
        blank=True,
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        verbose_name = _("implementation concept")
        verbose_name_plural = _("implementation concepts")

    def __str__(self) -> str:
        return str(self.recommendation)

    def get_absolute_url(self) -> str:
        return reverse("monitoring:concept", kwargs={"pk": self.pk})

    @property
    def leads(self) -> list[Responsibility]:
        """The lead organisations' responsibilities (uses the prefetched responsibilities)."""
        return [r for r in self.responsibilities.all() if r.role == Responsibility.Role.LEAD]


class Responsibility(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")

    concept = models.ForeignKey(
        ImplementationConcept, on_delete=models.CASCADE, related_name="responsibilities"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.CASCADE, related_name="responsibilities"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.PARTNER)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "organisation"], name="monitoring_one_role_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Result(models.Model):
    """A measure or result; with parts, its progress is their weighted progress."""

    concept = models.ForeignKey(
        ImplementationConcept, on_delete=models.CASCADE, related_name="results"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
        verbose_name=_("part of"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Only for results without parts; the others show their parts' progress."),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0.01)],
        help_text=_("How much this result counts within its parent (relative to its siblings)."),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    concept = models.ForeignKey(
        ImplementationConcept, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due"))
    reached_date = models.DateField(_("reached"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A dated report on the implementation, shown on the public timeline."""

    concept = models.ForeignKey(
        ImplementationConcept, on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("update"))
    status = models.CharField(_("status then"), max_length=12, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(_("progress then (%)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:60]}"


def report_path(instance: ReportFile, filename: str) -> str:
    return f"reports/{instance.process_id}/{filename}"


class ReportFile(models.Model):
    """A generated report of a process (made by a background job), kept for download."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("Results report (PDF)")
        OPEN_DATA = "open_data", _("Open data (ZIP of CSV and JSON)")
        XLSX = "xlsx", _("Moderators' workbook (XLSX)")

    process = models.ForeignKey(
        "strategy.Process", on_delete=models.CASCADE, related_name="report_files"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=report_path, max_length=300)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.process} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:report_download", kwargs={"pk": self.pk})
