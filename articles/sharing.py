"""Share links: read-only, expiring, revocable previews of an article for outside reviewers without an account.

A share link's token is signed (django.core.signing, salted) and stored; it works only while its row says it is
valid, not revoked and not expired (`ShareLink.objects.valid()`). The previews themselves are rendered by the
reader (reader/views/preview.py).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.utils import timezone

from .models import Article, ShareLink

SALT = "articles.share-link"


def make_share_link(article: Article, user, hours: int | None = None) -> ShareLink:
    hours = hours or settings.SHARE_LINK_HOURS
    # A random nonce, signed: 16 + 1 + 43 characters, within ShareLink.token's 64. The row says which article.
    token = signing.Signer(salt=SALT).sign(secrets.token_urlsafe(12))
    return ShareLink.objects.create(
        article=article, token=token, created_by=user, expires_at=timezone.now() + timedelta(hours=hours)
    )


def revoke_share_link(link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def revoke_all_share_links(article: Article, when=None) -> int:
    """Revoke every share link of the article not revoked yet (its withdrawal: articles/workflow.py). A link is
    never valid again once revoked, so nothing that happens to the article later revives it."""
    return article.share_links.filter(revoked_at__isnull=True).update(revoked_at=when or timezone.now())


def active_share_links(article: Article):
    return article.share_links.valid()


def resolve_share_token(token: str) -> Article:
    """The article a valid, unexpired, unrevoked token grants a read-only look at; Http404 otherwise."""
    try:
        signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    link = ShareLink.objects.valid().select_related("article").filter(token=token).first()
    if link is None:
        raise Http404
    return link.article
