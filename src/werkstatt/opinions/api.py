"""The opinion maps' REST API: conversations, their statements, one's own votes, the results.

The same rules as the pages (opinions/rules.py): a conversation the user may not see is 404,
writing needs a login (401) and the permission (403); business rules of the services become
400 answers with the service's message.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from werkstatt.network.api import Pagination, UserLanguageMixin, call

from .models import STATEMENT_MAX_LENGTH, Conversation, Statement, Vote
from .services import analysis, results
from .services import conversations as services

TAG = "opinions"

# --- serializers ------------------------------------------------------------------------------


class ConversationSerializer(serializers.ModelSerializer):
    process = serializers.CharField(source="phase.process.slug", read_only=True)
    phase = serializers.CharField(source="phase.name", read_only=True)

    class Meta:
        model = Conversation
        fields = [
            "slug",
            "title",
            "question",
            "process",
            "phase",
            "is_open",
            "allow_statements",
            "moderate_statements",
            "created",
        ]


class StatementSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text=_("accepted, pending (awaiting moderation) or rejected")
    )

    class Meta:
        model = Statement
        fields = ["number", "text", "status", "is_seed", "created"]
        read_only_fields = ["number", "status", "is_seed", "created"]


class StatementWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=STATEMENT_MAX_LENGTH)


class VoteSerializer(serializers.Serializer):
    statement = serializers.IntegerField(
        min_value=0, help_text=_("The statement's number in the conversation")
    )
    value = serializers.ChoiceField(choices=[1, -1, 0], help_text=_("1 agree, -1 disagree, 0 pass"))
    modified = serializers.DateTimeField(read_only=True)


# --- helpers ----------------------------------------------------------------------------------


def visible_conversation(request, slug: str) -> Conversation:
    conversation = get_object_or_404(
        Conversation.objects.select_related("phase__process__space"), slug=slug
    )
    if not request.user.has_perm("opinions.view_conversation", conversation):
        raise Http404
    return conversation


def require(request, perm: str, conversation: Conversation) -> None:
    # Anonymous callers were answered 401 by the permission classes already.
    if not request.user.has_perm(perm, conversation):
        raise PermissionDenied


class ReadOrLoggedIn(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or request.user.is_authenticated


# --- views ------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary="List the opinion conversations you may see"),
)
class ConversationList(UserLanguageMixin, generics.ListAPIView):
    serializer_class = ConversationSerializer
    pagination_class = Pagination
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return services.visible_conversations(self.request.user).order_by("-created", "-pk")


@extend_schema_view(get=extend_schema(tags=[TAG], summary="One opinion conversation"))
class ConversationDetail(UserLanguageMixin, generics.RetrieveAPIView):
    serializer_class = ConversationSerializer
    permission_classes = [permissions.AllowAny]

    def get_object(self):
        return visible_conversation(self.request, self.kwargs["slug"])


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary="The statements of a conversation",
        description="Accepted statements; moderators also see pending and rejected ones.",
    ),
    post=extend_schema(
        tags=[TAG],
        summary="Add a statement",
        request=StatementWriteSerializer,
        responses={201: StatementSerializer},
    ),
)
class StatementList(UserLanguageMixin, generics.ListCreateAPIView):
    serializer_class = StatementSerializer
    pagination_class = Pagination
    permission_classes = [ReadOrLoggedIn]

    def conversation(self) -> Conversation:
        if not hasattr(self, "_conversation"):
            self._conversation = visible_conversation(self.request, self.kwargs["slug"])
        return self._conversation

    def get_queryset(self):
        conversation = self.conversation()
        qs = conversation.statements.order_by("number")
        if not self.request.user.has_perm("opinions.moderate_conversation", conversation):
            qs = qs.filter(status=Statement.Status.ACCEPTED)
        return qs

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        conversation = self.conversation()
        require(request, "opinions.add_statement", conversation)
        data = StatementWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = call(
            services.do_add_statement, conversation, request.user, data.validated_data["text"]
        )
        return Response(StatementSerializer(statement).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG], summary="Your votes in a conversation", responses=VoteSerializer(many=True)
    ),
    post=extend_schema(
        tags=[TAG],
        summary="Vote on a statement (again: changes your vote)",
        request=VoteSerializer,
        responses={200: VoteSerializer},
    ),
)
class VoteList(UserLanguageMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = VoteSerializer

    def get(self, request, slug: str) -> Response:
        conversation = visible_conversation(request, slug)
        votes = Vote.objects.filter(
            participant__conversation=conversation, participant__user=request.user
        ).order_by("statement__number")
        rows = [
            {"statement": number, "value": value, "modified": modified}
            for number, value, modified in votes.values_list(
                "statement__number", "value", "modified"
            )
        ]
        return Response(VoteSerializer(rows, many=True).data)

    def post(self, request, slug: str) -> Response:
        conversation = visible_conversation(request, slug)
        require(request, "opinions.vote", conversation)
        data = VoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = conversation.statements.filter(number=data.validated_data["statement"]).first()
        if statement is None:
            raise serializers.ValidationError(
                {"statement": [_("This statement is not open for votes.")]}
            )
        vote = call(
            services.do_vote,
            conversation,
            request.user,
            statement,
            data.validated_data["value"],
        )
        return Response(
            VoteSerializer(
                {"statement": statement.number, "value": vote.value, "modified": vote.modified}
            ).data
        )


RESULT_SCHEMA = inline_serializer(
    "OpinionResults",
    {
        "computed_at": serializers.DateTimeField(allow_null=True),
        "votes": serializers.IntegerField(),
        "participants": serializers.IntegerField(),
        "clustered": serializers.BooleanField(),
        "your_group": serializers.CharField(allow_null=True),
        "groups": serializers.ListField(child=serializers.DictField()),
        "consensus": serializers.DictField(),
        "divisive": serializers.ListField(child=serializers.DictField()),
        "map": serializers.ListField(child=serializers.ListField()),
    },
)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary="The opinion groups, consensus and map of a conversation",
        description=(
            "From the newest analysis (recomputed in the background after new votes). Groups "
            "are labelled A, B, …; `map` holds [x, y, group] per participant in the SVG's "
            "coordinates; `your_group` is the caller's group."
        ),
        responses=RESULT_SCHEMA,
    )
)
class ResultsView(UserLanguageMixin, APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request, slug: str) -> Response:
        conversation = visible_conversation(request, slug)
        result = analysis.latest_result(conversation)
        analysis.refresh_if_stale(conversation, result)
        if result is None:
            return Response(
                {
                    "computed_at": None,
                    "votes": 0,
                    "participants": 0,
                    "clustered": False,
                    "your_group": None,
                    "groups": [],
                    "consensus": {"agree": [], "disagree": []},
                    "divisive": [],
                    "map": [],
                }
            )
        participant = services.participant_of(conversation, request.user)
        view = results.build_results(conversation, result, participant)
        dots = [*view.dots, *([view.me] if view.me else [])]

        def strip(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: v for k, v in item.items() if k != "id"} for item in items]

        return Response(
            {
                "computed_at": result.computed_at,
                "votes": result.vote_count,
                "participants": result.participant_count,
                "clustered": view.clustered,
                "your_group": view.my_group.label if view.my_group else None,
                "groups": [
                    {
                        "label": g.label,
                        "size": g.size,
                        "share": g.share,
                        "representative": strip(g.representative),
                    }
                    for g in view.groups
                ],
                "consensus": {
                    "agree": strip(view.consensus_agree),
                    "disagree": strip(view.consensus_disagree),
                },
                "divisive": strip(view.divisive),
                "map": [
                    [d.x, d.y, None if d.group is None else results.group_label(d.group)]
                    for d in dots
                ],
            }
        )
