"""Indexes for the public queries at a newspaper's scale (checked with EXPLAIN at 100,000 articles, see
docs/performance.md).

The models already index status and publication time, issue/page/position, and section; migration 0002 adds
the search index. What was missing is the other direction of each link table: from a tag, an organization, an
event or an author to its newest articles (entity pages, related articles), the web-only news of the home
page, and, on PostgreSQL, taggit's object_id as the bigint it is compared with (Article ids are bigint,
taggit's object_id an integer: the cast in every article-tag join kept PostgreSQL from using any index, so
each article page read all of taggit_taggeditem).

Plain SQL, so the models' state (and makemigrations) is unchanged; some of the tables belong to taggit and to
the link models.
"""

from django.db import migrations

INDEXES = [
    # name, table, columns, condition, PostgreSQL only
    # Tag pages and related articles: the articles of one tag, newest first.
    ("bench_taggeditem_tag_object", "taggit_taggeditem", "(tag_id, object_id)", "", False),
    # Every join from articles to their tags: ON articles_article.id = taggit_taggeditem.object_id::bigint.
    (
        "bench_taggeditem_object_bigint",
        "taggit_taggeditem",
        "((object_id::bigint), content_type_id)",
        "",
        True,
    ),
    # Organization, event and author pages, related articles: from the entity to its articles.
    (
        "bench_articleorg_org_article",
        "articles_articleorganization",
        "(organization_id, article_id)",
        "",
        False,
    ),
    ("bench_articleevent_event_article", "articles_articleevent", "(event_id, article_id)", "", False),
    ("bench_byline_author_article", "articles_byline", "(author_id, article_id)", "", False),
    # The home page's latest web-only news (articles in no issue), newest first.
    (
        "bench_article_web_only",
        "articles_article",
        "(published_at DESC, id DESC)",
        "WHERE status = 'published' AND issue_id IS NULL",
        False,
    ),
]


def create_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, table, columns, condition, postgres_only in INDEXES:
        if postgres or not postgres_only:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns} {condition}".strip()
            )


def drop_indexes(apps, schema_editor):
    for name, *_rest in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_search_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
