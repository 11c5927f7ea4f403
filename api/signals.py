"""A partner key's save or delete drops its cached lookup (api/throttling.py), so a key deactivated, deleted or
given a new rate in the admin is seen so by the next request, not a minute later. Dropped again when the
transaction commits: a request that read the row before the commit may have cached it in the meantime."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import PartnerKey
from .throttling import lookup_cache_key


def forget_key(sender, instance: PartnerKey, **kwargs) -> None:
    if not instance.key_hash:
        return
    entry = lookup_cache_key(instance.key_hash)
    cache.delete(entry)
    transaction.on_commit(lambda: cache.delete(entry), using=kwargs.get("using"))


def connect() -> None:
    post_save.connect(forget_key, sender=PartnerKey, dispatch_uid="api.forget_partner_key_on_save")
    post_delete.connect(forget_key, sender=PartnerKey, dispatch_uid="api.forget_partner_key_on_delete")
