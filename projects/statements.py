"""Queries compiled to SQL once per process and database, then run with
each request's values: Django's prepared statements, in Python.

Django builds a query's SQL anew each time a queryset is evaluated. For a
project's public page, the busiest page of the site, that was 2.2 ms of
its 8.8 (four queries of wide rows and joins), more than the database
took to run them. A ``Statement`` is such a queryset written once, with
named values: its first run on a database compiles it with stand-in
values and notes where each sits among the SQL's parameters; every later
run puts the real values there and executes the same SQL, then builds
model instances as Django's own ``ModelIterable`` does (the row's model,
its ``select_related`` objects, its annotations), with the same
converters.

What is kept is the SQL text and Django's description of its columns,
never a result: every run asks the database. A statement is for a query
whose shape does not change with its values: equalities, and ``IN`` lists,
whose SQL is compiled once per length (a listing's page of keys is nearly
always the page size), or once for all when the list travels as one array
(the ``any`` lookup on PostgreSQL). ``objects()`` gives model instances,
``rows()`` the tuples of a ``values_list()`` query.

A value must reach the SQL as it was given: a lookup that rewrites it
(``iexact``'s escaping on SQLite, ``contains``' wildcards, a negated
number) is refused when the stand-in shows it changed, and a condition
Django drops for a value out of a field's range is refused too; use such
lookups in ordinary querysets.
"""

from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import EmptyResultSet, FullResultSet, ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

from .models.arrays import array_literal

#: Stand-in values, each unlike any real one: a string no slug or name has,
#: and integers far above any key but within every integer column's range
#: (a value out of a field's range makes Django drop the condition).
_STAND_IN_TEXT = "\ue000statement value {}\ue000"
_STAND_IN_NUMBER = 1_900_000_000
#: Room for each value's stand-ins (a list's, one per item).
_STAND_INS_APART = 10**6
#: Where a slot takes a whole list, as one array literal.
_AS_ARRAY = "array"
#: Compiled shapes kept per statement (an IN list has one per length; past
#: this many, the statement starts afresh).
MAX_SHAPES = 64


@dataclass
class _Compiled:
    """One statement's SQL on one database, and how to read its rows."""

    sql: str
    params: list
    #: (position, value's name, item of a list or None or _AS_ARRAY, the
    #: type the backend wrapped the value in or None)
    slots: list
    converters: dict
    compiler: object
    columns: int
    iterable: type
    model: type = None
    fields: slice = None
    init_list: list = None
    related_populators: list = None
    annotations: dict = None


class Statement:
    """``build(**values)`` returns the queryset; ``value_types`` names each
    value and its type: ``str``, ``int``, or ``list`` (of integer keys)::

        PAGE = Statement(lambda slug: Project.objects.filter(slug=slug), slug=str)
        PAGE.objects(slug="asthma-in-children")
    """

    def __init__(self, build: Callable[..., QuerySet], **value_types: type):
        for kind in value_types.values():
            if kind not in (str, int, list):
                raise TypeError(f"a statement's values are str, int or list, not {kind.__name__}")
        self.build = build
        self.value_types = value_types
        self.model = None
        self._compiled: dict[tuple, _Compiled] = {}

    def objects(self, **values) -> list[Model]:
        """The query's rows as model instances, for ``values``."""
        compiled, alias, rows = self._run(values, ModelIterable)
        return [self._instance(compiled, alias, row) for row in rows]

    def first(self, **values) -> Model | None:
        """The first instance ``objects()`` gives, or None."""
        found = self.objects(**values)
        return found[0] if found else None

    def rows(self, **values) -> list[tuple]:
        """The rows of a ``values_list()`` query, for ``values``."""
        compiled, _alias, rows = self._run(values, ValuesListIterable)
        return [tuple(row[: compiled.columns]) for row in rows]

    def _run(self, values: dict, iterable: type):
        if values.keys() != self.value_types.keys():
            raise TypeError(f"values for {sorted(self.value_types)}, got {sorted(values)}")
        lengths = tuple(len(values[name]) for name, kind in self.value_types.items() if kind is list)
        if 0 in lengths:
            return None, None, []  # as filter(pk__in=[]): nothing
        if self.model is None:
            self.model = self.build(**self._stand_ins(lengths)).model
        alias = router.db_for_read(self.model)
        compiled = (
            self._compiled.get((alias, lengths))
            or self._compiled.get((alias, _AS_ARRAY))
            or self._compile(alias, lengths, iterable)
        )
        if compiled.iterable is not iterable:
            raise ImproperlyConfigured(f"This statement gives {compiled.iterable.__name__} rows.")
        params = list(compiled.params)
        for position, name, item, wrap in compiled.slots:
            if item is None:
                value = values[name]
            elif item == _AS_ARRAY:
                value = array_literal(values[name])
            else:
                value = values[name][item]
            params[position] = wrap(value) if wrap else value
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return compiled, alias, rows

    @staticmethod
    def _instance(compiled: _Compiled, alias: str, row) -> Model:
        obj = compiled.model.from_db(alias, compiled.init_list, row[compiled.fields])
        for populator in compiled.related_populators:
            populator.populate(row, obj)
        for name, position in compiled.annotations.items():
            setattr(obj, name, row[position])
        return obj

    def _stand_ins(self, lengths: tuple) -> dict:
        """A value for each name that no real value equals: the query is
        compiled with these, then finds where each sits among the SQL's
        parameters."""
        stand_ins, lists = {}, iter(lengths)
        for number, (name, kind) in enumerate(self.value_types.items()):
            if kind is str:
                stand_ins[name] = _STAND_IN_TEXT.format(number)
            else:
                first = _STAND_IN_NUMBER + number * _STAND_INS_APART
                stand_ins[name] = (
                    first if kind is int else [first + item for item in range(next(lists))]
                )
        return stand_ins

    def _compile(self, alias: str, lengths: tuple, iterable: type) -> _Compiled:
        stand_ins = self._stand_ins(lengths)
        wanted = {}  # (type, stand-in value) -> (name, item of a list, None, or _AS_ARRAY)
        for name, value in stand_ins.items():
            if isinstance(value, list):
                wanted.update({(int, one): (name, item) for item, one in enumerate(value)})
                wanted[(str, array_literal(value))] = (name, _AS_ARRAY)
            else:
                wanted[(type(value), value)] = (name, None)
        queryset = self.build(**stand_ins).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet) as error:
            raise ImproperlyConfigured(
                f"A statement on {queryset.model.__name__} must keep each value's condition: "
                f"Django dropped one ({type(error).__name__})."
            ) from error
        slots = [
            (position, *wanted[_kind(param)], _wrapper(param))
            for position, param in enumerate(params)
            if _kind(param) in wanted
        ]
        found = {name for _position, name, _item, _wrap in slots}
        if found != set(stand_ins) or queryset._iterable_class is not iterable:
            raise ImproperlyConfigured(
                f"A statement on {queryset.model.__name__} must give {iterable.__name__} rows "
                f"and pass each value as a parameter as it is; not found: "
                f"{sorted(set(stand_ins) - found)}"
            )
        if iterable is ValuesListIterable and not _columns_in_order(queryset):
            raise ImproperlyConfigured("A statement's values_list() names its annotations last.")
        select, klass_info = compiler.select, compiler.klass_info
        compiled = _Compiled(
            sql=sql,
            params=list(params),
            slots=slots,
            converters=compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
            compiler=compiler,
            columns=compiler.col_count,
            iterable=iterable,
        )
        if iterable is ModelIterable:
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            compiled.model = klass_info["model"]
            compiled.fields = slice(start, end)
            compiled.init_list = [column[0].target.attname for column in select[start:end]]
            compiled.related_populators = get_related_populators(klass_info, select, alias)
            compiled.annotations = dict(compiler.annotation_col_map or {})
        # A list sent as one array: the same SQL serves every length.
        as_array = all(item in (None, _AS_ARRAY) for _position, _name, item, _wrap in slots)
        if len(self._compiled) >= MAX_SHAPES:
            self._compiled = {}  # start afresh: a new dict, so no thread reads one being emptied
        self._compiled[(alias, _AS_ARRAY if as_array and lengths else lengths)] = compiled
        return compiled


def _kind(param) -> tuple:
    """How a parameter is matched with a stand-in: by its type and value,
    an integer as an integer whatever class the backend wrapped it in
    (psycopg's ``Int8`` for a big integer column)."""
    if isinstance(param, int) and not isinstance(param, bool):
        return int, int(param)
    return type(param), param


def _wrapper(param):
    """The class the backend wrapped an integer parameter in, to wrap each
    real value the same way; None for a plain value."""
    kind = type(param)
    return kind if isinstance(param, int) and kind not in (int, bool) else None


def _columns_in_order(queryset: QuerySet) -> bool:
    """Whether a values_list() query's rows come in the order it names its
    columns, as Django's ValuesListIterable would give them."""
    query = queryset.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = [*queryset._fields, *(f for f in query.annotation_select if f not in queryset._fields)]
    return not queryset._fields or fields == names


def attach(instance: Model, name: str, related: list[Model]) -> None:
    """Give ``instance`` its relation ``name`` (a reverse foreign key such
    as "project_sites", or a many-to-many such as "conditions") as
    ``prefetch_related`` would: ``instance.<name>.all()`` returns
    ``related`` without a query, and on a reverse foreign key each related
    object knows ``instance`` (``site_link.project``) without one either."""
    manager = getattr(instance, name)
    if hasattr(manager, "prefetch_cache_name"):  # many-to-many
        cache_name = manager.prefetch_cache_name
    else:
        cache_name = manager.field.remote_field.cache_name
        for obj in related:
            manager.field.set_cached_value(obj, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = related
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[cache_name] = queryset
