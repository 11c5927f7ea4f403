"""Search index: on PostgreSQL a weighted tsvector generated from Article.search_text, with a GIN index.

The column is STORED and GENERATED, so PostgreSQL keeps it current whenever search_text changes (the model does
not declare it; search/engine.py queries it with raw SQL). search_text has three parts separated by "|"
(see search/text.py): title (weight A); kicker, subtitle, summary and bylines (B); body and notes (D).
On other databases the schema is unchanged and search uses a fallback over search_text.

Existing rows get their search_text filled in, on every database, by this migration's own frozen copy of the
rules of search/text.py as they were when it was written (a migration never imports live code that may change).
"""

import html
import re
import unicodedata
from html.parser import HTMLParser

import rjieba
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


# --- frozen copy of the search text's rules (search/text.py, 2026-11) ---------------------------------------

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
_TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")
_BLOCKS = {
    "p", "br", "hr", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "table", "tr", "td", "th", "caption", "figure", "figcaption", "img",
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _plain(value):
    if not value:
        return ""
    parser = _Text()
    parser.feed(value)
    parser.close()
    return _SPACE_RE.sub(" ", html.unescape("".join(parser.parts))).strip()


def _segment(text):
    ngrams, words = [], []
    normal = _CONTROL_RE.sub(" ", unicodedata.normalize("NFKC", text or "")).lower()
    for match in _TOKEN_RE.finditer(normal):
        run = match.group("cjk")
        if run:
            ngrams.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]])
            # rjieba (jieba-rs) since 2026-12: jieba 0.42's words, and jieba is no longer a dependency.
            words.extend(word for word in rjieba.cut_for_search(run, hmm=True) if len(word) > 1)
        else:
            words.append(match.group("word"))
    return " ".join(ngrams + words)


def build_search_text(*, title, kicker, subtitle, summary, body, author_note, image_caption, names):
    return " | ".join([
        _segment(title),
        _segment(" \n ".join([kicker, subtitle, summary, *names])),
        _segment(" \n ".join([_plain(body), author_note, image_caption])),
    ])


def fill_search_text(apps, schema_editor):
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
