"""Private until released (files/release.py, files/views.py, core/storage.py): MEDIA_ROOT holds only what may
be public now, and the rest reaches staff through a view that checks who asks."""

import datetime
import io
import os
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import workflow
from articles.models import Article, IssuePage
from core import renditions
from core.storage import is_private
from files import release
from tests.edition.helpers import area, pdf_upload
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    IssuePageFactory,
    PublishedArticleFactory,
    editor,
    image_file,
    reporter,
)
from tests.security.adminforms import admin_form_data, form_errors

pytestmark = pytest.mark.django_db


def files_under(root) -> list[Path]:
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def public_basenames() -> set[str]:
    return {p.name for p in files_under(settings.MEDIA_ROOT)}


def stored_with_renditions(name: str) -> list[str]:
    """`name` and those of its renditions that storage holds."""
    return [name, *(n for n in renditions.rendition_names(name) if default_storage.exists(n))]


def url_path(url: str) -> Path:
    assert url.startswith(settings.MEDIA_URL), url
    return Path(settings.MEDIA_ROOT) / urllib.parse.unquote(url[len(settings.MEDIA_URL) :])


def upload_page_pdf(client, page):
    url = reverse("admin:articles_issuepage_change", args=[page.pk])
    data = admin_form_data(client, url)
    data.update(pdf=pdf_upload("第3版.pdf"), _save="Save")
    data.pop("image", None)
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)


def add_draft_with_photo(client) -> Article:
    url = reverse("admin:articles_article_add")
    data = admin_form_data(client, url)
    data.update(
        title="未发表：高原鼠兔越冬观察",
        body="<p>研究团队在海拔四千米处布设了红外相机。</p>",
        image=image_file("鼠兔洞口.png"),
        image_caption="鼠兔洞口",
        _save="Save",
    )
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    return Article.objects.get(title="未发表：高原鼠兔越冬观察")


def test_unreleased_page_and_draft_photo_stay_out_of_media_root_until_released(
    client, django_capture_on_commit_callbacks, live_server
):
    issue = IssueFactory(number=1203, date=timezone.localdate())
    page = IssuePageFactory(issue=issue, number=3, name="科普")
    story = ArticleFactory(title="青藏高原冻土监测网建成", issue=issue, page=page, status="review")
    area(page, story, 0.05, 0.05, 0.9, 0.5)

    client.force_login(editor("desk"))
    with django_capture_on_commit_callbacks(execute=True):
        upload_page_pdf(client, page)
    client.force_login(reporter("field"))
    with django_capture_on_commit_callbacks(execute=True):
        draft = add_draft_with_photo(client)

    page.refresh_from_db()
    assert page.pdf and page.image and draft.image
    # Each picture has its renditions beside it (core/renditions.py): private too.
    ours = {
        os.path.basename(n)
        for n in (
            page.pdf.name,
            *stored_with_renditions(page.image.name),
            *stored_with_renditions(draft.image.name),
        )
    }
    ours.add(os.path.basename(page.image.name).replace(".jpg", ".thumb.jpg"))
    assert len(ours) == 2 * (1 + 4 * len(renditions.formats()) + 1) + 2  # both pictures wider than 1600
    assert not ours & public_basenames(), "an unreleased page or a draft's photo is in MEDIA_ROOT"
    assert {p.name for p in files_under(settings.PRIVATE_MEDIA_ROOT)} == ours
    # Nor can anybody fetch them: the page answers 404 and the private view answers 404 to an anonymous reader.
    client.logout()
    assert client.get(page.get_absolute_url()).status_code == 404
    for field in (page.pdf, page.image, draft.image):
        assert client.get(field.url).status_code == 404
    assert client.get(default_storage.url(renditions.og_name(draft.image.name))).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        result = workflow.release(issue, editor("chief"))
    assert result.approved

    page.refresh_from_db()
    assert not is_private(page.image.name) and not is_private(page.pdf.name)
    html = client.get(page.get_absolute_url()).content.decode()
    assert (
        f'src="{page.image.url}.w' in html and page.pdf.url in html
    )  # a rendition of it (core/renditions.py)
    # Reachable at the URL the page shows, over HTTP, and it is the page image.
    with urllib.request.urlopen(live_server.url + page.image.url) as response:
        assert response.status == 200
        assert Image.open(response).size == (1600, 2262)
    assert url_path(page.image.url).is_file()
    # The draft's photo is still private; the released page's files, renditions included, left private storage.
    assert os.path.basename(draft.image.name) not in public_basenames()
    assert {p.name for p in files_under(settings.PRIVATE_MEDIA_ROOT)} == {
        os.path.basename(n) for n in stored_with_renditions(draft.image.name)
    }
    assert {os.path.basename(n) for n in stored_with_renditions(page.image.name)} <= public_basenames()


def test_publishing_an_article_moves_its_picture_under_a_random_name_and_withdrawal_takes_it_back(
    client, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status="review", image=image_file("雪豹.png"), image_alt="雪豹")
    assert is_private(article.image.name)
    private_path = Path(settings.PRIVATE_MEDIA_ROOT) / article.image.name.removeprefix("private/")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(article, editor("desk"))
    article.refresh_from_db()
    name = article.image.name
    assert not is_private(name) and not private_path.exists()
    folder = Path(name).parent.name
    assert len(folder) == 16 and int(folder, 16) >= 0  # the random part
    assert url_path(article.image.url).is_file()
    assert client.get(article.get_absolute_url()).content.decode().count(article.image.url) >= 1

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(article, editor("desk"), "图片署名有误，撤回核实。")
    article.refresh_from_db()
    assert is_private(article.image.name)
    assert not url_path("/media/" + name).exists() and public_basenames() == set()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.reopen(article, editor("desk"))
        workflow.submit(article, editor("desk"))
        workflow.approve(article, editor("chief"))
    article.refresh_from_db()
    assert not is_private(article.image.name) and article.image.name != name  # never the same name again


def test_a_page_image_is_public_only_while_every_article_on_it_is(django_capture_on_commit_callbacks):
    page = IssuePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        PublishedArticleFactory(issue=page.issue, page=page)
        page.pdf.save("page.pdf", pdf_upload().file, save=True)
    page.refresh_from_db()
    assert not is_private(page.pdf.name)
    # A draft placed on the page: the printed page shows it, so the page goes private again at once.
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(issue=page.issue, page=page, status="draft")
    page.refresh_from_db()
    assert is_private(page.pdf.name) and public_basenames() == set()


def test_an_area_of_a_draft_on_a_public_page_makes_it_private(django_capture_on_commit_callbacks):
    page = IssuePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        PublishedArticleFactory(issue=page.issue, page=page)
        page.pdf.save("page.pdf", pdf_upload().file, save=True)
    continued = ArticleFactory(issue=page.issue, status="review")  # placed elsewhere, continued here (转版)
    with django_capture_on_commit_callbacks(execute=True):
        area(page, continued, 0.1, 0.6, 0.5, 0.3)
    page.refresh_from_db()
    assert is_private(page.pdf.name)


def test_the_private_view_lets_in_only_who_may_see_the_file(client):
    owner, other = reporter("owner"), reporter("other")
    draft = ArticleFactory(created_by=owner, image=image_file("草稿配图.png"))
    page = IssuePageFactory()
    page.pdf.save("page.pdf", pdf_upload().file, save=True)
    ArticleFactory(issue=page.issue, page=page)
    article_url, page_url = draft.image.url, page.pdf.url
    assert article_url.startswith("/private-media/") and page_url.startswith("/private-media/")

    assert client.get(article_url).status_code == 404
    client.force_login(other)
    assert client.get(article_url).status_code == 404
    assert client.get(page_url).status_code == 404  # reporters do not see pages
    client.force_login(owner)
    response = client.get(article_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    client.force_login(editor("desk"))
    assert client.get(article_url).status_code == 200
    response = client.get(page_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # Unknown names, and names that climb out of the folder, answer the same 404.
    for bad in (
        "/private-media/articles/nope.png",
        "/private-media/../db.sqlite3",
        "/private-media/a/../../x",
    ):
        assert client.get(bad).status_code == 404


def test_behind_nginx_the_view_answers_with_x_accel_redirect(client, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private_media/"
    draft = ArticleFactory(image=image_file("图.png"))
    client.force_login(editor("desk"))
    response = client.get(draft.image.url)
    assert response.status_code == 200 and response.content == b""
    inner = draft.image.name.removeprefix("private/")
    assert response["X-Accel-Redirect"] == "/_private_media/" + urllib.parse.quote(inner)


def test_when_the_clock_publishes_a_scheduled_article_the_first_request_moves_its_picture(client):
    article = ArticleFactory(status="review", image=image_file("日食.png"), image_alt="日食")
    workflow.approve(article, editor("desk"), publish_at=timezone.now() + datetime.timedelta(hours=1))
    article.refresh_from_db()
    assert is_private(article.image.name)
    old_url = article.image.url
    assert client.get(old_url).status_code == 404  # not yet
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(old_url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert response["Location"] == article.image.url and url_path(article.image.url).is_file()


def test_after_the_clock_releases_a_page_every_private_name_a_page_showed_leads_to_its_public_file(
    client, django_capture_on_commit_callbacks
):
    """An issue released for a later time: a page rendered just before links to the private names of the page's
    image, its thumbnail, its renditions and its PDF. The first of them requested moves them all; every other
    one (and the first again) still leads to its public file, not to a 404. Once the page is private again
    (a draft placed on it), none of them leads anywhere."""
    page = IssuePageFactory()
    story = ArticleFactory(issue=page.issue, page=page, status="review")
    client.force_login(editor("desk"))
    with django_capture_on_commit_callbacks(execute=True):
        upload_page_pdf(client, page)
    client.logout()
    workflow.approve(story, editor("chief"), publish_at=timezone.now() + datetime.timedelta(hours=1))
    page.refresh_from_db()
    image, pdf = page.image.name, page.pdf.name
    thumbnail = image.rsplit(".", 1)[0] + ".thumb.jpg"
    rendition = renditions.rendition_name(image, 1080, "webp")
    shown = [rendition, image, thumbnail, pdf]
    assert all(is_private(name) for name in shown)
    assert all(client.get(default_storage.url(name)).status_code == 404 for name in shown)  # not yet

    Article.objects.filter(pk=story.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):  # the private copies go once the move commits
        first = client.get(default_storage.url(rendition))
    page.refresh_from_db()
    assert not is_private(page.image.name) and not is_private(page.pdf.name)
    assert first.status_code == 302
    targets = {
        rendition: renditions.rendition_name(page.image.name, 1080, "webp"),
        image: page.image.name,
        thumbnail: page.image.name.rsplit(".", 1)[0] + ".thumb.jpg",
        pdf: page.pdf.name,
    }
    for private, public in targets.items():
        response = client.get(default_storage.url(private))
        assert response.status_code == 302, private
        assert response["Location"] == default_storage.url(public)
        assert url_path(response["Location"]).is_file()
    # A name that was never released, beside them, is still a 404.
    assert client.get(default_storage.url(image.replace(".", "x.", 1))).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(issue=page.issue, page=page, status="draft")  # the page shows a draft: private again
    page.refresh_from_db()
    assert is_private(page.image.name)
    for private in targets:
        assert client.get(default_storage.url(private)).status_code == 404


def test_a_share_link_preview_shows_the_draft_picture_through_a_signed_link(client, settings):
    from articles.sharing import make_share_link

    article = ArticleFactory(image=image_file("样片.png"))
    link = make_share_link(article, editor("desk"))
    html = client.get(reverse("shared_preview", args=[link.token])).content.decode()
    src = html.split("<figure", 1)[1].split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    # A rendition of the picture (core/renditions.py), signed for its own name only.
    assert src.startswith(article.image.url + ".w") and "?s=" in src
    assert client.get(src).status_code == 200
    signature = src.split("?s=", 1)[1]
    for slot in renditions.WIDTHS:
        other = default_storage.url(renditions.rendition_name(article.image.name, slot, "webp"))
        assert client.get(f"{other}?s={signature}").status_code == 404
    settings.PRIVATE_MEDIA_URL_SECONDS = -1  # expired
    assert client.get(src).status_code == 404
    assert client.get(article.image.url + "?s=forged").status_code == 404


def test_replacing_a_public_picture_deletes_the_old_public_file(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = PublishedArticleFactory(image=image_file("旧图.png"))
    article.refresh_from_db()
    old = url_path(article.image.url)
    assert old.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        article.image = image_file("新图.png")
        article.save()
    article.refresh_from_db()
    assert not old.exists() and url_path(article.image.url).is_file()
    # Only the new picture and its renditions, in its folder: the old one's renditions went with it.
    folder = url_path(article.image.url).parent
    assert files_under(settings.MEDIA_ROOT) == sorted(
        folder / os.path.basename(n) for n in stored_with_renditions(article.image.name)
    )
    assert {p.name for p in files_under(settings.MEDIA_ROOT)} == {
        "新图.png",
        *(os.path.basename(n) for n in renditions.rendition_names(article.image.name)),
    }


def test_sync_media_moves_an_older_installation_and_check_reports(
    settings, django_capture_on_commit_callbacks
):
    """Files stored before this rule (public names, no random part) are moved where they belong."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    draft = ArticleFactory()
    published = PublishedArticleFactory()
    Article.objects.filter(pk=draft.pk).update(
        image=default_storage.save("articles/2026/11/d.png", image_file())
    )
    Article.objects.filter(pk=published.pk).update(
        image=default_storage.save("articles/2026/11/p.png", image_file())
    )
    default_storage.save("pages/2026/11/stray.pdf", ContentFile(b"%PDF-1.4 stray"))
    with pytest.raises(CommandError):
        call_command("sync_media", "--check", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_media", stdout=io.StringIO())
    draft.refresh_from_db()
    published.refresh_from_db()
    assert is_private(draft.image.name)
    assert published.image.name == "articles/2026/11/p.png"  # public and public: left where links point
    assert list(release.misplaced()) == []
    default_storage.delete("pages/2026/11/stray.pdf")
    call_command("sync_media", "--check", stdout=io.StringIO())  # clean: no error


def test_page_files_rule_matches_for_many_pages_in_one_query(django_assert_num_queries):
    pages = [IssuePageFactory() for _ in range(3)]
    PublishedArticleFactory(issue=pages[0].issue, page=pages[0])
    PublishedArticleFactory(issue=pages[1].issue, page=pages[1])
    ArticleFactory(issue=pages[1].issue, page=pages[1], status="review")
    with django_assert_num_queries(1):
        rule = dict(IssuePage.objects.with_files_public().values_list("pk", "files_public"))
    assert rule == {pages[0].pk: True, pages[1].pk: False, pages[2].pk: False}


def test_the_page_cache_never_keeps_an_answer_of_the_private_view(client, page_cache):
    """The private view's answers depend on who asks and on the clock: none is kept for the next reader."""
    article = ArticleFactory(status="review", image=image_file("月食.png"))
    url = article.image.url
    assert client.get(url).status_code == 404
    # Published by a write no signal sees (no purge): a kept 404 would now be served.
    Article.objects.filter(pk=article.pk).update(status="published", published_at=timezone.now())
    assert client.get(url).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_saved_instance_names_its_moved_files():
    """In autocommit (commands, imports) the move happens inside save(): the caller's copy follows it."""
    from edition.images import render_page_image

    page = IssuePageFactory()
    PublishedArticleFactory(issue=page.issue, page=page)
    page.pdf.save("page.pdf", pdf_upload().file, save=True)
    assert not is_private(page.pdf.name)
    render_page_image(page)  # reads the PDF through the name it holds
    page.refresh_from_db()
    assert not is_private(page.image.name) and url_path(page.image.url).is_file()
