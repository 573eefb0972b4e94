"""The B2B matchmaking's REST API: my profile, suggestions, meeting requests, my schedule and my
unavailable slots; for organisers the slots and tables, the table plan, the scheduling job and
locks.

The same rules (rules.py, asked through has_perm) and the same services as the pages: who may
not see the event (or it has no matchmaking) gets 404, who is not logged in 401, who may see it
but not act 403; the services' ValidationErrors become 400 answers with their messages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from werkstatt.events.models import Event
from werkstatt.events.views.common import file_response
from werkstatt.jobs.models import Job
from werkstatt.jobs.services import enqueue
from werkstatt.network.api import Pagination, UserLanguageMixin
from werkstatt.network.models import Capability

from .models import Meeting, MeetingRequest, Profile, Setup, Slot
from .rules import registration_of
from .services import diagnosis, documents, scheduling
from .services import matching as services

SCHEDULE_TIME_LIMIT = 20.0


# --- helpers ----------------------------------------------------------------------------------


def call(service, *args: Any, **kwargs: Any) -> Any:
    """Run a service; its business-rule errors become 400 answers."""
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as error:
        raise ValidationError(serializers.as_serializer_error(error)) from error


def event_for(request, slug: str, perm: str | None = None) -> Event:
    """The event of `slug` with matchmaking: 401 anonymous, 404 unseen, 403 without `perm`."""
    if not request.user.is_authenticated:
        raise NotAuthenticated
    event = Event.objects.select_related("space").filter(slug=slug).first()
    if (
        event is None
        or not event.has_matchmaking
        or not request.user.has_perm("events.view_event", event)
    ):
        raise NotFound
    if perm and not request.user.has_perm(perm, event):
        raise PermissionDenied
    return event


def participant_of(request, event: Event) -> Profile:
    """The caller's profile; 403 without a confirmed seat (superusers pass every rule but have
    no seat unless they registered)."""
    registration = registration_of(request.user, event)
    if registration is None or not request.user.has_perm("matchmaking.take_part", event):
        raise PermissionDenied
    return services.profile_for(registration)


def capability_keys(field_name: str, label: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="key",
        queryset=Capability.objects.all(),
        many=True,
        required=False,
        help_text=label,
    )


# --- serializers ------------------------------------------------------------------------------


class PartnerSerializer(serializers.ModelSerializer):
    """Another participant as the pages show them: name, organisation, what they offer/seek."""

    name = serializers.CharField(source="display_name", read_only=True)
    organisation = serializers.SlugRelatedField(
        source="registration.organisation", slug_field="slug", read_only=True
    )
    offered = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    sought = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = Profile
        fields = ("id", "name", "organisation", "offer", "seek", "offered", "sought")


class PartyField(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ProfileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    offered = capability_keys("offered", "Keys of the capabilities offered")
    sought = capability_keys("sought", "Keys of the capabilities sought")
    unavailable = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Slots I cannot meet in (see .../unavailable/)"
    )

    class Meta:
        model = Profile
        fields = (
            "id",
            "event",
            "name",
            "offer",
            "seek",
            "offered",
            "sought",
            "unavailable",
            "is_visible",
            "updated",
        )
        read_only_fields = ("updated",)
        extra_kwargs = {
            "offer": {"max_length": 1000},
            "seek": {"max_length": 1000},
        }


class SuggestionSerializer(serializers.Serializer):
    profile = PartnerSerializer()
    score = serializers.FloatField()
    they_offer = serializers.ListField(
        child=serializers.CharField(), help_text="Capabilities I seek that they offer"
    )
    they_seek = serializers.ListField(
        child=serializers.CharField(), help_text="Capabilities they seek that I offer"
    )
    common_topics = serializers.ListField(
        source="common_terms", child=serializers.CharField(), help_text="As written"
    )


class RequestSerializer(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", queryset=Event.objects.all())
    sender = PartyField(read_only=True)
    recipient = serializers.PrimaryKeyRelatedField(
        queryset=Profile.objects.all(), help_text="The participant's profile id"
    )
    recipient_name = serializers.CharField(source="recipient.display_name", read_only=True)
    direction = serializers.SerializerMethodField()

    class Meta:
        model = MeetingRequest
        fields = (
            "id",
            "event",
            "direction",
            "sender",
            "recipient",
            "recipient_name",
            "message",
            "status",
            "answer",
            "created",
            "answered_at",
        )
        read_only_fields = ("status", "answer", "created", "answered_at")
        extra_kwargs = {"message": {"max_length": 1000}}

    def get_direction(self, request: MeetingRequest) -> str:
        user = self.context["request"].user
        return "sent" if request.sender.registration.user_id == user.pk else "received"


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class SlotSerializer(serializers.ModelSerializer):
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Slot
        fields = ("id", "starts_at", "ends_at", "minutes")


class SlotsWriteSerializer(serializers.Serializer):
    first = serializers.DateTimeField(help_text="When the first meeting starts")
    count = serializers.IntegerField(min_value=1, max_value=64)
    minutes = serializers.IntegerField(min_value=5, max_value=120)
    pause = serializers.IntegerField(min_value=0, max_value=120, default=0)


class UnavailableSerializer(serializers.Serializer):
    slots = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the slots I cannot meet in"
    )


class ScheduleItemSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting.pk")
    starts_at = serializers.DateTimeField(source="slot.starts_at", allow_null=True, default=None)
    ends_at = serializers.DateTimeField(source="slot.ends_at", allow_null=True, default=None)
    table = serializers.IntegerField(allow_null=True)
    partner = PartyField(help_text="The other participant")
    message = serializers.CharField(source="meeting.request.message")
    not_placed_because = serializers.ChoiceField(
        source="reason",
        choices=[diagnosis.TABLES, diagnosis.AVAILABILITY, diagnosis.NEW],
        allow_null=True,
        help_text="tables: every table is taken in our free slots; availability: no common "
        "free slot; new: accepted after the last scheduling",
    )


class ScheduleSerializer(serializers.Serializer):
    meetings = ScheduleItemSerializer(many=True)
    ical_url = serializers.CharField()
    pdf_url = serializers.CharField()


class SetupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Setup
        fields = (
            "tables",
            "requests_open",
            "max_requests",
            "scheduled_at",
            "upper_bound",
            "unscheduled",
            "idle_slots",
        )
        read_only_fields = ("scheduled_at", "upper_bound", "unscheduled", "idle_slots")


class PlanMeetingSerializer(serializers.ModelSerializer):
    sender = PartyField(source="request.sender")
    recipient = PartyField(source="request.recipient")
    not_placed_because = serializers.CharField(allow_null=True, default=None)

    class Meta:
        model = Meeting
        fields = ("id", "slot", "table", "locked", "sender", "recipient", "not_placed_because")


class DiagnosisSerializer(serializers.Serializer):
    by_tables = serializers.IntegerField()
    by_availability = serializers.IntegerField()
    new = serializers.IntegerField()
    more_tables = serializers.IntegerField(
        help_text="This many more tables give room for every meeting blocked by tables"
    )
    further_slot = serializers.IntegerField(
        help_text="One further slot gives room for this many of those without a common free slot"
    )


class PlanSerializer(serializers.Serializer):
    slots = SlotSerializer(many=True)
    tables = serializers.IntegerField()
    meetings = PlanMeetingSerializer(many=True)
    unplaced = DiagnosisSerializer()


class JobSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    message = serializers.CharField(source="message_text", read_only=True)
    error = serializers.CharField(source="error_text", read_only=True)

    class Meta:
        model = Job
        fields = (
            "id",
            "status",
            "progress_done",
            "progress_total",
            "message",
            "result",
            "error",
            "created",
            "finished",
            "url",
        )


# --- participants -----------------------------------------------------------------------------

TAG = "b2b"


class ProfileView(UserLanguageMixin, GenericAPIView):
    serializer_class = ProfileSerializer
    permission_classes = [permissions.AllowAny]  # the rules decide (401/403/404 as the pages)

    @extend_schema(tags=[TAG], summary=_("My matchmaking profile at an event"))
    def get(self, request, event_slug: str) -> Response:
        profile = participant_of(request, event_for(request, event_slug, "matchmaking.take_part"))
        return Response(self.get_serializer(profile).data)

    @extend_schema(tags=[TAG], summary=_("Change my matchmaking profile"))
    def patch(self, request, event_slug: str) -> Response:
        profile = participant_of(request, event_for(request, event_slug, "matchmaking.take_part"))
        serializer = self.get_serializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        call(services.do_save_profile, profile, dict(serializer.validated_data))
        profile.refresh_from_db()
        return Response(self.get_serializer(profile).data)


class SuggestionsView(UserLanguageMixin, GenericAPIView):
    serializer_class = SuggestionSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=_("Suggested partners for me"),
        responses=SuggestionSerializer(many=True),
    )
    def get(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug, "matchmaking.take_part")
        profile = participant_of(request, event)
        services.ensure_profiles(event)
        return Response(
            self.get_serializer(services.suggestions(profile, limit=20), many=True).data
        )


class UnavailableView(UserLanguageMixin, GenericAPIView):
    serializer_class = UnavailableSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=[TAG], summary=_("The slots I cannot meet in"))
    def get(self, request, event_slug: str) -> Response:
        profile = participant_of(request, event_for(request, event_slug, "matchmaking.take_part"))
        return Response({"slots": sorted(s.pk for s in profile.unavailable.all())})

    @extend_schema(tags=[TAG], summary=_("Set the slots I cannot meet in"))
    def put(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug, "matchmaking.take_part")
        profile = participant_of(request, event)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted = set(serializer.validated_data["slots"])
        slots = list(Slot.objects.filter(pk__in=wanted))
        if len(slots) != len(wanted):
            raise ValidationError({"slots": [_("An unknown slot was chosen.")]})
        call(services.do_save_profile, profile, {"unavailable": slots})
        return Response({"slots": sorted(s.pk for s in profile.unavailable.all())})


class ScheduleView(UserLanguageMixin, GenericAPIView):
    serializer_class = ScheduleSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=[TAG], summary=_("My meetings (personal schedule), with PDF and iCal"))
    def get(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug, "matchmaking.take_part")
        profile = participant_of(request, event)
        items = scheduling.personal_schedule(profile)
        reasons = diagnosis.diagnose(
            event, only=[i.meeting.pk for i in items if i.slot is None]
        ).reasons
        for item in items:
            item.reason = reasons.get(item.meeting.pk)
        data = {
            "meetings": items,
            "ical_url": reverse("matchmaking_api:schedule-ical", kwargs={"event_slug": event.slug}),
            "pdf_url": reverse("matchmaking_api:schedule-pdf", kwargs={"event_slug": event.slug}),
        }
        return Response(self.get_serializer(data).data)


class ScheduleFileView(UserLanguageMixin, APIView):
    permission_classes = [permissions.AllowAny]
    content_type = ""
    suffix = ""

    def render(self, profile: Profile) -> bytes:
        raise NotImplementedError

    def get(self, request, event_slug: str) -> HttpResponse:
        event = event_for(request, event_slug, "matchmaking.take_part")
        profile = participant_of(request, event)
        return file_response(
            self.render(profile), self.content_type, f"{event.slug}-b2b.{self.suffix}"
        )


class ScheduleIcalView(ScheduleFileView):
    content_type, suffix = "text/calendar", "ics"

    def render(self, profile: Profile) -> bytes:
        return documents.schedule_ical(profile)

    @extend_schema(
        tags=[TAG],
        summary=_("My meetings as iCal"),
        responses={(200, "text/calendar"): OpenApiTypes.BINARY},
    )
    def get(self, request, event_slug: str) -> HttpResponse:
        return super().get(request, event_slug)


class SchedulePdfView(ScheduleFileView):
    content_type, suffix = "application/pdf", "pdf"

    def render(self, profile: Profile) -> bytes:
        return documents.schedule_pdf(profile)

    @extend_schema(
        tags=[TAG],
        summary=_("My meetings as PDF"),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, event_slug: str) -> HttpResponse:
        return super().get(request, event_slug)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("My meeting requests, sent and received"),
        parameters=[
            OpenApiParameter("event", str, description="Only those of this event (its slug)"),
            OpenApiParameter("direction", str, enum=["sent", "received"]),
        ],
    ),
    retrieve=extend_schema(tags=[TAG], summary=_("One of my meeting requests")),
    create=extend_schema(tags=[TAG], summary=_("Ask a participant for a meeting")),
)
class RequestViewSet(
    UserLanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RequestSerializer
    pagination_class = Pagination
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        user = self.request.user
        requests = MeetingRequest.objects.select_related(
            "event", "sender__registration", "recipient__registration"
        ).order_by("-created", "-pk")
        if self.action != "list":
            return requests
        mine = requests.filter(
            Q(sender__registration__user=user) | Q(recipient__registration__user=user)
        )
        slug = self.request.query_params.get("event")
        if slug:
            mine = mine.filter(event__slug=slug)
        direction = self.request.query_params.get("direction")
        if direction == "sent":
            mine = mine.filter(sender__registration__user=user)
        elif direction == "received":
            mine = mine.filter(recipient__registration__user=user)
        return mine

    def get_object(self) -> MeetingRequest:
        meeting_request = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not self.request.user.has_perm("matchmaking.view_request", meeting_request):
            raise NotFound
        return meeting_request

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        # The rules first (who may ask at this event), then the body's details.
        event = event_for(request, str(request.data.get("event", "")), "matchmaking.take_part")
        sender = participant_of(request, event)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        recipient = data["recipient"]
        if recipient.event_id != event.pk or not request.user.has_perm(
            "matchmaking.view_profile", recipient
        ):
            raise ValidationError({"recipient": [_("There is no such participant at this event.")]})
        created = call(services.do_send_request, sender, recipient, data["message"])
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    def _answer(self, request, accept: bool) -> Response:
        meeting_request = self.get_object()
        if not request.user.has_perm("matchmaking.answer_request", meeting_request):
            raise PermissionDenied
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answered = call(
            services.do_answer_request,
            meeting_request,
            accept=accept,
            answer=body.validated_data.get("answer", ""),
        )
        return Response(self.get_serializer(answered).data)

    @extend_schema(tags=[TAG], summary=_("Accept a meeting request"), request=AnswerSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk: str | None = None) -> Response:
        return self._answer(request, True)

    @extend_schema(tags=[TAG], summary=_("Decline a meeting request"), request=AnswerSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk: str | None = None) -> Response:
        return self._answer(request, False)

    @extend_schema(
        tags=[TAG], summary=_("Withdraw my request (or cancel the meeting)"), request=None
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk: str | None = None) -> Response:
        meeting_request = self.get_object()
        if not request.user.has_perm("matchmaking.withdraw_request", meeting_request):
            raise PermissionDenied
        withdrawn = call(services.do_withdraw_request, meeting_request)
        return Response(self.get_serializer(withdrawn).data)


# --- organisers -------------------------------------------------------------------------------


class SlotsView(UserLanguageMixin, GenericAPIView):
    serializer_class = SlotSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=_("The meeting slots (participants and organisers)"),
        responses=SlotSerializer(many=True),
    )
    def get(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug)
        if not (
            request.user.has_perm("matchmaking.organise", event)
            or request.user.has_perm("matchmaking.take_part", event)
        ):
            raise PermissionDenied
        return Response(SlotSerializer(Slot.objects.filter(event=event), many=True).data)

    @extend_schema(
        tags=[TAG],
        summary=_("Replace the meeting slots (organisers; meetings lose their places)"),
        request=SlotsWriteSerializer,
        responses={201: SlotSerializer(many=True)},
    )
    def post(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug, "matchmaking.organise")
        body = SlotsWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        call(scheduling.do_set_slots, event, **body.validated_data)
        return Response(
            SlotSerializer(Slot.objects.filter(event=event), many=True).data,
            status=status.HTTP_201_CREATED,
        )


class SetupView(UserLanguageMixin, GenericAPIView):
    serializer_class = SetupSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=[TAG], summary=_("Tables, requests and the last schedule's figures"))
    def get(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug, "matchmaking.organise")
        return Response(self.get_serializer(services.setup_of(event)).data)

    @extend_schema(tags=[TAG], summary=_("Change the number of tables and the request rules"))
    def patch(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug, "matchmaking.organise")
        setup = services.setup_of(event)
        serializer = self.get_serializer(setup, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "tables" in data:
            setup = call(scheduling.do_set_tables, event, data["tables"])
        for name in ("requests_open", "max_requests"):
            if name in data:
                setattr(setup, name, data[name])
        setup.save(update_fields=["requests_open", "max_requests"])
        return Response(self.get_serializer(setup).data)


class PlanView(UserLanguageMixin, GenericAPIView):
    serializer_class = PlanSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=[TAG], summary=_("The table plan: every meeting's slot and table, and the unplaced")
    )
    def get(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug, "matchmaking.organise")
        why = diagnosis.diagnose(event)
        meetings = list(
            Meeting.objects.filter(event=event)
            .select_related("request__sender__registration", "request__recipient__registration")
            .order_by("slot__starts_at", "table", "pk")
        )
        for m in meetings:
            m.not_placed_because = why.reasons.get(m.pk)
        data = {
            "slots": list(Slot.objects.filter(event=event)),
            "tables": services.setup_of(event).tables,
            "meetings": meetings,
            "unplaced": why,
        }
        return Response(self.get_serializer(data).data)


class SchedulingView(UserLanguageMixin, GenericAPIView):
    serializer_class = JobSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=_("Schedule all accepted meetings (a background job)"),
        request=None,
        responses={202: JobSerializer},
    )
    def post(self, request, event_slug: str) -> Response:
        event = event_for(request, event_slug, "matchmaking.organise")
        if not Slot.objects.filter(event=event).exists():
            raise ValidationError({"slots": [_("Set the meeting slots first.")]})
        job = enqueue(
            "matchmaking.schedule",
            {"event": event.pk, "time_limit": SCHEDULE_TIME_LIMIT},
            user=request.user,
            title=_("Schedule the B2B meetings: %(event)s") % {"event": event.title},
        )
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


class SchedulingStatusView(UserLanguageMixin, GenericAPIView):
    serializer_class = JobSerializer
    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=[TAG], summary=_("The status of a scheduling job"))
    def get(self, request, event_slug: str, job: int) -> Response:
        event = event_for(request, event_slug, "matchmaking.organise")
        found = Job.objects.filter(
            pk=job, kind="matchmaking.schedule", payload__event=event.pk
        ).first()
        if found is None:
            raise NotFound
        return Response(self.get_serializer(found).data)


class MeetingLockView(UserLanguageMixin, GenericAPIView):
    serializer_class = PlanMeetingSerializer
    permission_classes = [permissions.AllowAny]
    lock = True

    def post(self, request, pk: int) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated
        meeting = (
            Meeting.objects.select_related(
                "event", "request__sender__registration", "request__recipient__registration"
            )
            .filter(pk=pk)
            .first()
        )
        if meeting is None or not request.user.has_perm("events.view_event", meeting.event):
            raise NotFound
        if not request.user.has_perm("matchmaking.lock_meeting", meeting.event):
            raise PermissionDenied
        call(scheduling.do_lock, meeting, self.lock)
        return Response(self.get_serializer(meeting).data)


class LockView(MeetingLockView):
    lock = True

    @extend_schema(tags=[TAG], summary=_("Lock a meeting where it is (organisers)"), request=None)
    def post(self, request, pk: int) -> Response:
        return super().post(request, pk)


class UnlockView(MeetingLockView):
    lock = False

    @extend_schema(tags=[TAG], summary=_("Unlock a meeting (organisers)"), request=None)
    def post(self, request, pk: int) -> Response:
        return super().post(request, pk)
