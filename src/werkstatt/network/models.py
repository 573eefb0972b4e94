"""The network directory: organisations of every kind, their sites, what they can do.

Reference data (regions, sectors, capabilities, certifications, materials) is data, loaded from
files in network/data/ by a migration, never hard-coded: another region brings its own files.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TranslatedNameMixin(models.Model):
    """Reference data carries its German and English name; `name` picks the active language."""

    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "de").startswith("en") and self.name_en:
            return self.name_en
        return self.name_de


class Region(TranslatedNameMixin):
    """A district (Landkreis) or district-free city (kreisfreie Stadt), or a larger area."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        DISTRICT = "district", _("District")
        CITY = "city", _("District-free city")

    code = models.CharField(_("official key"), max_length=12, unique=True)
    nuts = models.CharField(_("NUTS code"), max_length=8, blank=True, db_index=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    seat = models.CharField(_("seat"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name_de"]


class Sector(TranslatedNameMixin):
    """An economic activity after the German classification WZ 2008."""

    code = models.CharField(_("WZ 2008 code"), max_length=10, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Capability(TranslatedNameMixin):
    """A manufacturing process after DIN 8580, or a service; a tree.

    `key` is a dotted path such as "trennen.spanen.fraesen"; it is what the engines and the
    exchange formats (FORMATS.md) speak.
    """

    key = models.CharField(_("key"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    synonyms = models.CharField(
        _("synonyms"),
        max_length=400,
        blank=True,
        help_text=_("Other words for it, comma-separated"),
    )

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        ordering = ["key"]


class Certification(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Material(TranslatedNameMixin):
    key = models.CharField(_("key"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["name_de"]


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association")
        CHAMBER = "chamber", _("Chamber")
        UNION = "union", _("Trade union")
        RESEARCH = "research", _("Research institute or university")
        PUBLIC = "public", _("Public body")
        NETWORK = "network", _("Network or cluster")
        FABLAB = "fablab", _("FabLab or makerspace")
        CREATIVE = "creative", _("Creative industries")

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro (fewer than 10 employees)")
        SMALL = "small", _("Small (10 to 49 employees)")
        MEDIUM = "medium", _("Medium (50 to 249 employees)")
        LARGE = "large", _("Large (250 employees or more)")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    size = models.CharField(
        _("size class"), max_length=8, choices=Size.choices, blank=True, db_index=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    founded = models.PositiveSmallIntegerField(_("founded (year)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    capabilities_text = models.TextField(
        _("further capabilities"), blank=True, help_text=_("What else you do, in your own words")
    )
    capacities = models.TextField(
        _("capacities"), blank=True, help_text=_("Machines, free capacity, batch sizes")
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, verbose_name=_("sectors"))
    capabilities = models.ManyToManyField(
        Capability, blank=True, verbose_name=_("capabilities"), related_name="organisations"
    )
    certifications = models.ManyToManyField(
        Certification, blank=True, verbose_name=_("certifications"), related_name="organisations"
    )
    materials = models.ManyToManyField(
        Material, blank=True, verbose_name=_("materials"), related_name="organisations"
    )
    # Denormalised from the headquarters site for fast search, facets and the map.
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("region"),
    )
    lat = models.FloatField(null=True, blank=True, db_index=True)
    lon = models.FloatField(null=True, blank=True, db_index=True)
    # Normalised name ("mueller" for "Müller GmbH & Co. KG") for duplicate detection.
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    is_public = models.BooleanField(_("shown in the public directory"), default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[capabilities, certifications, materials, sectors])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["lat", "lon"], name="org_latlon")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:organisation", kwargs={"slug": self.slug})


class Site(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sites",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("place"), max_length=120)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("region")
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["-is_headquarters", "city"]

    def __str__(self) -> str:
        return ", ".join(
            p for p in [self.name, self.street, f"{self.postcode} {self.city}".strip()] if p
        )


class ContactPerson(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_public = models.BooleanField(_("shown publicly"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    """A person belongs to an organisation; admins speak for it."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Organisation admin")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_org_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class SearchTerm(models.Model):
    """One posting of the search index: a normalised German term of an organisation.

    The index is ours (not FTS5, not tsvector) so that SQLite and PostgreSQL give the same
    results. `reversed_term` lets a query find the head of a compound ("bearbeitung" in
    "blechbearbeitung") with an index range scan.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="search_terms"
    )
    term = models.CharField(max_length=80)
    reversed_term = models.CharField(max_length=80)
    weight = models.FloatField()

    class Meta:
        # Covering indexes: a search's range scans over term (prefix) and reversed term (suffix)
        # read everything they return (organisation, whether the term is the whole word,
        # weight) from the index alone, without visiting the table's rows (services/search.py).
        indexes = [
            models.Index(fields=["term", "organisation", "weight"], name="search_term_covering"),
            models.Index(
                fields=["reversed_term", "term", "organisation", "weight"],
                name="search_reversed_covering",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "term"], name="unique_search_term")
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.weight:g})"


class SearchIndexState(models.Model):
    """One row: a random token, changed whenever the index or the organisations change.

    Search processes keep a compact copy of the directory in memory (services/search.py) and
    use it only while this token is the one they built it with.
    """

    generation = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.generation


class ImportBatch(models.Model):
    """One uploaded member list on its way into the directory (network/services/importer.py).

    The file stays in MEDIA; the mapping, the analysed rows (ImportRow) and the report live here,
    not in the session, so a moderator can come back to it and the commit can run in a worker.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        ANALYSING = "analysing", _("Being checked")
        ANALYSED = "analysed", _("Checked, ready to import")
        QUEUED = "queued", _("Queued for import")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed, nothing imported")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sheet = models.CharField(_("worksheet"), max_length=100, blank=True)
    info = models.JSONField(default=dict, blank=True)  # format, encoding, headers, warnings
    mapping = models.JSONField(default=dict, blank=True)  # field -> column index
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    report = models.JSONField(default=dict, blank=True)
    job_id = models.PositiveBigIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    committed = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.original_name


class ImportRow(models.Model):
    """One data row of an import, as checked for the preview, and what became of it."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        DUPLICATE = "duplicate", _("Possible duplicate")
        FILE_DUPLICATE = "file_duplicate", _("Duplicate within the file")
        REJECTED = "rejected", _("Rejected")

    class Decision(models.TextChoices):
        CREATE = "create", _("Create")
        MERGE = "merge", _("Merge into the existing organisation")
        SKIP = "skip", _("Skip")

    class Result(models.TextChoices):
        CREATED = "created", _("Created")
        MERGED = "merged", _("Merged")
        SKIPPED = "skipped", _("Skipped")
        REJECTED = "rejected", _("Rejected")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()  # the row number in the file
    values = models.JSONField(default=dict)  # field -> cleaned value
    status = models.CharField(max_length=16, choices=Status.choices, db_index=True)
    issues = models.JSONField(default=list, blank=True)  # [{"code", "params", "level"}]
    match = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_score = models.FloatField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    duplicate_of_row = models.PositiveIntegerField(null=True, blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    result = models.CharField(max_length=8, choices=Result.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="unique_import_row")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.number}"
