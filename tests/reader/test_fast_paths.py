"""The article page's shortcut gives what the general path gives: `linked` (reader/loading.py) reads the links
load_links installed, with no query, and asks the database like `article.<relation>.all()` otherwise."""

import pytest

from articles.models import Article
from reader.loading import linked, load_article, load_links
from tests.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db


def test_linked_reads_what_was_loaded_and_queries_otherwise(django_assert_num_queries):
    article = PublishedArticleFactory(tags=["量子科技", "湿地保护"])
    loaded = load_article(article.pk)
    load_links(loaded)
    with django_assert_num_queries(0):
        assert sorted(tag.name for tag in linked(loaded, "tags")) == ["湿地保护", "量子科技"]
        assert list(linked(loaded, "events")) == []
    fresh = Article.objects.get(pk=article.pk)
    with django_assert_num_queries(1):
        assert sorted(tag.name for tag in linked(fresh, "tags")) == ["湿地保护", "量子科技"]
