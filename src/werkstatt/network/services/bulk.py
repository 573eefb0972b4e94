"""Fast inserts of many rows, with their history, for the member-list import.

`bulk_create` builds SQL and prepares every value through several layers of field methods:
at 50,000 organisations with their sites, contacts and historical records that was most of the
import's time. Here a row is a dict of column values (field attnames), converted once per column
only where the database needs it (dates, JSON), and written with one prepared statement
(`executemany`) or, where the new ids are needed, multi-row INSERT … RETURNING — the order in
which both SQLite and PostgreSQL return the ids is the order of the rows, which Django's own
`bulk_create` relies on as well.

No signals are sent, as with `bulk_create`: the caller writes the history (`insert_history`)
and refreshes the search index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, models

# Field types whose Python values the database drivers take as they are.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)
# Rows per multi-row INSERT … RETURNING (SQLite allows 999 parameters per statement).
_MAX_PARAMS = 999
_MAX_ROWS = 500


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in _PLAIN_TYPES:
        return None
    if kind == "DateTimeField":
        # Usually one timestamp for every row of an import: convert each distinct one once.
        seen: dict[Any, Any] = {}

        def convert(value: Any) -> Any:
            if value not in seen:
                seen[value] = field.get_db_prep_save(value, connection=connection)
            return seen[value]

        return convert
    return lambda value: field.get_db_prep_save(value, connection=connection)


def _prepare(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]]
) -> tuple[str, list[str], list[tuple[Any, ...]]]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    columns = list(rows[0])
    converters = [_converter(fields[c]) for c in columns]
    values = [
        tuple(
            row[c] if convert is None else convert(row[c])
            for c, convert in zip(columns, converters, strict=True)
        )
        for row in rows
    ]
    quoted = [connection.ops.quote_name(fields[c].column) for c in columns]
    return connection.ops.quote_name(model._meta.db_table), quoted, values


def insert(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, returning: bool = False
) -> list[int]:
    """Insert `rows` (dicts of attname -> value, all with the same keys) into `model`'s table.

    Returns the new primary keys in the order of `rows` if `returning`, else [].
    """
    if not rows:
        return []
    table, columns, values = _prepare(model, rows)
    column_sql = ", ".join(columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        if not returning:
            sql = f"INSERT INTO {table} ({column_sql}) VALUES {placeholders}"  # noqa: S608
            for start in range(0, len(values), 10_000):
                cursor.executemany(sql, values[start : start + 10_000])
            return ids
        pk = connection.ops.quote_name(model._meta.pk.column)
        size = max(1, min(_MAX_ROWS, _MAX_PARAMS // len(columns)))
        for start in range(0, len(values), size):
            chunk = values[start : start + size]
            sql = (
                f"INSERT INTO {table} ({column_sql}) VALUES "  # noqa: S608
                + ", ".join([placeholders] * len(chunk))
                + f" RETURNING {pk}"
            )
            cursor.execute(sql, [v for row in chunk for v in row])
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def update(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """UPDATE rows by primary key: each dict holds "pk" and the columns to set (same keys)."""
    if not rows:
        return
    fields = {f.attname: f for f in model._meta.concrete_fields}
    columns = [c for c in rows[0] if c != "pk"]
    converters = [_converter(fields[c]) for c in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(fields[c].column)} = %s" for c in columns)
    pk = connection.ops.quote_name(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    values = [
        (
            *(
                row[c] if convert is None else convert(row[c])
                for c, convert in zip(columns, converters, strict=True)
            ),
            row["pk"],
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 10_000):
            cursor.executemany(sql, values[start : start + 10_000])


def insert_history(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    history_type: str,
    user_id: int | None,
    reason: str,
    date: dt.datetime,
) -> list[int]:
    """Write django-simple-history records for `rows` (complete rows of `model`, with "id")
    and return the new history ids in the order of `rows`."""
    history_model = model.history.model  # type: ignore[attr-defined]
    tracked = [f.attname for f in history_model.tracked_fields]
    extra = {
        "history_date": date,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": user_id,
    }
    records = [{**{c: row[c] for c in tracked}, **extra} for row in rows]
    return insert(history_model, records, returning=True)


def model_row(instance: models.Model) -> dict[str, Any]:
    """All concrete column values of a saved or unsaved instance (attname -> value)."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def defaults(model: type[models.Model]) -> dict[str, Any]:
    """The default column values of a new row of `model`, without its primary key.

    `{**defaults(model), **values}` is `model_row(model(**values))` without building an
    instance (for models whose defaults are constants, not callables such as uuid4).
    """
    return {f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}
