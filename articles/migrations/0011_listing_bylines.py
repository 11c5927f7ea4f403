"""The listing index holds each author's bylines, a kind per role (articles/models/listing.py ROLE_KINDS): the
author pages read them as the other listings do."""

from django.db import migrations, models

# The byline rows of every published article, as articles/models/listing.py `rebuild` writes them (frozen here).
FILL = """
INSERT INTO articles_listing (kind, target_id, article_id, published_at)
SELECT CASE b.role WHEN 'reporter' THEN 11 WHEN 'correspondent' THEN 12 WHEN 'photographer' THEN 13
                   WHEN 'author' THEN 14 WHEN 'editor' THEN 15 END,
       b.author_id, a.id, a.published_at
  FROM articles_byline b JOIN articles_article a ON a.id = b.article_id
 WHERE a.status = 'published'
"""
EMPTY = "DELETE FROM articles_listing WHERE kind >= 11"


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_search_index_dates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="listing",
            name="kind",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "section"),
                    (2, "tag"),
                    (3, "organization"),
                    (4, "event"),
                    (11, "author: staff reporter"),
                    (12, "author: correspondent"),
                    (13, "author: photographer"),
                    (14, "author: author"),
                    (15, "author: desk editor"),
                ],
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="target_id",
            field=models.BigIntegerField(verbose_name="section, tag, organization, event or author"),
        ),
        migrations.RunSQL(FILL, EMPTY),
    ]
