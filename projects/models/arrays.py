"""PostgreSQL array literals, written fast, for statements that send many
values as one array parameter (``bulk.update_rows``, ``lookups.Any``).

The driver can send a Python list as an array, but with client-side
binding (Django's default with psycopg) it escapes every element with a
regular expression: for an import's match keys and abstracts that is
most of the cost of the statement. Here the literal is built with plain
string operations and handed over as one text parameter, which the
driver escapes once, in C; the statement casts it (``%s::text[]``).
"""

import datetime


def array_literal(values) -> str:
    """``values`` as a PostgreSQL array literal: ``{"a","b\\"c",NULL,1}``;
    numbers alone as they print (``{1,2.5}``: no quotes to add or escape)."""
    values = list(values)
    if all(type(value) in (int, float) for value in values):
        return "{" + ",".join(map(repr, values)) + "}"
    return "{" + ",".join(_element(value) for value in values) + "}"


def _element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = value.isoformat()
    elif not isinstance(value, str):
        value = str(value)  # numbers; a str subclass (a choice) is its value already
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
