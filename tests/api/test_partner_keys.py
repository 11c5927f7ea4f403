"""Partner keys (api/models.py, api/admin.py, api/throttling.py): issued in the admin by superusers and shown
once, stored as a hash; a keyed request gets the partners' limit or the key's own; a deactivated or deleted key
is anonymous at the next request; the last use is written at most once a minute."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import PartnerKey, issue_key
from api.throttling import lookup_cache_key, touch
from articles.policy import EDITORS, REPORTERS
from tests.factories import UserFactory, editor, reporter

LIST = "/api/v1/articles/"
ADD = "admin:api_partnerkey_add"
CHANGELIST = "admin:api_partnerkey_changelist"
KEY_IN_MESSAGE = re.compile(r"[A-Za-z0-9_-]{43}")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def limits(api, settings):
    settings.API_RATE_ANONYMOUS = "3/min"
    settings.API_RATE_PARTNER = "5/min"
    return api


def statuses(client, count, **headers):
    return [client.get(LIST, **headers).status_code for _ in range(count)]


def key_updates(queries):
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "api_partnerkey" in q["sql"]]


# ----- issuing ------------------------------------------------------------------------------------------------


def test_issuing_stores_the_hash_and_never_the_key(db, root):
    row, key = issue_key("融媒体中心", created_by=root, rate="5000/min", note="省台")
    assert len(key) == 43  # secrets.token_urlsafe(32)
    stored = PartnerKey.objects.filter(pk=row.pk).values().get()
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert stored["prefix"] == key[:8]
    assert not any(key in str(value) for value in stored.values())
    assert (stored["created_by_id"], stored["active"], stored["last_used_at"]) == (root.pk, True, None)
    other_row, other = issue_key("科普馆")
    assert other != key and other_row.key_hash != row.key_hash


def test_issuing_refuses_a_bad_rate(db):
    with pytest.raises(ValidationError) as refused:
        issue_key("融媒体中心", rate="lots")
    assert "rate" in refused.value.message_dict
    assert not PartnerKey.objects.exists()


# ----- the admin ----------------------------------------------------------------------------------------------


def test_the_admin_issues_a_key_and_shows_it_once(root):
    client = client_for(root)
    form = client.get(reverse(ADD)).content.decode()
    assert 'name="name"' in form and 'name="rate"' in form and 'name="key_hash"' not in form
    data = {"name": "融媒体中心", "rate": "5000/min", "note": "省台", "active": "on"}
    response = client.post(reverse(ADD), data | {"key_hash": "0" * 64, "prefix": "chosen"})
    assert response.status_code == 302
    row = PartnerKey.objects.get()
    assert (row.name, row.rate, row.note, row.active, row.created_by) == (
        "融媒体中心",
        "5000/min",
        "省台",
        True,
        root,
    )

    page = client.get(response["Location"]).content.decode()
    assert "请立即复制，它不会再次显示" in page  # the admin speaks Chinese
    shown = [
        k for k in KEY_IN_MESSAGE.findall(page) if hashlib.sha256(k.encode()).hexdigest() == row.key_hash
    ]
    assert len(shown) == 1 and shown[0].startswith(row.prefix)
    key = shown[0]

    again = client.get(reverse(CHANGELIST)).content.decode()
    change = client.get(reverse("admin:api_partnerkey_change", args=[row.pk])).content.decode()
    assert key not in again and key not in change
    assert row.prefix in again and row.prefix in change
    assert 'name="prefix"' not in change  # read-only


@pytest.mark.parametrize("rate", ["lots", "5/month", "0/min", "5/", "/min", "5 per minute"])
def test_the_admin_refuses_a_bad_rate(root, rate):
    client = client_for(root)
    response = client.post(reverse(ADD), {"name": "融媒体中心", "rate": rate, "active": "on"})
    assert response.status_code == 200
    assert "rate" in response.context["adminform"].form.errors
    assert not PartnerKey.objects.exists()


def test_the_deactivate_action(root):
    first, _ = issue_key("融媒体中心")
    second, _ = issue_key("科普馆")
    kept, _ = issue_key("晚报")
    response = client_for(root).post(
        reverse(CHANGELIST), {"action": "deactivate", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert list(PartnerKey.objects.filter(active=True)) == [kept]


@pytest.mark.parametrize("who", ["editor", "reporter"])
def test_only_superusers_reach_the_keys(db, who):
    user = editor() if who == "editor" else reporter()
    client = client_for(user)
    row, _ = issue_key("融媒体中心")
    pages = [reverse(CHANGELIST), reverse(ADD), reverse("admin:api_partnerkey_change", args=[row.pk])]
    for page in pages:
        assert client.get(page).status_code == 403, page
    assert client.post(reverse(ADD), {"name": "evil", "active": "on"}).status_code == 403
    assert PartnerKey.objects.count() == 1
    assert "partnerkey" not in client.get(reverse("admin:index")).content.decode()
    granted = Permission.objects.filter(content_type__app_label="api", group__name__in=[EDITORS, REPORTERS])
    assert Group.objects.filter(name__in=[EDITORS, REPORTERS]).count() == 2 and not granted.exists()


# ----- rate limits --------------------------------------------------------------------------------------------


def test_a_keyed_request_gets_the_partner_limit(limits):
    _row, key = issue_key("融媒体中心")
    assert statuses(limits, 4) == [200] * 3 + [429]
    assert statuses(limits, 6, HTTP_X_API_KEY=key) == [200] * 5 + [429]
    assert limits.get(LIST, HTTP_X_API_KEY="not-a-key").status_code == 429  # anonymous


def test_a_key_with_its_own_rate(limits):
    _row, own = issue_key("融媒体中心", rate="7/min")
    _row, default = issue_key("科普馆")
    assert statuses(limits, 8, HTTP_X_API_KEY=own) == [200] * 7 + [429]
    assert statuses(limits, 6, HTTP_X_API_KEY=default) == [200] * 5 + [429]  # counted per key


def test_a_new_rate_applies_at_the_next_request(limits):
    row, key = issue_key("融媒体中心")
    assert statuses(limits, 2, HTTP_X_API_KEY=key) == [200, 200]
    row.rate = "2/min"
    row.save()
    assert limits.get(LIST, HTTP_X_API_KEY=key).status_code == 429


@pytest.mark.parametrize("revoke", ["deactivate", "delete", "admin action"])
def test_a_revoked_key_is_anonymous_at_once(limits, root, revoke):
    row, key = issue_key("融媒体中心")
    assert statuses(limits, 3) == [200] * 3  # the address's anonymous allowance is spent
    assert limits.get(LIST, HTTP_X_API_KEY=key).status_code == 200
    assert cache.get(lookup_cache_key(row.key_hash))  # the key is remembered as active
    if revoke == "deactivate":
        row.active = False
        row.save()
    elif revoke == "delete":
        row.delete()
    else:
        client_for(root).post(reverse(CHANGELIST), {"action": "deactivate", "_selected_action": [row.pk]})
    assert cache.get(lookup_cache_key(row.key_hash)) is None
    assert limits.get(LIST, HTTP_X_API_KEY=key).status_code == 429
    assert cache.get(lookup_cache_key(row.key_hash)) == ()  # now remembered as no key


def test_a_reactivated_key_works_at_once(limits):
    row, key = issue_key("融媒体中心", active=False)
    assert statuses(limits, 4, HTTP_X_API_KEY=key) == [200] * 3 + [429]
    row.active = True
    row.save()
    assert limits.get(LIST, HTTP_X_API_KEY=key).status_code == 200


def test_the_lookup_is_cached_unknown_keys_too(limits):
    _row, key = issue_key("融媒体中心")
    for sent in (key, "not-a-key"):
        limits.get(LIST, HTTP_X_API_KEY=sent)
        with CaptureQueriesContext(connection) as queries:
            limits.get(LIST, HTTP_X_API_KEY=sent)
        assert not [q for q in queries if "api_partnerkey" in q["sql"]], sent


# ----- last use -----------------------------------------------------------------------------------------------


def test_the_last_use_is_written_at_most_once_a_minute(api):
    row, key = issue_key("融媒体中心")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert api.get(LIST, HTTP_X_API_KEY=key).status_code == 200
    assert len(key_updates(queries)) == 1
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)

    cache.delete(lookup_cache_key(row.key_hash))  # another app server's cache, or the minute gone by
    with CaptureQueriesContext(connection) as queries:
        api.get(LIST, HTTP_X_API_KEY=key)
    assert key_updates(queries) == []  # used within the minute: no write
    row.refresh_from_db()
    assert row.last_used_at == first

    PartnerKey.objects.filter(pk=row.pk).update(last_used_at=first - timedelta(minutes=2))
    cache.delete(lookup_cache_key(row.key_hash))
    with CaptureQueriesContext(connection) as queries:
        api.get(LIST, HTTP_X_API_KEY=key)
    assert len(key_updates(queries)) == 1
    row.refresh_from_db()
    assert row.last_used_at >= first


def test_the_last_use_is_conditional_in_the_database(db):
    """Two app servers that both saw an old last use write it once: the second update matches no row."""
    row, _key = issue_key("融媒体中心")
    touch(row.pk, None)
    row.refresh_from_db()
    written = row.last_used_at
    assert written is not None
    touch(row.pk, None)  # what the other server read before the first wrote
    row.refresh_from_db()
    assert row.last_used_at == written
