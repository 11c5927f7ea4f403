"""A busy database is not an outage (core/middleware.py, core/health.py): "database is locked" after SQLite's wait,
or PostgreSQL giving up a lock, a deadlock, a serialization failure, gets a "busy, try again" answer and leaves
/healthz green. The races that lead there, on a real SQLite file: tests/faults/test_sqlite_busy.py."""

import sqlite3
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from core import health
from core.middleware import BUSY_RETRY_AFTER_SECONDS, is_database_busy, is_database_outage
from tests.factories import editor
from tests.faults.test_database_outage import SERVER_GONE, database_down

pytestmark = pytest.mark.django_db


class PostgresError(Exception):
    def __init__(self, pgcode):
        super().__init__(pgcode)
        self.pgcode = pgcode


def wrapped(cause: BaseException) -> OperationalError:
    """As Django raises a driver's error: its own OperationalError, from the driver's."""
    try:
        try:
            raise cause
        except BaseException as inner:
            raise OperationalError(str(inner)) from inner
    except OperationalError as outer:
        return outer


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database is locked"),
        wrapped(sqlite3.OperationalError("database is locked")),
        wrapped(sqlite3.OperationalError("database table is locked: articles_article")),
        wrapped(PostgresError("40P01")),  # deadlock detected
        wrapped(PostgresError("55P03")),  # lock not available
        wrapped(PostgresError("40001")),  # serialization failure
    ],
)
def test_busy_is_told_apart_from_an_outage(error):
    assert is_database_busy(error) and not is_database_outage(error)


def test_an_outage_is_not_busy():
    error = OperationalError(SERVER_GONE)
    assert is_database_outage(error) and not is_database_busy(error)


def test_a_locked_database_answers_busy_not_unavailable(caplog):
    client = Client(raise_request_exception=False)
    client.force_login(editor("busy_desk"))
    with (
        database_down(OperationalError("database is locked")),
        caplog.at_level("INFO", logger="newsroom.outage"),
    ):
        response = client.post("/admin/articles/article/add/", {"title": "改后的标题"})
    assert response.status_code == 503
    assert response["Retry-After"] == str(BUSY_RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'data-busy="1"' in html and "unavailable__unsaved" in html
    assert "数据库暂时无法使用" not in html and "The database is unavailable" not in html
    assert [r.levelname for r in caplog.records if r.name == "newsroom.outage"] == ["INFO"]


def test_a_busy_database_keeps_the_server_healthy(client):
    failing = mock.Mock(side_effect=OperationalError("database is locked"))
    with mock.patch.dict(health.CHECKS, {"database": failing}):
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "busy"
