"""Tags: a slug is never empty, a name has a letter and a bounded length wherever it is typed, and the tag
admin's merge is an editor's (articles/models/tags.py, articles/admin/tags.py)."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from taggit.models import Tag

from articles.models import Article
from articles.models.tags import TAG_NAME_MAX_LENGTH, fallback_tag_slug
from tests.factories import ArticleFactory, PublishedArticleFactory, editor, reporter
from tests.security.adminforms import form_errors, post_admin_form

pytestmark = pytest.mark.django_db


# ----- slugs -----------------------------------------------------------------------------------------------


def test_a_tag_without_letters_gets_a_stable_unique_slug():
    article = ArticleFactory()
    article.tags.add("!!!", "???", "科普")
    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert slugs["!!!"] == fallback_tag_slug("!!!") and slugs["!!!"].startswith("tag-")
    assert slugs["???"] == fallback_tag_slug("???") != slugs["!!!"]
    assert slugs["科普"] == "科普"  # a name with letters keeps taggit's slug


def test_a_fallback_slug_already_taken_is_made_unique():
    Tag.objects.create(name="占位", slug=fallback_tag_slug("!!!"))
    tag = Tag.objects.create(name="!!!")
    assert tag.slug == fallback_tag_slug("!!!") + "-2"


def test_a_published_article_with_a_punctuation_tag_keeps_its_pages_and_the_sitemap(client):
    article = PublishedArticleFactory(tags=["!!!"])
    tag = article.tags.get()
    sitemap = client.get("/sitemap-tags.xml")
    assert sitemap.status_code == 200
    assert f"/tags/{tag.slug}/" in sitemap.content.decode()
    assert client.get(f"/tags/{tag.slug}/").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200


def test_the_migration_gives_empty_slugs_their_fallback():
    kept = Tag.objects.create(name="科普")
    empty = Tag.objects.create(name="!!!")
    slashed = Tag.objects.create(name="a/b")
    Tag.objects.filter(pk=empty.pk).update(slug="")
    Tag.objects.filter(pk=slashed.pk).update(slug="a/b")
    migration = importlib.import_module("articles.migrations.0006_tag_slugs_not_empty")
    migration.fill_slugs(apps, None)
    slugs = dict(Tag.objects.values_list("pk", "slug"))
    assert slugs[empty.pk] == fallback_tag_slug("!!!")
    assert slugs[slashed.pk] == fallback_tag_slug("a/b")
    assert slugs[kept.pk] == "科普"


# ----- names, in the article form and the tag admin ----------------------------------------------------------


@pytest.fixture
def desk():
    client = Client()
    client.force_login(reporter("tag_reporter"))
    return client


@pytest.mark.parametrize(
    "typed, code",
    [
        ("!!!", "tag_without_letter"),
        ("科普, 2026", "tag_without_letter"),
        ("？？，。。", "tag_without_letter"),
        ("长" * (TAG_NAME_MAX_LENGTH + 1), "tag_too_long"),
    ],
)
def test_the_article_form_refuses_tag_names_without_letters_or_too_long(desk, typed, code):
    response = post_admin_form(
        desk, "/admin/articles/article/add/", {"title": "标签测试", "new_tags": typed}, expect_saved=False
    )
    assert response.status_code == 200
    assert code in [c for c, _message in form_errors(response)["new_tags"]]
    assert not Article.objects.filter(title="标签测试").exists()
    assert not Tag.objects.exists()


def test_the_article_form_takes_tag_names_with_letters(desk):
    post_admin_form(
        desk, "/admin/articles/article/add/", {"title": "标签测试", "new_tags": "科普，5G、AI；长"}
    )
    assert set(Article.objects.get(title="标签测试").tags.names()) == {"科普", "5G", "AI", "长"}


@pytest.mark.parametrize("name", ["!!!", "2026", "长" * (TAG_NAME_MAX_LENGTH + 1)])
def test_the_tag_admin_refuses_such_names(desk, name):
    response = post_admin_form(
        desk, "/admin/taggit/tag/add/", {"name": name, "slug": "x-slug"}, expect_saved=False
    )
    assert response.status_code == 200 and "name" in form_errors(response)
    assert not Tag.objects.exists()


def test_the_tag_admin_takes_a_good_name(desk):
    post_admin_form(desk, "/admin/taggit/tag/add/", {"name": "量子科技", "slug": "量子科技"})
    assert Tag.objects.get().name == "量子科技"


# ----- merging tags ----------------------------------------------------------------------------------------


def _choose_for_merge(client, ids):
    return client.post(
        "/admin/taggit/tag/", {"action": "render_tag_form", "_selected_action": [str(i) for i in ids]}
    )


def test_a_reporter_may_not_merge_tags(desk):
    one, two = Tag.objects.create(name="科普"), Tag.objects.create(name="科学普及")
    session = desk.session
    session["selected_tag_ids"] = f"{one.pk},{two.pk}"
    session.save()
    assert desk.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "合并"}).status_code == 403
    assert set(Tag.objects.values_list("name", flat=True)) == {"科普", "科学普及"}


@pytest.mark.parametrize("chosen", ["", "abc", "9" * 30, "1,abc", "-1", "99999"])
def test_forged_merge_choices_never_cause_a_server_error(chosen):
    client = Client()
    client.force_login(editor("tag_editor"))
    session = client.session
    session["selected_tag_ids"] = chosen
    session.save()
    for response in (
        client.get("/admin/taggit/tag/merge-tags/"),
        client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "合并"}),
    ):
        assert response.status_code == 302
    assert not Tag.objects.filter(name="合并").exists()


def test_an_editor_merges_tags_into_a_good_name_only():
    client = Client()
    client.force_login(editor("tag_editor"))
    article = ArticleFactory(tags=["科普", "科学普及"])
    ids = list(Tag.objects.values_list("pk", flat=True))
    assert _choose_for_merge(client, ids).status_code == 302
    refused = client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "!!!"})
    assert refused.status_code == 302 and not Tag.objects.filter(name="!!!").exists()
    assert client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "科学普及"}).status_code == 302
    assert list(article.tags.names()) == ["科学普及"]  # merged into one of the tags chosen, and kept
