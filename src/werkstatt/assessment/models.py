"""Fit assessment and prioritisation of a strategy process's recommendations.

- Criterion: what a process asks raters about (default: relevance, fit for a district the rater
  chooses, feasibility, urgency), each on a 1–5 scale.
- Rating: one value per person, recommendation, criterion (and district, for the per-district
  criterion); the database refuses a second one.
- Comparison: one answer per person and pair ("which of these two first?"), the pair stored in
  id order so that (A, B) and (B, A) are the same row.
- RatingTotal / CriterionTotal: aggregates (count, sum, sum of squares) kept up to date by the
  rating service in the same transaction, so result pages read thousands of rows, not hundreds
  of thousands (see bench/README.md).

The rater's stakeholder group is stored on each rating and comparison as it was when they
answered, so results do not move when someone changes organisation later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

SCALE_MIN = 1
SCALE_MAX = 5


class StakeholderGroup(models.TextChoices):
    COMPANY = "company", _("Companies")
    UNION = "union", _("Trade unions")
    CHAMBER = "chamber", _("Chambers")
    ASSOCIATION = "association", _("Associations and networks")
    RESEARCH = "research", _("Research and universities")
    PUBLIC = "public", _("Public bodies")
    OTHER = "other", _("Others and individuals")


class Criterion(models.Model):
    # Names of the default criteria are translated at display time; a process's own criteria
    # carry their name in `name`.
    DEFAULTS = {
        "relevance": (
            _("Relevance"),
            _("How important is this recommendation for the industry of the region?"),
        ),
        "district_fit": (
            _("Fit for a district"),
            _("How well does it fit the district you choose?"),
        ),
        "feasibility": (
            _("Feasibility"),
            _("How realistic is it to implement with the means available?"),
        ),
        "urgency": (_("Urgency"), _("How soon should it be tackled?")),
    }

    process = models.ForeignKey(
        "strategy.Process",
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("process"),
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    per_district = models.BooleanField(
        _("per district"),
        default=False,
        help_text=_("Raters choose a district and rate the fit for it"),
    )
    # A deactivated criterion is no longer asked; the ratings it has keep counting in the
    # results (services/criteria.py says what may change once a criterion has ratings).
    is_active = models.BooleanField(_("asked"), default=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["process", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["process", "key"], name="unique_criterion_key"),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return str(self.DEFAULTS.get(self.key, (self.key, ""))[0])

    @property
    def help_text(self) -> str:
        if self.description:
            return self.description
        return str(self.DEFAULTS.get(self.key, ("", ""))[1])


class Rating(models.Model):
    # SET_NULL: when a person deletes their account, their ratings stay in the results,
    # anonymously (PRODUCT.md: results that counted their votes keep their totals).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="assessment_ratings",
        verbose_name=_("rater"),
    )
    recommendation = models.ForeignKey(
        "strategy.Recommendation",
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("recommendation"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("criterion")
    )
    region = models.ForeignKey(
        "network.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
    )
    value = models.PositiveSmallIntegerField(_("value"))
    group = models.CharField(
        _("stakeholder group"),
        max_length=12,
        choices=StakeholderGroup.choices,
        default=StakeholderGroup.OTHER,
    )
    # Set when the rater's account is deleted (services/privacy.py): one random key per deleted
    # person and recommendation, so that the totals still count their ratings of it as one
    # person's, without linking them to anything else.
    anonymous_key = models.UUIDField(null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["recommendation", "criterion", "pk"]
        constraints = [
            # NULL never equals NULL in a UNIQUE index (SQLite, PostgreSQL < 15): two partial
            # indexes make "one rating per person, recommendation, criterion (and district)"
            # hold on both databases.
            models.UniqueConstraint(
                fields=["user", "recommendation", "criterion"],
                condition=Q(region__isnull=True),
                name="unique_rating_without_region",
            ),
            models.UniqueConstraint(
                fields=["user", "recommendation", "criterion", "region"],
                condition=Q(region__isnull=False),
                name="unique_rating_per_region",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=SCALE_MIN) & Q(value__lte=SCALE_MAX),
                name="rating_value_in_scale",
            ),
        ]
        indexes = [models.Index(fields=["recommendation", "user"], name="rating_by_rec")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Comparison(models.Model):
    class Choice(models.TextChoices):
        LOW = "low", _("The first (lower id) first")
        HIGH = "high", _("The second (higher id) first")
        UNDECIDED = "undecided", _("Can't decide")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="assessment_comparisons",
        verbose_name=_("person"),
    )
    process = models.ForeignKey(
        "strategy.Process",
        on_delete=models.CASCADE,
        related_name="comparisons",
        verbose_name=_("process"),
    )
    item_low = models.ForeignKey(
        "strategy.Recommendation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recommendation (lower id)"),
    )
    item_high = models.ForeignKey(
        "strategy.Recommendation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recommendation (higher id)"),
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    group = models.CharField(
        _("stakeholder group"),
        max_length=12,
        choices=StakeholderGroup.choices,
        default=StakeholderGroup.OTHER,
    )
    # As Rating.anonymous_key: one random key per deleted person and process (the number of
    # people who compared stays right).
    anonymous_key = models.UUIDField(null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("comparison")
        verbose_name_plural = _("comparisons")
        ordering = ["process", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item_low", "item_high"], name="unique_comparison_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(item_low__lt=F("item_high")), name="comparison_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["process", "user"], name="comparison_by_user")]

    def __str__(self) -> str:
        return f"{self.item_low_id} / {self.item_high_id}: {self.choice}"

    @property
    def score_low(self) -> float:
        """The outcome for item_low: 1 preferred, 0 not, ½ undecided."""
        if self.choice == self.Choice.LOW:
            return 1.0
        return 0.0 if self.choice == self.Choice.HIGH else 0.5


class RatingTotal(models.Model):
    """Per recommendation and stakeholder group: how many people rated it, and the sum and sum
    of squares of each person's mean over the criteria (one value per person, so a person who
    rates four criteria counts once)."""

    process = models.ForeignKey("strategy.Process", on_delete=models.CASCADE, related_name="+")
    recommendation = models.ForeignKey(
        "strategy.Recommendation", on_delete=models.CASCADE, related_name="rating_totals"
    )
    group = models.CharField(max_length=12, choices=StakeholderGroup.choices)
    n = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    total_sq = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "group"], name="unique_rating_total"),
        ]
        indexes = [models.Index(fields=["process", "recommendation"], name="rating_total_list")]

    def __str__(self) -> str:
        return f"{self.recommendation_id}/{self.group}: {self.n}"


class CriterionTotal(models.Model):
    """Per recommendation, criterion and district (NULL for criteria not per district): the
    count, sum and sum of squares of the ratings."""

    process = models.ForeignKey("strategy.Process", on_delete=models.CASCADE, related_name="+")
    recommendation = models.ForeignKey(
        "strategy.Recommendation", on_delete=models.CASCADE, related_name="criterion_totals"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        "network.Region", null=True, on_delete=models.CASCADE, related_name="+"
    )
    n = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    total_sq = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "criterion"],
                condition=Q(region__isnull=True),
                name="unique_criterion_total",
            ),
            models.UniqueConstraint(
                fields=["recommendation", "criterion", "region"],
                condition=Q(region__isnull=False),
                name="unique_criterion_total_region",
            ),
        ]
        indexes = [
            models.Index(fields=["process", "criterion", "region"], name="criterion_total_list")
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id}/{self.criterion_id}/{self.region_id}: {self.n}"
