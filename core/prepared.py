"""Hand-written SQL of the hottest public paths, run as prepared statements on PostgreSQL.

PostgreSQL parses and plans every statement it is sent. The article page's statements are small and run in
a fraction of a millisecond, so planning them costs about as much as running them (docs/performance.md).
`fetch` prepares each distinct statement once per database connection (PREPARE) and afterwards only executes
it (EXECUTE), so the planning is paid once per connection (PostgreSQL may keep a generic plan after five
executions, or plan again for the values given: its choice). Connections are persistent (CONN_MAX_AGE), so
this is once in a long while.

SQLite compiles statements in the sqlite3 module, which keeps its own cache of them: there `fetch` runs the
SQL as it is.

A prepared statement lives in its database session. Behind a connection pooler in transaction mode set
DJANGO_DB_PREPARED=0: such a pooler hands each transaction whichever session is free, and SQL-level PREPARE is
not among what it tracks (PgBouncer 1.21 and later track the protocol-level prepared statements of drivers,
not these). A connection keeps at most MAX_PER_CONNECTION statements, dropping the least recently used.
"""

from collections import OrderedDict
from hashlib import blake2b

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

MAX_PER_CONNECTION = 200


def fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    """The rows of `sql` (with %s placeholders) for `params`, prepared once per connection on PostgreSQL.

    The first time on a connection, PREPARE and EXECUTE go together in one round trip (psycopg2 sends
    both statements at once and returns the last one's rows), so a page costs as many round trips, and as many
    queries in the query-count tests, whether its statements were prepared yet or not.

    If the session no longer has a statement this connection prepared (something ran DEALLOCATE, a pooler
    handed over another session) or its plan no longer fits (a migration changed a column it reads), the
    EXECUTE fails: the connection then starts its set afresh (DEALLOCATE ALL with the next PREPARE), and
    outside a transaction the statement is prepared again and run at once; inside one, the error stands (the
    transaction is aborted) and the next statement after it recovers.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not settings.DB_PREPARED:
            cursor.execute(sql, params)
            return cursor.fetchall()
        statements = _statements(cursor.db)
        name = "newsroom_" + blake2b(sql.encode(), digest_size=10).hexdigest()
        placeholders = ", ".join(["%s"] * len(params))
        execute = f"EXECUTE {name}({placeholders})" if params else f"EXECUTE {name}"
        if name in statements:
            statements.move_to_end(name)
            try:
                cursor.execute(execute, list(params))
                return cursor.fetchall()
            except DatabaseError:
                statements.clear()
                statements[_UNSURE] = True
                if cursor.db.in_atomic_block or not cursor.db.is_usable():
                    raise
        preamble = []
        if statements.get(_UNSURE):
            # A PREPARE may or may not have survived a failed round trip: start this connection's set afresh.
            statements.clear()
            preamble.append("DEALLOCATE ALL")
        while len(statements) >= MAX_PER_CONNECTION:
            oldest, _ = statements.popitem(last=False)
            preamble.append(f"DEALLOCATE {oldest}")
        statements[_UNSURE] = True
        cursor.execute("; ".join([*preamble, f"PREPARE {name} AS {numbered(sql)}", execute]), list(params))
        rows = cursor.fetchall()
        del statements[_UNSURE]
        statements[name] = True
        return rows


_UNSURE = "unsure"  # in a connection's set while a PREPARE is on its way: left there if it failed


def numbered(sql: str) -> str:
    """`sql` with psycopg's %s placeholders numbered as PostgreSQL's own ($1, $2 …); %% stays %%, as the
    text still goes through psycopg's formatting (with the parameters of the EXECUTE that follows it)."""
    parts = sql.split("%%")
    count = 0
    for index, part in enumerate(parts):
        pieces = part.split("%s")
        for position in range(1, len(pieces)):
            count += 1
            pieces[position] = f"${count}{pieces[position]}"
        parts[index] = "".join(pieces)
    return "%%".join(parts)


def _statements(wrapper) -> OrderedDict:
    statements = getattr(wrapper, "newsroom_prepared", None)
    if statements is None:
        statements = wrapper.newsroom_prepared = OrderedDict()
    return statements


@receiver(connection_created)
def _forget_statements(sender, connection, **kwargs):
    """A new session has no prepared statements (the last one's went with it)."""
    connection.newsroom_prepared = OrderedDict()
