"""Forms for organisation profiles, sites, contact people and memberships.

Forms check the shape of the input and give field-level messages; business rules live in
services/organisations.py, whose ValidationErrors the views put back into these forms.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import (
    Capability,
    Certification,
    ContactPerson,
    Material,
    Organisation,
    OrganisationMembership,
    Sector,
    Site,
)
from ..services.organisations import PROFILE_FIELDS


class CapabilityTreeWidget(forms.CheckboxSelectMultiple):
    """Checkboxes grouped by DIN 8580 main group, with a filter field (static JS)."""

    template_name = "network/widgets/capability_tree.html"


def capability_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Capabilities grouped by their main group (the root of the tree), in key order."""
    caps = list(Capability.objects.select_related("parent").order_by("key"))
    by_key = {c.key: c for c in caps}
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    order: list[str] = []
    for cap in caps:
        root_key = cap.key.split(".", 1)[0]
        root = by_key.get(root_key, cap)
        if root_key not in groups:
            order.append(root_key)
        if cap.pk == root.pk:
            label = cap.name
        elif cap.parent is not None and cap.parent.pk != root.pk:
            label = f"{cap.parent.name}: {cap.name}"
        else:
            label = cap.name
        groups[root_key].append((cap.pk, label))
    return [(str(by_key[k].name if k in by_key else k), groups[k]) for k in order]


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=capfirst(_("website")), required=False, assume_scheme="https")
    founded = forms.IntegerField(
        label=capfirst(_("founded (year)")),
        required=False,
        validators=[MinValueValidator(800)],
    )
    employees = forms.IntegerField(
        label=capfirst(_("employees")),
        required=False,
        min_value=0,
        max_value=10_000_000,
    )

    class Meta:
        model = Organisation
        fields = [
            *PROFILE_FIELDS,
            "capabilities",
            "certifications",
            "materials",
            "sectors",
        ]
        widgets = {
            "capabilities": CapabilityTreeWidget,
            "certifications": forms.CheckboxSelectMultiple,
            "materials": forms.CheckboxSelectMultiple,
            "sectors": forms.SelectMultiple(attrs={"size": 12}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "capabilities_text": forms.Textarea(attrs={"rows": 3}),
            "capacities": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["founded"].validators.append(MaxValueValidator(datetime.date.today().year))
        self.fields["capabilities"].choices = capability_choices()
        self.fields["certifications"].queryset = Certification.objects.order_by("code")
        self.fields["materials"].queryset = Material.objects.order_by("name_de")
        self.fields["sectors"].queryset = Sector.objects.order_by("code")
        self.fields["website"].widget.attrs["placeholder"] = "https://"
        self.fields["size"].help_text = _("Companies only (EU size classes).")

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter the organisation's name."))
        return name

    def clean(self) -> dict:
        data = super().clean()
        if data.get("size") and data.get("kind") and data["kind"] != Organisation.Kind.COMPANY:
            self.add_error("size", _("Only companies have a size class."))
        return data


class NewOrganisationForm(OrganisationForm):
    """A new organisation's profile. When it may exist already, the view asks to confirm."""

    confirm_new = forms.BooleanField(
        label=_("It is a different organisation: create it anyway"),
        required=False,
        widget=forms.HiddenInput,
    )

    def ask_confirmation(self) -> None:
        """Show the confirmation checkbox with its reason (the candidates are on the page)."""
        self.fields["confirm_new"].widget = forms.CheckboxInput()
        self.add_error(
            "confirm_new",
            _(
                "Organisations with a similar name are already in the directory (see above). "
                "Join one of them, or confirm that yours is a different one."
            ),
        )


postcode_validator = RegexValidator(
    r"^[0-9A-Za-z -]{3,10}$", _("Please enter a valid postcode (e.g. 09111).")
)


class SiteForm(forms.ModelForm):
    lat = forms.FloatField(
        label=_("latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Only if the place can't be found, e.g. 50.8357"),
    )
    lon = forms.FloatField(
        label=_("longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Only if the place can't be found, e.g. 12.9292"),
    )

    class Meta:
        model = Site
        fields = ["name", "street", "postcode", "city", "is_headquarters", "lat", "lon"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postcode"].validators.append(postcode_validator)
        # The place may be left empty when the postcode is given: the service fills it in.
        self.fields["city"].required = False
        self.fields["city"].help_text = _("Filled in from the postcode if left empty")
        # Coordinates the gazetteer found are not the user's input: show the fields empty.
        self.initial.pop("lat", None)
        self.initial.pop("lon", None)

    def clean(self) -> dict:
        data = super().clean()
        one_missing = (data.get("lat") is None) != (data.get("lon") is None)
        if one_missing and "lat" not in self.errors and "lon" not in self.errors:
            raise forms.ValidationError(_("Please enter both latitude and longitude."))
        return data


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "function", "email", "phone", "is_public"]


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=OrganisationMembership.Role.choices)
