"""Cached pages are never stale: every change that affects a page invalidates it, at once, everywhere."""

import datetime
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from articles import workflow
from articles.models import (
    Article,
    ArticleEvent,
    ArticleLog,
    ArticleOrganization,
    Byline,
    Event,
    IssuePage,
    PageArea,
    Section,
    StaleEdit,
)
from articles.sharing import make_share_link
from core.pagecache import purge_public_pages
from people.models import Author, Organization
from tests.articles.test_admin_workflow import change_url, form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EventFactory,
    OrganizationFactory,
    editor,
    reporter,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def get(client, url):
    return client.get(url)


def text(response) -> str:
    return response.content.decode()


def public_urls(paper) -> dict[str, str]:
    """Every page family the article stands on."""
    return {
        "home": "/",
        "issue": paper["issue"].get_absolute_url(),
        "article": paper["article"].get_absolute_url(),
        "tag": "/tags/" + Tag.objects.get(name="量子科技").slug + "/",
        "author": paper["author"].get_absolute_url(),
        "organization": paper["organization"].get_absolute_url(),
        "event": paper["event"].get_absolute_url(),
        "section": paper["section"].get_absolute_url(),
        "feed": "/feed/",
        "sitemap": "/sitemap-articles.xml",
        "search": "/search/?q=量子通信",
    }


def warm(client, urls):
    for url in urls.values():
        get(client, url)
    for name, url in urls.items():
        assert get(client, url).headers.get("X-Page-Cache") == "hit", name


# --- withdraw, publish, schedule, edit ---------------------------------------------------------------------


def test_a_withdrawn_article_disappears_from_every_cached_page_at_once(
    client, paper, django_capture_on_commit_callbacks
):
    article, urls = paper["article"], public_urls(paper)
    warm(client, urls)
    for name, url in urls.items():
        assert article.title in text(get(client, url)) or str(article.pk) in text(get(client, url)), name

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(article, paper["editor"], comment="数据有误，撤稿核实")

    for name, url in urls.items():
        response = get(client, url)
        assert response.headers.get("X-Page-Cache") == "miss", name
        assert article.title not in text(response), name
        assert article.get_absolute_url() not in text(response), name
    assert get(client, urls["article"]).status_code == 404
    # The other article of the issue is still everywhere it was.
    assert paper["other"].title in text(get(client, urls["home"]))


def test_a_published_article_appears_on_every_cached_page_at_once(
    client, paper, django_capture_on_commit_callbacks
):
    urls = public_urls(paper)
    fresh = ArticleFactory(
        title="青岚量子通信网络服务首批用户",
        issue=paper["issue"],
        page=paper["page"],
        position=3,
        section=paper["section"],
        status="review",
        created_by=paper["editor"],
    )
    Byline.objects.create(article=fresh, author=paper["author"])
    fresh.tags.add("量子科技")
    warm(client, urls)
    assert fresh.title not in text(get(client, urls["home"]))

    with django_capture_on_commit_callbacks(execute=True):
        # The four-eyes rule keeps editors from approving what they wrote: another editor approves.
        workflow.approve(fresh, editor("editor2"))
    for name in ("home", "issue", "tag", "author", "section", "feed", "sitemap"):
        assert fresh.title in text(get(client, urls[name])) or fresh.get_absolute_url() in text(
            get(client, urls[name])
        ), name


def test_a_scheduled_article_appears_on_time_without_any_change(client, paper):
    """Nothing is saved when a scheduled article's time comes: the cached pages expire at that moment."""
    start = timezone.now()
    local = timezone.localtime(start)
    if (local + datetime.timedelta(minutes=10)).date() != local.date():
        start += datetime.timedelta(minutes=30)  # keep clear of midnight, when every entry expires anyway
    goes_public = start + datetime.timedelta(minutes=5)
    scheduled = ArticleFactory(
        title="青岚省首颗科普卫星明日发射",
        issue=paper["issue"],
        page=paper["page"],
        position=3,
        section=paper["section"],
        status="published",
        published_at=goes_public,
    )
    scheduled.tags.add("量子科技")
    urls = public_urls(paper)
    scheduled_url = scheduled.get_absolute_url()
    clock = mock.patch("django.utils.timezone.now", return_value=start)
    with clock as now:
        warm(client, {**urls, "scheduled": scheduled_url})
        assert get(client, scheduled_url).status_code == 404
        assert scheduled.title not in text(get(client, urls["home"]))

        now.return_value = goes_public - datetime.timedelta(seconds=1)
        assert get(client, urls["home"]).headers.get("X-Page-Cache") == "hit"
        assert get(client, scheduled_url).status_code == 404

        now.return_value = goes_public + datetime.timedelta(seconds=1)
        assert get(client, scheduled_url).status_code == 200
        for name in ("home", "issue", "tag", "section", "feed", "sitemap"):
            response = get(client, urls[name])
            assert scheduled.title in text(response) or scheduled_url in text(response), name


def test_a_scheduled_article_appears_on_time_in_real_time(client, paper):
    """The same without mocking the clock: published_at one second ahead, then wait for it."""
    import time

    scheduled = ArticleFactory(
        title="省科技馆新展厅今晨开放",
        issue=paper["issue"],
        page=paper["page"],
        position=3,
        status="published",
        published_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    assert scheduled.title not in text(get(client, "/"))
    assert get(client, "/").headers.get("X-Page-Cache") == "hit"
    while timezone.now() <= scheduled.published_at:
        time.sleep(0.05)
    assert scheduled.title in text(get(client, "/"))


def test_http_freshness_never_outlives_the_next_publication(client, paper, settings):
    settings.PAGE_CACHE_CDN_SECONDS = 600
    ArticleFactory(
        title="定时稿", status="published", published_at=timezone.now() + datetime.timedelta(seconds=90)
    )
    control = get(client, "/")["Cache-Control"]
    s_maxage = int(control.split("s-maxage=")[1].split(",")[0])
    assert s_maxage <= 90


def test_an_edit_shows_at_once(client, paper):
    urls = public_urls(paper)
    warm(client, urls)
    article = paper["article"]
    article.title = "青岚省量子通信干线正式开通运行"
    article.save()
    for name in ("home", "issue", "article", "tag", "author", "organization", "event", "section", "feed"):
        assert "正式开通运行" in text(get(client, urls[name])), name


# --- what no reader sees keeps the cache -------------------------------------------------------------------


def cache_state(response):
    return response.headers.get("X-Page-Cache")


def logged_in(user) -> Client:
    """A browser of the newsroom, apart from the anonymous reader's `client`."""
    browser = Client()
    browser.force_login(user)
    return browser


def desk_articles(paper) -> dict:
    """Articles no reader sees, on the paper's page: a reporter's draft, a scheduled and a withdrawn article."""
    owner = reporter("owner")
    placed = {"issue": paper["issue"], "page": paper["page"], "section": paper["section"]}
    return {
        "owner": owner,
        "draft": ArticleFactory(created_by=owner, title="县域科普场馆调查（初稿）", position=5, **placed),
        "scheduled": ArticleFactory(
            title="省科技馆新展厅下周开放",
            position=6,
            status="published",
            published_at=timezone.now() + datetime.timedelta(days=1),
            **placed,
        ),
        "withdrawn": ArticleFactory(
            title="已撤回的旧稿",
            position=7,
            status="withdrawn",
            published_at=timezone.now() - datetime.timedelta(days=1),
            **placed,
        ),
    }


def test_a_reporter_saving_a_draft_keeps_the_cached_pages(client, paper, django_capture_on_commit_callbacks):
    desk = desk_articles(paper)
    draft, urls = desk["draft"], public_urls(paper)
    warm(client, urls)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(desk["owner"]).post(
            change_url(draft),
            form_data(draft, title="县域科普场馆调查（二稿）", body="<p>补充了三个县的数据。</p>"),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(pk=draft.pk).title == "县域科普场馆调查（二稿）"
    for name, url in urls.items():
        assert cache_state(get(client, url)) == "hit", name


UNSEEN = {
    # name: change(paper, desk) to something no public page shows
    "draft created": lambda p, d: ArticleFactory(
        title="又一篇草稿", issue=p["issue"], page=p["page"], position=8
    ),
    "byline on a draft": lambda p, d: Byline.objects.create(article=d["draft"], author=p["author"]),
    "byline of a draft edited": lambda p, d: rename(
        Byline.objects.create(article=d["draft"], author=p["author"]), "role", Byline.Role.CORRESPONDENT
    ),
    "tag on a draft": lambda p, d: d["draft"].tags.add("量子科技"),
    "organization on a draft": lambda p, d: d["draft"].organizations.add(p["organization"]),
    "event on a draft": lambda p, d: ArticleEvent.objects.create(article=d["draft"], event=p["event"]),
    "draft deleted": lambda p, d: d["draft"].delete(),
    "submit": lambda p, d: workflow.submit(d["draft"], d["owner"]),
    "submit and send back": lambda p, d: workflow.send_back(
        workflow.submit(d["draft"], d["owner"]), p["editor"], "请补充三个县的参观人数"
    ),
    "share link": lambda p, d: make_share_link(d["draft"], p["editor"]),
    "share link to a public article": lambda p, d: make_share_link(p["article"], p["editor"]),
    "kept edit": lambda p, d: StaleEdit.objects.create(
        article=d["draft"], user=d["owner"], based_on_version=1, data={"title": "记者的新标题"}
    ),
    "workflow log row": lambda p, d: ArticleLog.objects.create(
        article=p["article"], action="note", from_status="published", to_status="published"
    ),
    "scheduled article edited": lambda p, d: rename(d["scheduled"], "title", "省科技馆新展厅下周一开放"),
    "tag on a scheduled article": lambda p, d: d["scheduled"].tags.add("量子科技"),
    "withdrawn article edited": lambda p, d: rename(d["withdrawn"], "title", "已撤回的旧稿（核实中）"),
    "withdrawn article reopened": lambda p, d: workflow.reopen(d["withdrawn"], p["editor"]),
}


@pytest.mark.parametrize("change", UNSEEN)
def test_what_no_reader_sees_keeps_the_cached_pages(
    client, paper, change, django_capture_on_commit_callbacks
):
    desk, urls = desk_articles(paper), public_urls(paper)
    warm(client, urls)
    with django_capture_on_commit_callbacks(execute=True):
        UNSEEN[change](paper, desk)
    for name, url in urls.items():
        assert cache_state(get(client, url)) == "hit", name


def test_public_changes_show_on_the_cached_pages_at_once(client, paper, django_capture_on_commit_callbacks):
    """An editor's edit of a published article (in the admin), a rename of its author, its withdrawal."""
    article = paper["article"]
    urls = {"home": "/", "article": article.get_absolute_url()}
    warm(client, urls)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(paper["editor"]).post(
            change_url(article), form_data(article, title="青岚省量子通信干线正式开通")
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    for name, url in urls.items():
        response = get(client, url)
        assert cache_state(response) == "miss" and "青岚省量子通信干线正式开通" in text(response), name

    warm(client, urls)
    with django_capture_on_commit_callbacks(execute=True):
        rename(paper["author"], "name", "林知远航")
    assert cache_state(get(client, "/")) == "miss"
    response = get(client, urls["article"])
    assert cache_state(response) == "miss" and "林知远航" in text(response)

    warm(client, urls)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(Article.objects.get(pk=article.pk), paper["editor"], comment="数据有误，撤稿核实")
    home = get(client, "/")
    assert cache_state(home) == "miss" and "青岚省量子通信干线正式开通" not in text(home)
    assert get(client, urls["article"]).status_code == 404


def test_releasing_an_issue_shows_its_articles_at_once(client, paper, django_capture_on_commit_callbacks):
    fresh = ArticleFactory(
        title="青岚省首届青少年科学节开幕",
        issue=paper["issue"],
        page=paper["page"],
        position=3,
        section=paper["section"],
        status="review",
        created_by=reporter("owner"),
    )
    warm(client, {"home": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        approved, refused = workflow.release_issue(paper["issue"], paper["editor"])
    assert approved and not refused
    home = get(client, "/")
    assert cache_state(home) == "miss" and fresh.title in text(home)


def test_a_scheduled_approval_reaches_pages_cached_before_it(client, paper):
    """Cached pages expire at the next publication they knew of when rendered; an approval for a time still
    ahead must purge them, or the new article would wait for their expiry instead of its time."""
    start = timezone.now()
    local = timezone.localtime(start)
    if (local + datetime.timedelta(minutes=10)).date() != local.date():
        start += datetime.timedelta(minutes=30)  # keep clear of midnight, when every entry expires anyway
    goes_public = start + datetime.timedelta(minutes=5)
    fresh = ArticleFactory(
        title="青岚省科普卫星定时发射",
        issue=paper["issue"],
        page=paper["page"],
        position=3,
        status="review",
        created_by=reporter("owner"),
    )
    with mock.patch("django.utils.timezone.now", return_value=start) as now:
        warm(client, {"home": "/"})
        workflow.approve(fresh, paper["editor"], publish_at=goes_public)
        assert fresh.title not in text(get(client, "/"))
        now.return_value = goes_public + datetime.timedelta(seconds=1)
        assert fresh.title in text(get(client, "/"))


# --- everything an article page shows --------------------------------------------------------------------


def rename(obj, field, value):
    setattr(obj, field, value)
    obj.save()


CHANGES = {
    # name: (page, change(paper) -> text that must then appear, or None when it must disappear)
    "byline added": (
        "article",
        lambda p: (
            Byline.objects.create(
                article=p["article"], author=AuthorFactory(name="王启航"), role=Byline.Role.CORRESPONDENT
            ).author.name
        ),
    ),
    "byline removed": ("article", lambda p: Byline.objects.filter(article=p["article"]).delete() and None),
    "author renamed": ("article", lambda p: rename(p["author"], "name", "林知远航") or "林知远航"),
    "tag added": ("article", lambda p: p["article"].tags.add("科普基地") or "科普基地"),
    "tags cleared": ("article", lambda p: p["article"].tags.clear()),
    "tag renamed": (
        "article",
        lambda p: rename(Tag.objects.get(name="量子科技"), "name", "量子信息") or "量子信息",
    ),
    "organization linked": (
        "article",
        lambda p: (
            p["article"].organizations.add(OrganizationFactory(name="青岚大学物理学院")) or "青岚大学物理学院"
        ),
    ),
    "organization renamed": (
        "article",
        lambda p: (
            rename(p["organization"], "name", "青岚省科学技术协会（省科协）")
            or "青岚省科学技术协会（省科协）"
        ),
    ),
    "organization unlinked": (
        "article",
        lambda p: ArticleOrganization.objects.filter(article=p["article"]).delete() and None,
    ),
    "event linked": (
        "article",
        lambda p: (
            ArticleEvent.objects.create(
                article=p["article"],
                event=EventFactory(name="青岚量子科技论坛", start_date=datetime.date(2026, 3, 1)),
            ).event.name
        ),
    ),
    "event renamed": (
        "article",
        lambda p: rename(p["event"], "name", "第十二届青岚省科普讲解大赛") or "第十二届青岚省科普讲解大赛",
    ),
    "event organizer added": (
        "event",
        lambda p: (
            p["event"].organizers.add(OrganizationFactory(name="青岚省科普作家协会")) or "青岚省科普作家协会"
        ),
    ),
    "section renamed": ("article", lambda p: rename(p["section"], "name", "要闻·头条") or "要闻·头条"),
    "page renamed": ("issue", lambda p: rename(p["page"], "name", "要闻专版") or "要闻专版"),
    "issue renumbered": ("home", lambda p: rename(p["issue"], "number", 3141) or "3141"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_changes_to_what_a_page_shows_invalidate_it(client, paper, change):
    page, apply = CHANGES[change]
    url = {
        "article": paper["article"].get_absolute_url(),
        "issue": paper["issue"].get_absolute_url(),
        "home": "/",
    }.get(page) or paper[page].get_absolute_url()
    before = text(get(client, url))
    assert get(client, url).headers.get("X-Page-Cache") == "hit"
    expected = apply(paper)
    after = get(client, url)
    assert after.headers.get("X-Page-Cache") == "miss"
    if expected:
        assert expected not in before and expected in text(after)
    else:
        assert text(after) != before


# --- the generation: every content model, every kind of write ----------------------------------------------


def _content_writes(paper):
    article, issue = paper["article"], paper["issue"]
    area = PageArea(page=paper["page"], article=article, x=0.1, y=0.1, width=0.3, height=0.2)
    doomed = ArticleFactory(
        title="待删稿件", published=True
    )  # a public one: deleting a draft keeps the pages
    return [
        ("Article save", lambda: article.save()),
        ("Article delete", lambda: doomed.delete()),
        ("Byline", lambda: Byline.objects.first().save()),
        ("ArticleOrganization", lambda: ArticleOrganization.objects.first().save()),
        ("ArticleEvent", lambda: ArticleEvent.objects.first().delete()),
        ("Tag", lambda: Tag.objects.first().save()),
        ("TaggedItem", lambda: article.tags.remove("量子科技")),
        ("Issue", lambda: issue.save()),
        ("IssuePage", lambda: IssuePage.objects.create(issue=issue, number=2, name="综合")),
        ("Section", lambda: Section.objects.create(name="科普")),
        ("Event", lambda: Event.objects.first().save()),
        ("Event organizers", lambda: paper["event"].organizers.add(paper["organization"])),
        ("Author", lambda: Author.objects.first().save()),
        ("Organization", lambda: Organization.objects.first().save()),
        ("Organization parent", lambda: rename(OrganizationFactory(), "parent", paper["organization"])),
        ("PageArea", lambda: area.save()),
    ]


def test_every_content_model_write_changes_the_generation(paper, generation):
    for name, write in _content_writes(paper):
        before = generation()
        write()
        assert generation() != before, name


def test_private_models_do_not_purge(paper, generation):
    from articles.models import ArticleLog
    from articles.sharing import make_share_link

    before = generation()
    make_share_link(paper["article"], paper["editor"])
    ArticleLog.objects.create(
        article=paper["article"], action="note", from_status="published", to_status="published"
    )
    paper["editor"].save()
    assert generation() == before


def test_a_link_moved_off_a_public_article_purges(paper, generation):
    """A link row purges for the article it named before the write as well as the one it names after."""
    draft = ArticleFactory(title="草稿")
    byline = Byline.objects.filter(article=paper["article"]).first()
    before = generation()
    byline.article = draft
    byline.save()
    assert generation() != before


def test_a_stale_copy_of_a_public_article_still_purges(paper, generation):
    """The article's state before a save is read from the database, not from an instance loaded earlier."""
    fresh = ArticleFactory(title="审核中的稿件", status="review", created_by=reporter("owner"))
    stale = Article.objects.get(pk=fresh.pk)
    workflow.approve(fresh, paper["editor"])
    before = generation()
    stale.title = "旧副本上改的标题"
    stale.save(update_fields=["title"])
    assert generation() != before


@pytest.mark.django_db(transaction=True)
def test_the_generation_changes_again_after_commit(paper, generation):
    """A page rendered while a change is uncommitted shows the old data: the commit must invalidate it too."""
    with transaction.atomic():
        article = Article.objects.get(pk=paper["article"].pk)
        article.title = "事务中修改的标题"
        article.save()
        seen_during_transaction = generation()
        Byline.objects.filter(article=article).first().save()  # a second change in the same transaction
        assert generation() != seen_during_transaction  # each change invalidates at once...
        seen_during_transaction = generation()
    assert generation() != seen_during_transaction  # ...and the commit once more


@pytest.mark.django_db(transaction=True)
def test_a_purge_in_a_rolled_back_savepoint_does_not_hide_a_later_change(paper, generation):
    with transaction.atomic():
        try:
            with transaction.atomic():
                purge_public_pages()
                raise RuntimeError("roll the savepoint back")
        except RuntimeError:
            pass
        purge_public_pages()  # must register its own commit-time purge: the savepoint's went with it
        seen = generation()
    assert generation() != seen


@pytest.mark.django_db(transaction=True)
def test_purge_public_pages_outside_a_transaction_takes_effect_at_once(paper, generation):
    before = generation()
    purge_public_pages()
    assert generation() != before


def test_queryset_update_needs_an_explicit_purge(client, paper):
    """Signals do not see queryset.update(): such writers call purge_public_pages() (seed_bench does)."""
    get(client, "/")
    Article.objects.filter(pk=paper["article"].pk).update(title="批量改写的标题")
    assert "批量改写的标题" not in text(get(client, "/"))
    purge_public_pages()
    assert "批量改写的标题" in text(get(client, "/"))


@pytest.mark.django_db(transaction=True)
def test_the_purge_hook_fires_once_after_commit(paper):
    from core.pagecache import public_pages_purged

    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    public_pages_purged.connect(receiver)
    try:
        with transaction.atomic():
            paper["article"].save()
            paper["other"].save()
            paper["article"].tags.add("科普")
            assert calls == []  # not before the commit
        assert len(calls) == 1  # once per transaction, however many rows changed
    finally:
        public_pages_purged.disconnect(receiver)
