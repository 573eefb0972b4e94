"""The supply network's REST API: demands with steps, ranking, consortia, inquiries, cooperation
offers. The same rules (supply/rules.py), the same services and the same lists as the pages:
who may not see an object gets 404, who may see it but not act 403, anonymous writers 401.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from werkstatt import uploads
from werkstatt.network.api import UserLanguageMixin
from werkstatt.network.models import Capability, Certification, Material, Organisation, Sector

from .forms import DemandFilterForm, admin_organisations
from .models import (
    Attachment,
    CooperationContact,
    CooperationMessage,
    CooperationOffer,
    Demand,
    DemandStep,
    Inquiry,
    InquiryMessage,
    Visibility,
)
from .models import PartnershipType as PT
from .services import attachments as attachment_services
from .services import cooperation as cooperation_services
from .services import demands as demand_services
from .services import inquiries as inquiry_services
from .services import lists, planning
from .services import matching as matching_services
from .services.demands import StepData
from .services.visibility import visible_demands, visible_inquiries, visible_offers


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def call(service, *args):
    """Run a service; its business-rule errors become 400 answers."""
    try:
        return service(*args)
    except DjangoValidationError as error:
        raise ValidationError(serializers.as_serializer_error(error)) from error


def require(request, perm: str, obj: Any = None) -> None:
    if not request.user.is_authenticated:
        raise NotAuthenticated
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def known(queryset, field: str, message: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field=field,
        queryset=queryset,
        error_messages={"does_not_exist": message, "invalid": message},
    )


# --- serializers ------------------------------------------------------------------------------


class RelatedList(serializers.ListField):
    """A list of related objects by slug, each with its own "unknown" message (a many=True
    related field gives one generic message for all)."""

    def get_attribute(self, instance: Any) -> Any:
        value = super().get_attribute(instance)
        return list(value.all()) if hasattr(value, "all") else value


class StepSerializer(serializers.Serializer):
    order = serializers.IntegerField(read_only=True)
    capability = known(
        Capability.objects.all(),
        "key",
        _("Unknown capability “{value}”: use a key of /api/v1/capabilities/."),
    )
    quantity = serializers.IntegerField(
        min_value=1,
        default=1,
        error_messages={"min_value": _("The quantity must be at least 1.")},
    )
    material = serializers.SlugRelatedField(
        slug_field="key",
        queryset=Material.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown material “{value}”.")},
    )
    tolerances = serializers.CharField(required=False, allow_blank=True, max_length=300)
    certifications = serializers.ListField(
        child=known(Certification.objects.all(), "code", _("Unknown certification “{value}”.")),
        required=False,
    )

    def to_representation(self, step: DemandStep) -> dict[str, Any]:
        return {
            "order": step.order,
            "capability": step.capability.key,
            "quantity": step.quantity,
            "material": step.material.key if step.material else None,
            "tolerances": step.tolerances,
            "certifications": [c.code for c in step.certifications.all()],
        }


class DemandSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        error_messages={"does_not_exist": _("Unknown organisation “{value}”.")},
    )
    steps = StepSerializer(many=True)
    invited_organisations = RelatedList(
        child=known(
            Organisation.objects.filter(is_public=True),
            "slug",
            _("Unknown organisation “{value}”."),
        ),
        required=False,
    )
    url = serializers.SerializerMethodField()
    expired = serializers.BooleanField(
        source="is_expired",
        read_only=True,
        help_text=_("Open, but the deadline has passed (not among the open demands)."),
    )

    class Meta:
        model = Demand
        fields = [
            "id",
            "url",
            "organisation",
            "title",
            "description",
            "delivery_postcode",
            "delivery_city",
            "delivery_lat",
            "delivery_lon",
            "deadline",
            "visibility",
            "invited_organisations",
            "status",
            "expired",
            "steps",
            "created",
            "updated",
        ]
        read_only_fields = ["status", "delivery_lat", "delivery_lon", "created", "updated"]

    def get_url(self, demand: Demand) -> str:
        return demand.get_absolute_url()

    def validate_deadline(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError(_("The deadline must not be in the past."))
        return value

    def validate_steps(self, value):
        if not value:
            raise serializers.ValidationError(
                _("Please add at least one production step to the demand.")
            )
        return value


class DemandUpdateSerializer(DemandSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    steps = StepSerializer(many=True, required=False)


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "created", "download"]

    def get_download(self, attachment: Attachment) -> str:
        return reverse("supply_api:attachment-download", args=[attachment.pk])


class InquiryMessageSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = InquiryMessage
        fields = ["side", "status", "text", "attachments", "created"]


class InquirySerializer(serializers.ModelSerializer):
    demand = serializers.PrimaryKeyRelatedField(queryset=Demand.objects.all())
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        error_messages={"does_not_exist": _("Unknown organisation “{value}”.")},
    )
    steps = serializers.PrimaryKeyRelatedField(
        queryset=DemandStep.objects.all(), many=True, required=False
    )
    messages = InquiryMessageSerializer(many=True, read_only=True)

    class Meta:
        model = Inquiry
        fields = [
            "id",
            "demand",
            "organisation",
            "steps",
            "consortium",
            "message",
            "status",
            "delivery",
            "messages",
            "created",
            "updated",
        ]
        read_only_fields = ["consortium", "status", "delivery", "created", "updated"]


class InquiryActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(inquiry_services.ACTIONS))
    message = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[Demand.Status.FULFILLED.value, Demand.Status.WITHDRAWN.value]
    )


class OfferSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        error_messages={"does_not_exist": _("Unknown organisation “{value}”.")},
    )
    partnership_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PT.choices), allow_empty=False
    )
    capabilities = serializers.SlugRelatedField(
        slug_field="key", queryset=Capability.objects.all(), many=True, required=False
    )
    sectors = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), many=True, required=False
    )
    visibility = serializers.ChoiceField(
        choices=[Visibility.PUBLIC.value, Visibility.MEMBERS.value], default=Visibility.PUBLIC
    )

    class Meta:
        model = CooperationOffer
        fields = [
            "id",
            "organisation",
            "kind",
            "direction",
            "partnership_types",
            "title",
            "summary",
            "capabilities",
            "sectors",
            "visibility",
            "expires_on",
            "status",
            "created",
        ]
        read_only_fields = ["status", "created"]

    def to_representation(self, offer: CooperationOffer) -> dict[str, Any]:
        data = super().to_representation(offer)
        data["partnership_types"] = offer.partnership_type_list
        return data


class OfferUpdateSerializer(OfferSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    partnership_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PT.choices), allow_empty=False, required=False
    )


class RankedSupplierSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")
    score = serializers.FloatField()
    explanation = serializers.ListField(child=serializers.DictField(), source="parts")
    delivery = serializers.ChoiceField(
        choices=Inquiry.Delivery.choices,
        source="reach.delivery",
        help_text=_(
            "How an inquiry would reach it: platform (someone represents it on Werkstatt), "
            "email (its public address), none (it cannot be delivered)."
        ),
    )


class AssignmentSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    capability = serializers.CharField()
    organisation = serializers.CharField()
    name = serializers.CharField()


class LegSerializer(serializers.Serializer):
    from_name = serializers.CharField()
    from_lat = serializers.FloatField()
    from_lon = serializers.FloatField()
    to_name = serializers.CharField()
    to_lat = serializers.FloatField()
    to_lon = serializers.FloatField()
    km = serializers.FloatField()


class ConsortiumOptionSerializer(serializers.Serializer):
    assignments = serializers.SerializerMethodField()
    legs = LegSerializer(many=True)
    transport_km = serializers.FloatField()
    partners = serializers.IntegerField()
    partner_cost_km = serializers.FloatField()
    total_km = serializers.FloatField()
    optimal = serializers.BooleanField()
    gap = serializers.FloatField(allow_null=True)

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, option: planning.ConsortiumOption) -> list[dict[str, Any]]:
        return [
            {
                "step": step.order,
                "capability": step.capability.key,
                "organisation": organisation.slug,
                "name": organisation.name,
            }
            for step, organisation in option.assignments
        ]


class StepHelpSerializer(serializers.Serializer):
    step = serializers.IntegerField(source="step.order")
    capability = serializers.CharField(source="step.capability.key")
    able_without_certifications = serializers.IntegerField()
    broader = serializers.CharField(source="broader.key", allow_null=True, default=None)
    broader_able = serializers.IntegerField()
    broader_without_certifications = serializers.IntegerField()


class WidenedStepSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    capability = serializers.CharField()
    broader = serializers.CharField()


class ConsortiumPlanSerializer(serializers.Serializer):
    feasible = serializers.BooleanField()
    options = ConsortiumOptionSerializer(many=True)
    uncovered_steps = serializers.SerializerMethodField()
    partner_limit = serializers.BooleanField()
    help = StepHelpSerializer(many=True)
    widened = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_uncovered_steps(self, plan: planning.ConsortiumPlan) -> list[int]:
        return [step.order for step in plan.uncovered_steps]

    @extend_schema_field(WidenedStepSerializer(many=True))
    def get_widened(self, plan: planning.ConsortiumPlan) -> list[dict[str, Any]]:
        return [
            {"step": step.order, "capability": step.capability.key, "broader": broader.key}
            for step, broader in plan.widened
        ]


class InterestSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        error_messages={"does_not_exist": _("Unknown organisation “{value}”.")},
    )
    message = serializers.CharField(max_length=5000)


class CooperationMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = CooperationMessage
        fields = ["side", "text", "created"]


class CooperationContactSerializer(serializers.ModelSerializer):
    offer = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    messages = CooperationMessageSerializer(many=True, read_only=True)

    class Meta:
        model = CooperationContact
        fields = ["id", "offer", "organisation", "messages", "created", "updated"]


class ReplySerializer(serializers.Serializer):
    message = serializers.CharField(max_length=5000)


class MatchSerializer(serializers.Serializer):
    offer = OfferSerializer()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.DictField())


# --- permissions ------------------------------------------------------------------------------


class ReadOrLogin(permissions.BasePermission):
    """Reading is open (lists filter, objects 404); writing needs a login (401)."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or request.user.is_authenticated


def _steps(validated: list[dict[str, Any]]) -> list[StepData]:
    return [
        StepData(
            capability=item["capability"],
            quantity=item.get("quantity", 1),
            material=item.get("material"),
            tolerances=item.get("tolerances", ""),
            certifications=item.get("certifications", []),
        )
        for item in validated
    ]


# --- demands ----------------------------------------------------------------------------------


FILTER_PARAMETERS = [
    OpenApiParameter("capability", str, description=_("A capability key: steps with it or below")),
    OpenApiParameter("region", str, description=_("The delivery district's official key")),
    OpenApiParameter("certification", str, description=_("A certification a step asks for")),
    OpenApiParameter("deadline_from", OpenApiTypes.DATE, description=_("Deadline on or after")),
    OpenApiParameter("deadline_to", OpenApiTypes.DATE, description=_("Deadline on or before")),
]


class MatchingDemandSerializer(serializers.Serializer):
    demand = DemandSerializer()
    covered = serializers.IntegerField(help_text=_("Steps covered with their certifications"))
    by_capability = serializers.IntegerField(help_text=_("Steps covered by capability"))
    total = serializers.IntegerField()
    distance_km = serializers.FloatField(allow_null=True)
    explanation = serializers.ListField(child=serializers.DictField(), source="parts")


class MatchingPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = MatchingDemandSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary=_("Open demands"),
        parameters=[
            OpenApiParameter("mine", bool, description=_("All demands of my organisations")),
            *FILTER_PARAMETERS,
        ],
        description=_(
            "Open demands the caller may see whose deadline has not passed; with `?mine=1` "
            "all demands of the caller's organisations (`expired` marks those past their "
            "deadline)."
        ),
    ),
    retrieve=extend_schema(summary=_("A demand with its steps")),
    create=extend_schema(summary=_("Post a demand (organisation admins)")),
    partial_update=extend_schema(
        summary=_("Change an open demand"), request=DemandUpdateSerializer
    ),
)
class DemandViewSet(
    UserLanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DemandSerializer
    permission_classes = [ReadOrLogin]
    pagination_class = Pagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            if self.request.query_params.get("mine"):
                demands = lists.own_demands(self.request.user)
            else:
                filters = DemandFilterForm(self.request.query_params or None).filters()
                demands = lists.open_demands(self.request.user, filters)
            return demands.prefetch_related(
                "invited_organisations", "steps__certifications", "steps__material"
            )
        return visible_demands(self.request.user).select_related("organisation")

    def get_object(self) -> Demand:
        demand = get_object_or_404(
            Demand.objects.select_related("organisation"), pk=self.kwargs["pk"]
        )
        if not self.request.user.has_perm("supply.view_demand", demand):
            raise Http404
        return demand

    def get_serializer_class(self):
        if self.action == "partial_update":
            return DemandUpdateSerializer
        return DemandSerializer

    def create(self, request, *args, **kwargs):
        require(request, "supply.add_demand")
        serializer = DemandSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation")
        require(request, "supply.add_demand_for", organisation)
        steps = _steps(data.pop("steps"))
        demand = call(demand_services.do_create_demand, organisation, request.user, data, steps)
        return Response(DemandSerializer(demand).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        demand = self.get_object()
        require(request, "supply.change_demand", demand)
        serializer = DemandUpdateSerializer(demand, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "steps" in data:
            steps = _steps(data.pop("steps"))
        else:
            steps = [
                StepData(
                    s.capability, s.quantity, s.material, s.tolerances, list(s.certifications.all())
                )
                for s in lists.steps_of(demand)
            ]
        demand = call(demand_services.do_update_demand, demand, request.user, data, steps)
        return Response(DemandSerializer(demand).data)

    def update(self, request, *args, **kwargs):  # PUT is not offered
        raise Http404

    @extend_schema(
        summary=_("Demands an organisation can serve, best first (its admins)"),
        description=_(
            "Open demands with steps the organisation covers by capability, ranked by the "
            "steps covered with their certifications, by capability, then the distance."
        ),
        parameters=[
            OpenApiParameter(
                "organisation", str, description=_("The organisation's slug (one you speak for)")
            ),
            OpenApiParameter("page", int),
            *FILTER_PARAMETERS,
        ],
        responses=MatchingPageSerializer,
    )
    @action(detail=False, methods=["get"])
    def matching(self, request):
        require(request, "supply.add_demand")
        slug = request.query_params.get("organisation", "")
        organisation = Organisation.objects.filter(slug=slug).first() if slug else None
        if organisation is None and not slug:
            organisation = admin_organisations(request.user).first()
        if organisation is None or not request.user.has_perm("supply.add_demand_for", organisation):
            raise ValidationError({"organisation": [_("Please choose one of your organisations.")]})
        found = matching_services.matching_demands(
            organisation,
            request.user,
            page=request.query_params.get("page"),
            per_page=Pagination.page_size or 25,
            filters=DemandFilterForm(request.query_params).filters(),
        )
        page = found.page
        url = request.build_absolute_uri()
        return Response(
            MatchingPageSerializer(
                {
                    "count": found.count,
                    "next": replace_query_param(url, "page", page.next_page_number())
                    if page.has_next()
                    else None,
                    "previous": replace_query_param(url, "page", page.previous_page_number())
                    if page.has_previous()
                    else None,
                    "results": page.object_list,
                }
            ).data
        )

    @extend_schema(
        summary=_("Mark a demand fulfilled or withdrawn"),
        request=StatusSerializer,
        responses=DemandSerializer,
    )
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        demand = self.get_object()
        require(request, "supply.change_demand", demand)
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        demand = call(
            demand_services.do_set_demand_status,
            demand,
            request.user,
            serializer.validated_data["status"],
        )
        return Response(DemandSerializer(demand).data)

    @extend_schema(
        summary=_("Suppliers ranked for a demand, with explanations"),
        responses=RankedSupplierSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        demand = self.get_object()
        require(request, "supply.plan_demand", demand)
        try:
            rows = planning.ranking_for(demand, request.user)
        except planning.PlanningUnavailable as error:
            raise Http404 from error
        return Response(RankedSupplierSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("Consortia for a demand: the best and alternatives"),
        description=_(
            "For steps nobody offers, `help` says how many offer them without the asked "
            "certifications and how many the broader process; `?widen=1` computes those steps "
            "with the broader process (listed in `widened`)."
        ),
        parameters=[
            OpenApiParameter(
                "widen", bool, description=_("Compute uncovered steps with the broader process")
            )
        ],
        responses=ConsortiumPlanSerializer,
    )
    @action(detail=True, methods=["get"])
    def consortia(self, request, pk=None):
        demand = self.get_object()
        require(request, "supply.plan_demand", demand)
        widen = request.query_params.get("widen", "") in {"1", "true", "yes"}
        try:
            plan = planning.consortia_for(demand, request.user, widen=widen)
        except planning.PlanningUnavailable as error:
            raise Http404 from error
        return Response(ConsortiumPlanSerializer(plan).data)

    @extend_schema(
        methods=["GET"],
        summary=_("The drawings and documents of a demand"),
        responses=AttachmentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Attach drawings to a demand (multipart, field `files`; the buyer's admins)"),
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                },
            }
        },
        responses=AttachmentSerializer(many=True),
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        demand = self.get_object()
        if request.method == "POST":
            require(request, "supply.change_demand", demand)
            added = call(
                attachment_services.do_attach_to_demand,
                demand,
                request.user,
                request.FILES.getlist("files"),
            )
            return Response(AttachmentSerializer(added, many=True).data, status=201)
        return Response(AttachmentSerializer(lists.demand_attachments(demand), many=True).data)


# --- drawings and documents -------------------------------------------------------------------


@extend_schema_view(retrieve=extend_schema(summary=_("A drawing or document (its details)")))
class AttachmentViewSet(UserLanguageMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Files are seen as their demand or inquiry; downloaded through `download/`."""

    serializer_class = AttachmentSerializer
    permission_classes = [ReadOrLogin]
    queryset = Attachment.objects.none()

    def get_object(self) -> Attachment:
        attachment = get_object_or_404(
            Attachment.objects.select_related("demand__organisation", "message__inquiry"),
            pk=self.kwargs["pk"],
        )
        if not self.request.user.has_perm("supply.view_attachment", attachment):
            raise Http404
        return attachment

    @extend_schema(summary=_("Download the file"), responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = self.get_object()
        return uploads.download_response(attachment.file, attachment.content_type, attachment.name)


# --- inquiries --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("Inquiries of the caller's organisations, sent and received")),
    retrieve=extend_schema(summary=_("An inquiry with its history")),
    create=extend_schema(summary=_("Send an inquiry about a demand to an organisation")),
)
class InquiryViewSet(
    UserLanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = InquirySerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = Pagination

    def get_queryset(self):
        return (
            visible_inquiries(self.request.user)
            .select_related("organisation")
            .prefetch_related("steps", "messages__attachments")
            .order_by("-updated", "-pk")
        )

    def get_object(self) -> Inquiry:
        inquiry = get_object_or_404(
            Inquiry.objects.select_related("demand__organisation", "organisation"),
            pk=self.kwargs["pk"],
        )
        if not self.request.user.has_perm("supply.view_inquiry", inquiry):
            raise Http404
        return inquiry

    def create(self, request, *args, **kwargs):
        require(request, "supply.add_demand")  # only who speaks for an organisation asks
        serializer = InquirySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        demand = data["demand"]
        if not request.user.has_perm("supply.view_demand", demand):
            raise ValidationError({"demand": [_("Unknown demand.")]})
        require(request, "supply.send_inquiry", demand)
        organisation = data["organisation"]
        if not request.user.has_perm("network.view_organisation", organisation):
            raise ValidationError({"organisation": [_("Unknown organisation.")]})
        inquiry = call(
            inquiry_services.do_send_inquiry,
            demand,
            request.user,
            organisation,
            data["message"],
            list(data.get("steps", [])),
            request.FILES.getlist("files"),
        )
        return Response(InquirySerializer(inquiry).data, status=201)

    @extend_schema(
        summary=_(
            "Answer an inquiry: accept, decline, question (supplier); answer, withdraw (buyer)"
        ),
        request=InquiryActionSerializer,
        responses=InquirySerializer,
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        inquiry = self.get_object()
        serializer = InquiryActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action_name = serializer.validated_data["action"]
        side = inquiry_services.ACTIONS[action_name][0]
        perm = (
            "supply.respond_inquiry"
            if side == inquiry_services.Side.SUPPLIER
            else "supply.answer_inquiry"
        )
        require(request, perm, inquiry)
        inquiry = call(
            inquiry_services.do_inquiry_action,
            inquiry,
            request.user,
            action_name,
            serializer.validated_data.get("message", ""),
            request.FILES.getlist("files"),
        )
        return Response(InquirySerializer(inquiry).data)


# --- cooperation exchange ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("Active cooperation offers and requests")),
    retrieve=extend_schema(summary=_("A cooperation offer or request")),
    create=extend_schema(summary=_("Publish an offer or request (organisation admins)")),
    partial_update=extend_schema(
        summary=_("Change an offer or request"), request=OfferUpdateSerializer
    ),
)
class CooperationOfferViewSet(
    UserLanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OfferSerializer
    permission_classes = [ReadOrLogin]
    pagination_class = Pagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return cooperation_services.filter_offers(
                self.request.user,
                kind=self.request.query_params.get("kind", ""),
                direction=self.request.query_params.get("direction", ""),
                partnership_type=self.request.query_params.get("partnership_type", ""),
            )
        return visible_offers(self.request.user)

    def get_object(self) -> CooperationOffer:
        offer = get_object_or_404(
            CooperationOffer.objects.select_related("organisation"), pk=self.kwargs["pk"]
        )
        if not self.request.user.has_perm("supply.view_cooperationoffer", offer):
            raise Http404
        return offer

    def get_serializer_class(self):
        if self.action == "partial_update":
            return OfferUpdateSerializer
        return OfferSerializer

    def create(self, request, *args, **kwargs):
        require(request, "supply.add_cooperationoffer")
        serializer = OfferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation")
        require(request, "network.change_organisation", organisation)
        offer = call(cooperation_services.do_create_offer, organisation, request.user, data)
        return Response(OfferSerializer(offer).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        offer = self.get_object()
        require(request, "supply.change_cooperationoffer", offer)
        serializer = OfferUpdateSerializer(offer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        offer = call(
            cooperation_services.do_update_offer,
            offer,
            request.user,
            dict(serializer.validated_data),
        )
        return Response(OfferSerializer(offer).data)

    def update(self, request, *args, **kwargs):  # PUT is not offered
        raise Http404

    @extend_schema(summary=_("Close an offer or request"), request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        offer = self.get_object()
        require(request, "supply.change_cooperationoffer", offer)
        offer = call(cooperation_services.do_close_offer, offer, request.user)
        return Response(OfferSerializer(offer).data)

    @extend_schema(
        summary=_("Express interest: a message to the profile's organisation"),
        request=InterestSerializer,
        responses={201: CooperationContactSerializer},
    )
    @action(detail=True, methods=["post"])
    def interest(self, request, pk=None):
        offer = self.get_object()
        require(request, "supply.express_interest", offer)
        serializer = InterestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = serializer.validated_data["organisation"]
        if not request.user.has_perm("supply.add_demand_for", organisation):
            raise ValidationError({"organisation": [_("Please choose one of your organisations.")]})
        contact = call(
            cooperation_services.do_express_interest,
            offer,
            request.user,
            organisation,
            serializer.validated_data["message"],
        )
        return Response(CooperationContactSerializer(contact).data, status=201)

    @extend_schema(
        summary=_("Matching profiles of the complementary direction, with reasons"),
        responses=MatchSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        offer = self.get_object()
        found = (
            cooperation_services.match_suggestions(offer, request.user) if offer.is_active else []
        )
        return Response(MatchSerializer(found, many=True).data)


@extend_schema_view(
    list=extend_schema(summary=_("Expressions of interest of the caller's organisations")),
    retrieve=extend_schema(summary=_("An expression of interest with its messages")),
)
class CooperationContactViewSet(
    UserLanguageMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = CooperationContactSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = Pagination

    def get_queryset(self):
        return (
            lists.cooperation_contacts(self.request.user)
            .select_related("organisation")
            .prefetch_related("messages")
        )

    def get_object(self) -> CooperationContact:
        contact = get_object_or_404(
            CooperationContact.objects.select_related("offer__organisation", "organisation"),
            pk=self.kwargs["pk"],
        )
        if not self.request.user.has_perm("supply.view_cooperationcontact", contact):
            raise Http404
        return contact

    @extend_schema(
        summary=_("Answer in the conversation (either organisation's admins)"),
        request=ReplySerializer,
        responses=CooperationContactSerializer,
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        contact = self.get_object()
        require(request, "supply.reply_cooperationcontact", contact)
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        side = cooperation_services.side_for(contact, request.user)
        call(
            cooperation_services.do_reply,
            contact,
            request.user,
            side,
            serializer.validated_data["message"],
        )
        return Response(CooperationContactSerializer(contact).data)
