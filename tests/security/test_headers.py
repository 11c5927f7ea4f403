"""Security headers: the Content-Security-Policy for public pages and for the admin, the other headers every
response carries, HTTPS-only behaviour with production settings, and `check --deploy` clean."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import ArticleFactory, IssueFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def public_response():
    # The 404 page is a public page that needs no content; it goes through the same middleware as any other.
    return Client().get("/issues/999999/")


def test_public_policy_allows_no_inline_code_and_nothing_from_elsewhere(public_response):
    policy = directives(public_response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"][:2] == ["'self'", "data:"]
    assert "script-src-attr" not in policy and "style-src-attr" not in policy
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values and "*" not in values


def test_public_pages_with_content_carry_the_public_policy():
    article = ArticleFactory(published=True, title="青岚省科协召开全委会", issue=IssueFactory())
    for path in ["/", "/issues/", article.get_absolute_url(), "/search/?q=科协", "/feed/", "/sitemap.xml"]:
        response = Client().get(path)
        assert response.status_code == 200, path
        assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"], path


def test_admin_policy_is_the_public_one_plus_what_ckeditor_needs():
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    public = directives(Client().get("/issues/999999/")["Content-Security-Policy"])
    # No inline <script>, no event-handler attributes, no eval, even in the admin (CKEditor's handlers are run
    # from static/articles/admin/ckeditor-csp.js; tests/security/test_csp_browser.py).
    assert policy["script-src"] == ["'self'"]
    assert "script-src-attr" not in policy and "script-src-elem" not in policy
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]  # CKEditor's inline styles
    widened = {name for name in policy if policy[name] != public.get(name)}
    assert widened == {"style-src"}


def test_editor_upload_endpoint_is_under_the_admin_policy():
    response = Client().post("/admin/editor/upload-image/")
    assert directives(response["Content-Security-Policy"])["style-src"] == ["'self'", "'unsafe-inline'"]


def test_policy_set_by_a_view_is_kept(rf):
    from django.http import HttpResponse

    from core.security import PathCSPMiddleware

    response = HttpResponse("x")
    response._csp_replace = {"img-src": ["'self'", "https://maps.example"]}
    request = rf.get("/admin/anything/")
    result = PathCSPMiddleware(lambda r: response)(request)
    assert directives(result["Content-Security-Policy"])["img-src"] == ["'self'", "https://maps.example"]


@pytest.mark.parametrize("path", ["/issues/999999/", "/admin/login/"])
def test_other_security_headers(path):
    response = Client().get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# ----- production settings, in a process of their own -----

PRODUCTION_PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

from tests.factories import ArticleFactory, IssueFactory
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
plain = client.get("/admin/login/", HTTP_HOST="example.org")
secure = client.get("/admin/login/", HTTP_HOST="example.org", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "secure_status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csp": secure.get("Content-Security-Policy", ""),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]) if "csrftoken" in secure.cookies else None,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure_setting": settings.CSRF_COOKIE_SECURE,
    "debug": settings.DEBUG,
}))
"""


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_LOG_LEVEL="ERROR",
        # Nothing here queries the database; a path that does not exist makes sure nothing is written.
        DATABASE_URL="sqlite:////nonexistent/newsroom-check.sqlite3",
        **extra,
    )
    return env


def test_production_settings_force_https_hsts_and_secure_cookies():
    # Production serves hashed static files from the manifest that collectstatic writes (a fresh clone has none).
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert collected.returncode == 0, collected.stderr
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["debug"] is False
    assert facts["plain_status"] == 301 and facts["plain_location"] == "https://example.org/admin/login/"
    assert facts["secure_status"] == 200
    assert facts["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in facts["csp"]
    assert facts["csrf_cookie_secure"] is True
    assert facts["session_cookie_secure"] is True and facts["session_cookie_httponly"] is True
    assert facts["csrf_cookie_secure_setting"] is True


def test_check_deploy_is_clean_with_production_settings():
    """The same command CI runs: `manage.py check --deploy --fail-level WARNING` with production settings."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_a_weak_setting():
    """The check has teeth: the same run with HSTS off must fail."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(DJANGO_HSTS_SECONDS="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr
