"""Joining and claiming organisations: a request always reaches someone who can answer it.

Organisation admins answer join requests; where nobody represents the organisation yet, and for
every claim ("I represent this organisation"), the network moderators do, on their one page of
pending requests.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from tests.factories import (
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
    make_network_moderator,
)

from werkstatt.network.models import Organisation, OrganisationMembership
from werkstatt.network.services import organisations as services
from werkstatt.notifications.models import Notification

pytestmark = pytest.mark.django_db
Status = OrganisationMembership.Status
Role = OrganisationMembership.Role


@pytest.fixture(autouse=True)
def english():
    """The texts are checked as their English msgids (the German comes with the .po files):
    pages are asked in English (reverse() gives the /en/ addresses), and the people notified
    read English."""
    with translation.override("en"):
        yield


def new_person(**kwargs):
    return UserFactory(language="en", **kwargs)


def new_moderator(**kwargs):
    return make_network_moderator(language="en", **kwargs)


def test_join_request_notifies_the_admins_not_the_moderators(django_capture_on_commit_callbacks):
    admin = OrganisationAdminFactory(user__email="chefin@example.org", user__language="en")
    moderator = new_moderator(email="moderation@example.org")
    person = new_person(name="Karl Neu")
    with django_capture_on_commit_callbacks(execute=True):
        services.do_request_membership(person, admin.organisation)
    assert [n.recipient for n in Notification.objects.all()] == [admin.user]
    note = Notification.objects.get()
    assert note.title == f"Karl Neu asks to join {admin.organisation.name}"
    # Without a language prefix: each recipient reads the page in their own language.
    assert note.url == f"/netzwerk/o/{admin.organisation.slug}/mitglieder/"
    assert [m.to for m in mail.outbox] == [["chefin@example.org"]]
    assert not Notification.objects.filter(recipient=moderator).exists()


def test_join_request_without_admin_goes_to_the_network_moderators(
    django_capture_on_commit_callbacks,
):
    org = OrganisationFactory()
    OrganisationMembershipFactory(organisation=org)  # a plain member answers nothing
    first = new_moderator(email="m1@example.org")
    second = new_moderator(email="m2@example.org")
    person = new_person(name="Karl Neu")
    with django_capture_on_commit_callbacks(execute=True):
        services.do_request_membership(person, org)
    recipients = sorted(n.recipient.email for n in Notification.objects.all())
    assert recipients == [first.email, second.email]
    assert {n.url for n in Notification.objects.all()} == {"/netzwerk/anfragen/"}
    assert sorted(m.to[0] for m in mail.outbox) == ["m1@example.org", "m2@example.org"]
    assert "Nobody represents this organisation on Werkstatt yet" in mail.outbox[0].body


def test_the_person_is_told_who_reviews_the_request(client):
    org = OrganisationFactory()
    new_moderator()
    client.force_login(new_person())
    page = client.get(org.get_absolute_url()).content.decode()
    assert "Nobody represents this organisation on Werkstatt yet" in page
    response = client.post(reverse("network:organisation_join", args=[org.slug]), follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [
        "Nobody represents this organisation on Werkstatt yet; the network moderators will "
        "review your request."
    ]
    with_admin = OrganisationAdminFactory().organisation
    response = client.post(
        reverse("network:organisation_join", args=[with_admin.slug]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Your request has been sent to the organisation's admins."
    ]


def test_claim_an_organisation_and_a_moderator_approves(client, django_capture_on_commit_callbacks):
    org = OrganisationFactory(name="Seifert Zerspanungstechnik GmbH")
    moderator = new_moderator()
    person = new_person(name="Katrin Seifert")
    client.force_login(person)
    page = client.get(org.get_absolute_url()).content.decode()
    claim_url = reverse("network:organisation_claim", args=[org.slug])
    assert claim_url in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(claim_url).status_code == 302
    claim = OrganisationMembership.objects.get(user=person)
    assert (claim.role, claim.status) == (Role.ADMIN, Status.REQUESTED)
    note = Notification.objects.get(recipient=moderator)
    assert note.title == (
        "Katrin Seifert asks to represent Seifert Zerspanungstechnik GmbH as its admin"
    )
    # Until approved, the claim gives no rights.
    assert not person.has_perm("network.change_organisation", org)
    # The moderator sees it on the one page of pending requests and approves it there.
    client.force_login(moderator)
    listing = client.get(reverse("network:membership_requests"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Katrin Seifert" in html and "Represent as admin" in html and "No admin yet" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("network:membership_action", args=[org.slug, claim.pk]),
            {"action": "approve", "back": "requests"},
        )
    assert response.url == reverse("network:membership_requests")
    claim.refresh_from_db()
    assert claim.status == Status.ACTIVE and claim.role == Role.ADMIN
    assert person.has_perm("network.change_organisation", org)
    told = Notification.objects.get(recipient=person)
    assert told.title == "You are now an admin of Seifert Zerspanungstechnik GmbH"


def test_an_organisation_with_an_admin_cannot_be_claimed(client):
    admin = OrganisationAdminFactory()
    person = new_person()
    assert not person.has_perm("network.claim_organisation", admin.organisation)
    with pytest.raises(ValidationError) as info:
        services.do_request_membership(person, admin.organisation, claim=True)
    assert info.value.code == "has_admins"
    client.force_login(person)
    url = reverse("network:organisation_claim", args=[admin.organisation.slug])
    assert client.post(url).status_code == 403
    assert not OrganisationMembership.objects.filter(user=person).exists()


def test_pending_requests_page_lists_every_open_request_for_moderators_only(client):
    waiting = OrganisationMembershipFactory(
        status=Status.REQUESTED, user__language="en", user__name="Ohne Admin"
    )
    admin = OrganisationAdminFactory()
    answered_by_admin = OrganisationMembershipFactory(
        organisation=admin.organisation, status=Status.REQUESTED, user__name="Mit Admin"
    )
    OrganisationMembershipFactory(user__name="Schon Mitglied")  # active: not a request
    client.force_login(new_moderator())
    page = client.get(reverse("network:membership_requests"))
    rows = list(page.context["page_obj"])
    assert rows == [waiting, answered_by_admin]  # those without an admin first
    assert "Schon Mitglied" not in page.content.decode()
    client.force_login(admin.user)
    assert client.get(reverse("network:membership_requests")).status_code == 403


def test_declined_request_is_told_to_the_person(django_capture_on_commit_callbacks):
    admin = OrganisationAdminFactory()
    request = OrganisationMembershipFactory(
        organisation=admin.organisation, status=Status.REQUESTED, user__language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.do_decline_membership(admin.user, request)
    note = Notification.objects.get(recipient=request.user)
    assert note.title == f"Your request concerning {admin.organisation.name} was declined"


def test_withdrawing_a_request_says_so(client):
    org = OrganisationFactory(name="Acme GmbH")
    person = new_person()
    OrganisationMembershipFactory(user=person, organisation=org, status=Status.REQUESTED)
    client.force_login(person)
    response = client.post(reverse("network:organisation_leave", args=[org.slug]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Your request concerning Acme GmbH has been withdrawn."
    ]
    assert not OrganisationMembership.objects.filter(user=person).exists()
    OrganisationMembershipFactory(user=person, organisation=org)
    response = client.post(reverse("network:organisation_leave", args=[org.slug]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["You have left Acme GmbH."]


def test_new_organisation_is_told_to_the_network_moderators(django_capture_on_commit_callbacks):
    moderator = new_moderator()
    person = new_person()
    with django_capture_on_commit_callbacks(execute=True):
        org = services.do_create_organisation(
            person, {"name": "Neue Firma GmbH", "kind": "company"}
        )
    note = Notification.objects.get(recipient=moderator)
    assert note.title == "New organisation in the directory: Neue Firma GmbH"
    assert note.url == f"/netzwerk/o/{org.slug}/"
    assert not Notification.objects.filter(recipient=person).exists()


# --- "Does this organisation exist already?" ----------------------------------------------------


def test_creating_a_duplicate_asks_first_and_offers_to_claim(client):
    existing = OrganisationFactory(name="Seifert Zerspanungstechnik GmbH", slug="seifert")
    OrganisationFactory(name="Lorenz Elektrotechnik GmbH")
    person = new_person()
    client.force_login(person)
    url = reverse("network:organisation_create")
    data = {"name": "Seifert Zerspanungstechnik", "kind": "company", "is_public": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert Organisation.objects.filter(name__startswith="Seifert").count() == 1
    html = response.content.decode()
    assert "Does this organisation exist already?" in html
    assert [c["organisation"] for c in response.context["candidates"]] == [existing]
    assert "Lorenz" not in html
    # Nobody represents it: join and claim are offered; the form asks for a confirmation.
    assert reverse("network:organisation_claim", args=["seifert"]) in html
    assert reverse("network:organisation_join", args=["seifert"]) in html
    assert 'type="checkbox" name="confirm_new"' in html
    assert response.context["form"].errors["confirm_new"]
    # Confirmed: created, as a second organisation.
    response = client.post(url, data | {"confirm_new": "on"})
    assert response.status_code == 302
    assert Organisation.objects.filter(name__startswith="Seifert").count() == 2


def test_umlaut_and_legal_form_variants_are_candidates_too(client):
    existing = OrganisationFactory(name="Müller Metallbau GmbH & Co. KG")
    client.force_login(new_person())
    response = client.post(
        reverse("network:organisation_create"),
        {"name": "Mueller Metallbau GmbH", "kind": "company"},
    )
    assert [c["organisation"] for c in response.context["candidates"]] == [existing]


def test_a_new_name_is_created_without_asking(client):
    OrganisationFactory(name="Seifert Zerspanungstechnik GmbH")
    client.force_login(new_person())
    response = client.post(
        reverse("network:organisation_create"), {"name": "Uhlig Holzbau GmbH", "kind": "company"}
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Uhlig Holzbau GmbH").exists()


def test_hidden_organisations_are_not_revealed_as_candidates(client):
    OrganisationFactory(name="Verdeckt Zerspanung GmbH", is_public=False)
    client.force_login(new_person())
    response = client.post(
        reverse("network:organisation_create"),
        {"name": "Verdeckt Zerspanung GmbH", "kind": "company"},
    )
    assert response.status_code == 302  # nothing the person may see: created straight away
