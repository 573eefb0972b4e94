"""Settings for the test of `werkstatt serve`: static files from the source tree.

The real server needs `werkstatt collectstatic` first; the test checks the server, not that.
"""

from werkstatt.settings import *  # noqa: F403
from werkstatt.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
