"""Query methods for articles. `published()` is the one rule for what the public may see."""

from django.db import connection, models
from django.db.models import Prefetch, Q
from django.utils import timezone


def published_q(now=None, prefix: str = "") -> Q:
    """The visibility rule as a Q object, for filters that reach articles through a relation (prefix="articles__")."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": "published", f"{prefix}published_at__lte": now})


def published_sql(alias: str, now=None) -> tuple[str, list]:
    """The same rule as SQL, for the few hand-written queries on hot paths: a condition on the article table
    as `alias` names it, and its parameters. tests/reader/test_visibility.py holds it equal to published_q
    for every state and time."""
    now = sql_datetime(now or timezone.now())
    return f"{alias}.status = %s AND {alias}.published_at <= %s", ["published", now]


def sql_datetime(value):
    """A datetime as the database stores it, for a parameter of hand-written SQL (SQLite compares text)."""
    return connection.ops.adapt_datetimefield_value(value)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Everything the public may see now: published, and its time has come (scheduling is decided here)."""
        return self.filter(published_q(now))

    def scheduled(self, now=None):
        return self.filter(status="published", published_at__gt=now or timezone.now())

    def with_bylines(self):
        """Pre-load what an article listing shows: placement, section and ordered bylines with their authors."""
        from .models import Byline

        return self.select_related("issue", "page", "section").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("order", "id"))
        )

    def for_issue(self, issue):
        return self.filter(issue=issue).order_by("page__number", "position", "id")

    def in_page_order(self):
        return self.order_by("page__number", "position", "id")

    def latest_first(self):
        return self.order_by("-published_at", "-id")


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    pass
