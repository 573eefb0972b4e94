"""The history page tells what changed in the profile, the sites and the contact people, and
leaves out records in which nothing visible changed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from tests.factories import UserFactory

from werkstatt.network.services import organisations as services
from werkstatt.network.services.history import organisation_history_page

pytestmark = pytest.mark.django_db


def make_org(user):
    return services.do_create_organisation(
        user, {"name": "Uhlig Metallbau GmbH", "kind": "company"}
    )


def test_sites_and_contacts_appear_in_the_history():
    user = UserFactory(name="Jens Uhlig")
    org = make_org(user)
    site = services.do_add_site(org, user, {"city": "Chemnitz", "postcode": "09111"})
    services.do_update_site(site, user, {"street": "Annaberger Straße 12"})
    contact = services.do_add_contact(org, user, {"name": "Katrin Seifert", "function": "Vertrieb"})
    services.do_update_contact(contact, user, {"function": "Geschäftsführerin"})
    services.do_delete_contact(contact, user)
    _page, entries = organisation_history_page(org)
    summary = [(e.subject, e.kind, [c.field for c in e.changes]) for e in entries]
    assert summary == [
        ("contact", "deleted", []),
        ("contact", "changed", ["function"]),
        ("contact", "created", ["name", "function"]),
        ("site", "changed", ["street"]),
        ("profile", "changed", ["region"]),  # the new headquarters' district
        ("site", "created", ["postcode", "city", "region", "is_headquarters"]),
        ("profile", "created", ["name", "kind", "is_public"]),
    ]
    changed_site = entries[3]
    assert changed_site.subject_label == "Annaberger Straße 12, 09111 Chemnitz"
    assert (changed_site.changes[0].old, changed_site.changes[0].new) == (
        "–",
        "Annaberger Straße 12",
    )
    assert entries[1].changes[0].old == "Vertrieb"
    assert all(e.record.history_user == user for e in entries)


def test_records_without_a_visible_change_are_left_out():
    user = UserFactory()
    org = make_org(user)
    services.do_add_site(org, user, {"city": "Chemnitz", "postcode": "09111"})
    # A second site in the same district: the organisation is saved, nothing shown changes.
    services.do_add_site(org, user, {"city": "Chemnitz", "postcode": "09126"})
    services.do_update_profile(org, user, {"name": org.name})  # saved unchanged
    assert org.history.count() >= 3
    _page, entries = organisation_history_page(org)
    assert all(e.changes for e in entries)
    assert [e.subject for e in entries].count("profile") == 2  # created, district


def test_history_page_shows_site_changes(client):
    user = UserFactory()
    org = make_org(user)
    services.do_add_site(org, user, {"city": "Zwickau", "postcode": "08056"})
    client.force_login(user)
    with translation.override("en"):  # the request inside: the language does not stay on
        url = reverse("network:organisation_history", args=[org.slug])
        html = client.get(url).content.decode()
    assert "Site added" in html and "08056 Zwickau" in html
    assert "No visible field changed" not in html
