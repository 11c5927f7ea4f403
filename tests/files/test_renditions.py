"""Renditions live where their original lives (files/release.py, files/views.py, core/storage.py): private while
the article is not public, moved with their original into its random folder when it is, back when it is not,
deleted with it; the private view serves them to who may see the article; `sync_media --check` knows them."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticlePhoto
from core import renditions
from core.storage import PRIVATE_PREFIX, is_private
from files.views import derived_target
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    IssuePageFactory,
    PublishedArticleFactory,
    editor,
    image_file,
    reporter,
)

pytestmark = pytest.mark.django_db


def on_disk(root) -> set[str]:
    """The files under `root`, as names relative to it."""
    root = Path(root)
    return (
        {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    )


def public_files() -> set[str]:
    return on_disk(settings.MEDIA_ROOT)


def private_files() -> set[str]:
    return {PRIVATE_PREFIX + name for name in on_disk(settings.PRIVATE_MEDIA_ROOT)}


def with_renditions(name: str, width: int, height: int) -> set[str]:
    """The original and every rendition a picture `width`×`height` stored at `name` has."""
    made = [
        renditions.rendition_name(name, s, e[0])
        for s, _w in renditions.slots(width, height)
        for e in renditions.formats()
    ]
    return {name, *made, renditions.og_name(name)}


def photo_of(article, name="一号.png", size=(900, 600)) -> ArticlePhoto:
    return ArticlePhoto.objects.create(article=article, image=image_file(name, size), alt="野外照片", order=1)


def test_a_drafts_renditions_stay_private_move_with_it_when_published_and_back_when_withdrawn(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(status="review", image=image_file("雪豹.png"), image_alt="雪豹在岩壁上")
    private = article.image.name
    assert is_private(private)
    assert private_files() == with_renditions(private, 1200, 800) and public_files() == set()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(article, editor("desk"))
    article.refresh_from_db()
    public = article.image.name
    assert not is_private(public)
    assert public_files() == with_renditions(public, 1200, 800)  # all in the same random folder
    assert len({Path(name).parent for name in public_files()}) == 1
    assert private_files() == set()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(article, editor("desk"), "图片署名有误，撤回核实。")
    article.refresh_from_db()
    assert private_files() == with_renditions(article.image.name, 1200, 800) and public_files() == set()


def test_an_articles_photos_follow_it_with_their_renditions(django_capture_on_commit_callbacks):
    article = ArticleFactory(status="review")
    with django_capture_on_commit_callbacks(execute=True):
        first, second = photo_of(article, "一号.png"), photo_of(article, "二号.png", (300, 200))
    expected = with_renditions(first.image.name, 900, 600) | with_renditions(second.image.name, 300, 200)
    assert private_files() == expected and public_files() == set()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(article, editor("desk"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert not is_private(first.image.name) and not is_private(second.image.name)
    expected = with_renditions(first.image.name, 900, 600) | with_renditions(second.image.name, 300, 200)
    assert public_files() == expected and private_files() == set()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(article, editor("desk"), "组图需要重新核实。")
    first.refresh_from_db()
    assert is_private(first.image.name) and public_files() == set()
    assert with_renditions(first.image.name, 900, 600) <= private_files()


def test_an_authors_photo_is_public_with_its_renditions():
    author = AuthorFactory(photo=image_file("林知远.png", (600, 600)))
    assert author.photo.name.startswith("authors/") and (author.photo_width, author.photo_height) == (
        600,
        600,
    )
    assert public_files() == with_renditions(author.photo.name, 600, 600)


def test_a_page_images_renditions_are_public_only_with_the_page(django_capture_on_commit_callbacks):
    page = IssuePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        page.image.save("第3版.png", image_file("第3版.png", (800, 1100)), save=True)
    page.refresh_from_db()
    assert private_files() == with_renditions(page.image.name, 800, 1100)
    with django_capture_on_commit_callbacks(execute=True):
        PublishedArticleFactory(issue=page.issue, page=page)
    page.refresh_from_db()
    assert not is_private(page.image.name)
    assert public_files() == with_renditions(page.image.name, 800, 1100) and private_files() == set()


# ----- the private view -----


def test_the_private_view_serves_a_rendition_to_who_may_see_the_article_and_404_to_anyone_else(client):
    owner = reporter("owner")
    draft = ArticleFactory(created_by=owner, image=image_file("草稿配图.png"))
    photo = photo_of(draft)
    names = [
        *(renditions.rendition_name(draft.image.name, 720, e[0]) for e in renditions.formats()),
        renditions.og_name(draft.image.name),
        renditions.rendition_name(photo.image.name, 360, "webp"),
    ]
    types = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg"}
    never = default_storage.url(renditions.rendition_name(draft.image.name, 720, "jpg")).replace(
        "草稿", "别的"
    )
    for name in names:
        url = default_storage.url(name)
        assert url.startswith("/private-media/")
        client.logout()
        assert client.get(url).status_code == 404
        assert client.get(never).status_code == 404  # the same answer as a name nobody has
        client.force_login(reporter("other"))
        assert client.get(url).status_code == 404
        for who in (owner, editor("desk")):
            client.force_login(who)
            response = client.get(url)
            assert response.status_code == 200 and response["Content-Type"] == types[name.rsplit(".", 1)[1]]
            with default_storage.open(name, "rb") as stored:
                assert b"".join(response.streaming_content) == stored.read()


def test_after_a_clock_only_publication_a_rendition_request_moves_the_files_and_redirects(
    client, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status="review", image=image_file("日食.png"), image_alt="日食")
    photo = photo_of(article)
    workflow.approve(article, editor("desk"), publish_at=timezone.now() + datetime.timedelta(hours=1))
    article.refresh_from_db()
    rendition = renditions.rendition_name(article.image.name, 1080, "webp")
    photo_rendition = renditions.og_name(photo.image.name)
    assert client.get(default_storage.url(rendition)).status_code == 404  # not yet
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):  # the private copies go once the move commits
        response = client.get(default_storage.url(rendition))
    assert response.status_code == 302
    article.refresh_from_db()
    moved = renditions.rendition_name(article.image.name, 1080, "webp")
    assert not is_private(moved) and response["Location"] == default_storage.url(moved)
    assert moved in public_files() and rendition not in private_files()

    response = client.get(default_storage.url(photo_rendition))
    photo.refresh_from_db()
    assert response.status_code == 302 and not is_private(photo.image.name)
    assert response["Location"] == default_storage.url(renditions.og_name(photo.image.name))
    assert with_renditions(photo.image.name, 900, 600) <= public_files()


def test_derived_target_names_the_moved_rendition():
    original, moved = "private/articles/2026/12/p.png", "articles/2026/12/0123456789abcdef/p.png"
    assert derived_target(original, original, moved) == moved
    for old, new in zip(renditions.rendition_names(original), renditions.rendition_names(moved), strict=True):
        assert derived_target(old, original, moved) == new


# ----- deletion -----


def test_a_deleted_article_or_photo_takes_its_public_renditions_with_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = PublishedArticleFactory(image=image_file("旧闻.png"), image_alt="旧闻")
        kept = PublishedArticleFactory(image=image_file("留下.png", (400, 300)), image_alt="留下")
        photo = photo_of(kept)
    article.refresh_from_db()
    kept.refresh_from_db()
    photo.refresh_from_db()
    assert with_renditions(article.image.name, 1200, 800) <= public_files()
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert public_files() == with_renditions(kept.image.name, 400, 300) | with_renditions(
        photo.image.name, 900, 600
    )
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert public_files() == with_renditions(kept.image.name, 400, 300)


def test_replacing_a_public_picture_deletes_the_old_renditions_too(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = PublishedArticleFactory(image=image_file("旧图.png"), image_alt="旧图")
    with django_capture_on_commit_callbacks(execute=True):
        article.image = image_file("新图.png", (500, 400))
        article.save()
    article.refresh_from_db()
    assert public_files() == with_renditions(article.image.name, 500, 400)


# ----- sync_media -----


def test_sync_media_check_counts_renditions_as_referenced_and_still_finds_orphans(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        article = PublishedArticleFactory(image=image_file("图.png"), image_alt="图")
        photo_of(article)
        AuthorFactory(photo=image_file("作者.png", (300, 300)))
    out = io.StringIO()
    call_command("sync_media", "--check", stdout=out)
    assert "0 file(s) out of place, 0 unreferenced public file(s)" in out.getvalue()

    article.refresh_from_db()
    folder = article.image.name.rsplit("/", 1)[0]
    stray = f"{folder}/别人的.png.w360.webp"  # a rendition whose original no row names
    default_storage.save(stray, io.BytesIO(b"RIFF"))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("sync_media", "--check", stdout=out)
    assert f"public file no public article or page points to: {stray}" in out.getvalue()
    assert "1 unreferenced public file(s)" in out.getvalue()


# ----- how many queries -----


def _queries_to_save(article, django_capture_on_commit_callbacks) -> list[str]:
    with CaptureQueriesContext(connection) as context, django_capture_on_commit_callbacks(execute=True):
        article.title += "（更新）"
        article.save()
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize("state", ["review", "published"])
def test_saving_an_article_costs_the_same_queries_however_many_photos_it_has(
    state, django_capture_on_commit_callbacks
):
    counts = []
    for photos in (1, 4):
        with django_capture_on_commit_callbacks(execute=True):
            article = ArticleFactory(
                status=state, published_at=timezone.now() if state == "published" else None
            )
            for number in range(photos):
                photo_of(article, f"{number}.png", (120, 90))
        article = Article.objects.get(pk=article.pk)
        assert all(is_private(p.image.name) == (state == "review") for p in article.photos.all())
        counts.append(len(_queries_to_save(article, django_capture_on_commit_callbacks)))
    assert counts[0] == counts[1]
