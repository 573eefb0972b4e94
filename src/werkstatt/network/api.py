"""The network directory's REST API: read and search organisations, write for their admins.

Views are thin, as the pages are: they read the request, ask the permission rules of
network/rules.py (the same rules the pages ask), call the search service or an organisation
service, and serialise. Every list is paginated and costs a constant number of queries.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_headers
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularRedocView
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from . import serializers as s
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
from .services import organisations as services
from .services.history import organisation_history_page
from .services.search import SearchParams, search

SAFE_METHODS = permissions.SAFE_METHODS

# --- Language ---------------------------------------------------------------------------------


class UserLanguageMixin:
    # Answer in the language the client asks for (Accept-Language, or the language cookie).
    # The pages take the language from the URL prefix, and LocaleMiddleware gives unprefixed
    # URLs (all of /api/) the default language; an API client says what it wants in its
    # headers. (A comment, not a docstring: the schema would show it for every endpoint.)

    def initial(self, request, *args, **kwargs):
        translation.activate(translation.get_language_from_request(request, check_path=False))
        super().initial(request, *args, **kwargs)


# --- Permissions ------------------------------------------------------------------------------


def organisation_of(obj: Any) -> Organisation:
    return obj if isinstance(obj, Organisation) else obj.organisation


class OrganisationPermission(permissions.BasePermission):
    """The page rules, for the API: one way to check.

    Reading asks `network.view_organisation` and answers 404 when it is refused (a non-public
    organisation does not exist for those who may not see it); writing needs a login (401
    otherwise) and `network.change_organisation` (403 otherwise); creating asks
    `network.add_organisation`.
    """

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        if getattr(view, "action", None) == "create" and not getattr(view, "nested", False):
            return request.user.has_perm("network.add_organisation")
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        organisation = organisation_of(obj)
        if not request.user.has_perm("network.view_organisation", organisation):
            raise Http404
        if request.method in SAFE_METHODS:
            return True
        return request.user.has_perm("network.change_organisation", organisation)


def visible_organisations(user) -> QuerySet[Organisation]:
    """Organisations `user` finds in lists: the public ones; all of them for curators.

    The same as the search service's `include_hidden`, so that listing and searching agree.
    Members reach their own non-public organisation by its slug (see /api/v1/me/).
    """
    organisations = Organisation.objects.all()
    if user.has_perm("network.view_private_organisations"):
        return organisations
    return organisations.filter(is_public=True)


def list_queryset(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """What a directory entry needs, in four queries for any page size."""
    return queryset.select_related("region").prefetch_related(
        Prefetch(
            "sites", queryset=Site.objects.only("id", "organisation_id", "city", "is_headquarters")
        ),
        Prefetch("capabilities", queryset=Capability.objects.only("id", "key")),
        Prefetch("certifications", queryset=Certification.objects.only("id", "code")),
    )


def detail_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("region").prefetch_related(
        Prefetch("sites", queryset=Site.objects.select_related("region")),
        "capabilities",
        "certifications",
        "materials",
        "sectors",
        "contacts",
    )


def call(service, *args):
    """Run an organisation service; its business-rule errors become 400 answers."""
    try:
        return service(*args)
    except DjangoValidationError as error:
        raise ValidationError(serializers.as_serializer_error(error)) from error


# --- Pagination -------------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


# --- Search parameters ------------------------------------------------------------------------

SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description=_("Full text, German (stemming, umlauts, compounds)"),
        examples=[OpenApiExample("Sheet metal", value="Blechbearbeitung")],
    ),
    OpenApiParameter(
        "kind",
        str,
        many=True,
        enum=Organisation.Kind.values,
        description=_("Organisation kind; repeat for several"),
    ),
    OpenApiParameter(
        "region",
        str,
        many=True,
        description=_("Region code (official key, see /api/v1/regions/); repeat for several"),
        examples=[OpenApiExample("Chemnitz", value="14511")],
    ),
    OpenApiParameter(
        "capability",
        str,
        many=True,
        description=_("Capability key, includes its sub-capabilities; repeat for several"),
        examples=[OpenApiExample("Milling", value="trennen.spanen.fraesen")],
    ),
    OpenApiParameter(
        "certification",
        str,
        many=True,
        description=_("Certification code; repeat for several"),
        examples=[OpenApiExample("ISO 9001", value="ISO 9001")],
    ),
    OpenApiParameter(
        "size",
        str,
        many=True,
        enum=Organisation.Size.values,
        description=_("Size class; repeat for several"),
    ),
    OpenApiParameter(
        "near",
        str,
        description=_("Place name or postcode to search around"),
        examples=[OpenApiExample("Chemnitz", value="Chemnitz")],
    ),
    OpenApiParameter(
        "radius_km", float, description=_("Radius around `near` in kilometres (1 to 200, 50)")
    ),
    OpenApiParameter(
        "sort",
        str,
        enum=["relevance", "distance", "name"],
        description=_("Order; by default relevance with `q`, distance with `near`, else name"),
    ),
]
SEARCH_KEYS = [p.name for p in SEARCH_PARAMETERS]


def read_search_query(request) -> dict[str, Any] | None:
    """The validated search parameters, or None when the request has none (plain listing)."""
    if not any(request.query_params.get(key) for key in SEARCH_KEYS):
        return None
    data: dict[str, Any] = {}
    for key, field in s.SearchQuerySerializer().fields.items():
        if isinstance(field, serializers.ListField | serializers.MultipleChoiceField):
            values = [v for v in request.query_params.getlist(key) if v.strip()]
            if values:
                data[key] = values
        elif request.query_params.get(key, "").strip():
            data[key] = request.query_params[key].strip()
    query = s.SearchQuerySerializer(data=data)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def run_search(request, query: dict[str, Any], *, page: int, page_size: int):
    """Ask the directory's search service, the one the directory page uses."""
    return search(
        SearchParams(
            q=query.get("q", ""),
            kinds=sorted(query.get("kind", [])),
            regions=list(query.get("region", [])),
            capabilities=list(query.get("capability", [])),
            certifications=list(query.get("certification", [])),
            sizes=sorted(query.get("size", [])),
            near=query.get("near", ""),
            radius_km=query.get("radius_km"),
            sort=query.get("sort", ""),
            page=page,
            page_size=page_size,
            include_hidden=request.user.has_perm("network.view_private_organisations"),
        )
    )


def search_payload(view, result, *, with_facets: bool) -> dict[str, Any]:
    """A page of search hits shaped like DRF's pagination, with scores and distances."""
    url = view.request.build_absolute_uri()

    def link(page: int) -> str | None:
        if not 1 <= page <= result.num_pages or page == result.page:
            return None
        return (
            remove_query_param(url, "page") if page == 1 else replace_query_param(url, "page", page)
        )

    context = view.get_serializer_context()
    context["scores"] = {hit.organisation.pk: hit.score for hit in result.hits}
    context["distances"] = {
        hit.organisation.pk: round(hit.distance_km, 3)
        for hit in result.hits
        if hit.distance_km is not None
    }
    # The service loads each hit's organisation with its region, sites, capabilities and
    # certifications: serialising them costs no further query.
    organisations = [hit.organisation for hit in result.hits]
    payload: dict[str, Any] = {
        "count": result.total,
        "next": link(result.page + 1),
        "previous": link(result.page - 1),
        "results": s.OrganisationListSerializer(organisations, many=True, context=context).data,
    }
    if with_facets:
        payload["facets"] = {
            name: [
                {"value": f.value, "label": str(f.label), "count": f.count, "selected": f.selected}
                for f in values
            ]
            for name, values in result.facets.items()
        }
        payload["message"] = str(result.message or "")
    return payload


def page_numbers(request) -> tuple[int, int]:
    pagination = Pagination()
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        raise ValidationError({"page": [_("Enter a whole number of 1 or more.")]})
    return page, pagination.get_page_size(request) or 25


# --- Organisations ----------------------------------------------------------------------------

ORGANISATION_EXAMPLE = OpenApiExample(
    "Profile update",
    value={
        "description": "Lohnfertigung: Drehen, Fräsen, Schweißen.",
        "capabilities": ["trennen.spanen.fraesen", "trennen.spanen.drehen"],
        "certifications": ["ISO 9001"],
    },
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary=_("List or search organisations"),
        description=_(
            "Public organisations; network moderators and administrators see all. "
            "With search parameters the results are ranked by fit and "
            "carry `score` (and `distance_km` with `near`)."
        ),
        parameters=SEARCH_PARAMETERS,
    ),
    retrieve=extend_schema(
        summary=_("An organisation's profile"),
        description=_(
            "Sites, capabilities, certifications, materials, sectors and contact people. "
            "Contact people not marked public only for who may change the organisation; "
            "a non-public organisation is 404 to those who may not see it."
        ),
    ),
    create=extend_schema(
        summary=_("Create an organisation"),
        description=_("Any signed-in user; the creator becomes its admin."),
        request=s.OrganisationWriteSerializer,
        responses={201: s.OrganisationDetailSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Change an organisation's profile"),
        description=_(
            "For the organisation's admins, network moderators and administrators. "
            "Lists of capabilities, certifications, materials and sectors replace the "
            "current ones."
        ),
        request=s.OrganisationWriteSerializer,
        responses={200: s.OrganisationDetailSerializer},
        examples=[ORGANISATION_EXAMPLE],
    ),
)
@extend_schema(tags=["organisations"])
class OrganisationViewSet(
    UserLanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_field = "slug"
    permission_classes = [OrganisationPermission]
    pagination_class = Pagination
    # PATCH only: a PUT that forgot a field would empty it.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return list_queryset(visible_organisations(self.request.user))
        return detail_queryset()

    def get_serializer_class(self):
        if self.action == "list":
            return s.OrganisationListSerializer
        if self.action in {"create", "partial_update"}:
            return s.OrganisationWriteSerializer
        return s.OrganisationDetailSerializer

    def list(self, request, *args, **kwargs):
        query = read_search_query(request)
        if query is None:
            return super().list(request, *args, **kwargs)
        page, page_size = page_numbers(request)
        result = run_search(request, query, page=page, page_size=page_size)
        return Response(search_payload(self, result, with_facets=False))

    def detail_response(self, organisation: Organisation, code: int = status.HTTP_200_OK):
        organisation = detail_queryset().get(pk=organisation.pk)
        data = s.OrganisationDetailSerializer(
            organisation, context=self.get_serializer_context()
        ).data
        return Response(data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = s.OrganisationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = call(
            services.do_create_organisation, request.user, serializer.validated_data
        )
        return self.detail_response(organisation, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        organisation = self.get_object()
        serializer = s.OrganisationWriteSerializer(organisation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organisation = call(
            services.do_update_profile, organisation, request.user, serializer.validated_data
        )
        return self.detail_response(organisation)

    @extend_schema(
        summary=_("The history of an organisation's profile"),
        description=_(
            "Who changed which fields when, newest first, 25 a page. For the organisation's "
            "admins, network moderators and administrators."
        ),
        parameters=[OpenApiParameter("page", int, description=_("Page number"))],
        responses={200: s.HistoryPageSerializer},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, slug=None):
        organisation = self.get_object()
        if not request.user.has_perm("network.view_organisation_history", organisation):
            self.permission_denied(request)
        page, entries = organisation_history_page(organisation, request.query_params.get("page"))
        url = request.build_absolute_uri()

        def link(number: int) -> str:
            return (
                remove_query_param(url, "page")
                if number == 1
                else replace_query_param(url, "page", number)
            )

        return Response(
            {
                "count": page.paginator.count,
                "next": link(page.next_page_number()) if page.has_next() else None,
                "previous": link(page.previous_page_number()) if page.has_previous() else None,
                "results": s.HistoryEntrySerializer(entries, many=True).data,
            }
        )


class NestedMixin(UserLanguageMixin):
    # Sites and contacts of the organisation named in the URL, checked as that organisation.

    nested = True
    permission_classes = [OrganisationPermission]
    pagination_class = None

    def get_organisation(self) -> Organisation:
        if not hasattr(self, "_organisation"):
            organisation = get_object_or_404(Organisation, slug=self.kwargs["organisation_slug"])
            self.check_object_permissions(self.request, organisation)
            self._organisation = organisation
        return self._organisation

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        self.get_organisation()


SITE_ID = [OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("The site's id"))]
CONTACT_ID = [
    OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("The contact person's id"))
]
ORGANISATION_SLUG = OpenApiParameter(
    "organisation_slug", str, OpenApiParameter.PATH, description=_("The organisation's short name")
)


@extend_schema_view(
    list=extend_schema(summary=_("An organisation's sites")),
    retrieve=extend_schema(summary=_("A site"), parameters=SITE_ID),
    create=extend_schema(
        summary=_("Add a site"),
        description=_("Coordinates and region are found from postcode and place."),
    ),
    partial_update=extend_schema(summary=_("Change a site"), parameters=SITE_ID),
    destroy=extend_schema(summary=_("Remove a site"), parameters=SITE_ID),
)
@extend_schema(tags=["organisations"], parameters=[ORGANISATION_SLUG])
class SiteViewSet(NestedMixin, viewsets.ModelViewSet):
    """An organisation's sites: read by whoever may see it, written by whoever may change it."""

    serializer_class = s.SiteSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Site.objects.none()
        return Site.objects.filter(organisation=self.get_organisation()).select_related("region")

    def perform_create(self, serializer):
        serializer.instance = call(
            services.do_add_site,
            self.get_organisation(),
            self.request.user,
            serializer.validated_data,
        )

    def perform_update(self, serializer):
        serializer.instance = call(
            services.do_update_site,
            serializer.instance,
            self.request.user,
            serializer.validated_data,
        )

    def perform_destroy(self, instance):
        call(services.do_delete_site, instance, self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary=_("An organisation's contact people"),
        description=_("Those marked public; all for who may change the organisation."),
    ),
    retrieve=extend_schema(summary=_("A contact person"), parameters=CONTACT_ID),
    create=extend_schema(summary=_("Add a contact person")),
    partial_update=extend_schema(summary=_("Change a contact person"), parameters=CONTACT_ID),
    destroy=extend_schema(summary=_("Remove a contact person"), parameters=CONTACT_ID),
)
@extend_schema(tags=["organisations"], parameters=[ORGANISATION_SLUG])
class ContactViewSet(NestedMixin, viewsets.ModelViewSet):
    """An organisation's contact people: public ones for all, all for who may change it."""

    serializer_class = s.ContactSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContactPerson.objects.none()
        organisation = self.get_organisation()
        contacts = ContactPerson.objects.filter(organisation=organisation)
        if not self.request.user.has_perm("network.change_organisation", organisation):
            contacts = contacts.filter(is_public=True)
        return contacts

    def perform_create(self, serializer):
        serializer.instance = call(
            services.do_add_contact,
            self.get_organisation(),
            self.request.user,
            serializer.validated_data,
        )

    def perform_update(self, serializer):
        serializer.instance = call(
            services.do_update_contact,
            serializer.instance,
            self.request.user,
            serializer.validated_data,
        )

    def perform_destroy(self, instance):
        call(services.do_delete_contact, instance, self.request.user)


# --- Search with facets -----------------------------------------------------------------------


@extend_schema(
    tags=["search"],
    summary=_("Search the directory, with facets"),
    description=_(
        "The directory page's search: ranked results (with `score`, and "
        "`distance_km` with `near`) and the facet counts for kind, region, "
        "capability, certification and size."
    ),
    parameters=[
        *SEARCH_PARAMETERS,
        OpenApiParameter("page", int, description=_("Page number")),
        OpenApiParameter("page_size", int, description=_("Results per page, at most 100")),
    ],
    responses={200: s.SearchResponseSerializer},
)
class SearchView(UserLanguageMixin, generics.GenericAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.SearchResponseSerializer
    pagination_class = None

    def get(self, request):
        query = read_search_query(request) or {}
        page, page_size = page_numbers(request)
        result = run_search(request, query, page=page, page_size=page_size)
        return Response(search_payload(self, result, with_facets=True))


# --- Reference data ---------------------------------------------------------------------------

# Reference data changes with a data migration, not during the day: clients and proxies may keep
# it for an hour. The name depends on the language asked for.
cacheable = [
    method_decorator(cache_control(public=True, max_age=3600), name="dispatch"),
    method_decorator(vary_on_headers("Accept-Language"), name="dispatch"),
]


def reference(cls):
    for decorator in cacheable:
        cls = decorator(cls)
    return cls


@reference
@extend_schema(tags=["reference data"], summary=_("Regions (districts and district-free cities)"))
class RegionList(UserLanguageMixin, generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.RegionSerializer
    queryset = Region.objects.select_related("parent")
    pagination_class = None


@reference
@extend_schema(tags=["reference data"], summary=_("Sectors (WZ 2008)"))
class SectorList(UserLanguageMixin, generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.SectorSerializer
    queryset = Sector.objects.all()
    pagination_class = None

    def list(self, request, *args, **kwargs):
        sectors = list(self.get_queryset())
        context = self.get_serializer_context()
        context["codes_by_id"] = {sector.pk: sector.code for sector in sectors}
        return Response(s.SectorSerializer(sectors, many=True, context=context).data)


@reference
@extend_schema(tags=["reference data"], summary=_("Certifications"))
class CertificationList(UserLanguageMixin, generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.CertificationSerializer
    queryset = Certification.objects.all()
    pagination_class = None


@reference
@extend_schema(tags=["reference data"], summary=_("Materials"))
class MaterialList(UserLanguageMixin, generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.MaterialSerializer
    queryset = Material.objects.all()
    pagination_class = None


@reference
@extend_schema(
    tags=["reference data"],
    summary=_("Capabilities as a tree (DIN 8580 and services)"),
    responses={200: s.CapabilityNodeSerializer(many=True)},
)
class CapabilityTree(UserLanguageMixin, APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request):
        capabilities = list(Capability.objects.all())  # one query, then the tree in memory
        nodes = {
            c.pk: {
                "key": c.key,
                "name": c.name,
                "name_de": c.name_de,
                "name_en": c.name_en,
                "depth": c.depth,
                "synonyms": [w.strip() for w in c.synonyms.split(",") if w.strip()],
                "children": [],
            }
            for c in capabilities
        }
        roots = []
        for c in capabilities:
            parent = nodes.get(c.parent_id) if c.parent_id else None
            (parent["children"] if parent else roots).append(nodes[c.pk])
        return Response(roots)


__all__ = [
    "CapabilityTree",
    "CertificationList",
    "ContactViewSet",
    "MaterialList",
    "OrganisationPermission",
    "OrganisationViewSet",
    "RegionList",
    "SearchView",
    "SectorList",
    "SiteViewSet",
    "ApiDocsView",
    "visible_organisations",
]


# --- Documentation ----------------------------------------------------------------------------


@method_decorator(
    # Redoc (served from our static files by drf-spectacular-sidecar) writes its styles into
    # <style> elements and runs its search in a worker made from a blob: URL. This page shows
    # only the schema, no user content, so it alone may do both; every other page keeps the
    # strict policy.
    csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}),
    name="dispatch",
)
class ApiDocsView(SpectacularRedocView):
    """/api/docs/: Redoc without a CDN, no inline script, in the user's language."""

    template_name = "network/api/docs.html"
