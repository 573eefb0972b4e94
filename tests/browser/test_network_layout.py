"""The network's pages fit a phone (375 px) and a laptop (1280 px) without sideways scrolling,
and a person can claim an organisation nobody represents, which a moderator approves."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.browser.conftest import log_in, with_confirmed_email
from tests.factories import (
    CapabilityFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
    make_network_moderator,
)
from werkstatt.network.models import OrganisationMembership
from werkstatt.network.services import organisations as services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Erzgebirge-Schwibbogen-1987"
WIDTHS = [375, 1280]
LONG_NAME = (
    "Erzgebirgische Präzisionsdrehteile- und Oberflächenveredelungsgesellschaft mbH & Co. KG"
)


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def account(**kwargs):
    user = with_confirmed_email(UserFactory(**kwargs))
    user.set_password(PASSWORD)
    user.save()
    return user


def fits(page) -> dict:
    """The page's width against the window's, and the innermost elements that stick out."""
    return page.evaluate(
        """() => {
        const width = window.innerWidth;
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 0.5 && ![...el.children].some(
                    c => c.getBoundingClientRect().right > width + 0.5)) {
                out.push(el.tagName + '.' + el.className + ': ' + el.textContent.slice(0, 40));
            }
        }
        return {scroll: document.documentElement.scrollWidth, width, sticking: out.slice(0, 5)};
    }"""
    )


@pytest.fixture
def world(reference_data):
    admin = account(name="Katrin Seifert", email="katrin@example.org")
    moderator = make_network_moderator(email="anja@example.org", name="Anja Lorenz")
    moderator.set_password(PASSWORD)
    moderator.save()
    with_confirmed_email(moderator)
    org = services.do_create_organisation(
        admin,
        {
            "name": LONG_NAME,
            "kind": "company",
            "description": "Hochpräzise Drehteile " * 40,
            "capabilities": [CapabilityFactory(name_de="Kunststoffspritzgussformenbau")],
            "website": "https://www.erzgebirgische-praezisionsdrehteile-und-oberflaechen.example/",
        },
    )
    site = services.do_add_site(
        org, admin, {"city": "Annaberg-Buchholz", "postcode": "09456", "street": "Am Sauberg 1"}
    )
    services.do_update_site(site, admin, {"street": "Straße der Einheit 142b, Hinterhaus 3"})
    services.do_add_contact(
        org,
        admin,
        {
            "name": "Dipl.-Ing. Maximiliane Schwarzenberger-Oberwiesenthal",
            "function": "Leiterin Qualitätssicherung und Lieferantenentwicklung",
            "email": "maximiliane.schwarzenberger-oberwiesenthal@example.org",
            "is_public": True,
        },
    )
    OrganisationMembershipFactory(
        organisation=org,
        status=OrganisationMembership.Status.REQUESTED,
        user__name="Bernd Langname-Doppelname",
        user__email="bernd.langname-doppelname.mit.sehr.langer.adresse@example.org",
    )
    unclaimed = OrganisationFactory(name="Uhlig Blechbearbeitung GmbH", slug="uhlig-blech")
    return {"admin": admin, "moderator": moderator, "org": org, "unclaimed": unclaimed}


def test_network_pages_fit_a_phone_and_a_laptop(page, world):
    org = world["org"]
    slug = org.slug
    admin_pages = [
        f"/netzwerk/o/{slug}/",
        f"/netzwerk/o/{slug}/bearbeiten/",
        f"/netzwerk/o/{slug}/standorte/",
        f"/netzwerk/o/{slug}/kontakte/",
        f"/netzwerk/o/{slug}/mitglieder/",
        f"/netzwerk/o/{slug}/verlauf/",
        "/netzwerk/meine/",
        "/netzwerk/neu/",
    ]
    log_in(page, world["admin"].email, PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in admin_pages:
            page.goto(path)
            found = fits(page)
            assert found["scroll"] <= found["width"], (path, width, found)
        # "Does this organisation exist already?" with its candidates.
        page.goto("/netzwerk/neu/")
        page.locator("input[name=name]").fill("Uhlig Blechbearbeitung")
        page.locator("select[name=kind]").select_option("company")
        page.get_by_role("button", name=german("Create organisation")).click()
        page.wait_for_selector("#candidates-title")
        found = fits(page)
        assert found["scroll"] <= found["width"], ("candidates", width, found)
    context = page.context
    context.clear_cookies()
    log_in(page, world["moderator"].email, PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/netzwerk/anfragen/")
        found = fits(page)
        assert found["scroll"] <= found["width"], ("requests", width, found)


def test_claim_an_organisation_and_the_moderator_approves(page, world):
    person = account(name="Jens Uhlig", email="jens@example.org")
    unclaimed = world["unclaimed"]
    log_in(page, person.email, PASSWORD)
    page.goto(f"/netzwerk/o/{unclaimed.slug}/")
    page.get_by_role("button", name=german("I represent this organisation")).click()
    page.wait_for_selector(".alert")
    claim = OrganisationMembership.objects.get(user=person)
    assert claim.role == "admin" and claim.status == "requested"
    page.context.clear_cookies()
    log_in(page, world["moderator"].email, PASSWORD)
    page.goto("/netzwerk/anfragen/")
    row = page.locator("tr", has_text="Jens Uhlig")
    row.get_by_role("button", name=german("Approve")).click()
    page.wait_for_url("**/netzwerk/anfragen/")
    claim.refresh_from_db()
    assert claim.status == "active"
    assert person.has_perm("network.change_organisation", unclaimed)
