"""Field-level bypass attempts: POSTs that carry what the form does not offer change nothing they may not change.

The admin hides `status`, `published_at`, `version`, `created_by`, `search_text` and (from reporters) the issue
placement; hiding is not enforcement, so each test posts them anyway and then reads the database.
"""

import datetime

import pytest
from django.contrib.messages import ERROR, get_messages
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, ArticleLog, Byline, StaleEdit
from search.text import byline_names, search_text_for
from tests.articles.test_admin_workflow import NO_INLINE_ROWS, form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    IssuePageFactory,
    editor,
    reporter,
)

pytestmark = pytest.mark.django_db

FORGED_WORDS = "伪造检索词甲乙丙"


@pytest.fixture
def owner():
    return reporter("lin_zhiyuan")


@pytest.fixture
def other():
    return reporter("zhou_xiaochuan")


@pytest.fixture
def ed():
    return editor("chen_bianji")


@pytest.fixture
def page():
    return IssuePageFactory(name="要闻")


@pytest.fixture
def theirs(other):
    """Another reporter's draft, with a byline: what a forged id would point at."""
    article = ArticleFactory(created_by=other, title="云川市举办青少年机器人挑战赛")
    BylineFactory(article=article, author=AuthorFactory(name="周晓川"))
    return article


def state_of(article: Article) -> dict:
    """The database row and what hangs off it (None if the article is gone)."""
    row = Article.objects.filter(pk=article.pk).values().first()
    if row is None:
        return None
    return {
        **row,
        "bylines": list(
            Byline.objects.filter(article=article).order_by("id").values_list("id", "author", "role")
        ),
        "log": ArticleLog.objects.filter(article=article).count(),
        "revisions": Version.objects.get_for_object(article).count(),
    }


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, action):
    return reverse("admin:articles_article_transition", args=[article.pk, action])


def add_data(**overrides):
    """What the admin add form posts (no bylines)."""
    data = {
        "kicker": "",
        "title": "青川县乡村科普驿站开放",
        "subtitle": "",
        "summary": "",
        "dateline": "本报讯",
        "body": "<p>本报讯 青川县首个乡村科普驿站日前开放，村民可在驿站体验无人机植保。</p>",
        "author_note": "",
        "section": "",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "image_focal_x": "50",
        "image_focal_y": "50",
        **NO_INLINE_ROWS,
        "_save": "Save",
    }
    data.update(overrides)
    return data


def error_messages(response) -> list:
    return [m for m in get_messages(response.wsgi_request) if m.level == ERROR]


# ----- a reporter's add and change forms carrying fields the form does not have -----

# Fields the admin form does not offer a reporter; forged() gives the value a forged POST carries for each.
FORGED_FIELDS = [
    "status",
    "published_at",
    "version",
    "created_by",
    "updated_by",
    "search_text",
    "issue",
    "page",
    "position",
    "id",
    "pk",
]


def forged(field, *, ed, page, theirs):
    return {
        "status": "published",
        "published_at": "2020-01-01 08:00:00",
        "version": "50",
        "created_by": str(ed.pk),
        "updated_by": str(ed.pk),
        "search_text": FORGED_WORDS,
        "issue": str(page.issue_id),
        "page": str(page.pk),
        "position": "3",
        "id": str(theirs.pk),
        "pk": str(theirs.pk),
    }[field]


def assert_reporters_draft(article: Article, owner, *, version: int):
    """What a reporter's own draft looks like whatever was posted: nothing but content could change."""
    assert article.status == "draft" and article.published_at is None
    assert article.version == version
    assert article.created_by_id == owner.pk and article.updated_by_id == owner.pk
    assert (article.issue_id, article.page_id, article.position) == (None, None, 0)
    assert FORGED_WORDS not in article.search_text
    assert article.search_text == search_text_for(article, byline_names(article.pk))


@pytest.mark.parametrize("field", FORGED_FIELDS)
def test_reporter_add_form_ignores_forged_field(client, owner, ed, page, theirs, field):
    before = state_of(theirs)
    client.force_login(owner)
    response = client.post(
        reverse("admin:articles_article_add"),
        add_data(**{field: forged(field, ed=ed, page=page, theirs=theirs)}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="青川县乡村科普驿站开放")
    assert article.pk != theirs.pk
    assert_reporters_draft(article, owner, version=1)
    assert state_of(theirs) == before


@pytest.mark.parametrize("field", FORGED_FIELDS)
def test_reporter_change_form_ignores_forged_field(client, owner, ed, page, theirs, field):
    mine = ArticleFactory(created_by=owner, title="县级科技馆开展暑期科普夏令营")
    before = state_of(theirs)
    client.force_login(owner)
    response = client.post(
        change_url(mine),
        form_data(
            mine,
            title="县级科技馆暑期科普夏令营开营",
            **{field: forged(field, ed=ed, page=page, theirs=theirs)},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mine.refresh_from_db()
    assert mine.title == "县级科技馆暑期科普夏令营开营"  # the content change itself went through
    assert_reporters_draft(mine, owner, version=2)
    assert state_of(theirs) == before


def test_reporter_cannot_clear_an_editors_placement(client, owner, ed, page):
    mine = ArticleFactory(
        created_by=owner, title="省科协召开基层科普工作会", issue=page.issue, page=page, position=2
    )
    client.force_login(owner)
    response = client.post(
        change_url(mine),
        form_data(mine, title="省科协召开基层科普工作推进会", issue="", page="", position="0"),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.title == "省科协召开基层科普工作推进会"
    assert (mine.issue_id, mine.page_id, mine.position) == (page.issue_id, page.pk, 2)


def test_a_forged_version_cannot_push_past_the_version_check(client, owner):
    """A form claiming to be based on a version from the future is stale like any other: refused, text kept."""
    mine = ArticleFactory(created_by=owner, title="县农业农村局推广稻渔综合种养")
    client.force_login(owner)
    response = client.post(
        change_url(mine), form_data(mine, title="改过的标题", based_on_version="1000", version="1000")
    )
    assert response.status_code == 200  # the form again, with the stale-version error
    mine.refresh_from_db()
    assert (mine.title, mine.version) == ("县农业农村局推广稻渔综合种养", 1)
    assert StaleEdit.objects.get(article=mine, user=owner).data["title"] == "改过的标题"


def test_reporter_save_as_new_on_an_editors_published_article(client, owner, ed, page):
    """`_saveasnew` turns any change URL into an add: at most a new draft of the reporter's, never a change."""
    published = ArticleFactory(
        created_by=ed,
        title="全省科技工作者日活动启动",
        published=True,
        issue=page.issue,
        page=page,
        position=1,
    )
    before = state_of(published)
    client.force_login(owner)
    client.post(
        change_url(published),
        form_data(
            published, title="全省科技工作者日活动启动（改）", _saveasnew="Save as new", status="published"
        ),
    )
    assert state_of(published) == before
    for copy in Article.objects.exclude(pk=published.pk):
        assert_reporters_draft(copy, owner, version=1)


# ----- bylines pointing at another article -----


def byline_row(index, **fields):
    return {f"bylines-{index}-{name}": value for name, value in fields.items()}


def test_byline_id_of_another_article_is_not_taken_over(client, owner, theirs):
    mine = ArticleFactory(created_by=owner, title="青川县科普志愿者服务队成立")
    their_byline = theirs.bylines.get()
    before = state_of(theirs)
    client.force_login(owner)
    data = form_data(
        mine,
        **{"bylines-TOTAL_FORMS": "1", "bylines-INITIAL_FORMS": "1"},
        **byline_row(0, id=their_byline.pk, article=mine.pk, author=AuthorFactory(name="林知远").pk,
                     role="photographer", order="0"),
    )  # fmt: skip
    client.post(change_url(mine), data)
    assert state_of(theirs) == before
    assert not Byline.objects.filter(article=mine).exclude(author__name="林知远").exists()


def test_byline_delete_of_another_article_is_refused(client, owner, theirs):
    mine = ArticleFactory(created_by=owner, title="青川县科普志愿者服务队成立")
    their_byline = theirs.bylines.get()
    before = state_of(theirs)
    client.force_login(owner)
    data = form_data(
        mine,
        **{"bylines-TOTAL_FORMS": "1", "bylines-INITIAL_FORMS": "1"},
        **byline_row(0, id=their_byline.pk, article=mine.pk, author=their_byline.author_id, role="reporter",
                     order="0", DELETE="on"),
    )  # fmt: skip
    client.post(change_url(mine), data)
    assert Byline.objects.filter(pk=their_byline.pk).exists()
    assert state_of(theirs) == before


@pytest.mark.parametrize("form", ["add", "change"])
def test_new_byline_row_naming_another_article_does_not_land_there(client, owner, theirs, form):
    me = AuthorFactory(name="林知远")
    before = state_of(theirs)
    client.force_login(owner)
    row = {
        "bylines-TOTAL_FORMS": "1",
        **byline_row(0, article=theirs.pk, author=me.pk, role="reporter", order="0"),
    }
    if form == "add":
        client.post(reverse("admin:articles_article_add"), add_data(**row))
    else:
        mine = ArticleFactory(created_by=owner, title="青川县科普志愿者服务队成立")
        client.post(change_url(mine), form_data(mine, **row))
    assert state_of(theirs) == before
    assert not Byline.objects.filter(author=me).exclude(article__created_by=owner).exists()


# ----- transitions and restores naming another article -----


def test_transition_post_naming_another_article_acts_on_the_url_article_only(client, owner, theirs):
    mine = ArticleFactory(created_by=owner, title="青川县科普志愿者服务队成立")
    before = state_of(theirs)
    client.force_login(owner)
    response = client.post(
        transition_url(mine, "submit"),
        {"id": theirs.pk, "pk": theirs.pk, "article": theirs.pk, "comment": ""},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=mine.pk).status == "review"
    assert state_of(theirs) == before


def test_editor_approval_naming_their_own_article_does_not_approve_it(client, owner, ed):
    """Four-eyes: an editor's own article stays in review even when its id rides along another approval."""
    own = ArticleFactory(created_by=ed, title="编辑自己写的稿件")
    workflow.submit(own, ed)
    reporters = ArticleFactory(created_by=owner, title="县气象局启用新一代天气雷达")
    workflow.submit(reporters, owner)
    before = state_of(own)
    client.force_login(ed)
    client.post(transition_url(reporters, "approve"), {"id": own.pk, "pk": own.pk, "publish_at": ""})
    assert Article.objects.get(pk=reporters.pk).status == "published"
    assert state_of(own) == before
    assert client.post(transition_url(own, "approve"), {"id": reporters.pk}).status_code == 403
    assert state_of(own) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_restore_url_mixing_two_articles_is_not_found(client, owner, ed, theirs, method):
    mine = ArticleFactory(created_by=owner, title="青川县科普志愿者服务队成立")
    client.force_login(ed)
    for article, title in (
        (mine, "青川县科普志愿者服务队正式成立"),
        (theirs, "云川市青少年机器人挑战赛开赛"),
    ):
        assert client.post(change_url(article), form_data(article, title=title)).status_code == 302
    # Their edit (not the text as made, recorded before it: articles/revisions.py).
    their_version = Version.objects.get_for_object(theirs).get(revision__user=ed)
    before_mine, before_theirs = state_of(mine), state_of(theirs)
    url = reverse("admin:articles_article_restore", args=[mine.pk, their_version.pk])
    assert getattr(client, method)(url).status_code == 404
    assert state_of(mine) == before_mine and state_of(theirs) == before_theirs


# ----- editors: status and publication time belong to the workflow alone -----


@pytest.mark.parametrize(
    "state,forged_status,forged_time",
    [
        ("review", "published", "2020-01-01 08:00:00"),
        ("draft", "published", ""),
        ("published", "draft", ""),
        ("published", "withdrawn", "2030-01-01 08:00:00"),
        ("scheduled", "published", "2020-01-01 08:00:00"),
    ],
)
def test_editor_change_form_never_sets_status_or_publication_time(
    client, owner, ed, state, forged_status, forged_time
):
    article = ArticleFactory(created_by=owner, title="云川高新区发布人工智能产业扶持政策")
    if state != "draft":
        workflow.submit(article, owner)
    if state in {"published", "scheduled"}:
        later = timezone.now() + datetime.timedelta(days=1) if state == "scheduled" else None
        workflow.approve(article, ed, publish_at=later)
    before = Article.objects.values("status", "published_at").get(pk=article.pk)
    client.force_login(ed)
    response = client.post(
        change_url(article),
        form_data(
            Article.objects.get(pk=article.pk),
            title="云川高新区出台人工智能产业扶持政策",
            status=forged_status,
            published_at=forged_time,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "云川高新区出台人工智能产业扶持政策"
    assert {"status": article.status, "published_at": article.published_at} == before


def test_editor_add_form_makes_a_draft_whatever_it_carries(client, ed, owner):
    client.force_login(ed)
    response = client.post(
        reverse("admin:articles_article_add"),
        add_data(
            position="0",  # editors place articles: the placement fields are theirs
            status="published",
            published_at="2020-01-01 08:00:00",
            version="9",
            created_by=str(owner.pk),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="青川县乡村科普驿站开放")
    assert (article.status, article.published_at, article.version, article.created_by) == (
        "draft",
        None,
        1,
        ed,
    )
    assert not Article.objects.published().exists()


# ----- the transition endpoint itself -----


@pytest.fixture
def in_review(owner):
    article = ArticleFactory(created_by=owner, title="省农科院发布水稻新品种")
    workflow.submit(article, owner)
    return article


@pytest.mark.parametrize("action", ["approve", "send_back", "submit"])
def test_transition_view_refuses_get(client, ed, in_review, action):
    before = state_of(in_review)
    client.force_login(ed)
    response = client.get(transition_url(in_review, action), {"comment": "退回重写", "publish_at": ""})
    assert response.status_code in (302, 405)
    assert state_of(in_review) == before


@pytest.mark.parametrize(
    "action", ["publish", "set_status", "APPROVE", "delete", "__init__", "approve_selected"]
)
def test_unknown_transition_is_refused_without_change(client, ed, in_review, action):
    before = state_of(in_review)
    client.force_login(ed)
    response = client.post(transition_url(in_review, action), {"status": "published", "publish_at": ""})
    assert response.status_code in (403, 404)
    assert state_of(in_review) == before


@pytest.mark.parametrize(
    "publish_at",
    ["明天上午九点", "2026-13-45T25:61", "2026-06-01T09", "2026-06-01 09:00 +0800x", "0000-00-00T00:00"],
)
def test_malformed_publication_time_is_a_clear_error_and_changes_nothing(client, ed, in_review, publish_at):
    before = state_of(in_review)
    client.force_login(ed)
    response = client.post(transition_url(in_review, "approve"), {"publish_at": publish_at})
    assert response.status_code == 302 and response["Location"] == change_url(in_review)
    assert len(error_messages(response)) == 1
    assert state_of(in_review) == before
    landing = client.get(response["Location"])  # the error is shown on the article page the editor lands on
    assert landing.status_code == 200
    assert '<li class="error">' in landing.content.decode()


def test_publication_time_in_the_past_is_refused(client, ed, in_review):
    before = state_of(in_review)
    client.force_login(ed)
    yesterday = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(transition_url(in_review, "approve"), {"publish_at": yesterday})
    assert len(error_messages(response)) == 1
    assert state_of(in_review) == before
