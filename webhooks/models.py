"""Webhooks: the endpoints partners register, the outbox of events (written in the transaction of the change,
webhooks/signals.py) and one delivery per endpoint and event (sent by the worker, webhooks/delivery.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EventName(models.TextChoices):
    PUBLISHED = "published", _("published")
    UPDATED = "updated", _("updated")
    WITHDRAWN = "withdrawn", _("withdrawn")


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500, help_text=_("Where the events are posted (HTTPS)."))
    # Kept as given: the HMAC needs it. Shown once, when it is made (webhooks/admin.py).
    secret = models.CharField(_("secret"), max_length=200, default=new_secret, editable=False)
    events = models.JSONField(
        _("events"),
        default=list,
        help_text=_("The events this endpoint hears: published, updated, withdrawn."),
    )
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["url", "id"]

    def __str__(self):
        return self.description or self.url

    def hears(self, event: str) -> bool:
        return self.active and event in (self.events or [])


class WebhookEvent(models.Model):
    """An outbox row: one event of one article, written in the transaction that changed the article, and fanned
    out to the endpoints that hear it by the worker (`dispatched_at`)."""

    event = models.CharField(_("event"), max_length=20, choices=EventName.choices)
    # Not a foreign key: the event outlives the article (a deleted article sends `withdrawn`).
    article_id = models.PositiveBigIntegerField(_("article id"))
    # For `published`: the publication announced (an article is announced once per publication time).
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article_id", "published_at"],
                condition=Q(event="published"),
                name="webhook_published_once",
            )
        ]
        indexes = [
            models.Index(fields=["dispatched_at", "id"], name="webhook_event_dispatch"),
            models.Index(fields=["article_id", "event"], name="webhook_event_article"),
        ]

    def __str__(self):
        return f"{self.event} #{self.article_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        WebhookEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"
