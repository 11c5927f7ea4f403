"""Search index: the publication time inside the search index (PostgreSQL).

A search takes the newest matches of a date range (search/engine.py `result_window`). With the search vector
alone in its GIN index, PostgreSQL found every match of the archive in the index and fetched each one's row to
check its date: at a million articles, 21,602 rows read for the 1,029 of the last year that match 人工智能
(350 ms). With the publication time in the same index (btree_gin's operator classes for timestamps), one
index scan keeps only the range's matches: 29 ms. The index keeps its name; queries on the vector alone use it
as they used the old one.

The time is indexed as an expression (UTC, without a zone), which only search/engine.py's lower bound names
(`_indexed_since`): on the column itself, the visibility rule's `published_at <= now` would go into the same
index scan and read nearly every entry of the archive's times (600 ms instead of 29 at a million).

Built CONCURRENTLY (the migration is not atomic): at a million articles the build takes minutes, during which
articles can still be written. On other databases nothing changes.
"""

from django.db import migrations

INDEX = "CREATE INDEX CONCURRENTLY {name} ON articles_article USING GIN ({columns})"


def _rebuild(schema_editor, columns: str) -> None:
    """article_search_vector_gin rebuilt over `columns`, built beside the old one and then put in its place."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS article_search_vector_new_gin")  # an earlier try
    schema_editor.execute(INDEX.format(name="article_search_vector_new_gin", columns=columns))
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS article_search_vector_gin")
    schema_editor.execute("ALTER INDEX article_search_vector_new_gin RENAME TO article_search_vector_gin")


def add_dates(apps, schema_editor):
    _rebuild(schema_editor, "search_vector, (published_at AT TIME ZONE 'UTC')")


def remove_dates(apps, schema_editor):
    _rebuild(schema_editor, "search_vector")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("articles", "0009_listing")]

    operations = [migrations.RunPython(add_dates, remove_dates)]
