"""Covering indexes for the search's postings.

A search reads (organisation, term, weight) of every posting whose term starts with a query term
or ends with it. With these indexes both range scans are answered from the index alone (SQLite:
COVERING INDEX; PostgreSQL: index-only scan once the table is vacuumed), instead of one visit to
the table per posting: at 50,000 organisations the 85,000 postings of "bearbei(tung)" took
230 ms on SQLite that way and 45-120 ms with these (2 shared CPUs, depending on the load). They replace the two indexes on (term, organisation) and
(reversed term, organisation), so the number of indexes written per posting stays the same.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0004_search_index_state"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(
                fields=["term", "organisation", "weight"], name="search_term_covering"
            ),
        ),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(
                fields=["reversed_term", "term", "organisation", "weight"],
                name="search_reversed_covering",
            ),
        ),
        migrations.RemoveIndex(model_name="searchterm", name="search_term"),
        migrations.RemoveIndex(model_name="searchterm", name="search_reversed"),
    ]
