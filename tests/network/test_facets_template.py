"""The directory's facet counts read as whole phrases for screen readers ("(1 result)")."""

from __future__ import annotations

from django.utils import translation


def test_facet_counts_read_in_the_singular_and_plural():
    from django.template.loader import render_to_string

    values = [
        type("F", (), {"value": "a", "label": "Drehen", "count": 1, "selected": False}),
        type("F", (), {"value": "b", "label": "Fräsen", "count": 3, "selected": False}),
    ]
    with translation.override("en"):
        html = render_to_string(
            "network/directory_facet.html",
            {"name": "capability", "legend": "Capability", "values": values},
        )
    assert "(1 result)" in html and "(3 results)" in html
    assert "1 results" not in html
