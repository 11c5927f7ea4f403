"""The worker's pass (manage.py deliver_webhooks): announce the scheduled publications whose time has come, fan
each new outbox event out to the endpoints that hear it, and post the deliveries that are due.

Two workers never send the same delivery: a delivery is claimed by a conditional UPDATE (its status and its
next attempt time unchanged since it was read) that pushes its next attempt past the request's timeout, so the
other worker's claim matches no row; on PostgreSQL the rows are read with SELECT … FOR UPDATE SKIP LOCKED, so
the workers do not even wait for each other. An event is fanned out once the same way (`dispatched_at`).

Each request is a POST of JSON with `X-Newsroom-Event`, `X-Newsroom-Delivery` (the delivery's id) and
`X-Newsroom-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the endpoint's secret>`. A 2xx answer
delivers it; anything else (another status, a timeout, a refused connection, a redirect) is retried after
WEBHOOK_RETRY_DELAYS (1 min, 5 min, 30 min, 2 h, 12 h by default) until WEBHOOK_MAX_ATTEMPTS, then the delivery
has failed. Every attempt is logged (logger `webhooks`) and the last one kept on the delivery.
"""

import datetime
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from articles.models import Article

from .models import DeliveryStatus, EventName, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .payload import article_payload, body

logger = logging.getLogger("webhooks")

DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 43200)
EXCERPT = 500  # characters of the answer kept on the delivery


def retry_delays() -> tuple[int, ...]:
    return tuple(getattr(settings, "WEBHOOK_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", len(retry_delays()) + 1))


def timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 10))


def batch_size() -> int:
    return int(getattr(settings, "WEBHOOK_BATCH", 50))


def signature(secret: str, raw: bytes) -> str:
    """The X-Newsroom-Signature header's value for a body."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


# --- scheduled publications ---------------------------------------------------------------------------


def announce_due_publications(now=None) -> int:
    """Write `published` for each article whose scheduled time has come and that was not announced for that
    time. Looked for among publications of the last WEBHOOK_SCHEDULE_LOOKBACK_DAYS (7 by default; the published
    index); a scheduled article was saved before its time (`published_at > updated_at`), an article published
    now after it, so the archive is never announced again."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=int(getattr(settings, "WEBHOOK_SCHEDULE_LOOKBACK_DAYS", 7)))
    announced = WebhookEvent.objects.filter(
        event=EventName.PUBLISHED, article_id=OuterRef("pk"), published_at=OuterRef("published_at")
    )
    due = (
        Article.objects.published(now)
        .filter(published_at__gte=since, published_at__gt=F("updated_at"))
        .exclude(Exists(announced))
        .select_related("section", "issue")
        .order_by("published_at", "id")[: batch_size()]
    )
    written = 0
    for article in due:
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    event=EventName.PUBLISHED,
                    article_id=article.pk,
                    published_at=article.published_at,
                    payload=article_payload(article),
                )
            written += 1
        except IntegrityError:
            pass  # announced meanwhile (another worker, or a save of the article)
    return written


# --- fan-out ------------------------------------------------------------------------------------------


def _locked(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def fan_out(now=None) -> int:
    """Make a delivery for every endpoint hearing each new event; returns the deliveries made."""
    now = now or timezone.now()
    made = 0
    with transaction.atomic():
        events = list(_locked(WebhookEvent.objects.filter(dispatched_at=None).order_by("id"))[: batch_size()])
        if not events:
            return 0
        endpoints = list(WebhookEndpoint.objects.filter(active=True))
        for event in events:
            if not WebhookEvent.objects.filter(pk=event.pk, dispatched_at=None).update(dispatched_at=now):
                continue  # another worker's
            rows = [
                WebhookDelivery(endpoint=e, event=event, next_attempt_at=now)
                for e in endpoints
                if e.hears(event.event)
            ]
            WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
            made += len(rows)
    return made


# --- delivery -----------------------------------------------------------------------------------------


def claim_due(now=None) -> list[WebhookDelivery]:
    """The due pending deliveries this worker now owns (their next attempt pushed past the timeout)."""
    now = now or timezone.now()
    lease = now + datetime.timedelta(seconds=timeout() + 30)
    claimed = []
    with transaction.atomic():
        due = _locked(
            WebhookDelivery.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True
            ).order_by("next_attempt_at", "id")
        )
        for delivery in due[: batch_size()]:
            mine = WebhookDelivery.objects.filter(
                pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=delivery.next_attempt_at
            ).update(next_attempt_at=lease)
            if mine:
                claimed.append(delivery)
    ids = [d.pk for d in claimed]
    return list(WebhookDelivery.objects.filter(pk__in=ids).select_related("endpoint", "event").order_by("id"))


@dataclass
class Answer:
    status: int | None
    text: str
    error: str


def post(delivery: WebhookDelivery, now) -> Answer:
    """One attempt: POST the signed body; the answer, or the error that stopped it."""
    raw = json.dumps(
        body(delivery.event.event, delivery.event.payload, now), ensure_ascii=False, separators=(",", ":")
    ).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Newsroom-Webhooks/1",
        "X-Newsroom-Event": delivery.event.event,
        "X-Newsroom-Delivery": str(delivery.pk),
        "X-Newsroom-Signature": signature(delivery.endpoint.secret, raw),
    }
    try:
        response = urllib3.request(
            "POST",
            delivery.endpoint.url,
            body=raw,
            headers=headers,
            timeout=urllib3.Timeout(total=timeout()),
            retries=False,
            redirect=False,
            preload_content=False,
        )
        text = response.read(EXCERPT * 4, decode_content=True).decode("utf-8", "replace")[:EXCERPT]
        response.release_conn()
        return Answer(response.status, text, "")
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
        return Answer(None, "", f"{type(error).__name__}: {error}"[:EXCERPT])


def record(delivery: WebhookDelivery, answer: Answer, now) -> WebhookDelivery:
    """Keep the attempt on the delivery: delivered on a 2xx, else retried later or, at the last attempt,
    failed."""
    delivery.attempts += 1
    delivery.last_status_code = answer.status
    delivery.response_excerpt = answer.text
    ok = answer.status is not None and 200 <= answer.status < 300
    delivery.last_error = "" if ok else answer.error or f"HTTP {answer.status}"
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
    elif delivery.attempts >= max_attempts():
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delays = retry_delays()
        delay = delays[min(delivery.attempts, len(delays)) - 1]
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + datetime.timedelta(seconds=delay)
    delivery.save(
        update_fields=[
            "attempts", "last_status_code", "response_excerpt", "last_error",
            "status", "delivered_at", "next_attempt_at",
        ]
    )  # fmt: skip
    logger.info(
        "webhook delivery %s (%s #%s → %s) attempt %s: %s",
        delivery.pk, delivery.event.event, delivery.event.article_id, delivery.endpoint.url,
        delivery.attempts, delivery.status if ok else f"{delivery.last_error}, {delivery.status}",
    )  # fmt: skip
    return delivery


def deliver_due(now=None) -> list[WebhookDelivery]:
    """Post every due delivery this worker can claim; the deliveries as recorded."""
    done = []
    for delivery in claim_due(now):
        sent_at = timezone.now()
        done.append(record(delivery, post(delivery, sent_at), sent_at))
    return done


def run_once(now=None) -> dict:
    """One pass of the worker; what it did."""
    announced = announce_due_publications(now)
    fanned = fan_out(now)
    delivered = deliver_due(now)
    return {"announced": announced, "fanned_out": fanned, "attempted": len(delivered)}


def retry_now(deliveries) -> int:
    """Make deliveries due now (the admin's "retry now"): a failed one gets one more attempt."""
    return WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
    )
