"""Load the reference data files (network/data/*.json) and create the network directory's space.

Reloading later (a changed file, another region's files) is `werkstatt load_reference_data`.
"""

from django.db import migrations


def load(apps, schema_editor):
    from werkstatt.network.services.reference_data import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("network", "0001_initial"),
        ("accounts", "0001_initial"),
    ]
    # 0003 was written after this one but names only 0001; keep the history linear.
    run_before = [
        ("network", "0003_import_batches"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
