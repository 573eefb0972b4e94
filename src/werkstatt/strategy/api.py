"""The strategy workshop's REST API: processes, phases, recommendations and comments, with the
rules the pages ask (strategy/rules.py) and the same querysets (services/queries.py), so that
the API never lists what a page would hide. Writes go through the same services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from werkstatt.network.api import Pagination, UserLanguageMixin
from werkstatt.network.models import Organisation, Region, Sector

from .models import ActionField, Comment, Phase, Process, Recommendation
from .services import comments as comment_services
from .services import recommendations as services
from .services.names import public_name
from .services.queries import (
    RecommendationFilter,
    filtered_recommendations,
    visible_phases,
    visible_processes,
)


def call(service: Any, *args: Any) -> Any:
    try:
        return service(*args)
    except DjangoValidationError as error:
        raise ValidationError(serializers.as_serializer_error(error)) from error
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from error


class PhaseSerializer(serializers.ModelSerializer):
    actions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Phase
        fields = ["id", "name", "description", "start_date", "end_date", "visibility", "actions"]


class ActionFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionField
        fields = ["id", "name", "description", "order"]


class ProcessSerializer(serializers.ModelSerializer):
    current_phase = serializers.SerializerMethodField()

    class Meta:
        model = Process
        fields = [
            "slug",
            "title",
            "summary",
            "description",
            "organiser",
            "start_date",
            "end_date",
            "status",
            "moderation",
            "is_public",
            "current_phase",
        ]

    def get_current_phase(self, process: Process) -> int | None:
        phase = process.current_phase()
        return phase.pk if phase else None


class ProcessDetailSerializer(ProcessSerializer):
    action_fields = ActionFieldSerializer(many=True, read_only=True)

    class Meta(ProcessSerializer.Meta):
        fields = [*ProcessSerializer.Meta.fields, "action_fields"]


class RecommendationSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    author_organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "Propose on behalf of this organisation (its short name); you must be an active "
            "member of it, as on the page."
        ),
    )
    action_fields = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ActionField.objects.all(), required=False
    )
    regions = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Region.objects.all(), required=False
    )
    sectors = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Sector.objects.all(), required=False
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "kind",
            "title",
            "text",
            "author",
            "author_organisation",
            "phase",
            "action_fields",
            "regions",
            "sectors",
            "status",
            "moderation_state",
            "answer",
            "answered_at",
            "created",
            "modified",
            "url",
        ]
        read_only_fields = [
            "phase",
            "status",
            "moderation_state",
            "answer",
            "answered_at",
            "created",
            "modified",
        ]

    def get_author(self, rec: Recommendation) -> str:
        return public_name(rec.author)

    def get_url(self, rec: Recommendation) -> str:
        return rec.get_absolute_url()


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    text = serializers.CharField(max_length=5000)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Comment
        fields = ["id", "parent", "author", "text", "is_hidden", "hidden_reason", "created"]
        read_only_fields = ["is_hidden", "hidden_reason", "created"]

    def get_author(self, comment: Comment) -> str:
        return public_name(comment.author)

    def to_representation(self, comment: Comment) -> dict[str, Any]:
        data = super().to_representation(comment)
        if comment.is_hidden:
            data["text"] = ""  # hidden: the reason stands in its place, as on the page
        return data


def get_process(request: Any, slug: str) -> Process:
    process = get_object_or_404(Process.objects.select_related("space"), slug=slug)
    if not request.user.has_perm("strategy.view_process", process):
        raise Http404
    return process


@extend_schema_view(
    list=extend_schema(summary=_("List the processes you may see")),
    retrieve=extend_schema(summary=_("A process with its action fields")),
)
class ProcessViewSet(UserLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Processes the caller may see."""

    lookup_field = "slug"
    pagination_class = Pagination
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return (
            visible_processes(self.request.user)
            .prefetch_related("phases")
            .order_by("-start_date", "pk")
        )

    def get_serializer_class(self):
        return ProcessDetailSerializer if self.action == "retrieve" else ProcessSerializer

    def get_object(self) -> Process:
        return get_process(self.request, self.kwargs["slug"])


@extend_schema_view(list=extend_schema(summary=_("The phases of a process you may see")))
class PhaseViewSet(UserLanguageMixin, viewsets.GenericViewSet, mixins.ListModelMixin):
    """The phases of a process the caller may see."""

    serializer_class = PhaseSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    queryset = Phase.objects.none()

    def list(self, request, *args, **kwargs):
        process = get_process(request, kwargs["process_slug"])
        phases = visible_phases(request.user, process)
        return Response(PhaseSerializer(phases, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("List recommendations and theses"),
        parameters=[
            OpenApiParameter("action_field", int, description=_("Action field id")),
            OpenApiParameter("region", str, description=_("District (official key)")),
            OpenApiParameter("sector", str, description=_("Sector (WZ 2008 code)")),
            OpenApiParameter("status", str, enum=Recommendation.Status.values),
            OpenApiParameter("kind", str, enum=Recommendation.Kind.values),
            OpenApiParameter(
                "q", str, description=_("Words in the title or text (German text analysis)")
            ),
        ],
    ),
    retrieve=extend_schema(summary=_("A recommendation or thesis")),
    create=extend_schema(summary=_("Propose a recommendation or thesis")),
)
class RecommendationViewSet(
    UserLanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Recommendations and theses of a process; filters: action_field (id), region (official
    key), sector (WZ code), status, kind, q (words, as the page's search). POST proposes one
    (members, in a phase that allows it)."""

    serializer_class = RecommendationSerializer
    pagination_class = Pagination
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    queryset = Recommendation.objects.none()

    def process(self) -> Process:
        if not hasattr(self, "_process"):
            self._process = get_process(self.request, self.kwargs["process_slug"])
        return self._process

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recommendation.objects.none()
        params = self.request.query_params
        region = Region.objects.filter(code=params.get("region", "")).first()
        sector = Sector.objects.filter(code=params.get("sector", "")).first()
        action_field = params.get("action_field", "")
        filters = RecommendationFilter(
            action_field=int(action_field) if action_field.isdigit() else None,
            region=region.pk if region else (-1 if params.get("region") else None),
            sector=sector.pk if sector else (-1 if params.get("sector") else None),
            status=params.get("status", ""),
            kind=params.get("kind", ""),
            query=params.get("q", "").strip()[:200],
        )
        qs = filtered_recommendations(self.request.user, self.process(), filters)
        return qs.prefetch_related("sectors")

    def get_object(self) -> Recommendation:
        rec = get_object_or_404(
            Recommendation.objects.select_related("process", "phase", "author"),
            pk=self.kwargs["pk"],
            process=self.process(),
        )
        if not self.request.user.has_perm("strategy.view_recommendation", rec):
            raise Http404
        return rec

    def create(self, request, *args, **kwargs):
        process = self.process()
        if not request.user.has_perm("strategy.propose", process):
            raise PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rec = call(services.do_propose, process, request.user, serializer.validated_data)
        return Response(self.get_serializer(rec).data, status=201)


@extend_schema_view(
    list=extend_schema(summary=_("The comments of a recommendation")),
    create=extend_schema(summary=_("Comment on a recommendation or reply to a comment")),
)
class CommentViewSet(
    UserLanguageMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The comments of a recommendation, oldest first; POST writes one (parent: reply)."""

    serializer_class = CommentSerializer
    pagination_class = Pagination
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    queryset = Comment.objects.none()

    def recommendation(self) -> Recommendation:
        process = get_process(self.request, self.kwargs["process_slug"])
        rec = get_object_or_404(
            Recommendation, pk=self.kwargs["recommendation_pk"], process=process
        )
        if not self.request.user.has_perm("strategy.view_recommendation", rec):
            raise Http404
        return rec

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return self.recommendation().comments.select_related("author").order_by("created", "pk")

    def create(self, request, *args, **kwargs):
        rec = self.recommendation()
        if not request.user.has_perm("strategy.comment", rec):
            raise PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = call(
            comment_services.do_comment, rec, request.user, data["text"], data.get("parent")
        )
        return Response(self.get_serializer(comment).data, status=201)
