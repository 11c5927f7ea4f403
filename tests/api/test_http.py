"""The API over HTTP: ETag and Last-Modified with 304, CORS for the configured origins, rate limits, schema."""

from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

from api.models import issue_key
from core.pagecache import purge_public_pages
from tests.factories import PublishedArticleFactory

LIST = "/api/v1/articles/"


def test_etag_and_304(api, paper):
    first = api.get(LIST)
    assert (
        first["ETag"]
        and first["Last-Modified"]
        and first["Cache-Control"] in ("max-age=0", "public, max-age=0, s-maxage=0")
    )
    again = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    since = api.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304 and since.content == b""


def test_if_modified_since_sees_a_withdrawal(api, paper):
    """A list changes when an article leaves it, though no article still shown has changed."""
    first = api.get(LIST)
    type(paper["other"]).objects.filter(pk=paper["other"].pk).update(status="withdrawn")
    purge_public_pages()  # a bulk update says so, as every bulk writer does
    again = api.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and again.json()["count"] == 1
    assert again["Last-Modified"] != first["Last-Modified"]


def test_etag_changes_with_content(api, paper):
    etag = api.get(LIST)["ETag"]
    PublishedArticleFactory()
    response = api.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_cors_for_configured_origins_only(api, settings, paper):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    allowed = api.get(LIST, HTTP_ORIGIN="https://app.example.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in api.get(LIST, HTTP_ORIGIN="https://evil.example")
    page = Client().get("/issues/", HTTP_ORIGIN="https://app.example.com")
    assert "Access-Control-Allow-Origin" not in page  # only /api/


def test_anonymous_rate_limit_and_partner_key(api, settings):
    settings.API_RATE_ANONYMOUS = "3/min"
    settings.API_RATE_PARTNER = "5/min"
    _row, key = issue_key("融媒体中心")
    caches["default"].clear()
    assert [api.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]
    keyed = [api.get(LIST, HTTP_X_API_KEY=key).status_code for _ in range(6)]
    assert keyed == [200] * 5 + [429]
    assert api.get(LIST, HTTP_X_API_KEY="unknown").status_code == 429  # counts as anonymous


def test_schema_is_valid_openapi_3(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/v1/articles/" in schema["paths"] and "/api/v1/articles/{id}/" in schema["paths"]


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))


def test_docs_from_our_static_files(api):
    html = api.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
