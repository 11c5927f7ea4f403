"""The object a public page is about (a tag, a section, an author, an issue …) looked up by its unique slug,
number or date in one prepared statement (core/prepared.py), with the relations it shows joined as
select_related joins them.

The ORM's `get` of the same cost 0.3–1.0 ms a request: building and compiling the query, then PostgreSQL
planning it again (a join of an organization to its parent took 0.66 ms to plan and 0.1 ms to run), where
the prepared statement costs 0.05–0.1 ms (docs/performance.md). Every tag, section, event, author,
organization and issue page asks for one. tests/reader/test_lookups.py holds them to the ORM's.
"""

import functools

from django.db import connection

from articles.models import Issue
from articles.querysets import published_sql
from core.compiled import fits
from core.prepared import fetch

from .loading import all_fields, instances_from_rows, public_issue_sql, select_statement


@functools.lru_cache(maxsize=64)
def _lookup_statement(vendor: str, model, field: str, related: tuple, condition: str):
    """The statement of `load_by` (reader/loading.py `select_statement`): every column of `model` and of each
    related model, `field` = the value and `condition`."""
    del vendor  # part of the cache key: quoting and the condition are the database's
    relations = tuple(
        (name, f"r{number}", all_fields(model._meta.get_field(name).related_model))
        for number, name in enumerate(related)
    )
    where = f"m.{connection.ops.quote_name(model._meta.get_field(field).column)} = %s"
    return select_statement(
        model, all_fields(model), relations, where + (f" AND {condition}" if condition else "")
    )


def load_by(model, field: str, value, related: tuple = (), condition: tuple[str, list] = ("", [])):
    """The `model` whose unique `field` is `value`, with each foreign key in `related` loaded (select_related),
    or None. `condition`, SQL on the table as `m` and its parameters, must hold too. A value the column could
    not hold (a number out of its range, a NUL in a text) names nothing: None, as the ORM would find nothing."""
    target = model._meta.get_field(field)
    if not target.unique and not target.primary_key:
        raise ValueError(f"{model.__name__}.{field} is not unique")
    if (isinstance(value, str) and "\x00" in value) or not fits(model, field, value):
        return None
    sql, columns, parts = _lookup_statement(connection.vendor, model, field, tuple(related), condition[0])
    rows = fetch(sql, [target.get_db_prep_value(value, connection), *condition[1]])
    return instances_from_rows(rows, columns, parts)[0] if rows else None


def load_public_issue(field: str, value):
    """The issue whose `field` (number or date) is `value` if it has an article the public may see
    (`IssueQuerySet.with_public_articles`), else None."""
    _visible, params = published_sql("a")
    return load_by(Issue, field, value, condition=(public_issue_sql("m"), params))
