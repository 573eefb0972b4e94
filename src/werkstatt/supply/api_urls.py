"""/api/v1/lieferketten/: demands, ranking, consortia, inquiries, cooperation offers."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "supply_api"

router = SimpleRouter()
router.register("demands", api.DemandViewSet, basename="demand")
router.register("inquiries", api.InquiryViewSet, basename="inquiry")
router.register("attachments", api.AttachmentViewSet, basename="attachment")
router.register("cooperation-offers", api.CooperationOfferViewSet, basename="cooperation-offer")
router.register(
    "cooperation-contacts", api.CooperationContactViewSet, basename="cooperation-contact"
)

urlpatterns = [path("", include(router.urls))]
