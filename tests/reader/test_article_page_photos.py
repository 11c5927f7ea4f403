"""The article page asks for an article's photos (组图) only when it has some: load_article's statement says
whether there are any, and an article without photos (most of the archive) has none installed at once."""

import pytest

from articles.models import ArticlePhoto
from reader.loading import load_article
from tests.factories import PublishedArticleFactory, image_file

pytestmark = pytest.mark.django_db


def add_photos(article, captions):
    for order, caption in enumerate(captions):
        ArticlePhoto.objects.create(
            article=article, image=image_file(size=(300, 200)), caption=caption, order=len(captions) - order
        )


def test_an_article_without_photos_has_none_installed(django_assert_num_queries):
    article = PublishedArticleFactory()
    with django_assert_num_queries(1):
        loaded = load_article(article.pk)
        assert list(loaded.photos.all()) == []


def test_an_article_with_photos_loads_them_in_order():
    article = PublishedArticleFactory()
    add_photos(article, ["第一张", "第二张"])
    loaded = load_article(article.pk)
    assert "photos" not in getattr(loaded, "_prefetched_objects_cache", {})
    assert [photo.caption for photo in loaded.photos.all()] == ["第二张", "第一张"]  # by order


def test_the_page_costs_one_query_less_without_photos(client, django_assert_num_queries):
    plain = PublishedArticleFactory(tags=["科学普及"])
    illustrated = PublishedArticleFactory(tags=["科学普及"])
    add_photos(illustrated, ["展厅一角"])
    for article in (plain, illustrated):
        client.get(article.get_absolute_url())  # the shared fragments (related articles, navigation) are kept
    # The article with its issue, page and section; its links and neighbours; the photos only where there are.
    with django_assert_num_queries(2):
        response = client.get(plain.get_absolute_url())
    assert response.context["photos"] == []
    assert 'class="gallery"' not in response.content.decode()
    with django_assert_num_queries(3):
        response = client.get(illustrated.get_absolute_url())
    assert [photo.caption for photo in response.context["photos"]] == ["展厅一角"]
    assert 'class="gallery"' in response.content.decode()


def test_a_photo_added_later_shows_at_once(client):
    article = PublishedArticleFactory()
    assert 'class="gallery"' not in client.get(article.get_absolute_url()).content.decode()
    add_photos(article, ["新照片"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="gallery"' in html
    assert "新照片" in html
