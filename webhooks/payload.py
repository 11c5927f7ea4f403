"""What an event says about its article. `published` and `updated` carry the public fields; `withdrawn` only
the id and the URL: nothing of a withdrawn article's content leaves the newsroom."""

from django.conf import settings

from articles.models import Article


def absolute_url(path: str) -> str:
    """The public URL of `path`, on the paper's address (NEWSPAPER_URL; the path alone when it is unset)."""
    return settings.NEWSPAPER_URL.rstrip("/") + path


def _iso(value):
    return value.isoformat() if value else None


def article_payload(article: Article) -> dict:
    """The public fields of an article, as partners receive them; its bylines and tags are read in the caller's
    transaction, so they are the ones it commits. Four queries: section, issue, bylines (with their authors),
    tags; two when the section and issue came with the article (`select_related`), one fewer when its tags were
    prefetched. Tags are names in code-point order, the same on every database."""
    section, issue = article.section, article.issue
    bylines = article.bylines.select_related("author").order_by("order", "id")
    tags = sorted(tag.name for tag in article.tags.all())
    return {
        "id": article.pk,
        "title": article.title,
        "kicker": article.kicker,
        "subtitle": article.subtitle,
        "summary": article.summary,
        "url": absolute_url(article.get_absolute_url()),
        "published_at": _iso(article.published_at),
        "updated_at": _iso(article.updated_at),
        "section": {"name": section.name, "slug": section.slug} if section else None,
        "issue": {"number": issue.number, "date": _iso(issue.date)} if issue else None,
        "bylines": [{"name": b.author.name, "role": b.role} for b in bylines],
        "tags": tags,
    }


def withdrawn_payload(article_id: int, path: str) -> dict:
    return {"id": article_id, "url": absolute_url(path)}


def body(event: str, article: dict, delivered_at) -> dict:
    """The JSON posted to an endpoint."""
    return {"event": event, "delivered_at": _iso(delivered_at), "article": article}
