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
    # A deliberately slow password hash is the point in production and pure waiting in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests serve static files from the source tree, not from a collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test starts without cached pages: a rolled-back test can leave the same search
    # generation token behind as the next one starts with (web/page_cache.py).
    from django.core.cache import caches

    caches["pages"].clear()
    # Every test starts in the site's language (German). A request to an /en/ address leaves
    # English active in the thread afterwards (LocaleMiddleware activates, nothing resets), so
    # the next test of the same worker would reverse English addresses and get English pages.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    """German pages need the compiled catalogues: `make messages` builds them before the suite;
    compile here too when a .mo file is missing or older than its .po file (e.g. plain `pytest`)."""
    from pathlib import Path

    from django.core.management import call_command
    from django.utils.translation.reloader import translation_file_changed

    import werkstatt

    source = Path(werkstatt.__file__).resolve().parent
    stale = [
        po.parent.parent.name
        for po in sorted(source.glob("locale/*/LC_MESSAGES/django.po"))
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        # compilemessages looks for locale folders below the working directory: not the venv's.
        cwd = Path.cwd()
        os.chdir(source)
        try:
            call_command("compilemessages", locale=stale, verbosity=0)
        finally:
            os.chdir(cwd)
        # Forget catalogues loaded before the .mo files existed (as runserver does on a change).
        translation_file_changed(sender=None, file_path=Path("django.mo"))
