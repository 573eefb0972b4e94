"""How the network directory looks in the API, and what an organisation admin may send.

Read serializers never query: the views hand them querysets with everything selected or
prefetched (list and detail are tested for a constant number of queries). Write serializers
validate only; the views pass their validated data to the organisation services, the same ones
the pages use.
"""

from __future__ import annotations

from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    Capability,
    Certification,
    ContactPerson,
    Material,
    Organisation,
    Region,
    Sector,
    Site,
)

# --- Reference data ---------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "slug",
            "name",
            "name_de",
            "name_en",
            "kind",
            "nuts",
            "parent",
            "seat",
            "lat",
            "lon",
        ]


class RegionRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "slug", "name"]


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Sector
        fields = ["code", "name", "name_de", "name_en", "parent"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent(self, sector: Sector) -> str | None:
        # The view passes a code map so that a thousand sectors cost one query, not a thousand.
        codes = self.context.get("codes_by_id", {})
        return codes.get(sector.parent_id) if sector.parent_id else None


class SectorRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Sector
        fields = ["code", "name"]


class CapabilityRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Capability
        fields = ["key", "name"]


class CapabilityNodeSerializer(serializers.Serializer):
    """One node of the capability tree (DIN 8580 and services) with its children."""

    key = serializers.CharField(help_text=_("Dotted path, e.g. trennen.spanen.fraesen"))
    name = serializers.CharField()
    name_de = serializers.CharField()
    name_en = serializers.CharField()
    depth = serializers.IntegerField()
    synonyms = serializers.ListField(child=serializers.CharField())

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = CapabilityNodeSerializer(many=True)
        return fields


class CertificationSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = ["code", "name", "name_de", "name_en"]

    def get_name(self, certification: Certification) -> str:
        from django.utils.translation import get_language

        if (get_language() or "de").startswith("en") and certification.name_en:
            return certification.name_en
        return certification.name_de


class CertificationRefSerializer(CertificationSerializer):
    class Meta(CertificationSerializer.Meta):
        fields = ["code", "name"]


class MaterialSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Material
        fields = ["key", "name", "name_de", "name_en"]


class MaterialRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Material
        fields = ["key", "name"]


# --- Organisations: reading -------------------------------------------------------------------


def _web_url(organisation: Organisation, request) -> str | None:
    try:
        path = organisation.get_absolute_url()
    except NoReverseMatch:  # the directory pages are not mounted (e.g. an API-only deployment)
        return None
    return request.build_absolute_uri(path) if request is not None else path


class OrganisationListSerializer(serializers.ModelSerializer):
    """A directory entry. `score` and `distance_km` are set when the list was searched."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )
    web_url = serializers.SerializerMethodField()
    region = RegionRefSerializer(read_only=True)
    city = serializers.SerializerMethodField()
    capabilities = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    certifications = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    score = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "size",
            "region",
            "city",
            "lat",
            "lon",
            "capabilities",
            "certifications",
            "is_public",
            "url",
            "web_url",
            "score",
            "distance_km",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_web_url(self, organisation: Organisation) -> str | None:
        return _web_url(organisation, self.context.get("request"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_city(self, organisation: Organisation) -> str | None:
        # `sites` is prefetched, ordered headquarters first.
        sites = list(organisation.sites.all())
        return sites[0].city if sites else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_score(self, organisation: Organisation) -> float | None:
        return self.context.get("scores", {}).get(organisation.pk)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, organisation: Organisation) -> float | None:
        return self.context.get("distances", {}).get(organisation.pk)


class SiteSerializer(serializers.ModelSerializer):
    """A site; coordinates and region are found from postcode and place (offline)."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "street",
            "postcode",
            "city",
            "region",
            "lat",
            "lon",
            "is_headquarters",
        ]
        read_only_fields = ["id", "region"]
        extra_kwargs = {
            "lat": {"help_text": _("Optional; found from postcode and place when left out")},
            "lon": {"help_text": _("Optional; found from postcode and place when left out")},
        }


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["id", "name", "function", "email", "phone", "is_public"]
        read_only_fields = ["id"]


class OrganisationDetailSerializer(OrganisationListSerializer):
    sites = SiteSerializer(many=True, read_only=True)
    capabilities = CapabilityRefSerializer(many=True, read_only=True)
    certifications = CertificationRefSerializer(many=True, read_only=True)
    materials = MaterialRefSerializer(many=True, read_only=True)
    sectors = SectorRefSerializer(many=True, read_only=True)
    contacts = serializers.SerializerMethodField()
    can_change = serializers.SerializerMethodField()

    class Meta(OrganisationListSerializer.Meta):
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "size",
            "employees",
            "founded",
            "description",
            "capabilities_text",
            "capacities",
            "website",
            "email",
            "phone",
            "is_public",
            "region",
            "lat",
            "lon",
            "sites",
            "capabilities",
            "certifications",
            "materials",
            "sectors",
            "contacts",
            "can_change",
            "created",
            "updated",
            "url",
            "web_url",
        ]

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, organisation: Organisation) -> list[dict]:
        # Contacts are prefetched; those not marked public only for who may change the profile.
        contacts = organisation.contacts.all()
        if not self.get_can_change(organisation):
            contacts = [c for c in contacts if c.is_public]
        return ContactSerializer(contacts, many=True, context=self.context).data

    def get_can_change(self, organisation: Organisation) -> bool:
        request = self.context.get("request")
        if request is None:
            return False
        cache = self.context.setdefault("can_change", {})
        if organisation.pk not in cache:
            cache[organisation.pk] = request.user.has_perm(
                "network.change_organisation", organisation
            )
        return cache[organisation.pk]


# --- Organisations: writing -------------------------------------------------------------------


class OrganisationWriteSerializer(serializers.ModelSerializer):
    """What an organisation admin may change; reference data by key or code."""

    capabilities = serializers.SlugRelatedField(
        slug_field="key",
        many=True,
        queryset=Capability.objects.all(),
        required=False,
        help_text=_("Capability keys, e.g. trennen.spanen.fraesen"),
    )
    certifications = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Certification.objects.all(),
        required=False,
        help_text=_("Certification codes, e.g. ISO 9001"),
    )
    materials = serializers.SlugRelatedField(
        slug_field="key",
        many=True,
        queryset=Material.objects.all(),
        required=False,
        help_text=_("Material keys"),
    )
    sectors = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Sector.objects.all(),
        required=False,
        help_text=_("WZ 2008 codes"),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "size",
            "employees",
            "founded",
            "description",
            "capabilities_text",
            "capacities",
            "website",
            "email",
            "phone",
            "is_public",
            "capabilities",
            "certifications",
            "materials",
            "sectors",
        ]


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    """One change of the profile, a site or a contact person: when, by whom, which fields (as
    the history page shows)."""

    date = serializers.DateTimeField(source="record.history_date")
    user = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    subject = serializers.ChoiceField(
        choices=["profile", "site", "contact"],
        help_text=_("What changed: the profile, a site or a contact person"),
    )
    subject_label = serializers.CharField(
        help_text=_("Which site or contact person (empty for the profile)")
    )
    changes = ChangeSerializer(many=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_user(self, entry) -> str | None:
        user = entry.record.history_user
        return str(user) if user is not None else None


class HistoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryEntrySerializer(many=True)


# --- Search -----------------------------------------------------------------------------------


class SearchQuerySerializer(serializers.Serializer):
    """The directory page's search parameters; the API accepts the same."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Full text, German (stemming, umlauts, compounds)"),
    )
    kind = serializers.MultipleChoiceField(
        choices=Organisation.Kind.choices,
        required=False,
        help_text=_("Organisation kind; repeat for several"),
    )
    region = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        help_text=_("Region code; repeat for several"),
    )
    capability = serializers.ListField(
        child=serializers.CharField(max_length=120),
        required=False,
        help_text=_("Capability key (includes its sub-capabilities); repeat for several"),
    )
    certification = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text=_("Certification code; repeat for several"),
    )
    size = serializers.MultipleChoiceField(
        choices=Organisation.Size.choices,
        required=False,
        help_text=_("Size class; repeat for several"),
    )
    near = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text=_("Place name or postcode to search around"),
    )
    radius_km = serializers.FloatField(
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("Radius around `near` in kilometres"),
    )
    sort = serializers.ChoiceField(
        choices=["relevance", "distance", "name"], required=False, help_text=_("Order")
    )


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OrganisationListSerializer(many=True)
    facets = serializers.DictField(
        child=FacetValueSerializer(many=True), help_text=_("Facet name → values with counts")
    )
    message = serializers.CharField(
        allow_blank=True, help_text=_("A note for the user, e.g. that a place is unknown")
    )
