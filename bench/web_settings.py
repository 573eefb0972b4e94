"""Settings for bench/web.py: Werkstatt's own, with a URLconf that adds a bare view.

Used as DJANGO_SETTINGS_MODULE=web_settings with bench/ on PYTHONPATH (bench/web.py does both).
"""

from werkstatt.settings import *  # noqa: F403

ROOT_URLCONF = "web_urls"
