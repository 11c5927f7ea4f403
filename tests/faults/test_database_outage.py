"""A database outage answers a friendly 503 (core/middleware.py), never a server error, and passes by itself.

The outage is simulated where it happens in production: every query fails with the OperationalError psycopg2
raises when the server is gone. scripts/faulttest.py does the same with a real PostgreSQL server stopped.
"""

import contextlib
import datetime
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.test import Client
from django.utils import timezone

from articles.models import Article, ArticleStatus
from core.middleware import RETRY_AFTER_SECONDS, is_database_outage
from tests.factories import editor

pytestmark = pytest.mark.django_db

SERVER_GONE = (
    "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally"
)


@contextlib.contextmanager
def database_down(error=None):
    error = error or OperationalError(SERVER_GONE)
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=error),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", side_effect=error),
    ):
        yield


@pytest.fixture
def published_article():
    return Article.objects.create(
        title="青岚省首台套重大技术装备亮相",
        body="<p>本报讯 首台套装备在云川市发布。</p>",
        created_by=editor("outage_editor"),
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=2),
    )


def assert_friendly_503(response, audience="readers"):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert "Content-Security-Policy" in response  # the page is ours, with our headers
    html = response.content.decode()
    assert f'data-audience="{audience}"' in html
    assert "/static/css/site.css" in html  # the site's look
    assert "青岚科技报" in html  # the masthead
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.parametrize("path", ["/", "/issues/", "/issues/1/", "/articles/1/", "/search/?q=科协", "/feed/"])
def test_readers_get_the_friendly_page(path):
    with database_down():
        response = Client(raise_request_exception=False).get(path)
    assert_friendly_503(response)


@pytest.mark.django_db
def test_an_interface_error_is_an_outage_too():
    with database_down(InterfaceError("connection already closed")):
        response = Client(raise_request_exception=False).get("/")
    assert_friendly_503(response)


def test_the_admin_gets_a_clear_error_and_is_told_its_change_was_not_saved(published_article):
    client = Client(raise_request_exception=False)
    client.force_login(editor("outage_desk"))
    with database_down():
        listing = client.get("/admin/articles/article/")
        saving = client.post(
            f"/admin/articles/article/{published_article.pk}/change/", {"title": "改后的标题"}
        )
    assert_friendly_503(listing, audience="staff")
    assert b"unavailable__unsaved" not in listing.content
    assert_friendly_503(saving, audience="staff")
    assert b"unavailable__unsaved" in saving.content
    published_article.refresh_from_db()
    assert published_article.title == "青岚省首台套重大技术装备亮相"


def test_an_outage_outside_the_view_is_caught_too():
    # Saving the session happens after the view, in a middleware; Django turns a failure there into a 500
    # before it reaches us. It must still come out as the 503 page.
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_response",
        side_effect=OperationalError(SERVER_GONE),
    ):
        response = Client(raise_request_exception=False).get("/issues/999999/")
    assert_friendly_503(response)


def test_other_database_errors_stay_server_errors():
    # A bug (a missing table, bad SQL) is not an outage: it must not hide behind "back in a moment".
    with database_down(ProgrammingError('relation "articles_article" does not exist')):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500


def test_the_site_recovers_by_itself(published_article):
    client = Client(raise_request_exception=False)
    with database_down():
        assert client.get(published_article.get_absolute_url()).status_code == 503
    response = client.get(published_article.get_absolute_url())
    assert response.status_code == 200
    assert "青岚省首台套重大技术装备亮相" in response.content.decode()


def test_the_503_page_needs_no_database(django_assert_num_queries):
    from django.test import RequestFactory

    from core.middleware import database_unavailable_response

    request = RequestFactory().get("/issues/")
    with django_assert_num_queries(0):
        response = database_unavailable_response(request)
    assert_friendly_503(_with_csp(response, request))


def _with_csp(response, request):
    from core.security import PathCSPMiddleware

    return PathCSPMiddleware(lambda r: response)(request)


def test_outage_is_logged_in_one_line_not_a_traceback(caplog):
    with database_down(), caplog.at_level("WARNING", logger="newsroom.outage"):
        Client(raise_request_exception=False).get("/")
    records = [r for r in caplog.records if r.name == "newsroom.outage"]
    assert len(records) == 1 and records[0].exc_info is None
    assert "server closed the connection unexpectedly" in records[0].getMessage()


def test_outage_detection_follows_the_exception_chain():
    try:
        try:
            raise OperationalError(SERVER_GONE)
        except OperationalError as inner:
            raise RuntimeError("template rendering failed") from inner
    except RuntimeError as outer:
        assert is_database_outage(outer)
    assert not is_database_outage(RuntimeError("nothing to do with the database"))
    assert not is_database_outage(None)
