"""Werkstatt's URLs plus /bench/bare/: the baseline for bench/web.py.

The bare view runs through the same middleware, server and database connection settings as every
page; it does one trivial query and returns a few bytes, so its throughput is what the stack
itself allows on this machine.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from werkstatt.urls import urlpatterns as werkstatt_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *werkstatt_urlpatterns]
