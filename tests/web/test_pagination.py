"""The pagination include keeps the other GET parameters and marks the current page."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.web.html_checks import parse
from werkstatt.web.templatetags.werkstatt import page_range


def render_page(number, query="q=Blech&kind=company&page=3", count=500):
    request = RequestFactory().get("/netzwerk/?" + query)
    page_obj = Paginator(range(count), 10).page(number)
    return render_to_string("web/includes/pagination.html", {"page_obj": page_obj}, request=request)


def test_links_keep_other_parameters_and_mark_the_current_page():
    html = render_page(7)
    elements = parse(html)
    nav = next(e for e in elements if e.tag == "nav")
    assert nav.attrs["aria-label"]
    links = [e for e in elements if e.tag == "a"]
    hrefs = [a.attrs["href"] for a in links]
    assert all("q=Blech" in h and "kind=company" in h for h in hrefs)
    assert all(h.count("page=") == 1 for h in hrefs)
    current = [a for a in links if a.attrs.get("aria-current") == "page"]
    assert len(current) == 1 and "page=7" in current[0].attrs["href"]
    assert any(a.attrs.get("rel") == "prev" and "page=6" in a.attrs["href"] for a in links)
    assert any(a.attrs.get("rel") == "next" and "page=8" in a.attrs["href"] for a in links)
    assert "page=50" in html and "…" in html


def test_first_and_last_page_have_no_dead_links():
    first = render_page(1)
    assert 'rel="prev"' not in first and 'rel="next"' in first
    last = render_page(50)
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_a_single_page_shows_no_pagination():
    assert render_page(1, count=5).strip() == ""


def test_page_range_without_django_paginator():
    class Pages:
        num_pages = 20

    class Page:
        number = 10
        paginator = Pages()

    assert page_range(Page()) == [1, None, 8, 9, 10, 11, 12, None, 20]
