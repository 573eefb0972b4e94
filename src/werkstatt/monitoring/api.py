"""/api/v1/umsetzung/: the implementation monitoring, read-only, with the pages' rules."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from werkstatt.network.api import UserLanguageMixin
from werkstatt.strategy.models import Process

from .models import ImplementationConcept
from .services import concepts as services


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="result.pk")
    title = serializers.CharField(source="result.title")
    status = serializers.CharField(source="result.status")
    weight = serializers.DecimalField(source="result.weight", max_digits=6, decimal_places=2)
    progress = serializers.FloatField()
    parts = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_parts(self, node: Any) -> list[dict]:
        return ResultSerializer(node.parts, many=True).data


class ResponsibilitySerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.name")
    organisation_slug = serializers.CharField(source="organisation.slug")
    role = serializers.CharField()


class MilestoneSerializer(serializers.Serializer):
    title = serializers.CharField()
    due_date = serializers.DateField()
    reached_date = serializers.DateField(allow_null=True)


class ConceptSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="concept.pk")
    recommendation = serializers.IntegerField(source="concept.recommendation_id")
    title = serializers.CharField(source="concept.recommendation.title")
    summary = serializers.CharField(source="concept.summary")
    status = serializers.CharField(source="concept.status")
    progress = serializers.FloatField()
    budget_eur = serializers.DecimalField(
        source="concept.budget_eur", max_digits=14, decimal_places=2, allow_null=True
    )
    funding = serializers.CharField(source="concept.funding")
    start_date = serializers.DateField(source="concept.start_date", allow_null=True)
    end_date = serializers.DateField(source="concept.end_date", allow_null=True)
    responsible = ResponsibilitySerializer(source="concept.responsibilities.all", many=True)
    milestones = MilestoneSerializer(source="concept.milestones.all", many=True)
    results = ResultSerializer(source="tree", many=True)


class ProcessMonitoringSerializer(serializers.Serializer):
    process = serializers.CharField(source="process.slug")
    title = serializers.CharField(source="process.title")
    progress = serializers.FloatField(allow_null=True)
    budget_eur = serializers.DecimalField(max_digits=16, decimal_places=2)
    concepts = ConceptSerializer(many=True)


class ProcessMonitoringView(UserLanguageMixin, generics.GenericAPIView):
    serializer_class = ProcessMonitoringSerializer
    pagination_class = None

    @extend_schema(
        tags=["monitoring"],
        summary="The implementation of a process's recommendations",
        description="Concepts, results with weighted progress, milestones; what the "
        "requester may see.",
    )
    def get(self, request, slug: str) -> Response:
        process = get_object_or_404(Process, slug=slug)
        if not request.user.has_perm("monitoring.view_monitoring", process):
            raise Http404
        monitoring = services.process_monitoring(request.user, process)
        return Response(self.get_serializer(monitoring).data)


class ConceptView(UserLanguageMixin, generics.GenericAPIView):
    serializer_class = ConceptSerializer
    pagination_class = None
    queryset = ImplementationConcept.objects.none()

    @extend_schema(tags=["monitoring"], summary="One implementation concept")
    def get(self, request, pk: int) -> Response:
        concept = get_object_or_404(services.concepts_queryset(), pk=pk)
        if not request.user.has_perm("monitoring.view_concept", concept):
            raise Http404
        return Response(self.get_serializer(services.concept_progress(concept)).data)
