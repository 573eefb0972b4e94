"""DSGVO: what the network holds about a person is in their download; deleting the last admin's
account is told to the network moderators."""

from __future__ import annotations

import pytest
from django.utils import translation
from tests.factories import (
    ContactPersonFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    UserFactory,
    make_network_moderator,
)

from werkstatt.accounts.services import do_delete_account, export_user_data
from werkstatt.network.models import Organisation
from werkstatt.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_download_has_the_contact_entries_with_the_persons_address():
    user = UserFactory(email="katrin.seifert@example.org")
    mine = ContactPersonFactory(
        name="Katrin Seifert", email="Katrin.Seifert@example.org", function="Vertrieb"
    )
    ContactPersonFactory(email="someone.else@example.org")
    data = export_user_data(user)["network"]
    assert data == {
        "contact_person_entries": [
            {
                "organisation": mine.organisation.name,
                "organisation_slug": mine.organisation.slug,
                "name": "Katrin Seifert",
                "function": "Vertrieb",
                "email": "Katrin.Seifert@example.org",
                "phone": "",
                "shown_publicly": True,
            }
        ]
    }


def test_deleting_the_last_admin_tells_the_network_moderators(django_capture_on_commit_callbacks):
    moderator = make_network_moderator(language="en")
    last = OrganisationAdminFactory(user__name="Katrin Seifert", organisation__name="Acme GmbH")
    # Another organisation keeps a second admin: nothing to tell about it.
    shared = OrganisationFactory(name="Zweite GmbH")
    OrganisationAdminFactory(user=last.user, organisation=shared)
    OrganisationAdminFactory(organisation=shared)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        do_delete_account(last.user)
    notes = list(Notification.objects.filter(recipient=moderator))
    assert [n.title for n in notes] == [
        "Acme GmbH has no admin any more: Katrin Seifert deleted their account"
    ]
    assert notes[0].url == f"/netzwerk/o/{last.organisation.slug}/"
    assert Organisation.objects.filter(pk=last.organisation_id).exists()


def test_deleting_an_account_that_was_not_the_last_admin_tells_nobody():
    make_network_moderator()
    admin = OrganisationAdminFactory()
    OrganisationAdminFactory(organisation=admin.organisation)
    do_delete_account(UserFactory())
    do_delete_account(admin.user)
    assert not Notification.objects.exists()
