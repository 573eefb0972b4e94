import pytest
from django.db import connection


@pytest.mark.django_db
def test_home_page_is_german_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="de"' in response.content.decode()


@pytest.mark.django_db
def test_database_backend_matches_environment():
    import os

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
