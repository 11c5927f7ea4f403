"""Search index: on PostgreSQL a weighted tsvector generated from Article.search_text, with a GIN index.

The column is STORED and GENERATED, so PostgreSQL keeps it current whenever search_text changes (the model does
not declare it; articles/search.py queries it with raw SQL). search_text has three parts separated by "|"
(see articles/search.py): title (weight A); kicker, subtitle, summary and bylines (B); body and notes (D).
On other databases the schema is unchanged and search uses a fallback over search_text.

Existing rows get their search_text filled in, on every database.
"""

from django.db import migrations

COLUMN_SQL = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, split_part(search_text, '|', 1)), 'A')
    || setweight(to_tsvector('simple'::regconfig, split_part(search_text, '|', 2)), 'B')
    || setweight(to_tsvector('simple'::regconfig, split_part(search_text, '|', 3)), 'D')
) STORED
"""
INDEX_SQL = "CREATE INDEX article_search_vector_gin ON articles_article USING GIN (search_vector)"


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COLUMN_SQL)
    schema_editor.execute(INDEX_SQL)


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS article_search_vector_gin")
    schema_editor.execute("ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector")


def fill_search_text(apps, schema_editor):
    from articles.search import build_search_text

    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    db = schema_editor.connection.alias
    names = {}
    for article_id, name in (
        Byline.objects.using(db).order_by("order", "id").values_list("article_id", "author__name")
    ):
        names.setdefault(article_id, []).append(name)
    for article in Article.objects.using(db).iterator(chunk_size=500):
        text = build_search_text(
            title=article.title,
            kicker=article.kicker,
            subtitle=article.subtitle,
            summary=article.summary,
            body=article.body,
            author_note=article.author_note,
            image_caption=article.image_caption,
            names=names.get(article.pk, []),
        )
        if text != article.search_text:
            Article.objects.using(db).filter(pk=article.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_search_vector, drop_search_vector, elidable=False),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
    ]
