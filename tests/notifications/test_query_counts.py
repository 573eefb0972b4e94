"""The notifications page makes as many queries for 3 notifications as for 1."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from werkstatt.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_notifications_page(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("notifications:index")

    def add():
        notify([user], verb="x", title="t", url="/", actor=UserFactory())

    add()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add()
    add()
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) == len(one)
