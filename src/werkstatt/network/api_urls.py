"""/api/v1/: the network directory (organisations, search, reference data)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "api"

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")

nested = SimpleRouter()
nested.register("sites", api.SiteViewSet, basename="site")
nested.register("contacts", api.ContactViewSet, basename="contact")

urlpatterns = [
    path("", include(router.urls)),
    path("organisations/<slug:organisation_slug>/", include(nested.urls)),
    path("search/", api.SearchView.as_view(), name="search"),
    path("regions/", api.RegionList.as_view(), name="regions"),
    path("sectors/", api.SectorList.as_view(), name="sectors"),
    path("capabilities/", api.CapabilityTree.as_view(), name="capabilities"),
    path("certifications/", api.CertificationList.as_view(), name="certifications"),
    path("materials/", api.MaterialList.as_view(), name="materials"),
]
