"""The supply network: demands with their production steps, inquiries, the cooperation exchange.

A buyer ("Bedarfsträger", an organisation) posts a Demand made of ordered DemandSteps, each a
capability of the network taxonomy. Suppliers are ranked and consortia proposed for it by the
services in services/ranking.py and services/consortia.py; the buyer sends Inquiries to single
organisations or to a whole consortium (inquiries sharing a `consortium` id). Offers and
requests for cooperation (CooperationOffer) follow the Enterprise Europe Network's profiles.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkstatt.network.models import (
    Capability,
    Certification,
    Material,
    Organisation,
    Region,
    Sector,
)
from werkstatt.uploads import private_storage


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members of the network")
    INVITED = "invited", _("Invited organisations only")


class Demand(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FULFILLED = "fulfilled", _("Fulfilled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="demands",
        verbose_name=_("buyer"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    delivery_postcode = models.CharField(_("delivery postcode"), max_length=10, blank=True)
    delivery_city = models.CharField(_("delivery place"), max_length=120, blank=True)
    # Geocoded from postcode/place by the service (network.services.geocoding).
    delivery_lat = models.FloatField(_("latitude"), null=True, blank=True)
    delivery_lon = models.FloatField(_("longitude"), null=True, blank=True)
    # The district of the delivery place (geocoding's region code), for the region filter.
    delivery_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("delivery district"),
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    invited_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="demand_invitations",
        verbose_name=_("invited organisations"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "visibility"], name="demand_status_vis")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supply:demand", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        """Open: not yet fulfilled or withdrawn (it may be expired: see `is_active`)."""
        return self.status == self.Status.OPEN

    @property
    def is_expired(self) -> bool:
        """Open, but its deadline has passed: the buyer extends the deadline or closes it."""
        return self.is_open and self.deadline < timezone.localdate()

    @property
    def is_active(self) -> bool:
        """Open and its deadline not passed: listed among the open demands, inquiries go out."""
        return self.is_open and not self.is_expired

    @property
    def state(self) -> str:
        """ "expired" for an open demand past its deadline, else the status."""
        return "expired" if self.is_expired else self.status

    @property
    def state_label(self) -> str:
        return str(_("Expired")) if self.is_expired else str(self.get_status_display())

    @property
    def delivery_place(self) -> str:
        return " ".join(p for p in [self.delivery_postcode, self.delivery_city] if p)


class DemandStep(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    capability = models.ForeignKey(
        Capability, on_delete=models.PROTECT, related_name="+", verbose_name=_("capability")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    material = models.ForeignKey(
        Material,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("material"),
    )
    tolerances = models.CharField(_("tolerances"), max_length=300, blank=True)
    certifications = models.ManyToManyField(
        Certification, blank=True, related_name="+", verbose_name=_("required certifications")
    )

    class Meta:
        verbose_name = _("production step")
        verbose_name_plural = _("production steps")
        ordering = ["demand", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.capability}"


class Inquiry(models.Model):
    """An inquiry of the buyer to one organisation about a demand (or some of its steps)."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        QUESTION = "question", _("Question from the supplier")
        ANSWERED = "answered", _("Answered by the buyer")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # The buyer marked the demand fulfilled while this inquiry was still open.
        CLOSED = "closed", _("Closed (awarded elsewhere)")

    class Delivery(models.TextChoices):
        PLATFORM = "platform", _("On Werkstatt")
        EMAIL = "email", _("By e-mail to the public address")
        NONE = "none", _("Not delivered")

    OPEN_STATUSES = (Status.SENT, Status.QUESTION, Status.ANSWERED)

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="inquiries")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="supply_inquiries",
        verbose_name=_("supplier"),
    )
    steps = models.ManyToManyField(
        DemandStep, blank=True, related_name="inquiries", verbose_name=_("steps")
    )
    # Inquiries sent together to the partners of a proposed consortium share this id.
    consortium = models.UUIDField(_("consortium"), null=True, blank=True, db_index=True)
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT, db_index=True
    )
    # How it reached the supplier when it was sent (services/delivery.py): nobody represented
    # most directory organisations on Werkstatt, so it may have gone by e-mail, or nowhere.
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.PLATFORM
    )
    delivery_email = models.EmailField(_("delivered to"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-updated", "-pk"]

    def __str__(self) -> str:
        return f"{self.demand} → {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("supply:inquiry", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @staticmethod
    def new_consortium_id() -> uuid.UUID:
        return uuid.uuid4()


class InquiryMessage(models.Model):
    """One entry of an inquiry's history: who wrote what, and the status it led to."""

    class Side(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SUPPLIER = "supplier", _("Supplier")

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Inquiry.Status.choices)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inquiry message")
        verbose_name_plural = _("inquiry messages")
        ordering = ["inquiry", "created", "pk"]

    def __str__(self) -> str:
        return f"{self.inquiry_id} · {self.get_status_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is ours (uploads.check_upload): never the uploaded one.
    return f"supply/{instance.demand_id}/{filename}"


class Attachment(models.Model):
    """A drawing or document of a demand, or of one message of an inquiry's history.

    Seen by whoever may see the demand (no `message`) or the inquiry (with `message`), and only
    through the permission-checked download view: the file has no public URL."""

    demand = models.ForeignKey(
        Demand, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("demand")
    )
    message = models.ForeignKey(
        InquiryMessage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("inquiry message"),
    )
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage, max_length=300
    )
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
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supply:attachment", kwargs={"pk": self.pk})


@receiver(post_delete, sender=Attachment)
def _delete_file(sender: type[Attachment], instance: Attachment, **kwargs: object) -> None:
    """The file goes with its row (also when the demand is deleted), once the deletion commits."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class PartnershipType(models.TextChoices):
    SUBCONTRACTING = "subcontracting", _("Subcontracting")
    JOINT_PRODUCTION = "joint_production", _("Joint production")
    JOINT_VENTURE = "joint_venture", _("Joint venture")
    RESEARCH = "research", _("Research cooperation")
    TECHNICAL = "technical", _("Technical cooperation")
    LICENCE = "licence", _("Licence agreement")
    DISTRIBUTION = "distribution", _("Distribution / commercial agency")
    ACQUISITION = "acquisition", _("Acquisition or merger")


class CooperationOffer(models.Model):
    """An offer or request for cooperation, after the Enterprise Europe Network's profiles."""

    class Kind(models.TextChoices):
        TECHNOLOGY = "technology", _("Technology")
        BUSINESS = "business", _("Business")

    class Direction(models.TextChoices):
        OFFER = "offer", _("Offer")
        REQUEST = "request", _("Request")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cooperation_offers",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    direction = models.CharField(_("offer or request"), max_length=8, choices=Direction.choices)
    # Stored as "|subcontracting|licence|" so both databases filter it with a plain LIKE
    # (`partnership_types__contains="|licence|"`); read it through `partnership_type_list`.
    partnership_types = models.CharField(_("partnership types"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    capabilities = models.ManyToManyField(
        Capability, blank=True, related_name="+", verbose_name=_("capabilities")
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="+", verbose_name=_("sectors")
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=[c for c in Visibility.choices if c[0] != Visibility.INVITED],
        default=Visibility.PUBLIC,
    )
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cooperation offer")
        verbose_name_plural = _("cooperation offers")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supply:cooperation", kwargs={"pk": self.pk})

    @property
    def partnership_type_list(self) -> list[str]:
        return [t for t in self.partnership_types.split("|") if t]

    @property
    def partnership_type_labels(self) -> list[str]:
        labels = dict(PartnershipType.choices)
        return [str(labels.get(t, t)) for t in self.partnership_type_list]

    @staticmethod
    def encode_partnership_types(types: list[str]) -> str:
        return "|" + "|".join(dict.fromkeys(types)) + "|" if types else ""

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE and not self.is_expired


class CooperationContact(models.Model):
    """An organisation's interest in a profile of the exchange ("Interesse bekunden", as the
    Enterprise Europe Network has it), and the conversation with the profile's organisation."""

    offer = models.ForeignKey(
        CooperationOffer,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("cooperation offer"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cooperation_contacts",
        verbose_name=_("interested organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-updated", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "organisation"], name="one_contact_per_offer_and_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.offer}"

    def get_absolute_url(self) -> str:
        return reverse("supply:cooperation_contact", kwargs={"pk": self.pk})


class CooperationMessage(models.Model):
    class Side(models.TextChoices):
        INTERESTED = "interested", _("Interested organisation")
        POSTER = "poster", _("Profile's organisation")

    contact = models.ForeignKey(
        CooperationContact, on_delete=models.CASCADE, related_name="messages"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"))
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["contact", "created", "pk"]

    def __str__(self) -> str:
        return f"{self.contact_id} · {self.get_side_display()}"
