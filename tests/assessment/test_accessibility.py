"""Every assessment page passes the project's HTML checks (one h1, labelled controls,
landmarks, no inline script or style, ids that exist) for a moderator, who sees the most."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.assessment.factories import participant
from tests.strategy.factories import moderator_of
from tests.web.html_checks import check_page
from werkstatt.assessment.services.comparisons import do_compare
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.assessment.services.ratings import do_rate
from werkstatt.network.models import Region

pytestmark = pytest.mark.django_db


def test_pages_pass_the_html_checks(client, process, recs):
    chemnitz = Region.objects.get(slug="chemnitz")
    rater = participant(process)
    do_rate(rater, recs[0], {c.pk: 4 for c in criteria_of(process)}, region=chemnitz)
    do_compare(rater, process, recs[0], recs[1], "first")
    moderator = moderator_of(process)
    client.force_login(moderator)
    s = process.slug
    criterion = criteria_of(process)[0]
    urls = [
        reverse("assessment:index"),
        reverse("assessment:process", args=[s]),
        reverse("assessment:recommendation", args=[s, recs[0].pk]),
        reverse("assessment:rate", args=[s, recs[0].pk]),
        reverse("assessment:compare", args=[s]),
        reverse("assessment:ranking", args=[s]),
        reverse("assessment:ranking", args=[s]) + "?method=pairwise",
        reverse("assessment:groups", args=[s]),
        reverse("assessment:districts", args=[s]) + "?bezirk=chemnitz",
        reverse("assessment:criteria", args=[s]),
        reverse("assessment:criterion_edit", args=[s, criterion.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert check_page(html) == [], url
        # Scrolling tables are labelled regions a keyboard reaches.
        for tag in re.findall(r'<div class="table-wrap"[^>]*>', html):
            assert 'tabindex="0"' in tag and 'role="region"' in tag, (url, tag)
            assert "aria-label" in tag, (url, tag)
