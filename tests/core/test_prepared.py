"""Hand-written statements of the hot paths are prepared once per PostgreSQL connection (core/prepared.py):
PREPARE the first time, EXECUTE afterwards, again after a reconnection, and never more than a bounded number per
connection. Elsewhere (SQLite, or DJANGO_DB_PREPARED=0) the SQL runs as written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import prepared
from core.prepared import fetch, numbered
from tests.factories import ArticleFactory

SQL = "SELECT id, title FROM articles_article WHERE id = %s AND title <> %s"


def test_placeholders_are_numbered_as_postgresql_numbers_them():
    assert numbered("SELECT %s, %s") == "SELECT $1, $2"
    # %% stays: the text goes through psycopg's formatting with the EXECUTE that follows it
    assert numbered("WHERE a LIKE '5%%' AND b = %s OR c = %s") == "WHERE a LIKE '5%%' AND b = $1 OR c = $2"
    assert numbered("SELECT 1") == "SELECT 1"


def statements(queries) -> list[str]:
    """Each round trip as the statements it sent: "PREPARE+EXECUTE" for two sent together."""
    return ["+".join(part.split()[0] for part in q["sql"].split("; ")) for q in queries]


@pytest.mark.django_db
def test_the_rows_are_those_of_the_plain_statement(settings):
    article = ArticleFactory(title="青岚大学发布新型储能材料")
    settings.DB_PREPARED = True
    assert fetch(SQL, [article.pk, ""]) == [(article.pk, "青岚大学发布新型储能材料")]
    assert fetch(SQL, [article.pk, "青岚大学发布新型储能材料"]) == []
    settings.DB_PREPARED = False
    assert fetch(SQL, [article.pk, ""]) == [(article.pk, "青岚大学发布新型储能材料")]


@pytest.mark.django_db
def test_elsewhere_the_statement_runs_as_written(settings):
    """SQLite whatever the setting; PostgreSQL with DJANGO_DB_PREPARED=0."""
    settings.DB_PREPARED = connection.vendor != "postgresql"
    with CaptureQueriesContext(connection) as queries:
        fetch(SQL + " AND id > %s AND id > %s", [1, "", 0, 0])
    assert statements(queries) == ["SELECT"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_prepared_once_then_executed(settings):
    settings.DB_PREPARED = True
    sql = SQL + " AND id > %s"  # a statement no other test prepared on this connection
    with CaptureQueriesContext(connection) as queries:
        fetch(sql, [1, "", 0])
        fetch(sql, [2, "", 0])
    assert statements(queries) == ["PREPARE+EXECUTE", "EXECUTE"]  # one round trip each


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again(settings):
    settings.DB_PREPARED = True
    sql = SQL + " AND id <> %s"
    fetch(sql, [1, "", 0])
    connection.close()  # a new session holds none of the old one's statements
    with CaptureQueriesContext(connection) as queries:
        assert fetch(sql, [1, "", 0]) == []
    assert statements(queries) == ["PREPARE+EXECUTE"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_keeps_a_bounded_number(settings, monkeypatch):
    settings.DB_PREPARED = True
    monkeypatch.setattr(prepared, "MAX_PER_CONNECTION", 2)
    connection.close()  # a new session, holding none yet
    shapes = [SQL + " AND id > %s" * n for n in range(3, 6)]
    with CaptureQueriesContext(connection) as queries:
        for sql in shapes:
            fetch(sql, [1, "", *[0] * (sql.count("%s") - 2)])
    assert statements(queries) == ["PREPARE+EXECUTE", "PREPARE+EXECUTE", "DEALLOCATE+PREPARE+EXECUTE"]
    assert len(connection.newsroom_prepared) == 2
    with CaptureQueriesContext(connection) as queries:
        fetch(shapes[0], [1, "", 0, 0, 0])  # dropped, so prepared again
    assert statements(queries) == ["DEALLOCATE+PREPARE+EXECUTE"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_after_a_failed_round_trip_the_connection_starts_afresh(settings):
    settings.DB_PREPARED = True
    connection.close()
    with pytest.raises(Exception, match="invalid input syntax"):
        fetch(SQL + " AND id = %s", [1, "", "not a number"])  # PREPARE may have run; EXECUTE failed
    with CaptureQueriesContext(connection) as queries:
        assert fetch(SQL + " AND id = %s", [1, "", 1]) == []
    assert statements(queries) == ["DEALLOCATE+PREPARE+EXECUTE"]  # DEALLOCATE ALL, then as new


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_session_lost_is_prepared_again(settings):
    """Something dropped the session's statements behind the connection's back (a DEALLOCATE, a pooler handing
    over another session): outside a transaction the next call prepares again and answers."""
    settings.DB_PREPARED = True
    sql = SQL + " AND id >= %s"
    fetch(sql, [1, "", 0])
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with CaptureQueriesContext(connection) as queries:
        assert fetch(sql, [1, "", 0]) == []
    assert statements(queries)[-1] == "DEALLOCATE+PREPARE+EXECUTE"
    with CaptureQueriesContext(connection) as queries:
        assert fetch(sql, [1, "", 0]) == []
    assert statements(queries) == ["EXECUTE"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_error_stands_and_the_next_statement_recovers(settings):
    from django.db import DatabaseError, transaction

    settings.DB_PREPARED = True
    sql = SQL + " AND id >= %s AND id >= %s"
    fetch(sql, [1, "", 0, 0])
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError, match="does not exist"), transaction.atomic():
        fetch(sql, [1, "", 0, 0])
    assert fetch(sql, [1, "", 0, 0]) == []
