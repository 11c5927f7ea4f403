"""/healthz: each dependency reported, and a 503 when any is down."""

import datetime
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from core import health
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def get(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_all_ok(client):
    status, body = get(client)
    assert status == 200 and body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "schedule": "ok",
    }
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_database_down(client):
    failing = mock.Mock(side_effect=OperationalError("connection refused"))
    with mock.patch.dict(health.CHECKS, {"database": failing}):
        status, body = get(client)
    assert status == 503 and body["checks"]["database"]["status"] == "error"
    assert "connection refused" in body["checks"]["database"]["error"]


def test_database_down_for_real_cursor(client):
    from django.db.backends.utils import CursorWrapper

    real_execute = CursorWrapper.execute

    def failing(self, sql, params=None):
        if sql.strip().upper().startswith("SELECT 1"):
            raise OperationalError("server closed the connection unexpectedly")
        return real_execute(self, sql, params)

    with mock.patch.object(CursorWrapper, "execute", failing):
        status, body = get(client)
    assert status == 503 and body["checks"]["database"]["status"] == "error"


def test_cache_down_reads_back_nothing(client):
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.get", return_value=None):
        status, body = get(client)
    assert status == 503 and body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


def test_cache_raising(client):
    with mock.patch(
        "django.core.cache.backends.locmem.LocMemCache.set", side_effect=ConnectionError("refused")
    ):
        status, body = get(client)
    assert status == 503 and "refused" in body["checks"]["cache"]["error"]


def test_storage_down(client):
    with mock.patch(
        "django.core.files.storage.FileSystemStorage.exists", side_effect=OSError("bucket unreachable")
    ):
        status, body = get(client)
    assert status == 503 and "bucket unreachable" in body["checks"]["storage"]["error"]


def test_storage_not_writable(client, settings, tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    settings.MEDIA_ROOT = folder
    with mock.patch("core.health.os.access", return_value=False):
        status, body = get(client)
    assert status == 503 and "not writable" in body["checks"]["storage"]["error"]


def test_schedule_overdue_when_this_server_clock_lags(client):
    ArticleFactory(status="published", published_at=timezone.now() - datetime.timedelta(minutes=3))
    status, body = get(client)
    assert status == 200 and abs(body["checks"]["schedule"]["clock_skew_seconds"]) < 5
    lagging = timezone.now() - datetime.timedelta(minutes=10)
    with mock.patch("articles.querysets.timezone.now", return_value=lagging):
        status, body = get(client)
    assert status == 503 and "overdue" in body["checks"]["schedule"]["error"]


def test_scheduled_in_the_future_is_not_overdue(client):
    ArticleFactory(scheduled=True)
    assert get(client)[0] == 200
