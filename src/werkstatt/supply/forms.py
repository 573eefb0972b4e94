"""Forms of the supply network: demands with their steps, inquiries, the cooperation exchange.

Forms check the shape of the input and give field-level messages in the user's language; the
business rules (a step at least, deadline not in the past, a known place, …) are the services'
and come back into the forms as ValidationErrors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from werkstatt.network.forms.organisations import CapabilityTreeWidget, capability_choices
from werkstatt.network.models import (
    Capability,
    Certification,
    Material,
    Organisation,
    Region,
    Sector,
)
from werkstatt.uploads import MultipleFileField

from .models import CooperationOffer, Demand, Inquiry, PartnershipType, Visibility
from .services import attachments as attachment_services
from .services.demands import MAX_STEPS, StepData

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CAPABILITY_INVALID = _("Please choose a capability from the list.")


def admin_organisations(user: Any):
    """The organisations `user` speaks for (active admin). Superusers too act here only for
    their own organisations (a choice among 50,000 is no form); for others, the admin site."""
    return Organisation.objects.filter(
        memberships__user=user, memberships__role="admin", memberships__status="active"
    ).order_by("name")


class OrganisationChoiceMixin:
    """An `organisation` field with the user's organisations; hidden if there is only one."""

    def setup_organisation(self, user: Any, label: Any) -> None:
        field = self.fields["organisation"]  # type: ignore[attr-defined]
        field.queryset = admin_organisations(user)
        field.label = label
        field.error_messages["invalid_choice"] = _("Please choose one of your organisations.")
        self.only_organisation = None
        if field.queryset.count() == 1:
            # One organisation: nothing to choose (a hidden field may be left out of the POST).
            self.only_organisation = field.queryset.first()
            field.initial = self.only_organisation
            field.required = False
            field.widget = forms.HiddenInput()

    def clean_organisation(self) -> Organisation:
        organisation = self.cleaned_data.get("organisation") or self.only_organisation
        if organisation is None:
            raise forms.ValidationError(_("Please choose one of your organisations."))
        return organisation


# --- demands ----------------------------------------------------------------------------------


class DemandForm(OrganisationChoiceMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    title = forms.CharField(
        label=capfirst(_("title")),
        max_length=200,
        help_text=_("What is needed, e.g. “Welded machine frame, powder-coated”"),
    )
    description = forms.CharField(
        label=capfirst(_("description")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Drawings, batch sizes, surface, packaging: what suppliers need to know"),
    )
    delivery_postcode = forms.CharField(
        label=capfirst(_("delivery postcode")), max_length=10, required=False
    )
    delivery_city = forms.CharField(
        label=capfirst(_("delivery place")),
        max_length=120,
        required=False,
        help_text=_("Postcode or place; at least one of them"),
    )
    deadline = forms.DateField(label=capfirst(_("deadline")), widget=DATE_WIDGET)
    visibility = forms.ChoiceField(
        label=capfirst(_("visibility")),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    invited = forms.CharField(
        label=_("Invited organisations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only for “invited organisations only”: one organisation per line, "
            "its name or its short name from the directory address"
        ),
    )
    attachments = MultipleFileField(label=_("Drawings and documents"), required=False)

    def __init__(self, *args: Any, user: Any, demand: Demand | None = None, **kwargs: Any):
        if demand is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": demand.organisation,
                "title": demand.title,
                "description": demand.description,
                "delivery_postcode": demand.delivery_postcode,
                "delivery_city": demand.delivery_city,
                "deadline": demand.deadline,
                "visibility": demand.visibility,
                "invited": "\n".join(o.name for o in demand.invited_organisations.all()),
            }
        super().__init__(*args, **kwargs)
        self.setup_organisation(user, _("Buyer"))
        self.fields["attachments"].help_text = attachment_services.help_text()
        if demand is not None:
            del self.fields["organisation"]
            self.fields["attachments"].label = _("Add drawings and documents")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline must not be in the past."))
        return deadline

    def clean_invited(self) -> list[Organisation]:
        found: list[Organisation] = []
        unknown: list[str] = []
        for line in (self.cleaned_data.get("invited") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            # Only public organisations can be invited by name: a guessed name must not tell
            # whether a hidden organisation exists.
            org = (
                Organisation.objects.filter(is_public=True)
                .filter(Q(slug=line) | Q(name__iexact=line))
                .first()
            )
            if org is None:
                unknown.append(line)
            elif org not in found:
                found.append(org)
        if unknown:
            raise forms.ValidationError(
                _("We do not know these organisations: %(names)s")
                % {"names": ", ".join(f"“{n}”" for n in unknown)}
            )
        return found

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("delivery_postcode") and not data.get("delivery_city"):
            self.add_error(
                "delivery_city", _("Please enter the delivery place (postcode and/or place).")
            )
        invited = data.get("invited")
        if (
            data.get("visibility") == Visibility.INVITED
            and not invited
            and "invited" not in self.errors
        ):
            self.add_error("invited", _("Please invite at least one organisation."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in {"organisation", "invited", "attachments"}
        }
        data["invited_organisations"] = self.cleaned_data.get("invited") or []
        return data

    def uploaded(self) -> list[Any]:
        return list(self.cleaned_data.get("attachments") or [])


class DemandStepForm(forms.Form):
    capability = forms.TypedChoiceField(
        label=capfirst(_("capability")),
        coerce=int,
        error_messages={"invalid_choice": CAPABILITY_INVALID},
    )
    quantity = forms.IntegerField(
        label=capfirst(_("quantity")),
        min_value=1,
        max_value=100_000_000,
        initial=1,
        error_messages={"min_value": _("The quantity must be at least 1.")},
    )
    material = forms.ModelChoiceField(
        label=capfirst(_("material")), queryset=Material.objects.none(), required=False
    )
    tolerances = forms.CharField(
        label=capfirst(_("tolerances")),
        max_length=300,
        required=False,
        help_text=_("e.g. ISO 2768-mK, flatness 0.1 mm"),
    )
    certifications = forms.ModelMultipleChoiceField(
        label=capfirst(_("required certifications")),
        queryset=Certification.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capability"].choices = [("", "—"), *capability_choices()]
        self.fields["material"].queryset = Material.objects.order_by("name_de")
        self.fields["certifications"].queryset = Certification.objects.order_by("code")

    def step(self) -> StepData:
        data = self.cleaned_data
        return StepData(
            capability=Capability.objects.filter(pk=data["capability"]).first(),
            quantity=data["quantity"],
            material=data.get("material"),
            tolerances=data.get("tolerances") or "",
            certifications=list(data.get("certifications") or []),
        )


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.steps():
            raise forms.ValidationError(_("Please add at least one production step to the demand."))

    def kept_forms(self) -> list[DemandStepForm]:
        return [
            f
            for f in self.forms
            if f.has_changed() and not (self.can_delete and self._should_delete_form(f))
        ]

    def steps(self) -> list[StepData]:
        return [f.step() for f in self.kept_forms() if f.cleaned_data]


DemandStepFormSet = forms.formset_factory(
    DemandStepForm,
    formset=BaseStepFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_STEPS,
    validate_max=True,
)


def step_initial(demand: Demand) -> list[dict[str, Any]]:
    return [
        {
            "capability": step.capability_id,
            "quantity": step.quantity,
            "material": step.material_id,
            "tolerances": step.tolerances,
            "certifications": [c.pk for c in step.certifications.all()],
        }
        for step in demand.steps.prefetch_related("certifications")
    ]


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("New deadline"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Please enter a deadline.")},
    )


class DemandStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Demand.Status.FULFILLED, _("Fulfilled")),
            (Demand.Status.WITHDRAWN, _("Withdrawn")),
        ],
        error_messages={"invalid_choice": _("Please choose “fulfilled” or “withdrawn”.")},
    )


# --- inquiries --------------------------------------------------------------------------------


class InquiryForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Quantities, dates, drawings on request: what the supplier should answer"),
    )
    steps = forms.ModelMultipleChoiceField(
        label=_("Steps this inquiry is about"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the whole demand"),
    )
    attachments = MultipleFileField(label=_("Files for this supplier"), required=False)

    def __init__(self, *args: Any, demand: Demand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_services.help_text()
        self.fields["steps"].queryset = demand.steps.select_related("capability")
        self.fields["steps"].label_from_instance = lambda s: f"{s.order}. {s.capability.name}"


class ConsortiumOptionsForm(forms.Form):
    """The buyer's knobs for the consortium proposal (FORMATS.md §2)."""

    max_partners = forms.IntegerField(
        label=_("At most this many partners"),
        required=False,
        min_value=1,
        max_value=30,
        help_text=_("Empty: as many as the shortest route needs"),
    )
    partner_cost_km = forms.FloatField(
        label=_("Coordination cost per partner (km)"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("Each further partner counts like this many kilometres of transport"),
    )

    widen = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label=_("Compute with the broader process where nobody offers a step"),
    )

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "max_partners": data.get("max_partners"),
            "partner_cost_km": data.get("partner_cost_km") or 0.0,
            "widen": bool(data.get("widen")),
        }


class ConsortiumInquiryForm(forms.Form):
    alternative = forms.IntegerField(min_value=0, max_value=20, initial=0, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message to all partners"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class InquiryActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("accept", _("Accept")),
            ("decline", _("Decline")),
            ("question", _("Ask a question")),
            ("answer", _("Answer")),
            ("withdraw", _("Withdraw")),
        ],
        error_messages={"invalid_choice": _("Unknown action.")},
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_services.help_text()


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(label=_("Add drawings and documents"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_services.help_text()
        self.fields["attachments"].error_messages["required"] = _(
            "Please choose at least one file."
        )


# --- cooperation exchange ---------------------------------------------------------------------


class CooperationOfferForm(OrganisationChoiceMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    direction = forms.ChoiceField(
        label=_("Offer or request"),
        choices=CooperationOffer.Direction.choices,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=capfirst(_("kind")), choices=CooperationOffer.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=capfirst(_("title")), max_length=200)
    summary = forms.CharField(
        label=capfirst(_("summary")),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("What you offer or look for, and what the partner should bring"),
    )
    partnership_types = forms.MultipleChoiceField(
        label=capfirst(_("partnership types")),
        choices=PartnershipType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one partnership type.")},
    )
    capabilities = forms.ModelMultipleChoiceField(
        label=capfirst(_("capabilities")),
        queryset=Capability.objects.none(),
        required=False,
        widget=CapabilityTreeWidget,
    )
    sectors = forms.ModelMultipleChoiceField(
        label=capfirst(_("sectors")),
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    visibility = forms.ChoiceField(
        label=capfirst(_("visibility")),
        choices=[c for c in Visibility.choices if c[0] != Visibility.INVITED],
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(label=capfirst(_("expires on")), widget=DATE_WIDGET)

    def __init__(
        self, *args: Any, user: Any, offer: CooperationOffer | None = None, **kwargs: Any
    ) -> None:
        if offer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": offer.organisation,
                "direction": offer.direction,
                "kind": offer.kind,
                "title": offer.title,
                "summary": offer.summary,
                "partnership_types": offer.partnership_type_list,
                "capabilities": list(offer.capabilities.all()),
                "sectors": list(offer.sectors.all()),
                "visibility": offer.visibility,
                "expires_on": offer.expires_on,
            }
        super().__init__(*args, **kwargs)
        self.setup_organisation(user, capfirst(_("organisation")))
        if offer is not None:
            del self.fields["organisation"]
        self.fields["capabilities"].queryset = Capability.objects.order_by("key")
        self.fields["capabilities"].choices = capability_choices()
        self.fields["sectors"].queryset = Sector.objects.order_by("code")

    def clean_expires_on(self):
        expires = self.cleaned_data["expires_on"]
        if expires < timezone.localdate():
            raise forms.ValidationError(_("The expiry date must not be in the past."))
        return expires

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "organisation"}


class InterestForm(OrganisationChoiceMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who you are, what you offer or need, and how to go on"),
    )

    def __init__(self, *args: Any, user: Any, offer: CooperationOffer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_organisation(user, _("For"))
        field = self.fields["organisation"]
        field.queryset = field.queryset.exclude(pk=offer.organisation_id)
        if (
            self.only_organisation is not None
            and self.only_organisation.pk == offer.organisation_id
        ):
            self.only_organisation = None


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CooperationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search term"), required=False, max_length=200)
    direction = forms.ChoiceField(
        label=_("Offer or request"),
        required=False,
        choices=[("", _("All")), *CooperationOffer.Direction.choices],
    )
    kind = forms.ChoiceField(
        label=capfirst(_("kind")),
        required=False,
        choices=[("", _("All")), *CooperationOffer.Kind.choices],
    )
    partnership_type = forms.ChoiceField(
        label=_("Partnership type"),
        required=False,
        choices=[("", _("All")), *PartnershipType.choices],
    )
    capability = forms.ModelChoiceField(
        label=capfirst(_("capability")),
        required=False,
        queryset=Capability.objects.order_by("key"),
        to_field_name="key",
    )


class DemandFilterForm(forms.Form):
    """The demand lists' filters (GET); invalid values are ignored, not errors."""

    capability = forms.ModelChoiceField(
        label=capfirst(_("capability")),
        required=False,
        queryset=Capability.objects.order_by("key"),
        to_field_name="key",
        empty_label=_("All"),
    )
    region = forms.ModelChoiceField(
        label=_("Delivery district"),
        required=False,
        queryset=Region.objects.exclude(kind=Region.Kind.STATE).order_by("name_de"),
        to_field_name="code",
        empty_label=_("All"),
    )
    certification = forms.ModelChoiceField(
        label=_("Required certification"),
        required=False,
        queryset=Certification.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All"),
    )
    deadline_from = forms.DateField(label=_("Deadline from"), required=False, widget=DATE_WIDGET)
    deadline_to = forms.DateField(label=_("Deadline until"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Grouped by DIN 8580 main group, as everywhere; the values are the keys.
        by_pk = dict(Capability.objects.values_list("pk", "key"))
        self.fields["capability"].choices = [
            ("", _("All")),
            *[
                (group, [(by_pk[pk], label) for pk, label in options])
                for group, options in capability_choices()
            ],
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.filters())


class InquiryFilterForm(forms.Form):
    box = forms.ChoiceField(
        required=False,
        choices=[("", _("All")), ("incoming", _("Received")), ("outgoing", _("Sent"))],
    )
    status = forms.ChoiceField(required=False, choices=[("", _("All")), *Inquiry.Status.choices])
