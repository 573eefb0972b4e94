"""The events REST API: events and their agenda, registrations (own; organisers all).

Same rules as the pages (rules.py, services/queries.visible_events); writes go through the
same services, whose ValidationErrors become 400 answers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from werkstatt.network.api import Pagination, UserLanguageMixin
from werkstatt.network.models import Organisation

from .models import Event, Question, Registration, Session, Speaker
from .services import queries
from .services import registration as services

# --- serializers ------------------------------------------------------------------------------


class SpeakerSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Speaker
        fields = ("id", "name", "role", "organisation", "organisation_name")


class SessionSerializer(serializers.ModelSerializer):
    room = serializers.CharField(source="room.name", default=None, read_only=True)
    speakers = SpeakerSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = ("id", "title", "kind", "starts_at", "ends_at", "room", "description", "speakers")


class EventSerializer(serializers.ModelSerializer):
    organiser = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Event
        fields = (
            "slug",
            "title",
            "kind",
            "description",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "venue_lat",
            "venue_lon",
            "visibility",
            "organiser",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "has_matchmaking",
            "url",
        )


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ("id", "text", "help_text", "kind", "options", "required")


class EventDetailSerializer(EventSerializer):
    sessions = SessionSerializer(many=True, read_only=True)
    questions = QuestionSerializer(
        many=True, read_only=True, help_text="Asked at registration: answer by id"
    )

    class Meta(EventSerializer.Meta):
        fields = (*EventSerializer.Meta.fields, "sessions", "questions")


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", queryset=Event.objects.all())
    organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    answers = serializers.DictField(
        child=serializers.JSONField(),
        write_only=True,
        required=False,
        help_text="question id -> answer",
    )
    ticket_code = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = (
            "id",
            "event",
            "status",
            "name",
            "organisation",
            "organisation_name",
            "ticket_code",
            "created",
            "cancelled_at",
            "checked_in_at",
            "answers",
        )
        read_only_fields = (
            "status",
            "organisation_name",
            "created",
            "cancelled_at",
            "checked_in_at",
        )
        extra_kwargs = {"name": {"required": False}}

    def get_ticket_code(self, registration: Registration) -> str | None:
        # The ticket code is the entry ticket: only its holder (and organisers) get it.
        if registration.status != Registration.Status.CONFIRMED:
            return None
        return registration.ticket_code_display


def _django_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError(serializers.as_serializer_error(error))


# --- views ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(tags=["events"], summary="Events the caller may see"),
    retrieve=extend_schema(tags=["events"], summary="One event with its agenda"),
)
class EventViewSet(UserLanguageMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    pagination_class = Pagination
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[Event]:
        events = queries.visible_events(self.request.user).select_related("organiser")
        if self.action == "retrieve":
            return events.prefetch_related(
                "questions",
                Prefetch(
                    "sessions",
                    queryset=Session.objects.select_related("room").prefetch_related(
                        Prefetch(
                            "speakers", queryset=Speaker.objects.select_related("organisation")
                        )
                    ),
                ),
            )
        return events.order_by("starts_at", "pk")

    def get_serializer_class(self):
        return EventDetailSerializer if self.action == "retrieve" else EventSerializer


@extend_schema_view(
    list=extend_schema(
        tags=["events"],
        summary="Registrations: your own; organisers see all of an event with ?event=<slug>",
        parameters=[OpenApiParameter("event", str, description="An event's slug")],
    ),
    retrieve=extend_schema(tags=["events"], summary="One registration"),
    create=extend_schema(tags=["events"], summary="Register for an event"),
)
class RegistrationViewSet(
    UserLanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RegistrationSerializer
    pagination_class = Pagination
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Registration]:
        registrations = Registration.objects.select_related("event", "organisation").order_by(
            "-created", "-pk"
        )
        slug = self.request.query_params.get("event")
        if self.action == "list" and slug:
            event = get_object_or_404(queries.visible_events(self.request.user), slug=slug)
            if self.request.user.has_perm("events.manage_registrations", event):
                return registrations.filter(event=event)
            return registrations.filter(event=event, user=self.request.user)
        if self.action == "list":
            return registrations.filter(user=self.request.user)
        return registrations

    def get_object(self) -> Registration:
        registration = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not self.request.user.has_perm("events.view_registration", registration):
            raise NotFound
        return registration

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = data["event"]
        if not request.user.has_perm("events.view_event", event):
            raise ValidationError({"event": ["Object with slug does not exist."]})
        if not request.user.has_perm("events.register", event):
            raise PermissionDenied
        try:
            registration = services.do_register(
                event,
                request.user,
                answers=data.get("answers") or {},
                name=data.get("name", ""),
                organisation=data.get("organisation"),
            )
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["events"], request=None, summary="Cancel a registration")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk: str | None = None) -> Response:
        registration = self.get_object()
        if not request.user.has_perm("events.cancel_registration", registration):
            raise PermissionDenied
        try:
            services.do_cancel_registration(registration, request.user)
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        registration.refresh_from_db()
        return Response(self.get_serializer(registration).data)


@extend_schema_view(list=extend_schema(tags=["events"], summary="The agenda of an event"))
class SessionViewSet(UserLanguageMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SessionSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Session]:
        event = get_object_or_404(
            queries.visible_events(self.request.user), slug=self.kwargs["event_slug"]
        )
        return event.sessions.select_related("room").prefetch_related(
            Prefetch("speakers", queryset=Speaker.objects.select_related("organisation"))
        )
