"""Journey: search the network directory with a term, a facet, a place and a radius."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.factories import CertificationFactory, OrganisationFactory, SiteFactory
from werkstatt.network.services.organisations import locate_site
from werkstatt.network.services.search_index import reindex

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# name, postcode, place, description, certifications
FIRMS = [
    (
        "Erzgebirgische Blechbearbeitung GmbH",
        "09111",
        "Chemnitz",
        "Blechbearbeitung und Laserschneiden.",
        ["ISO 9001"],
    ),
    (
        "Freiberger Blechverarbeitung KG",
        "09599",
        "Freiberg",
        "Blechbearbeitung, Schweißen, Abkanten.",
        ["ISO 9001"],
    ),
    (
        "Elbtal Blechbearbeitung GmbH",
        "01067",
        "Dresden",
        "Blechbearbeitung für den Maschinenbau.",
        ["ISO 9001", "ISO 14001"],
    ),
    (
        "Vogtländische Blechbearbeitung GmbH",
        "08523",
        "Plauen",
        "Blechbearbeitung in kleinen Serien.",
        [],
    ),
    (
        "Zwickauer Präzisionsdrehteile GmbH",
        "08056",
        "Zwickau",
        "Drehen und Fräsen von Präzisionsteilen.",
        ["ISO 9001", "IATF 16949"],
    ),
]
BLECH = {name for name, *_ in FIRMS if "Blech" in name}


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def found(count: int) -> str:
    """The start of the result count line, as the page says it."""
    with translation.override("de"):
        text = ngettext("%(total)s organisation found", "%(total)s organisations found", count) % {
            "total": count
        }
    return text


@pytest.fixture
def network(reference_data, monkeypatch):
    ids = []
    for name, postcode, place, description, codes in FIRMS:
        lat, lon, region = locate_site(place, postcode, None, None)
        org = OrganisationFactory(
            name=name,
            description=description,
            region=region,
            lat=lat,
            lon=lon,
            certifications=[CertificationFactory(code=code) for code in codes],
        )
        SiteFactory(
            organisation=org, postcode=postcode, city=place, lat=lat, lon=lon, region=region
        )
        ids.append(org.pk)
    reindex(ids)
    # Two results a page, so that a handful of firms needs pagination.
    monkeypatch.setattr("werkstatt.network.views.directory.PAGE_SIZE", 2)
    return ids


def count_of(facet_item) -> int:
    return int(re.search(r"\d+", facet_item.locator(".facet__count").inner_text()).group(0))


def result_names(page) -> set[str]:
    return set(page.locator(".result-list > li h3").all_inner_texts())


def all_result_names(page) -> set[str]:
    """The names on every page of the results, following the pagination's "next" links."""
    names = result_names(page)
    while page.locator(".pagination a[rel=next]").count():
        current = page.url
        page.locator(".pagination a[rel=next]").click()
        page.wait_for_url(lambda url, current=current: url != current)
        names |= result_names(page)
    return names


def test_search_with_facet_place_and_radius(page, network):
    page.goto("/netzwerk/")
    status = page.locator(".result-count")
    assert status.inner_text().startswith(found(len(FIRMS)))
    # The map is there and the page is usable although the tiles can't load.
    assert page.locator("#directory-map").is_visible()
    assert page.locator("#directory-map.map--active").count() == 1  # Leaflet started
    # Importing is for moderators: a visitor sees no link to it.
    assert page.get_by_role("link", name=german("Import a member list")).count() == 0

    # A part of a compound word finds the whole: "Blech" → "Blechbearbeitung".
    search = page.get_by_role("searchbox")
    search.fill("Blech")
    search.press("Enter")
    page.wait_for_url(re.compile(r"q=Blech"))
    assert status.inner_text().startswith(found(len(BLECH)))
    assert page.locator(".result-list > li").count() == 2
    assert page.locator(".pagination").is_visible()
    assert all_result_names(page) == BLECH

    # Tick a facet: htmx replaces the results and the facet counts without a page load.
    page.evaluate("window.__same_document = true")
    iso = page.locator(".facets fieldset", has_text=german("Certification (all required)"))
    iso_9001 = iso.get_by_role("checkbox", name=re.compile(r"ISO 9001"))
    assert count_of(iso.locator("li", has_text="ISO 9001")) == 3
    regions = page.locator(".facets fieldset", has_text=german("Region")).locator("li")
    assert sum(count_of(item) for item in regions.all()) == len(BLECH)
    iso_9001.check()
    page.wait_for_url(re.compile(r"certification=ISO(\+|%20)9001"))
    expected = {n for n, _p, _c, _d, codes in FIRMS if n in BLECH and "ISO 9001" in codes}
    assert status.inner_text().startswith(found(len(expected)))
    assert page.evaluate("window.__same_document") is True  # no full page load
    iso_9001 = iso.get_by_role("checkbox", name=re.compile(r"ISO 9001"))
    assert iso_9001.is_checked()
    # The other facets now count within the filtered results (Plauen's firm is gone).
    assert sum(count_of(item) for item in regions.all()) == len(expected)
    assert count_of(iso.locator("li", has_text="ISO 14001")) == 1
    assert all_result_names(page) == expected

    # A place and a radius: the far firms go, distances show.
    page.get_by_label(german("near")).fill("Chemnitz")
    page.get_by_label(german("within")).select_option("50")
    page.get_by_label(german("near")).press("Enter")
    page.wait_for_url(re.compile(r"near=Chemnitz"))
    near = {"Erzgebirgische Blechbearbeitung GmbH", "Freiberger Blechverarbeitung KG"}
    assert status.inner_text().startswith(found(len(near)))
    assert "Chemnitz" in status.inner_text() and "50" in status.inner_text()
    assert result_names(page) == near
    assert page.locator(".pagination").count() == 0
    distances = page.locator(".result-list > li .muted", has_text="km").all_inner_texts()
    assert len(distances) == 2
    km = sorted(float(re.search(r"[\d.,]+", d).group(0).replace(",", ".")) for d in distances)
    assert km[0] < 5 and 20 < km[1] < 40  # Chemnitz itself, Freiberg about 30 km away

    # The map shows the same organisations; its text alternative is the list with the places.
    map_status = page.locator("#directory-map-status")
    map_status.filter(has_text=re.compile(r"^2 ")).wait_for()
    assert (
        german(
            "The map background could not be loaded; the markers still show where the "
            "organisations are."
        )
        in map_status.inner_text()
    )
    items = page.locator(".result-list > li").all_inner_texts()
    assert any("Chemnitz" in item for item in items)
    assert any("Freiberg" in item for item in items)
    assert page.evaluate("window.__same_document") is True

    # Reload the pushed URL: the page on its own shows the same search.
    page.reload()
    assert result_names(page) == near
    assert page.get_by_role("searchbox").input_value() == "Blech"
    assert page.get_by_label(german("near")).input_value() == "Chemnitz"


def test_the_search_form_works_without_javascript(browser, live_server, network, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        locale="de-DE", java_script_enabled=False, base_url=live_server.url
    )
    try:
        page = context.new_page()
        page.goto("/netzwerk/")
        assert (
            german("The map needs JavaScript. The list below shows all results with their places.")
            in page.locator("#directory-map").inner_text()
        )
        page.get_by_role("searchbox").fill("Blech")
        page.get_by_role("button", name=german("Search"), exact=True).click()
        page.wait_for_url(re.compile(r"q=Blech"))
        status = page.locator(".result-count")
        assert status.inner_text().startswith(found(len(BLECH)))

        page.get_by_role("checkbox", name=re.compile(r"ISO 9001")).check()
        page.get_by_role("button", name=german("Apply filters")).click()
        page.wait_for_url(re.compile(r"certification=ISO(\+|%20)9001"))
        assert status.inner_text().startswith(found(3))
        page.get_by_role("link", name=re.compile(german("Next"))).click()
        page.wait_for_url(re.compile(r"page=2"))
        assert page.locator(".result-list > li").count() == 1
        assert page.get_by_role("checkbox", name=re.compile(r"ISO 9001")).is_checked()
    finally:
        context.close()
