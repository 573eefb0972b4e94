"""/api/v1/me/: who the caller is, their organisations and roles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from werkstatt.network.api import UserLanguageMixin
from werkstatt.network.models import OrganisationMembership

from .models import SpaceRole


class MembershipSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")
    url = serializers.HyperlinkedRelatedField(
        source="organisation",
        view_name="api:organisation-detail",
        lookup_field="slug",
        read_only=True,
    )

    class Meta:
        model = OrganisationMembership
        fields = ["slug", "name", "role", "status", "url"]


class SpaceRoleSerializer(serializers.ModelSerializer):
    space = serializers.CharField(source="space.slug")
    space_kind = serializers.CharField(source="space.kind")
    space_name = serializers.CharField(source="space.name")

    class Meta:
        model = SpaceRole
        fields = ["space", "space_kind", "space_name", "role"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    language = serializers.CharField()
    is_superuser = serializers.BooleanField()
    organisations = MembershipSerializer(many=True)
    roles = SpaceRoleSerializer(many=True, help_text=_("Roles in spaces, e.g. moderator"))


class MeView(UserLanguageMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["me"],
        summary=_("Who am I"),
        description=_(
            "The signed-in user (token or session), their organisations with role "
            "and status, and their roles in spaces."
        ),
        responses={200: MeSerializer},
        examples=[
            OpenApiExample(
                "An organisation admin",
                value={
                    "id": 7,
                    "email": "anna@example.org",
                    "name": "Anna Schmidt",
                    "language": "de",
                    "is_superuser": False,
                    "organisations": [
                        {
                            "slug": "muster-metallbau",
                            "name": "Muster Metallbau GmbH",
                            "role": "admin",
                            "status": "active",
                            "url": "https://werkstatt.example/api/v1/organisations/"
                            "muster-metallbau/",
                        }
                    ],
                    "roles": [],
                },
            )
        ],
    )
    def get(self, request):
        user = request.user
        memberships = (
            OrganisationMembership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        roles = SpaceRole.objects.filter(user=user).select_related("space").order_by("space__name")
        data = {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "is_superuser": user.is_superuser,
            "organisations": memberships,
            "roles": roles,
        }
        return Response(MeSerializer(data, context={"request": request}).data)
