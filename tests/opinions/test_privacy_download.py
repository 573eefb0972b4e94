"""The account's data download includes the person's opinion votes and statements."""

from __future__ import annotations

import pytest

from werkstatt.accounts.services import export_user_data
from werkstatt.opinions.services.privacy import user_data

pytestmark = pytest.mark.django_db


def test_the_data_download_has_the_opinions_part(django_user_model):
    user = django_user_model.objects.create_user(email="stimme@example.org", password="x")
    data = export_user_data(user)
    assert data["opinions"] == user_data(user)
