"""The supply network's rows of the permission matrix (see tests/matrix.py for the roles).

The world: {org} (whose member/admin are the roles "member" and "admin") posts a public demand
{demand}, a members-only one {members_demand} and one for invited organisations only
{invited_demand} (inviting a third firm); {other} (the role "other_admin") posts {other_demand}
and has sent the inquiry {inquiry} to {org}, so "admin" answers it as the supplier. {org}
publishes the cooperation offer {offer} (public) and {members_offer} (members only). The
"moderator" is the network moderator, who oversees demands and offers but reads no inquiries.
"""

from __future__ import annotations

from tests.matrix import ALL_200, LOGIN_THEN_200, POST_ONLY, Row

D = {"pk": "{demand}"}
MD = {"pk": "{members_demand}"}
ID = {"pk": "{invited_demand}"}
INQ = {"pk": "{inquiry}"}
OF = {"pk": "{offer}"}
MOF = {"pk": "{members_offer}"}
CO = {"pk": "{cooperation_contact}"}

BUYER_ADMINS = "login 403 403 200 403 403 200"
BUYER_ADMINS_POST = "login 403 403 302 403 403 302"
MEMBERS_ONLY = "404 404 200 200 200 200 200"
SPEAKERS = "login 403 403 200 200 403 200"  # admins of any organisation
API_BUYER_ADMINS = "401 403 403 200 403 403 200"
API_SPEAKERS_INVALID = "401 403 403 400 400 403 400"

ROWS = [
    # --- pages: demands -------------------------------------------------------------------
    Row("supply:index", {}, "GET", ALL_200),
    Row(
        "supply:index", {}, "GET", ALL_200, {"capability": "fuegen", "region": "x"}, note="filters"
    ),
    Row("supply:matching", {}, "GET", SPEAKERS),
    Row("supply:demand_create", {}, "GET", SPEAKERS),
    Row("supply:demand_create", {}, "POST", SPEAKERS, {"title": ""}, note="invalid"),
    Row("supply:demand", D, "GET", ALL_200),
    Row("supply:demand", MD, "GET", MEMBERS_ONLY, note="members"),
    Row("supply:demand", ID, "GET", "404 404 200 200 404 200 200", note="invited"),
    Row("supply:demand_edit", D, "GET", BUYER_ADMINS),
    Row("supply:demand_edit", ID, "GET", "login 404 403 200 404 403 200", note="invited"),
    Row("supply:demand_status", D, "GET", POST_ONLY),
    Row("supply:demand_status", D, "POST", BUYER_ADMINS_POST, {"status": "fulfilled"}),
    Row("supply:demand_deadline", D, "GET", POST_ONLY),
    Row("supply:demand_deadline", D, "POST", BUYER_ADMINS_POST, {"deadline": "2099-12-31"}),
    Row("supply:demand_ranking", D, "GET", "login 403 200 200 403 200 200"),
    Row("supply:demand_ranking", ID, "GET", "login 404 200 200 404 200 200", note="invited"),
    Row("supply:demand_consortium", D, "GET", "login 403 200 200 403 200 200"),
    Row("supply:demand_widen_step", {**D, "step": "{demand_step}"}, "GET", POST_ONLY),
    Row("supply:demand_widen_step", {**D, "step": "{demand_step}"}, "POST", BUYER_ADMINS_POST),
    # --- pages: drawings and documents -----------------------------------------------------
    Row("supply:demand_attachments", D, "GET", POST_ONLY),
    Row("supply:demand_attachments", D, "POST", BUYER_ADMINS_POST, {}, note="no file"),
    Row("supply:attachment", {"pk": "{attachment}"}, "GET", ALL_200),
    Row("supply:attachment", {"pk": "{members_attachment}"}, "GET", MEMBERS_ONLY, note="members"),
    Row(
        "supply:attachment",
        {"pk": "{inquiry_attachment}"},
        "GET",
        "404 404 200 200 200 404 200",
        note="inquiry",
    ),
    Row("supply:attachment_delete", {"pk": "{attachment}"}, "GET", POST_ONLY),
    Row("supply:attachment_delete", {"pk": "{attachment}"}, "POST", BUYER_ADMINS_POST),
    # --- pages: inquiries -----------------------------------------------------------------
    Row("supply:inquiry_create", D, "GET", BUYER_ADMINS, {"organisation": "andere"}),
    Row(
        "supply:inquiry_create",
        D,
        "POST",
        BUYER_ADMINS_POST,
        {"organisation": "andere", "message": "Können Sie das fertigen?"},
    ),
    Row("supply:consortium_inquiry", D, "GET", POST_ONLY),
    Row("supply:consortium_inquiry", D, "POST", BUYER_ADMINS_POST, {"message": "Anfrage"}),
    Row("supply:inquiries", {}, "GET", LOGIN_THEN_200),
    Row("supply:inquiry", INQ, "GET", "404 404 200 200 200 404 200"),
    Row("supply:inquiry_action", INQ, "GET", POST_ONLY),
    Row(
        "supply:inquiry_action",
        INQ,
        "POST",
        "404 404 403 302 403 404 302",
        {"action": "accept"},
        note="supplier accepts",
    ),
    Row(
        "supply:inquiry_action",
        INQ,
        "POST",
        "404 404 403 403 302 404 302",
        {"action": "withdraw"},
        note="buyer withdraws",
    ),
    # --- pages: cooperation exchange --------------------------------------------------------
    Row("supply:cooperation_list", {}, "GET", ALL_200),
    Row("supply:cooperation_create", {}, "GET", SPEAKERS),
    Row("supply:cooperation", OF, "GET", ALL_200),
    Row("supply:cooperation", MOF, "GET", MEMBERS_ONLY, note="members"),
    Row("supply:cooperation_edit", OF, "GET", BUYER_ADMINS),
    Row("supply:cooperation_close", OF, "GET", POST_ONLY),
    Row("supply:cooperation_close", OF, "POST", BUYER_ADMINS_POST),
    # "admin" speaks for {org}, whose profile it is, and for {hidden}: may ask for {hidden}.
    Row("supply:cooperation_interest", OF, "GET", "login 403 403 200 200 403 403"),
    Row(
        "supply:cooperation_interest",
        OF,
        "POST",
        "login 403 403 200 302 403 403",
        {"message": "Wir sind interessiert."},
        note="invalid for admin (no organisation chosen)",
    ),
    Row("supply:cooperation_contact", CO, "GET", "login 404 200 200 200 404 200"),
    Row("supply:cooperation_contact_reply", CO, "GET", POST_ONLY),
    Row(
        "supply:cooperation_contact_reply",
        CO,
        "POST",
        "login 404 403 302 302 404 302",
        {"message": "Gern."},
    ),
    # --- API --------------------------------------------------------------------------------
    Row("supply_api:demand-list", {}, "GET", ALL_200),
    Row("supply_api:demand-matching", {}, "GET", "401 403 403 200 200 403 400"),
    Row("supply_api:demand-list", {}, "POST", API_SPEAKERS_INVALID, {}, note="invalid"),
    Row("supply_api:demand-detail", D, "GET", ALL_200),
    Row("supply_api:demand-detail", MD, "GET", MEMBERS_ONLY, note="members"),
    Row("supply_api:demand-detail", ID, "GET", "404 404 200 200 404 200 200", note="invited"),
    Row("supply_api:demand-detail", D, "PATCH", API_BUYER_ADMINS, {}),
    Row("supply_api:demand-status", D, "POST", API_BUYER_ADMINS, {"status": "withdrawn"}),
    Row("supply_api:demand-ranking", D, "GET", "401 403 200 200 403 200 200"),
    Row("supply_api:demand-consortia", D, "GET", "401 403 200 200 403 200 200"),
    Row("supply_api:demand-attachments", D, "GET", ALL_200),
    Row("supply_api:demand-attachments", MD, "GET", MEMBERS_ONLY, note="members"),
    Row(
        "supply_api:demand-attachments",
        D,
        "POST",
        "401 403 403 400 403 403 400",
        {},
        note="no file",
    ),
    Row("supply_api:attachment-detail", {"pk": "{attachment}"}, "GET", ALL_200),
    Row("supply_api:attachment-download", {"pk": "{attachment}"}, "GET", ALL_200),
    Row(
        "supply_api:attachment-download",
        {"pk": "{inquiry_attachment}"},
        "GET",
        "404 404 200 200 200 404 200",
        note="inquiry",
    ),
    Row("supply_api:inquiry-list", {}, "GET", "401 200 200 200 200 200 200"),
    Row("supply_api:inquiry-list", {}, "POST", API_SPEAKERS_INVALID, {}, note="invalid"),
    Row("supply_api:inquiry-detail", INQ, "GET", "401 404 200 200 200 404 200"),
    Row(
        "supply_api:inquiry-respond",
        INQ,
        "POST",
        "401 404 403 200 403 404 200",
        {"action": "decline"},
    ),
    Row("supply_api:cooperation-offer-list", {}, "GET", ALL_200),
    Row("supply_api:cooperation-offer-list", {}, "POST", API_SPEAKERS_INVALID, {}, note="invalid"),
    Row("supply_api:cooperation-offer-detail", OF, "GET", ALL_200),
    Row("supply_api:cooperation-offer-detail", MOF, "GET", MEMBERS_ONLY, note="members"),
    Row("supply_api:cooperation-offer-detail", OF, "PATCH", API_BUYER_ADMINS, {}),
    Row("supply_api:cooperation-offer-close", OF, "POST", API_BUYER_ADMINS),
    Row("supply_api:cooperation-offer-matches", OF, "GET", ALL_200),
    Row(
        "supply_api:cooperation-offer-interest",
        OF,
        "POST",
        "401 403 403 400 201 403 201",
        {"organisation": "andere", "message": "Interesse"},
    ),
    Row("supply_api:cooperation-contact-list", {}, "GET", "401 200 200 200 200 200 200"),
    Row("supply_api:cooperation-contact-detail", CO, "GET", "401 404 200 200 200 404 200"),
    Row(
        "supply_api:cooperation-contact-reply",
        CO,
        "POST",
        "401 404 403 200 200 404 200",
        {"message": "Gern."},
    ),
]


def world(users: dict, values: dict) -> None:
    from tests.factories import OrganisationAdminFactory, OrganisationFactory
    from tests.supply.factories import (
        CooperationOfferFactory,
        DemandFactory,
        InquiryFactory,
    )
    from werkstatt.network.models import Organisation
    from werkstatt.supply.models import Visibility

    org = Organisation.objects.get(slug=values["org"])
    other = Organisation.objects.get(
        memberships__user=users["other_admin"], memberships__role="admin"
    )
    steps = ["trennen.abtragen.laserschneiden", "fuegen.schweissen"]
    demand = DemandFactory(organisation=org, steps=steps)
    members_demand = DemandFactory(organisation=org, visibility=Visibility.MEMBERS, steps=steps)
    third = OrganisationFactory(name="Dritte Zerspanung GmbH", slug="dritte")
    OrganisationAdminFactory(organisation=third)
    invited_demand = DemandFactory(organisation=org, visibility=Visibility.INVITED, steps=steps)
    invited_demand.invited_organisations.set([third])
    other_demand = DemandFactory(organisation=other, steps=steps)
    inquiry = InquiryFactory(demand=other_demand, organisation=org)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from werkstatt.supply.services import attachments

    def drawing(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")

    (attachment,) = attachments.do_attach_to_demand(demand, None, [drawing("Zeichnung.pdf")])
    (members_attachment,) = attachments.do_attach_to_demand(
        members_demand, None, [drawing("Intern.pdf")]
    )
    checked = attachments.check_files([drawing("Anfrage.pdf")], already=0, limit=5)
    (inquiry_attachment,) = attachments.store(other_demand, None, checked, inquiry.messages.first())
    offer = CooperationOfferFactory(organisation=org)
    members_offer = CooperationOfferFactory(organisation=org, visibility=Visibility.MEMBERS)
    from werkstatt.supply.services.cooperation import do_express_interest

    contact = do_express_interest(offer, None, other, "Wir hätten Interesse.")
    values.update(
        {
            "other": other.slug,
            "demand": demand.pk,
            "demand_step": demand.steps.order_by("order").first().pk,
            "members_demand": members_demand.pk,
            "invited_demand": invited_demand.pk,
            "other_demand": other_demand.pk,
            "inquiry": inquiry.pk,
            "offer": offer.pk,
            "members_offer": members_offer.pk,
            "cooperation_contact": contact.pk,
            "attachment": attachment.pk,
            "members_attachment": members_attachment.pk,
            "inquiry_attachment": inquiry_attachment.pk,
        }
    )
