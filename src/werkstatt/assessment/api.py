"""/api/v1/bewertung/: ratings and comparisons (own; submit), the prioritised lists, the
stakeholder groups and the district results — with the rules the pages ask
(assessment/rules.py): 404 for processes one may not see, 401 without a login where one is
needed, 403 where the rules refuse, 400 with the service's message for bad input."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from werkstatt.network.api import UserLanguageMixin
from werkstatt.network.models import Region
from werkstatt.strategy import rules as sr
from werkstatt.strategy.models import Phase, Process, Recommendation
from werkstatt.strategy.services.queries import prefetch_phases

from .models import Comparison, Rating
from .services import comparisons, ratings, results
from .services.criteria import criteria_of

METHOD = OpenApiParameter(
    "method", str, enum=["ratings", "pairwise"], description="ratings (default) or pairwise"
)


class Pagination(PageNumberPagination):
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"


def get_process(request: Any, slug: str, perm: str = "assessment.view_results") -> Process:
    process = get_object_or_404(prefetch_phases(Process.objects.select_related("space")), slug=slug)
    if not request.user.has_perm("strategy.view_process", process):
        raise Http404
    if not request.user.has_perm(perm, process):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        raise PermissionDenied
    return process


def call(service: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as error:
        raise ValidationError({"detail": error.messages}) from error


# --- serializers --------------------------------------------------------------------------------


class RatingSerializer(serializers.ModelSerializer):
    criterion = serializers.SlugRelatedField(slug_field="key", read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Rating
        fields = ["recommendation", "criterion", "region", "value", "group", "modified"]


class RatingInputSerializer(serializers.Serializer):
    recommendation = serializers.IntegerField()
    values = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="criterion key → value 1–5 (null: not rated)",
    )
    region = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Region.objects.filter(kind__in=[Region.Kind.DISTRICT, Region.Kind.CITY]),
        required=False,
        allow_null=True,
        help_text="the district (slug) of the per-district criterion",
    )


class ComparisonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comparison
        fields = ["item_low", "item_high", "choice", "group", "modified"]


class ComparisonInputSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    choice = serializers.ChoiceField(choices=list(comparisons.CHOICES))


class RatingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(
        allow_null=True, help_text="1 = first; null while nobody has rated it"
    )
    recommendation = serializers.IntegerField(source="item")
    title = serializers.SerializerMethodField()
    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    estimate = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()

    def get_title(self, row: Any) -> str:
        return str(self.context["titles"].get(row.item, ""))

    def to_representation(self, row: Any) -> dict[str, Any]:
        data = super().to_representation(row)
        if row.n == 0:
            data["mean"] = None
        if not row.rank:
            data["rank"] = None
        return data


class PairwiseRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(
        allow_null=True, help_text="1 = first; null while it has never been compared"
    )
    recommendation = serializers.IntegerField(source="item")
    title = serializers.SerializerMethodField()
    theta = serializers.FloatField()
    se = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    preference = serializers.FloatField()
    preference_low = serializers.FloatField()
    preference_high = serializers.FloatField()
    wins = serializers.FloatField()
    comparisons = serializers.IntegerField()

    def get_title(self, row: Any) -> str:
        return str(self.context["titles"].get(row.item, ""))

    def to_representation(self, row: Any) -> dict[str, Any]:
        data = super().to_representation(row)
        if not row.rank:
            data["rank"] = None
        return data


# --- views --------------------------------------------------------------------------------------


class RatingListView(UserLanguageMixin, APIView):
    """The person's own ratings in a process (GET); rate a recommendation (POST)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Your ratings in a process",
        responses=RatingSerializer(many=True),
        tags=["assessment"],
    )
    def get(self, request, process_slug: str) -> Response:
        process = get_process(request, process_slug)
        own = Rating.objects.filter(user=request.user, recommendation__process=process)
        own = own.select_related("criterion", "region").order_by("recommendation", "criterion")
        paginator = Pagination()
        page = paginator.paginate_queryset(own, request, view=self)
        return paginator.get_paginated_response(RatingSerializer(page, many=True).data)

    @extend_schema(
        summary="Rate a recommendation",
        request=RatingInputSerializer,
        responses=RatingSerializer(many=True),
        tags=["assessment"],
    )
    def post(self, request, process_slug: str) -> Response:
        process = get_process(request, process_slug)
        if not sr.may_act_in_current_phase(request.user, process, Phase.Action.RATE):
            raise PermissionDenied(_("You cannot rate recommendations in this process now."))
        data = RatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rec = Recommendation.objects.filter(
            process=process, pk=data.validated_data["recommendation"]
        ).first()
        if rec is None or not request.user.has_perm("strategy.view_recommendation", rec):
            raise ValidationError(
                {"recommendation": [_("This recommendation does not belong to the process.")]}
            )
        if not request.user.has_perm("assessment.rate", rec):
            raise PermissionDenied(_("You cannot rate this recommendation now."))
        by_key = {c.key: c.pk for c in criteria_of(process)}
        unknown = sorted(set(data.validated_data["values"]) - set(by_key))
        if unknown:
            raise ValidationError(
                {
                    "values": [
                        _("Unknown criterion: %(keys)s. The criteria are: %(all)s.")
                        % {"keys": ", ".join(unknown), "all": ", ".join(by_key)}
                    ]
                }
            )
        values = {by_key[k]: v for k, v in data.validated_data["values"].items()}
        stored = call(
            ratings.do_rate, request.user, rec, values, region=data.validated_data.get("region")
        )
        return Response(RatingSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)


class ComparisonListView(UserLanguageMixin, APIView):
    """The person's own comparisons (GET); answer "which of these two first?" (POST)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Your pairwise comparisons in a process",
        responses=ComparisonSerializer(many=True),
        tags=["assessment"],
    )
    def get(self, request, process_slug: str) -> Response:
        process = get_process(request, process_slug)
        own = Comparison.objects.filter(user=request.user, process=process).order_by("pk")
        paginator = Pagination()
        page = paginator.paginate_queryset(own, request, view=self)
        return paginator.get_paginated_response(ComparisonSerializer(page, many=True).data)

    @extend_schema(
        summary="Compare two recommendations",
        request=ComparisonInputSerializer,
        responses=ComparisonSerializer,
        tags=["assessment"],
    )
    def post(self, request, process_slug: str) -> Response:
        process = get_process(request, process_slug)
        if not request.user.has_perm("assessment.compare", process):
            raise PermissionDenied(_("You cannot compare recommendations in this process now."))
        data = ComparisonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = Recommendation.objects.in_bulk(
            [data.validated_data["first"], data.validated_data["second"]]
        )
        pair = [found.get(data.validated_data[k]) for k in ("first", "second")]
        if any(rec is None or rec.process_id != process.pk for rec in pair):
            raise ValidationError(
                {"detail": [_("This recommendation does not belong to the process.")]}
            )
        vote = call(
            comparisons.do_compare,
            request.user,
            process,
            pair[0],
            pair[1],
            data.validated_data["choice"],
        )
        return Response(ComparisonSerializer(vote).data, status=status.HTTP_201_CREATED)


class RankingView(UserLanguageMixin, APIView):
    """The prioritised list: by ratings (shrunk mean with a 90 % interval, ranked by its lower
    end) or by pairwise comparison (Bradley–Terry strength with a 90 % interval)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="The prioritised list",
        parameters=[METHOD],
        tags=["assessment"],
        responses=RatingRowSerializer(many=True),
    )
    def get(self, request, process_slug: str) -> Response:
        process = get_process(request, process_slug)
        if request.query_params.get("method") == "pairwise":
            data: Any = results.pairwise_ranking(request.user, process)
            row_serializer: Any = PairwiseRowSerializer
        else:
            data = results.rating_ranking(request.user, process)
            row_serializer = RatingRowSerializer
        paginator = Pagination()
        page = paginator.paginate_queryset(data.summaries, request, view=self)
        rows = row_serializer(page, many=True, context={"titles": data.titles}).data
        return paginator.get_paginated_response(rows)


class GroupsView(UserLanguageMixin, APIView):
    """Each stakeholder group's ranks, their agreement, and the most disputed recommendations."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="How the stakeholder groups rank",
        parameters=[METHOD],
        tags=["assessment"],
        responses=dict,
    )
    def get(self, request, process_slug: str) -> Response:
        process = get_process(request, process_slug)
        method = "pairwise" if request.query_params.get("method") == "pairwise" else "ratings"
        data = results.group_comparison(request.user, process, method)
        return Response(
            {
                "method": method,
                "groups": [
                    {"key": g, "label": str(label), "count": count}
                    for g, label, count in zip(data.groups, data.labels, data.counts, strict=True)
                ],
                "agreement": [
                    {"groups": [a, b], "spearman": None if rho != rho else rho}
                    for (a, b), rho in data.result.agreement.items()
                ],
                "recommendations": [
                    {
                        "recommendation": row.item,
                        "title": row.title,
                        "ranks": dict(zip(data.groups, row.ranks, strict=True)),
                        "spread": row.spread,
                    }
                    for row in data.rows[:200]
                ],
            }
        )


class DistrictsView(UserLanguageMixin, APIView):
    """The fit per district (all recommendations), and with ?district=<slug> the
    recommendations ranked by their fit for that district."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Fit per district",
        parameters=[OpenApiParameter("district", str, description="a district's slug")],
        tags=["assessment"],
        responses=dict,
    )
    def get(self, request, process_slug: str) -> Response:
        process = get_process(request, process_slug)
        data = results.district_results(request.user, process)
        out: dict[str, Any] = {
            "criterion": data.criterion.key if data.criterion else None,
            "districts": [
                {
                    "district": row.region.slug,
                    "code": row.region.code,
                    "name": row.region.name,
                    "ratings": row.n,
                    "recommendations": row.recommendations,
                    "estimate": row.summary.estimate if row.summary else None,
                    "low": row.summary.low if row.summary else None,
                    "high": row.summary.high if row.summary else None,
                }
                for row in data.rows
            ],
        }
        slug = request.query_params.get("district")
        if slug:
            region = next((row.region for row in data.rows if row.region.slug == slug), None)
            if region is None:
                raise ValidationError({"district": [_("There is no such district.")]})
            ranked = results.district_ranking(request.user, process, region)[:200]
            titles = results.candidates(request.user, process, ids=[row.item for row in ranked])
            out["ranking"] = RatingRowSerializer(ranked, many=True, context={"titles": titles}).data
        return Response(out)


class NextPairView(UserLanguageMixin, APIView):
    """The next pair for this person to compare (null when there is none)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="The next pair to compare", tags=["assessment"], responses=dict)
    def get(self, request, process_slug: str) -> Response:
        process = get_process(request, process_slug, "assessment.compare")
        pair = comparisons.next_pair_for(request.user, process)
        if pair is None:
            return Response(None)
        return Response(
            {
                "first": {"id": pair.first.pk, "title": pair.first.title},
                "second": {"id": pair.second.pk, "title": pair.second.title},
                "answered": pair.answered,
                "total": pair.total,
            }
        )
