"""Partner keys: administrators issue and revoke them in the admin (api/admin.py), without a deploy.

A key is shown once, when it is issued; only its first characters (to tell keys apart) and its SHA-256 are
stored, so a stolen database holds no usable key. Each request looks its key up by that hash
(api/throttling.py, cached for a minute and dropped on every save, api/signals.py)."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import SimpleRateThrottle

PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# DRF reads only a period's first letter: "5/month" would be five a minute. Only names it reads right pass.
PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def parse_rate(rate: str) -> tuple[int, int]:
    """(requests, seconds) of a rate as DRF's throttles read it ("5000/min", "10/s"), or ValueError."""
    try:
        requests, seconds = SimpleRateThrottle.parse_rate(None, rate)
    except (ValueError, KeyError, IndexError, AttributeError) as error:
        raise ValueError(rate) from error
    if requests < 1 or rate.split("/")[1] not in PERIODS:
        raise ValueError(rate)
    return requests, seconds


def validate_rate(value: str) -> None:
    try:
        parse_rate(value)
    except ValueError:
        raise ValidationError(
            _("Enter a rate as requests/period, for example 5000/min (periods: s, min, hour, day)."),
            code="invalid_rate",
        ) from None


class PartnerKey(models.Model):
    name = models.CharField(_("partner"), max_length=200, help_text=_("Who holds the key."))
    prefix = models.CharField(
        _("prefix"),
        max_length=PREFIX_LENGTH,
        editable=False,
        help_text=_("The key's first characters, to tell keys apart; the key itself is not stored."),
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True, help_text=_("An inactive key counts as no key."))
    rate = models.CharField(
        _("rate"),
        max_length=30,
        blank=True,
        validators=[validate_rate],
        help_text=_("Requests allowed to this key, e.g. 5000/min. Blank: the partners' default rate."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Written at most once a minute per key (api/throttling.py), never on every request.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API partner key")
        verbose_name_plural = _("API partner keys")
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def set_new_key(self) -> str:
        """Give the row a new key (not saved) and return it: the only time the key is seen."""
        key = secrets.token_urlsafe(32)
        self.prefix = key[:PREFIX_LENGTH]
        self.key_hash = hash_key(key)
        return key


def issue_key(name: str, *, created_by=None, **fields) -> tuple[PartnerKey, str]:
    """A new key for a partner, saved: (the row, the key in plain text, to hand over once)."""
    row = PartnerKey(name=name, created_by=created_by, **fields)
    key = row.set_new_key()
    row.full_clean()
    row.save()
    return row, key


def deactivate_keys(keys) -> int:
    """Deactivate the active keys among `keys` (a queryset), each saved so its cached lookup is dropped
    (api/signals.py). Returns how many were active."""
    done = 0
    for row in keys.filter(active=True):
        row.active = False
        row.save(update_fields=["active"])
        done += 1
    return done
