"""An article's photos (组图) in the article admin (articles/admin/pictures.py): a sortable inline with
thumbnails, held to the article's edit rules on the server, kept in its revisions; and the lead picture's focal
point, two whole per cents checked by the server.

The rules the photos follow are the article's: a reporter changes the photos of his own draft only (another's
article is hidden, his own in review is read-only, and a forged POST changes nothing); a save from a stale form
saves no photo either; the groups hold the photos' permissions. Revisions keep the photos' words and order, the
four-eyes rule counts a changed caption as changed text, and a restore brings them back.
"""

import re

import pytest
import reversion
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.urls import reverse

from articles import policy, workflow
from articles.models import Article, ArticlePhoto
from articles.policy import EDITORS, REPORTERS
from articles.revisions import compare, restore, versions_of
from core.renditions import rendition_name
from tests.articles.test_admin_workflow import change_url, form_data
from tests.articles.test_bypass import add_data
from tests.factories import ArticleFactory, editor, image_file, reporter

pytestmark = pytest.mark.django_db

CAPTIONS = ["观测站全景", "工程师检查望远镜", "清晨的山谷"]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def owner():
    return reporter("lin_zhiyuan")


@pytest.fixture
def other():
    return reporter("wang_qihang")


@pytest.fixture
def ed():
    return editor("chen_bianji")


def add_photo(
    article, caption="", alt="", order=0, credit="本报记者 周远帆 摄", size=(480, 320)
) -> ArticlePhoto:
    """A stored photo of `article` (a real picture: its renditions are made when it is stored)."""
    return ArticlePhoto.objects.create(
        article=article,
        image=image_file(f"photo-{order}.png", size=size),
        caption=caption,
        alt=alt,
        credit=credit,
        order=order,
    )


def story(owner, **kwargs) -> Article:
    """A draft photo story with three photos, in order, each with its alt text."""
    article = ArticleFactory(created_by=owner, title="冰川观测站开始冬季值守", **kwargs)
    for order, caption in enumerate(CAPTIONS, 1):
        add_photo(article, caption=caption, alt=f"{caption}的画面", order=order)
    return article


def photo_rows(article, changes=None, new=()) -> dict:
    """The photos inline as the change form posts it: the saved photos (each with `changes[pk]` applied) in their
    order, then `new` rows (dicts of fields, an uploaded file as "image")."""
    photos = list(article.photos.all())
    data = {
        "photos-TOTAL_FORMS": str(len(photos) + len(new)),
        "photos-INITIAL_FORMS": str(len(photos)),
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
    }
    for index, photo in enumerate(photos):
        row = {"id": photo.pk, "article": article.pk, "caption": photo.caption, "alt": photo.alt,
               "credit": photo.credit, "order": photo.order, **(changes or {}).get(photo.pk, {})}  # fmt: skip
        data.update({f"photos-{index}-{name}": value for name, value in row.items()})
    for index, row in enumerate(new, len(photos)):
        row = {"article": article.pk, "caption": "", "alt": "", "credit": "", "order": "0", **row}
        data.update({f"photos-{index}-{name}": value for name, value in row.items()})
    return data


def post_photos(client, article, changes=None, new=(), **fields):
    return client.post(
        change_url(article), {**form_data(article, **fields), **photo_rows(article, changes, new)}
    )


def stored(article) -> list[tuple]:
    return list(article.photos.values_list("caption", "alt", "order"))


# ----- the inline: present, in order, with thumbnails, sortable -----


def test_the_change_page_has_the_photos_in_order_with_their_thumbnails(client, owner):
    article = story(owner)
    ArticlePhoto.objects.filter(caption=CAPTIONS[0]).update(order=9)  # the first photo moved last
    client.force_login(owner)
    response = client.get(change_url(article))
    assert response.status_code == 200
    html = response.content.decode()
    (inline,) = [f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "photos"]
    assert "sortable" in inline.classes.split()
    assert [form.instance.caption for form in inline.formset.forms] == [*CAPTIONS[1:], CAPTIONS[0]]
    for photo in article.photos.all():
        thumbnail = default_storage.url(rendition_name(photo.image.name, 360, "jpg"))
        # A draft's photo: through the view that checks who asks.
        assert thumbnail.startswith("/private-media/")
        assert f'src="{thumbnail}"' in html
        # The owner sees it; another reporter does not.
        assert client.get(thumbnail).status_code == 200
    assert re.search(r'<input[^>]*name="photos-0-order"[^>]*class="_reorder_"', html) or re.search(
        r'<input[^>]*class="_reorder_"[^>]*name="photos-0-order"', html
    )
    assert "adminsortable2/js/adminsortable2" in html and "articles/admin/pictures.js" in html
    assert 'data-alt-text="' in html  # the script adds the caption button beside each alt field


def test_another_reporter_cannot_see_the_photos_thumbnails(client, owner, other):
    article = story(owner)
    photo = article.photos.first()
    client.force_login(other)
    assert client.get(default_storage.url(rendition_name(photo.image.name, 360, "jpg"))).status_code == 404
    assert client.get(change_url(article)).status_code in (302, 403, 404)


def test_dragging_is_saved_as_the_order_posted(client, owner):
    article = story(owner)
    first, second, third = article.photos.all()
    client.force_login(owner)
    response = post_photos(
        client, article, {first.pk: {"order": 3}, second.pk: {"order": 1}, third.pk: {"order": 2}}
    )
    assert response.status_code == 302
    assert [p.caption for p in Article.objects.get(pk=article.pk).photos.all()] == [
        CAPTIONS[1], CAPTIONS[2], CAPTIONS[0]
    ]  # fmt: skip


def test_a_reporter_adds_a_photo_to_his_draft_and_it_goes_last(client, owner):
    article = story(owner)
    client.force_login(owner)
    upload = image_file("新照片.png", size=(640, 480))
    response = post_photos(
        client, article, new=[{"image": upload, "caption": "值守人员交接班", "alt": "两人握手"}]
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    photos = list(Article.objects.get(pk=article.pk).photos.all())
    assert [p.caption for p in photos] == [*CAPTIONS, "值守人员交接班"]
    added = photos[-1]
    assert added.order > photos[-2].order and (added.width, added.height) == (640, 480)
    assert added.image.name.startswith("private/")
    assert default_storage.exists(rendition_name(added.image.name, 360, "jpg"))


def test_a_new_article_is_saved_with_its_photos_in_the_order_added(client, owner):
    client.force_login(owner)
    data = add_data(
        **{"bylines-TOTAL_FORMS": "0", "bylines-INITIAL_FORMS": "0", "photos-TOTAL_FORMS": "2",
           "photos-INITIAL_FORMS": "0", "photos-MIN_NUM_FORMS": "0", "photos-MAX_NUM_FORMS": "1000"},
        **{f"photos-{index}-{name}": value for index, caption in enumerate(CAPTIONS[:2])
           for name, value in {"image": image_file(f"{index}.png"), "caption": caption, "alt": "画面",
                               "credit": "", "order": "0"}.items()},
    )  # fmt: skip
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(title=data["title"])
    assert article.created_by == owner
    assert [(p.caption, p.order) for p in article.photos.all()] == [(CAPTIONS[0], 1), (CAPTIONS[1], 2)]


def test_the_groups_hold_the_photos_permissions():
    for name in (REPORTERS, EDITORS):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {f"{action}_articlephoto" for action in ("add", "change", "delete", "view")} <= codenames


# ----- the article's rules, on the server -----


def test_a_reporter_cannot_touch_the_photos_of_anothers_article(client, owner, other):
    article = story(owner)
    before = stored(article)
    client.force_login(other)
    first = article.photos.first()
    response = post_photos(client, article, {first.pk: {"caption": "改掉的说明", "DELETE": "on"}})
    assert response.status_code in (302, 403, 404)  # the admin's "no such article", as for a missing id
    assert stored(article) == before


def test_a_reporter_cannot_change_the_photos_of_his_article_in_review(client, owner):
    article = story(owner)
    workflow.submit(article, owner)
    before = stored(article)
    client.force_login(owner)
    page = client.get(change_url(article)).content.decode()
    assert 'name="photos-0-caption"' not in page and 'name="photos-0-image"' not in page  # shown read-only
    first = article.photos.first()
    response = post_photos(
        client, article, {first.pk: {"caption": "改掉的说明"}}, new=[{"image": image_file(), "alt": "新"}]
    )
    assert response.status_code == 403
    assert stored(article) == before and article.photos.count() == len(CAPTIONS)


@pytest.mark.parametrize("delete", [False, True])
def test_a_forged_row_naming_anothers_photo_changes_nothing(client, owner, other, delete):
    theirs = story(other)
    their_photo = theirs.photos.first()
    before = stored(theirs)
    mine = ArticleFactory(created_by=owner, title="县域科普场馆调查")
    client.force_login(owner)
    data = {
        **form_data(mine),
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "1",
        "photos-0-id": their_photo.pk,
        "photos-0-article": mine.pk,
        "photos-0-caption": "被改掉的说明",
        "photos-0-alt": "",
        "photos-0-credit": "",
        "photos-0-order": "1",
        **({"photos-0-DELETE": "on"} if delete else {}),
    }
    response = client.post(change_url(mine), data)
    # Not a photo of this article: a form error; or, marked for deletion, a row Django leaves alone.
    assert response.status_code == (302 if delete else 200)
    assert stored(theirs) == before and ArticlePhoto.objects.get(pk=their_photo.pk).article_id == theirs.pk
    assert not mine.photos.exists()


def test_a_new_row_naming_another_article_is_refused(client, owner, other):
    theirs = story(other)
    mine = ArticleFactory(created_by=owner, title="县域科普场馆调查")
    client.force_login(owner)
    response = post_photos(client, mine, new=[{"article": theirs.pk, "image": image_file(), "alt": "画面"}])
    assert response.status_code == 200
    assert theirs.photos.count() == len(CAPTIONS) and not mine.photos.exists()


def test_a_stale_form_saves_no_photo(client, ed, owner):
    article = story(owner)
    first = article.photos.first()
    client.force_login(ed)
    stale = form_data(article)  # loaded at version 1
    assert post_photos(client, article, {first.pk: {"caption": "编辑甲改的说明"}}).status_code == 302
    article.refresh_from_db()
    assert article.version == 2
    # The second editor's form was loaded at version 1: his deletion and new photo are refused with it.
    rows = photo_rows(article, {first.pk: {"DELETE": "on"}}, new=[{"image": image_file(), "alt": "新照片"}])
    response = client.post(change_url(article), {**stale, **rows})
    assert response.status_code == 200
    assert "stale" in {e.code for e in response.context["adminform"].form.non_field_errors().as_data()}
    assert article.photos.count() == len(CAPTIONS)
    assert ArticlePhoto.objects.get(pk=first.pk).caption == "编辑甲改的说明"


# ----- revisions -----


def test_revisions_keep_the_photos_and_a_restore_brings_their_words_and_order_back(client, ed, owner):
    article = story(owner)
    first, second, third = article.photos.all()
    client.force_login(ed)
    post_photos(client, article, {first.pk: {"caption": "改过的说明"}})
    article.refresh_from_db()
    post_photos(client, article, {first.pk: {"order": 3}, third.pk: {"order": 1, "DELETE": "on"}})
    newest, middle, oldest = versions_of(article)[:3]
    assert [row["label"] for row in compare(middle, newest) if row["changed"]] == ["photos"]
    assert article.photos.count() == 2
    restore(article, middle, ed)
    assert stored(article) == [
        ("改过的说明", f"{CAPTIONS[0]}的画面", 1),
        (CAPTIONS[1], f"{CAPTIONS[1]}的画面", 2),
        (CAPTIONS[2], f"{CAPTIONS[2]}的画面", 3),  # its file is still stored: back again
    ]
    assert oldest.revision.version_set.filter(content_type__model="articlephoto").count() == 3


def test_an_editor_who_changed_a_photo_caption_in_review_may_not_approve(client, ed, owner):
    article = story(owner)
    workflow.submit(article, owner)
    client.force_login(ed)
    first = article.photos.first()
    assert post_photos(client, article, {first.pk: {"caption": "编辑改写的说明"}}).status_code == 302
    assert policy.changed_text(ed, Article.objects.get(pk=article.pk))


def test_moving_a_photo_is_not_changing_the_text(client, ed, owner):
    article = story(owner)
    workflow.submit(article, owner)
    client.force_login(ed)
    first = article.photos.first()
    assert post_photos(client, article, {first.pk: {"order": 7}}).status_code == 302
    assert not policy.changed_text(ed, Article.objects.get(pk=article.pk))


def test_a_restore_keeps_a_lead_picture_that_moved_to_public_storage(
    ed, owner, django_capture_on_commit_callbacks
):
    with reversion.create_revision():
        article = ArticleFactory(created_by=owner, image=image_file("lead.png"), image_alt="山峰")
    old_name = article.image.name
    workflow.submit(article, owner)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(article, ed)  # public now: its files moved and were renamed (files/release.py)
    article.refresh_from_db()
    assert article.image.name != old_name and not article.image.name.startswith("private/")
    restore(article, versions_of(article).last(), ed)
    article.refresh_from_db()
    assert article.image.name and default_storage.exists(article.image.name)


# ----- the focal point -----


@pytest.mark.parametrize("x, y", [(0, 100), (100, 0), (37, 62)])
def test_a_focal_point_in_per_cent_is_saved(client, owner, x, y):
    article = ArticleFactory(created_by=owner, image=image_file("lead.png"))
    client.force_login(owner)
    response = post_photos(client, article, image_focal_x=x, image_focal_y=y)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.image_focal_x, article.image_focal_y, article.version) == (x, y, 2)


@pytest.mark.parametrize("field", ["image_focal_x", "image_focal_y"])
@pytest.mark.parametrize("value", ["101", "-1", "abc", "", "50.5", "99999999999999999999"])
def test_a_focal_point_outside_0_to_100_is_a_form_error(client, owner, field, value):
    article = ArticleFactory(created_by=owner, image=image_file("lead.png"), title="旧标题")
    client.force_login(owner)
    response = post_photos(client, article, title="新标题", **{field: value})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    article.refresh_from_db()
    saved = (article.title, article.image_focal_x, article.image_focal_y, article.version)
    assert saved == ("旧标题", 50, 50, 1)


def test_the_focal_point_shows_the_picture_with_its_marker(client, owner):
    article = ArticleFactory(created_by=owner, image=image_file("lead.png", size=(1200, 800)))
    Article.objects.filter(pk=article.pk).update(image_focal_x=30, image_focal_y=70)
    client.force_login(owner)
    html = client.get(change_url(article)).content.decode()
    picture = default_storage.url(rendition_name(article.image.name, 720, "jpg"))
    assert f'src="{picture}"' in html and 'width="720" height="480"' in html
    assert "left: 30%; top: 70%" in html
    assert re.search(r'name="image_focal_x"[^>]*max="100"', html) or re.search(
        r'max="100"[^>]*name="image_focal_x"', html
    )


def test_an_article_without_a_picture_offers_the_focal_point_once_one_is_chosen(client, owner):
    client.force_login(owner)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'class="focal-point__frame" hidden' in html and 'id="id_image_focal_x"' in html
