"""Query methods for articles, issues and share links. `published()` is the one rule for what the public may
see; `READING_ORDER` the one order of an issue's articles; `bylines_prefetch()` the one way bylines are loaded."""

import datetime
import functools

from django.db import connection, models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q
from django.utils import timezone

# Reading order in an issue: by page, then position on the page; articles not placed on a page come last on
# every database (SQLite sorts NULL first, PostgreSQL last).
READING_ORDER = (F("page__number").asc(nulls_last=True), "position", "id")


def published_q(now=None, prefix: str = "") -> Q:
    """The visibility rule as a Q object, for filters that reach articles through a relation (prefix="articles__")."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": "published", f"{prefix}published_at__lte": now})


def is_public(status, published_at, now=None) -> bool:
    """`published_q` for values in hand (an instance's fields as loaded or about to be saved), without a query;
    tests/reader/test_visibility.py holds the two equal."""
    return status == "published" and published_at is not None and published_at <= (now or timezone.now())


def published_sql(alias: str, now=None) -> tuple[str, list]:
    """`published_q` as SQL, for the few hand-written queries on hot paths: a condition on the article table as
    `alias` names it, and its parameters. It is `published_q` itself, compiled by the ORM (once per process and
    database), with `now` put in its place; tests/reader/test_visibility.py holds the two equal."""
    template, params, now_index = _compiled_rule(connection.vendor)
    params = list(params)
    params[now_index] = sql_datetime(now or timezone.now())
    return template.replace("{alias}", alias), params


def sql_datetime(value):
    """A datetime as the database stores it, for a parameter of hand-written SQL (SQLite compares text)."""
    return connection.ops.adapt_datetimefield_value(value)


_PLACEHOLDER_NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)


@functools.lru_cache(maxsize=4)
def _compiled_rule(vendor: str) -> tuple[str, tuple, int]:
    """published_q compiled for this database, its table written as {alias}; which parameter is `now`."""
    from .models import Article

    query = Article.objects.filter(published_q(now=_PLACEHOLDER_NOW)).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    table = connection.ops.quote_name(Article._meta.db_table)
    return (
        sql.replace(f"{table}.", "{alias}."),
        tuple(params),
        list(params).index(sql_datetime(_PLACEHOLDER_NOW)),
    )


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Everything the public may see now: published, and its time has come (scheduling is decided here)."""
        return self.filter(published_q(now))

    def scheduled(self, now=None):
        return self.filter(status="published", published_at__gt=now or timezone.now())

    def with_bylines(self):
        """Pre-load what an article listing shows: placement, section and ordered bylines with their authors."""
        return self.select_related("issue", "page", "section").prefetch_related(bylines_prefetch())

    def for_issue(self, issue):
        return self.filter(issue=issue).in_reading_order()

    def in_reading_order(self):
        return self.order_by(*READING_ORDER)

    def latest_first(self):
        return self.order_by("-published_at", "-id")


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    pass


def bylines_prefetch(lookup: str = "bylines") -> Prefetch:
    """Bylines in printed order with their authors, for prefetch_related (`lookup` may reach them through a
    relation: "article__bylines")."""
    from .models import Byline

    return Prefetch(lookup, queryset=Byline.objects.select_related("author").order_by("order", "id"))


class IssueQuerySet(models.QuerySet):
    def with_public_articles(self, now=None):
        """Issues with at least one article the public may see; an issue with none is neither listed nor
        served."""
        from .models import Article

        return self.filter(Exists(Article.objects.published(now).filter(issue=OuterRef("pk"))))

    def todays_paper(self, now=None):
        """Today's paper (今日报纸): the newest released issue whose release time has come and that has a public
        article; while there is none, the newest never-released issue with a public article (an issue released
        for a time still ahead waits for it).

        Newest first by date (its unique index), stopping at the first that qualifies: one short query, however
        many issues the archive holds (ordering all of them by "released or not" cost a scan of every issue)."""
        now = now or timezone.now()
        public = self.with_public_articles(now).order_by("-date")
        return public.filter(released_at__lte=now).first() or public.filter(released_at__isnull=True).first()


class IssuePageQuerySet(models.QuerySet):
    def with_files_public(self, now=None):
        """Annotate `files_public`: whether the public may see the printed page itself (image and PDF). Yes when
        at least one article is placed on the page and every article placed on it, or with an area on it
        (转版), is public, since the image shows them all. The rule for page files (files/release.py)."""
        from .models import Article, PageArea

        placed = Article.objects.filter(page=OuterRef("pk"))
        hidden_areas = PageArea.objects.filter(page=OuterRef("pk")).exclude(
            published_q(now, prefix="article__")
        )
        rule = Q(Exists(placed)) & ~Q(Exists(placed.exclude(published_q(now)))) & ~Q(Exists(hidden_areas))
        return self.annotate(files_public=ExpressionWrapper(rule, output_field=models.BooleanField()))

    def fully_public(self, now=None):
        """The pages whose image and PDF the public may see (`with_files_public`)."""
        return self.with_files_public(now).filter(files_public=True)


class ShareLinkQuerySet(models.QuerySet):
    def valid(self, now=None):
        """Share links that still grant a look: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


def next_publication_after(now: datetime.datetime) -> datetime.datetime | None:
    """When the next scheduled article goes public (status published, published_at in the future), or the next
    issue released for a later time becomes today's paper, whichever comes first; cached public pages expire
    then (registered with core/pagecache.py by ArticlesConfig.ready). One query: both are few."""
    from .models import Article, Issue

    articles = Article.objects.scheduled(now).order_by().values_list("published_at", flat=True)
    releases = Issue.objects.filter(released_at__gt=now).order_by().values_list("released_at", flat=True)
    return articles.union(releases, all=True).order_by("published_at").first()


# A scheduled article whose time passed this long ago by the database's clock must be public by ours.
OVERDUE_AFTER = datetime.timedelta(minutes=1)


def check_schedule() -> dict:
    """/healthz's schedule check: no scheduled article overdue by more than a minute. Visibility is decided at
    query time with this server's clock, so an article is overdue when the database's clock says its time passed
    more than a minute ago but this server would still hide it (a server whose clock lags its peers)."""
    from core.health import database_now

    from .models import Article

    database_time = database_now()
    server_now = timezone.now()
    due = Article.objects.filter(status="published", published_at__lte=database_time - OVERDUE_AFTER)
    count = due.exclude(pk__in=Article.objects.published(server_now).values("pk")).count()
    skew = (server_now - database_time).total_seconds()
    if count:
        raise RuntimeError(
            f"{count} scheduled article(s) overdue by more than a minute (clock skew {skew:+.1f}s)"
        )
    return {"clock_skew_seconds": round(skew, 3)}
