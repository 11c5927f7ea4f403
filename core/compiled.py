"""Querysets compiled once per process: the ORM writes a hot path's SQL, and no request pays for writing it again.

Building and compiling a queryset with a few subqueries costs more than running it: the digital edition's page
spent 5 of its 9 ms making the SQL of its list of pages (docs/performance.md). `CompiledQuery(build, **types)`
calls `build` with a placeholder for each argument, once per process and database, and keeps the SQL and
where each argument sits among its parameters; `run(**arguments)` executes that SQL with the real values (a
prepared statement, core/prepared.py) and makes the model instances as the queryset would (its select_related
objects and annotations included). Nothing is written twice: the query, and any rule in it, is the ORM's.

`build` must depend on its arguments only: a value it takes from elsewhere (timezone.now() inside
`published()`, say) would be kept forever. To catch that, the query is compiled twice, with two sets of
placeholders: the SQL and every other parameter must come out the same, and each argument must be a parameter
(a slice's LIMIT is written into the SQL: it cannot be an argument). Otherwise the first `run` raises.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

from .prepared import fetch

# Two placeholders for each type of argument (datetime before date: a datetime is a date).
_PLACEHOLDERS = {
    datetime.datetime: (
        datetime.datetime(1901, 2, 3, 4, 5, 6, 111111, tzinfo=datetime.UTC),
        datetime.datetime(1902, 3, 4, 5, 6, 7, 222222, tzinfo=datetime.UTC),
    ),
    datetime.date: (datetime.date(1901, 2, 3), datetime.date(1902, 3, 4)),
    int: (30_011, 31_013),  # what a small positive integer column holds: the ORM drops a lookup out of range
    str: ("\x1eplaceholder one\x1e", "\x1eplaceholder two\x1e"),
}


def _adapted(value):
    """`value` as the ORM passes it to the database driver for a model field of its type."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # (index among params, argument name)
    compiler: object  # the first compilation's: what a row is made of
    flat: bool  # values_list rows, as tuples, rather than instances


class CompiledQuery:
    """A queryset `build(**arguments)` compiled once per process and database; `run(**arguments)` returns its
    results as `list(build(**arguments))` would. `types` names each argument's type (datetime, date, int, str).
    With prepared=False the SQL is sent as it is, for PostgreSQL to plan for each run's values (a search's plan
    depends on how common its words are)."""

    def __init__(self, build, *, prepared: bool = True, **types):
        unknown = {name: kind for name, kind in types.items() if kind not in _PLACEHOLDERS}
        if unknown:
            raise TypeError(f"No placeholder for the arguments {unknown}")
        self.build, self.types, self.prepared = build, types, prepared
        self._compiled: dict[tuple, _Compiled] = {}

    def _placeholders(self, which: int) -> dict:
        count = {}
        values = {}
        for name, kind in self.types.items():
            # A second argument of the same type gets other values: shift them by how many came before.
            index = count[kind] = count.get(kind, -1) + 1
            values[name] = _shifted(_PLACEHOLDERS[kind][which], index)
        return values

    def _compile(self) -> _Compiled:
        compilations = []
        for which in (0, 1):
            queryset = self.build(**self._placeholders(which))
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            compilations.append((queryset, compiler, sql, tuple(params)))
        (queryset, compiler, sql, params), (_qs, _c, other_sql, other_params) = compilations
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError(f"{self.build.__qualname__}: its SQL changes with its arguments")
        first, second = self._placeholders(0), self._placeholders(1)
        slots = []
        for index, (value, other) in enumerate(zip(params, other_params, strict=True)):
            if value == other:
                continue
            names = [n for n in self.types if _adapted(first[n]) == value and _adapted(second[n]) == other]
            if len(names) != 1:
                raise ValueError(
                    f"{self.build.__qualname__}: parameter {index} ({value!r}) is not an argument: does the"
                    " query read the time or another value of its own?"
                )
            slots.append((index, names[0]))
        missing = set(self.types) - {name for _index, name in slots}
        if missing:
            raise ValueError(f"{self.build.__qualname__}: {sorted(missing)} are not parameters of its SQL")
        iterable = queryset._iterable_class
        if iterable not in (ModelIterable, ValuesListIterable) or getattr(
            queryset, "_prefetch_related_lookups", ()
        ):
            raise ValueError(f"{self.build.__qualname__}: only instances or values_list rows, no prefetching")
        return _Compiled(sql, params, tuple(slots), compiler, iterable is ValuesListIterable)

    def sql(self, **arguments) -> tuple[str, list]:
        """The SQL and its parameters for these arguments."""
        key = (connection.alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile()
        params = list(compiled.params)
        for index, name in compiled.slots:
            params[index] = _adapted(arguments[name])
        return compiled.sql, params

    def run(self, **arguments) -> list:
        if set(arguments) != set(self.types):
            raise TypeError(f"Arguments {sorted(arguments)}, expected {sorted(self.types)}")
        sql, params = self.sql(**arguments)
        compiled = self._compiled[(connection.alias, connection.vendor)]
        if self.prepared:
            rows = fetch(sql, params)
        else:  # PostgreSQL plans it for these values each time
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        rows = compiled.compiler.results_iter([rows])
        if compiled.flat:
            return [tuple(row) for row in rows]
        return _instances(compiled.compiler, rows)


def fits(model, field: str, value) -> bool:
    """Whether the column of `model`'s `field` could hold `value`: a number in an integer column's range. A
    prepared statement's parameter has its column's type, so a number out of range is an error where the ORM's
    lookup found nothing: check first. Any other column: True."""
    internal_type = model._meta.get_field(field).get_internal_type()
    if internal_type not in connection.ops.integer_field_ranges:
        return True
    low, high = connection.ops.integer_field_range(internal_type)
    return (low is None or low <= value) and (high is None or value <= high)


def _shifted(value, index: int):
    if index == 0:
        return value
    if isinstance(value, datetime.datetime):
        return value + datetime.timedelta(microseconds=index)
    if isinstance(value, datetime.date):
        return value + datetime.timedelta(days=index)
    if isinstance(value, int):
        return value - index
    return f"{value}{index}"


def _instances(compiler, rows) -> list:
    """Model instances of `rows` as ModelIterable makes them: the model's columns, each select_related object,
    each annotation."""
    select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, connection.alias)
    model = klass_info["model"]
    instances = []
    for row in rows:
        instance = model.from_db(connection.alias, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in (annotations or {}).items():
            setattr(instance, name, row[position])
        instances.append(instance)
    return instances
