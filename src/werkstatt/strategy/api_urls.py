"""/api/v1/strategie/: processes, phases, recommendations, comments."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "strategy_api"

router = SimpleRouter()
router.register("processes", api.ProcessViewSet, basename="process")

nested = SimpleRouter()
nested.register("phases", api.PhaseViewSet, basename="phase")
nested.register("recommendations", api.RecommendationViewSet, basename="recommendation")

comments = SimpleRouter()
comments.register("comments", api.CommentViewSet, basename="comment")

urlpatterns = [
    path("", include(router.urls)),
    path("processes/<slug:process_slug>/", include(nested.urls)),
    path(
        "processes/<slug:process_slug>/recommendations/<int:recommendation_pk>/",
        include(comments.urls),
    ),
]
