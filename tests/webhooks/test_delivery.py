"""The worker (webhooks/delivery.py, manage.py deliver_webhooks) against a real local HTTP receiver."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import workflow
from tests.factories import ArticleFactory, PublishedArticleFactory, SectionFactory, editor
from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


def verify(secret: str, raw: bytes, header: str) -> bool:
    """What a partner does (docs/webhooks.md)."""
    expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_a_published_article_is_posted_signed_with_the_endpoints_secret(receiver, endpoint):
    article = PublishedArticleFactory(section=SectionFactory())
    call_command("deliver_webhooks", "--once", verbosity=0)
    [request] = receiver.requests
    headers = request["headers"]
    assert verify(endpoint.secret, request["body"], headers["X-Newsroom-Signature"])
    assert not verify("another secret", request["body"], headers["X-Newsroom-Signature"])
    sent = json.loads(request["body"])
    assert headers["X-Newsroom-Event"] == sent["event"] == "published"
    delivered = WebhookDelivery.objects.get()
    assert headers["X-Newsroom-Delivery"] == str(delivered.pk)
    assert sent["article"]["id"] == article.pk
    assert sent["article"]["section"]["name"] == article.section.name
    assert sent["delivered_at"]
    assert (delivered.status, delivered.attempts, delivered.last_status_code) == ("delivered", 1, 200)
    assert delivered.delivered_at is not None


def test_a_500_is_retried_with_backoff_then_fails(receiver, endpoint, settings):
    settings.WEBHOOK_RETRY_DELAYS = [60, 300]
    receiver.statuses = [500, 503, 500]
    PublishedArticleFactory()
    before = timezone.now()
    delivery.run_once()
    first = WebhookDelivery.objects.get()
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    assert first.response_excerpt == "answer 500" and first.last_error == "HTTP 500"
    assert before + datetime.timedelta(seconds=60) <= first.next_attempt_at
    assert first.next_attempt_at <= timezone.now() + datetime.timedelta(seconds=60)
    assert delivery.run_once()["attempted"] == 0  # not due yet
    later = first.next_attempt_at + datetime.timedelta(seconds=1)
    delivery.run_once(now=later)
    second = WebhookDelivery.objects.get()
    assert (second.attempts, second.last_status_code) == (2, 503)
    assert second.next_attempt_at >= timezone.now() + datetime.timedelta(seconds=299)
    delivery.run_once(now=second.next_attempt_at + datetime.timedelta(seconds=1))
    third = WebhookDelivery.objects.get()
    assert (third.status, third.attempts, third.next_attempt_at) == ("failed", 3, None)
    assert len(receiver.requests) == 3
    assert delivery.retry_now([third]) == 1
    delivery.run_once()
    assert WebhookDelivery.objects.get().status == "delivered"
    assert len(receiver.requests) == 4


def test_an_unreachable_endpoint_is_retried(endpoint):
    endpoint.url = "http://127.0.0.1:9/nothing-listens"
    endpoint.save()
    PublishedArticleFactory()
    delivery.run_once()
    failed = WebhookDelivery.objects.get()
    assert (failed.status, failed.attempts, failed.last_status_code) == ("pending", 1, None)
    assert failed.last_error


def test_withdrawn_is_delivered_after_a_withdrawal(receiver, endpoint):
    article = PublishedArticleFactory(body="<p>不该外传的正文</p>")
    workflow.withdraw(article, editor(), "事实有误")
    delivery.run_once()
    sent = [json.loads(r["body"]) for r in receiver.requests]
    assert [s["event"] for s in sent] == ["published", "withdrawn"]
    assert set(sent[1]["article"]) == {"id", "url"}
    assert "不该外传" not in receiver.requests[1]["body"].decode()


def test_endpoints_hear_only_their_events_and_inactive_ones_nothing(receiver, endpoint):
    endpoint.events = ["withdrawn"]
    endpoint.save()
    WebhookEndpoint.objects.create(url=receiver.url, events=["published"], active=False)
    PublishedArticleFactory()
    delivery.run_once()
    assert receiver.requests == []
    assert WebhookEvent.objects.get().dispatched_at is not None


def test_a_scheduled_publication_is_announced_once_when_its_time_comes(receiver, endpoint):
    article = ArticleFactory(scheduled=True)
    delivery.run_once()
    assert receiver.requests == []  # not yet
    then = article.published_at + datetime.timedelta(seconds=1)
    assert delivery.run_once(now=then)["announced"] == 1
    assert delivery.run_once(now=then)["announced"] == 0
    call_command("deliver_webhooks", "--once", verbosity=0)
    [request] = receiver.requests
    assert json.loads(request["body"])["event"] == "published"
    assert WebhookEvent.objects.filter(event="published", article_id=article.pk).count() == 1


def test_the_archive_is_not_announced(receiver, endpoint):
    old = PublishedArticleFactory()
    WebhookEvent.objects.all().delete()  # published before webhooks existed
    old.refresh_from_db()
    assert delivery.announce_due_publications() == 0


def test_a_claimed_delivery_is_not_claimed_again(receiver, endpoint):
    PublishedArticleFactory()
    delivery.fan_out()
    assert len(delivery.claim_due()) == 1
    assert delivery.claim_due() == []  # another worker finds it leased


def test_a_pass_with_nothing_to_do_costs_three_reads(django_assert_num_queries, endpoint):
    # Due publications, new events, due deliveries; the last two in a transaction each (savepoints in a test).
    with django_assert_num_queries(7):
        delivery.run_once()
