"""Logins: failed attempts are throttled per user name and address (django-axes), passwords are checked, and the
`next` parameter never sends anyone off the site."""

import datetime
from urllib.parse import urljoin, urlsplit

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff():
    return UserFactory(username="linzhiyuan", is_staff=True)


def attempt(client, username="linzhiyuan", password="wrong-password-1", **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


def fail(times, client=None, **extra):
    client = client or Client()
    return [attempt(client, **extra).status_code for _ in range(times)]


def assert_locked(response):
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "security/lockout.html" in [t.name for t in response.templates]
    assert b'data-lockout-minutes="15"' in response.content
    assert "sessionid" not in response.cookies


def test_four_failures_get_the_form_the_fifth_locks_and_the_sixth_is_refused(staff):
    client = Client()
    statuses = fail(4, client)
    assert statuses == [200, 200, 200, 200]  # the form again, with its error
    assert_locked(attempt(client))  # the fifth failure reaches the limit and is told so at once
    assert_locked(attempt(client))  # a sixth attempt is refused…
    assert_locked(attempt(client, password=PASSWORD))  # …even with the right password
    assert AccessAttempt.objects.get(username="linzhiyuan").failures_since_start >= 5


def test_lockout_is_per_user_name_and_address(staff):
    UserFactory(username="hezhiqiu", is_staff=True)
    fail(6, REMOTE_ADDR="203.0.113.7")
    assert_locked(attempt(Client(), REMOTE_ADDR="203.0.113.7"))
    # The same user from another address, and another user from the same address, can still log in.
    assert attempt(Client(), password=PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302
    assert (
        attempt(Client(), username="hezhiqiu", password=PASSWORD, REMOTE_ADDR="203.0.113.7").status_code
        == 302
    )


def test_forged_forwarded_for_does_not_escape_the_lockout(staff):
    fail(6, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.1")
    response = attempt(
        Client(), password=PASSWORD, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert_locked(response)


def test_behind_a_trusted_proxy_the_forwarded_address_counts(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail(6, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)
    assert_locked(attempt(Client(), password=PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy))
    # A client-written left part does not matter; another real client behind the same proxy logs in.
    response = attempt(
        Client(), password=PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.20", **proxy
    )
    assert response.status_code == 302


def test_success_after_the_cool_off(staff):
    fail(6)
    assert_locked(attempt(Client(), password=PASSWORD))
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    response = attempt(Client(), password=PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_success_after_an_administrator_resets_the_lock(staff):
    fail(6)
    assert_locked(attempt(Client(), password=PASSWORD))
    assert reset(username="linzhiyuan") >= 1
    assert attempt(Client(), password=PASSWORD).status_code == 302


def test_a_successful_login_clears_earlier_failures(staff):
    fail(4)
    assert attempt(Client(), password=PASSWORD).status_code == 302
    assert fail(4) == [200, 200, 200, 200]  # counting starts again


def test_unknown_user_names_are_throttled_too():
    fail(6, username="no-such-user")
    assert_locked(attempt(Client(), username="no-such-user"))


# ----- no open redirect -----

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "http://127.0.0.1.evil.example/admin/",
    " https://evil.example",
    "https://evil.example\\@testserver/",
    "%2F%2Fevil.example",
]


def _stays_on_site(location: str) -> bool:
    """Where a browser would go: relative to the login page, with backslashes read as slashes."""
    target = urlsplit(urljoin("http://testserver/admin/login/", location.strip().replace("\\", "/")))
    return target.scheme in {"http", "https"} and target.netloc == "testserver"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_site(staff, target):
    response = Client().post(
        LOGIN + "?next=" + target, {"username": "linzhiyuan", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", HOSTILE_NEXT[:4])
def test_logged_in_visit_to_login_page_does_not_redirect_off_site(staff, target):
    client = Client()
    client.force_login(staff)
    response = client.get(LOGIN, {"next": target})
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert _stays_on_site(response["Location"]), response["Location"]


def test_logout_never_redirects_off_site(staff):
    client = Client()
    client.force_login(staff)
    response = client.post("/admin/logout/", {"next": "https://evil.example/"})
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert _stays_on_site(response["Location"])


def test_an_on_site_next_is_followed(staff):
    response = Client().post(
        LOGIN, {"username": "linzhiyuan", "password": PASSWORD, "next": "/admin/articles/article/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/articles/article/"


# ----- passwords -----


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123", "12345678901234", "linzhiyuan2026", "qwertyuiop"],
    ids=["too-short", "common", "numeric", "like-the-user-name", "common-keyboard"],
)
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="linzhiyuan", email="linzhiyuan@example.com")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_good_passphrase_is_accepted():
    user = UserFactory.build(username="linzhiyuan", email="linzhiyuan@example.com")
    validate_password("青岚科技报-春季刊-印厂夜班", user)
