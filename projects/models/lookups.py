"""``field__any=values``: ``IN`` for long lists of keys, as one array on PostgreSQL.

An import looks rows up by hundreds of keys at a time (match keys, slugs,
application IDs, project IDs). With ``__in`` every key is a placeholder
of its own: the driver splits the statement at each one, in Python and
without its statement cache (long statements are not cached), and the
server parses and plans a list as long. ``= ANY(%s)`` sends the keys as a
single array parameter (``arrays.array_literal``): a short statement,
the same for every batch.
Elsewhere (SQLite) it is ``IN``, as are its results everywhere: NULLs
never match, an empty list matches nothing. Meant for plain keys (text,
numbers, primary keys); registered on every field, foreign keys too
(they keep a lookup table of their own).
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.lookups import In

from .arrays import array_literal


class Any(In):
    lookup_name = "any"

    def as_postgresql(self, compiler, connection):
        if self.rhs_is_direct_value():
            lhs, lhs_params = self.process_lhs(compiler, connection)
            values = list(dict.fromkeys(value for value in self.rhs if value is not None))
            if not values:
                raise EmptyResultSet
            cast = self.lhs.output_field.db_type(connection)
            return f"{lhs} = ANY(%s::{cast}[])", (*lhs_params, array_literal(values))
        return self.as_sql(compiler, connection)  # a subquery: IN (SELECT ...)


Field.register_lookup(Any)
ForeignObject.register_lookup(Any)
