"""The listing index: one row per published article and each section, tag, organization and event it belongs to,
and each author it names in a byline role (a kind per role), with the article's publication time. It is what the public listings of those entities read (articles/models/listing.py):
a popular tag's newest page, its page 1,000 and its count are index range scans of this one table, where joining
the link tables to the articles scanned and sorted every public article of the tag (issue 20: 0.6 s to count a
tag of 330,000 articles at a million, 0.1 s for its page 1,000). An author's page reads its rows by role the same
way, where sorting the author's bylines by role and publication cost 40 ms at 20,000 articles and grew with the
archive (docs/performance.md).

Derived data, never edited: articles/models/listing.py keeps it equal to the articles and their links (a row for each
link of each article whose status is published, whatever its time: `published_at <= now` in the query is the rest
of the visibility rule, so a scheduled article appears at its time with no write).

Keeping it: `refresh(ids)` replaces the rows of some articles with what their rows and links say now (one DELETE
and one INSERT … SELECT over the four kinds); `rebuild()` does it for every article. The receivers below call
`refresh` inside the transaction of every write that can change an article's rows: the article saved (its
status, time, section) or deleted, a link row saved or deleted (tags, organizations, events), a many-to-many
change from either side, a byline saved or deleted, a target deleted. What signals cannot see must refresh itself: queryset.update() of an
article's status, published_at or section, bulk_create() of links, raw SQL (`manage.py rebuild_listing`;
seed_bench writes the rows with the articles).

Reading: `visible(kind, target)` is a listing's rows with the visibility rule's time half, `article_ids` its
ids newest first. tests/articles/test_listing.py holds the index equal to a rebuild after every kind of write,
and a listing's ids equal to `Article.objects.published()` filtered the long way.
"""

from collections import Counter

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import TaggedItem

from .article import Article, ArticleEvent, ArticleOrganization, ArticleStatus, Byline


class Listing(models.Model):
    class Kind(models.IntegerChoices):
        SECTION = 1, _("section")
        TAG = 2, _("tag")
        ORGANIZATION = 3, _("organization")
        EVENT = 4, _("event")
        # An author's bylines, a kind per role, numbered in the roles' order (Byline.Role): an author's page lists
        # its roles in this order.
        REPORTER = 11, _("author: staff reporter")
        CORRESPONDENT = 12, _("author: correspondent")
        PHOTOGRAPHER = 13, _("author: photographer")
        AUTHOR = 14, _("author: author")
        EDITOR = 15, _("author: desk editor")

    kind = models.PositiveSmallIntegerField(_("kind"), choices=Kind.choices)
    target_id = models.BigIntegerField(_("section, tag, organization, event or author"))
    # No constraint and no cascade: an article's rows are deleted by articles/models/listing.py after the article (its
    # links, deleted first, each refresh the rows of an article still there).
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )
    published_at = models.DateTimeField(_("published at"), null=True)

    class Meta:
        verbose_name = _("listing entry")
        verbose_name_plural = _("listing entries")
        default_permissions = ()
        indexes = [
            # A listing's page, newest first, and its count: an index-only range scan.
            models.Index(fields=["kind", "target_id", "-published_at", "-article"], name="listing_newest"),
            # An article's rows, replaced whenever it or its links change.
            models.Index(fields=["article", "kind"], name="listing_article"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target_id}: {self.article_id}"


class ListingCount(models.Model):
    """How many rows the listing index holds for each target of each kind, kept with the rows (`refresh`): a
    listing's count is this total less its rows still to come (`count`), where counting a popular tag's rows
    read 330,000 index entries at a million articles on every page rendered without fragments."""

    kind = models.PositiveSmallIntegerField(_("kind"), choices=Listing.Kind.choices)
    target_id = models.BigIntegerField(_("section, tag, organization, event or author"))
    total = models.BigIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("listing count")
        verbose_name_plural = _("listing counts")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["kind", "target_id"], name="listing_count_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target_id}: {self.total}"


Kind = Listing.Kind
PUBLISHED = (
    ArticleStatus.PUBLISHED.value
)  # the visibility rule's status half (articles/querysets.py published_q)
# Each kind: the table linking articles to it, its article column and its target column (None: the article
# table's own column). A tag link names an article when its content type is Article's.
_SOURCES = {
    Kind.SECTION: (None, None, "section_id"),
    Kind.TAG: (TaggedItem, "object_id", "tag_id"),
    Kind.ORGANIZATION: (ArticleOrganization, "article_id", "organization_id"),
    Kind.EVENT: (ArticleEvent, "article_id", "event_id"),
}
# Each byline role's kind; the bylines are one more source, their kind chosen by role.
ROLE_KINDS = {
    Byline.Role.REPORTER: Kind.REPORTER,
    Byline.Role.CORRESPONDENT: Kind.CORRESPONDENT,
    Byline.Role.PHOTOGRAPHER: Kind.PHOTOGRAPHER,
    Byline.Role.AUTHOR: Kind.AUTHOR,
    Byline.Role.EDITOR: Kind.EDITOR,
}
KIND_ROLES = {kind: role for role, kind in ROLE_KINDS.items()}
# The models of the targets, for deleting a target's rows (an author's bylines go before it, each refreshing).
TARGET_MODELS = {
    Kind.SECTION: ("articles", "Section"),
    Kind.TAG: ("taggit", "Tag"),
    Kind.ORGANIZATION: ("people", "Organization"),
    Kind.EVENT: ("articles", "Event"),
}


def _select(where: str, where_params: list) -> tuple[str, list]:
    """INSERT … SELECT of every listing row of the articles `a` matching `where` (SQL on alias a)."""
    article = Article._meta.db_table
    selects, params = [], []
    for kind, (link, article_column, target_column) in _SOURCES.items():
        if link is None:
            source, condition = f"{article} a", f"a.{target_column} IS NOT NULL"
            params.append(PUBLISHED)
        else:
            source = f"{link._meta.db_table} l JOIN {article} a ON a.id = l.{article_column}"
            condition = "l.content_type_id = %s" if link is TaggedItem else "1 = 1"
            params += [ContentType.objects.get_for_model(Article).pk] if link is TaggedItem else []
            params.append(PUBLISHED)
        column = f"a.{target_column}" if link is None else f"l.{target_column}"
        selects.append(
            f"SELECT {kind:d}, {column}, a.id, a.published_at FROM {source}"
            f" WHERE {condition} AND a.status = %s AND {where}"
        )
        params += where_params
    # The bylines: a row for each, its kind the role's (ROLE_KINDS).
    roles = " ".join(f"WHEN %s THEN {kind:d}" for kind in ROLE_KINDS.values())
    selects.append(
        f"SELECT CASE b.role {roles} END, b.author_id, a.id, a.published_at FROM {Byline._meta.db_table} b"
        f" JOIN {article} a ON a.id = b.article_id WHERE a.status = %s AND {where}"
    )
    params += [str(role) for role in ROLE_KINDS] + [PUBLISHED, *where_params]
    table = Listing._meta.db_table
    sql = f"INSERT INTO {table} (kind, target_id, article_id, published_at) " + " UNION ALL ".join(selects)
    return sql, params


def refresh(article_ids, using: str = "default", *, published: bool = True) -> None:
    """Make the listing rows of these articles what their rows and links say now (none for a deleted one), and
    their targets' counts with them. published=False: the caller knows they are not published (just saved so):
    only delete."""
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    table = Listing._meta.db_table
    with connections[using].cursor() as cursor:
        for start in range(0, len(ids), 200):  # SQLite takes at most 999 parameters a statement
            chunk = ids[start : start + 200]
            marks = ", ".join(["%s"] * len(chunk))
            targets = f"SELECT kind, target_id FROM {table} WHERE article_id IN ({marks})"
            cursor.execute(targets, chunk)
            changes = Counter()
            changes.subtract(cursor.fetchall())  # the rows before go, those after come (below)
            cursor.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk)
            if published:
                cursor.execute(*_select(f"a.id IN ({marks})", chunk))
                cursor.execute(targets, chunk)
                for key in cursor.fetchall():
                    changes[key] += 1
            _add_to_counts(cursor, {key: n for key, n in changes.items() if n})


def _add_to_counts(cursor, changes: dict) -> None:
    """Add each change {(kind, target_id): n} to its count: an increment under the row's lock, so concurrent
    refreshes of one tag's articles add up (recounting would let the later of two overwrite the other)."""
    if not changes:
        return
    table = ListingCount._meta.db_table
    ordered = sorted(changes.items())  # one order: two refreshes never wait on each other's rows in a cycle
    sql = (
        f"INSERT INTO {table} (kind, target_id, total) VALUES {', '.join(['(%s, %s, %s)'] * len(ordered))}"
        f" ON CONFLICT (kind, target_id) DO UPDATE SET total = {table}.total + excluded.total"
    )
    cursor.execute(sql, [value for (kind, target_id), n in ordered for value in (kind, target_id, n)])


def rebuild(using: str = "default") -> int:
    """Every listing row again, from the articles and their links, and every count; returns how many rows."""
    table = Listing._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(*_select("1 = 1", []))
        recount(cursor)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def recount(cursor) -> None:
    """Every target's count from the rows (after the rows were written in bulk: a rebuild, seed_bench)."""
    table, counts = Listing._meta.db_table, ListingCount._meta.db_table
    cursor.execute(f"DELETE FROM {counts}")
    cursor.execute(
        f"INSERT INTO {counts} (kind, target_id, total) SELECT kind, target_id, COUNT(*) FROM {table}"
        " GROUP BY kind, target_id"
    )


def visible(kind: int, target_id: int, now=None):
    """The rows of the public articles of a section, tag, organization or event: the visibility rule's time
    half (`published_at <= now`; rows exist for published articles only, the other half)."""
    return Listing.objects.filter(kind=kind, target_id=target_id, published_at__lte=now or timezone.now())


def visible_in(kinds, target_id: int, now=None):
    """`visible` for several kinds of one target (an author's roles)."""
    return Listing.objects.filter(
        kind__in=list(kinds), target_id=target_id, published_at__lte=now or timezone.now()
    )


def counts(kinds, target_id: int, now=None) -> dict[int, int]:
    """{kind: how many public articles the target has in that kind}: its kept totals less its rows still to come
    (scheduled articles: the index's newest entries, a short range), in one short query whatever the archive."""
    coming = (
        Listing.objects.filter(
            kind=models.OuterRef("kind"), target_id=target_id, published_at__gt=now or timezone.now()
        )
        .values("kind")
        .annotate(n=models.Count("*"))
        .values("n")
    )
    found = dict(
        ListingCount.objects.filter(kind__in=list(kinds), target_id=target_id)
        .annotate(coming=Coalesce(models.Subquery(coming), 0))
        .values_list("kind", models.F("total") - models.F("coming"))
    )
    return {kind: found.get(kind, 0) for kind in kinds}


def count(kind: int, target_id: int, now=None) -> int:
    """How many public articles a section, tag, organization or event has (`counts` for one kind)."""
    return counts([kind], target_id, now)[kind]


def article_ids(kind: int, target_id: int, now=None):
    """The public articles of a section, tag, organization or event, newest first: a queryset of ids."""
    return (
        visible(kind, target_id, now)
        .order_by("-published_at", "-article_id")
        .values_list("article_id", flat=True)
    )


# --- the receivers -------------------------------------------------------------------------------------


# What an article's own rows depend on; a save naming none of these (update_fields) leaves them as they are.
ARTICLE_FIELDS = {"status", "published_at", "section", "section_id"}


def article_saved(sender, instance, using="default", update_fields=None, **kwargs):
    if update_fields is not None and not ARTICLE_FIELDS & set(update_fields):
        return
    # When the status was written, the row says what the instance does: unpublished, nothing to insert.
    status_written = update_fields is None or "status" in update_fields
    refresh([instance.pk], using, published=not status_written or instance.status == PUBLISHED)


def article_deleted(sender, instance, using="default", **kwargs):
    refresh([instance.pk], using, published=False)


def link_written(sender, instance, using="default", **kwargs):
    """A link row saved or deleted: its article's rows again (nothing in the site moves a row to another
    article; one that did would refresh the new article only, and `rebuild_listing` set the old one right)."""
    if sender is TaggedItem and instance.content_type_id != ContentType.objects.get_for_model(Article).pk:
        return
    refresh([instance.object_id if sender is TaggedItem else instance.article_id], using)


def links_changed(sender, instance, action, reverse, pk_set=None, using="default", **kwargs):
    """A many-to-many change of an article's tags, organizations or events, from either side."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Article):
        refresh([instance.pk], using)
    elif action == "post_clear":
        target_deleted(type(instance), instance, using)
    elif pk_set:
        refresh(pk_set, using)


def byline_written(sender, instance, using="default", **kwargs):
    """A byline saved or deleted: its article's rows again (its author's, or its role's, may have changed)."""
    refresh([instance.article_id], using)


def target_deleted(sender, instance, using="default", **kwargs):
    """A tag (or any target) gone: its rows go with it (a tag's links are deleted with it, row by row)."""
    for kind, (app_label, name) in TARGET_MODELS.items():
        if sender is apps.get_model(app_label, name):
            Listing.objects.using(using).filter(kind=kind, target_id=instance.pk).delete()
            ListingCount.objects.using(using).filter(kind=kind, target_id=instance.pk).delete()


def connect() -> None:
    """Connect the receivers (from ArticlesConfig.ready())."""
    uid = "articles.listing"
    post_save.connect(article_saved, sender=Article, dispatch_uid=f"{uid}.article_saved")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid=f"{uid}.article_deleted")
    for model in (TaggedItem, ArticleOrganization, ArticleEvent):
        post_save.connect(link_written, sender=model, dispatch_uid=f"{uid}.link_saved")
        post_delete.connect(link_written, sender=model, dispatch_uid=f"{uid}.link_deleted")
    post_save.connect(byline_written, sender=Byline, dispatch_uid=f"{uid}.byline_saved")
    post_delete.connect(byline_written, sender=Byline, dispatch_uid=f"{uid}.byline_deleted")
    for through in (Article.tags.through, Article.organizations.through, Article.events.through):
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"{uid}.m2m")
    for app_label, name in TARGET_MODELS.values():
        post_delete.connect(
            target_deleted, sender=apps.get_model(app_label, name), dispatch_uid=f"{uid}.target"
        )
