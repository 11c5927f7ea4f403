"""The webhook admin (webhooks/admin.py): editors and admins register endpoints and read the delivery log,
reporters reach none of it; the secret is made by the server and shown once; the log is read-only, filtered,
with "retry now"."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PublishedArticleFactory, UserFactory, editor, reporter
from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:webhooks_webhookendpoint_changelist",
    "admin:webhooks_webhookendpoint_add",
    "admin:webhooks_webhookdelivery_changelist",
    "admin:webhooks_webhookevent_changelist",
]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_editors_and_admins_reach_the_webhook_admin(who):
    user = editor() if who == "editor" else UserFactory(username="root", is_superuser=True)
    client = client_for(user)
    for page in PAGES:
        assert client.get(reverse(page)).status_code == 200, page


def test_reporters_reach_none_of_it():
    client = client_for(reporter())
    for page in PAGES:
        assert client.get(reverse(page)).status_code == 403, page
    response = client.post(reverse(PAGES[1]), {"url": "https://evil.example/", "events": ["published"]})
    assert response.status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_an_editor_registers_an_endpoint_and_sees_its_secret_once():
    desk = editor()
    client = client_for(desk)
    data = {
        "url": "https://partner.example/hook",
        "description": "融媒体中心",
        "events": ["published", "withdrawn"],
    }
    data |= {"active": "on", "secret": "chosen-by-the-form"}
    response = client.post(reverse(PAGES[1]), data)
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.events, endpoint.created_by) == (["published", "withdrawn"], desk)
    assert len(endpoint.secret) == 64 and endpoint.secret != "chosen-by-the-form"
    assert endpoint.secret in client.get(response["Location"]).content.decode()  # the message, once
    change = client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret not in change.content.decode()


def test_a_new_secret_on_request_only():
    endpoint = WebhookEndpoint.objects.create(url="https://partner.example/hook", events=["updated"])
    old = endpoint.secret
    client = client_for(editor())
    url = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    data = {"url": endpoint.url, "events": ["updated"], "active": "on"}
    client.post(url, data)
    endpoint.refresh_from_db()
    assert endpoint.secret == old
    client.post(url, data | {"new_secret": "on"})
    endpoint.refresh_from_db()
    assert endpoint.secret != old


@pytest.fixture
def failed():
    endpoint = WebhookEndpoint.objects.create(url="http://127.0.0.1:9/down", events=["published"])
    PublishedArticleFactory()
    delivery.fan_out()
    WebhookDelivery.objects.update(status="failed", attempts=6, next_attempt_at=None)
    return endpoint, WebhookDelivery.objects.get()


def test_the_log_is_read_only_and_filtered(failed):
    endpoint, row = failed
    client = client_for(editor())
    changelist = reverse(PAGES[2])
    for query in ("status=failed", "event__event=published", f"endpoint__id__exact={endpoint.pk}"):
        response = client.get(f"{changelist}?{query}")
        assert response.status_code == 200 and response.context["cl"].result_count == 1, query
    assert client.get(f"{changelist}?status=delivered").context["cl"].result_count == 0
    change = reverse("admin:webhooks_webhookdelivery_change", args=[row.pk])
    assert client.post(change, {"status": "delivered"}).status_code == 403
    assert client.post(reverse("admin:webhooks_webhookdelivery_delete", args=[row.pk])).status_code == 403
    row.refresh_from_db()
    assert row.status == "failed"


def test_retry_now(failed):
    _endpoint, row = failed
    response = client_for(editor()).post(reverse(PAGES[2]), {"action": "retry", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "pending" and row.next_attempt_at is not None


def test_reporters_cannot_retry(failed):
    _endpoint, row = failed
    client = client_for(reporter())
    response = client.post(reverse(PAGES[2]), {"action": "retry", "_selected_action": [row.pk]})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == "failed"
