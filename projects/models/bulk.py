"""Inserting many plain rows fast, for imports.

``QuerySet.bulk_create`` builds a model instance per row and SQL for every
value of every row (several microseconds each, and SQLite allows only 999
values per statement); an import of 100,000 projects writes millions of
values. ``insert_rows`` hands all the rows to the driver at once: one
prepared single-row INSERT through ``executemany`` on SQLite, ``COPY`` on
PostgreSQL (less work for the server per row than INSERT). Values pass through the field's
``get_db_prep_save`` only where the database needs a conversion (JSON,
dates and times); text, numbers and booleans go as they are. Fields a row
leaves out take their default (``auto_now`` fields: now); generated
columns are left to the database.

It returns nothing: callers find new rows again by a unique key. It runs
no ``save()`` and sends no signals, like ``bulk_create``.
"""

import json

from django.db import connections, models, router
from django.utils import timezone

from .arrays import array_literal

#: Field types whose Python values every backend's driver takes as they are.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.FloatField,
    models.ForeignKey,
)


def insert_rows(model, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts of field name or attname -> value) into ``model``'s table."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, models.AutoField) and not getattr(f, "generated", False)
    ]
    now = timezone.now()
    columns = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = lambda now=now: now  # noqa: E731
        else:
            # Called per row, as Model() would: "" for text, None when nullable,
            # and callables like list() must not be shared between rows.
            default = field.get_default
        convert = _text_json_converter(field, connection)
        columns.append((field.attname, field.name, convert, default))
    params = _values(rows, columns)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            # COPY: a fraction of the server's work per row of INSERT. Rows are
            # made as they are sent, so the server stores the first ones while
            # the next are still being made.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})", list(params)
            )


def _values(rows: list[dict], columns: list[tuple]):
    """Each row's values in column order, converted for the driver, one row at a time."""
    for row in rows:
        values = []
        for attname, name, convert, default in columns:
            if attname in row:
                value = row[attname]
            elif name in row:
                value = row[name]
                value = value.pk if isinstance(value, models.Model) else value
            else:
                value = default()
            values.append(value if convert is None or value is None else convert(value))
        yield values


def _converter(field, connection):
    """How a value of ``field`` reaches the driver: as it is (None), or converted."""
    if isinstance(field, models.JSONField):
        return lambda value: connection.ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, _PLAIN):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _text_json_converter(field, connection):
    """``_converter``, but JSON goes to PostgreSQL (``COPY``, and the arrays
    of ``update_rows``) as plain JSON text: the same bytes, without a
    wrapper object and a driver dumper per value (a project row has three
    JSON columns, its revision two)."""
    if connection.vendor == "postgresql" and isinstance(field, models.JSONField):
        return _json_text(field)
    return _converter(field, connection)


def _json_text(field):
    """A JSON field's value as JSON text (PostgreSQL arrays of JSON go as text)."""
    return lambda value: json.dumps(value, cls=field.encoder)


def update_rows(model, rows: list[dict]) -> None:
    """Update rows by primary key: each row a dict of ``pk`` and the fields
    (names or attnames) to set. Rows that set the same fields are updated
    together: one prepared UPDATE through ``executemany`` on SQLite, one
    ``UPDATE ... FROM unnest(...)`` on PostgreSQL with one array parameter
    per column. (``bulk_update`` would build a CASE expression per field
    over every row instead; a ``VALUES`` list would give the driver and the
    server a statement with a placeholder per value to parse.)"""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(name for name in row if name != "pk")), []).append(row)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        for names, group in groups.items():
            fields = [model._meta.get_field(name) for name in names]
            converters = [_text_json_converter(field, connection) for field in fields]
            params = [
                [row["pk"]]
                + [
                    value if convert is None or value is None else convert(value)
                    for value, convert in zip((row[n] for n in names), converters, strict=True)
                ]
                for row in group
            ]
            if connection.vendor == "postgresql":
                cursor.execute(*_unnest_update(connection, model, fields, params))
            else:
                assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
                cursor.executemany(
                    f"UPDATE {table} SET {assignments} WHERE {key} = %s",
                    [row[1:] + row[:1] for row in params],
                )


def _unnest_update(connection, model, fields, params: list[list]) -> tuple[str, list]:
    """PostgreSQL: one UPDATE for rows setting the same fields, its values
    sent as one array literal per column (``unnest`` turns them back into
    rows), so the statement stays short however many rows it updates."""
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = [model._meta.pk, *fields]
    arrays = []
    for index, field in enumerate(columns):
        literal = array_literal(row[index] for row in params)
        # JSON goes as text (``_json_text``), cast element by element.
        cast = "text[]::jsonb[]" if isinstance(field, models.JSONField) else "{}[]"
        arrays.append((literal, cast.format(field.db_type(connection))))
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    unnested = ", ".join(f"%s::{cast}" for _, cast in arrays)
    names = ", ".join(quote(f.column) for f in columns)
    sql = (
        f"UPDATE {table} SET {assignments} FROM unnest({unnested}) AS v({names}) "
        f"WHERE {table}.{key} = v.{key}"
    )
    return sql, [values for values, _ in arrays]
