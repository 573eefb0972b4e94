"""The search index's generation token; on PostgreSQL, byte-order collation for the index terms.

The term range scans (`term >= x AND term < x || U+FFFF`) need code-point order. SQLite compares
bytes already; a PostgreSQL database created with e.g. de_DE.UTF-8 would not, so the two columns
(and their indexes, rebuilt by ALTER ... TYPE) get COLLATE "C" there.
"""

import uuid

from django.db import migrations, models


def create_state(apps, schema_editor):
    apps.get_model("network", "SearchIndexState").objects.create(generation=uuid.uuid4().hex)


def byte_order_terms(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in ("term", "reversed_term"):
        schema_editor.execute(
            f'ALTER TABLE network_searchterm ALTER COLUMN {column} TYPE varchar(80) COLLATE "C"'
        )


def database_order_terms(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in ("term", "reversed_term"):
        schema_editor.execute(
            f"ALTER TABLE network_searchterm ALTER COLUMN {column} TYPE varchar(80) "
            'COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0003_import_batches"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchIndexState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("generation", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(create_state, migrations.RunPython.noop),
        migrations.RunPython(byte_order_terms, database_order_terms),
    ]
