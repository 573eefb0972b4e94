"""`werkstatt migrate` creates the database cache table that login throttling needs."""

import pytest
from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection


@pytest.mark.django_db
def test_post_migrate_creates_the_cache_table():
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    assert table not in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert table in connection.introspection.table_names()
