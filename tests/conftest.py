import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# in a thread with a running loop unless told it is safe (it is: one thread, no async code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("WERKSTATT_JOBS_MODE", "sync")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # pytest-django reads the settings before this file sets WERKSTATT_JOBS_MODE, so set it here:
    # jobs run at once, in the test's transaction.
    settings.JOBS_MODE = "sync"
    # Tests serve static files from the source tree, not from a collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"
