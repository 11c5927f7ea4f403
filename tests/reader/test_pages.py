"""How the reader's pages behave: the paper, the archive and its calendar, articles, entity pages, errors."""

import datetime
import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Byline
from people.models import Author
from reader.views import render_article
from tests.factories import (
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    SectionFactory,
    article_in_state,
    image_file,
)

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug in a view")


# This module doubles as a URLconf (see test_500_page_through_the_handler): the site plus a view that fails.
urlpatterns = [path("boom/", boom), path("", include("newsroom.urls"))]


@pytest.fixture
def march():
    """Three weekly issues in March 2026, one in February; the 19th's issue has nothing public."""
    issues = {}
    for number, day in [(299, datetime.date(2026, 2, 26)), (300, datetime.date(2026, 3, 5)),
                        (301, datetime.date(2026, 3, 12)), (302, datetime.date(2026, 3, 19)),
                        (303, datetime.date(2026, 3, 26))]:  # fmt: skip
        issue = IssueFactory(number=number, date=day)
        page = IssuePageFactory(issue=issue, number=1, name="要闻")
        article_in_state(
            "review" if number == 302 else "published", issue=issue, page=page, title=f"第{number}期头条稿件"
        )
        issues[number] = issue
    return issues


ITEM_TITLE = re.compile(r'class="item__title"><a href="[^"]*">([^<]*)</a>')


def item_titles(items) -> list[str]:
    """The titles of rendered listing items (reader/items.py), in order."""
    return [ITEM_TITLE.search(str(item)).group(1) for item in items]


def html_of(response) -> str:
    return response.content.decode()


# ---- the archive: months, calendar, jump to a date ----


def test_archive_defaults_to_the_latest_month_with_its_calendar(client, march):
    response = client.get(reverse("articles:issues"))
    assert response.status_code == 200
    assert response.context["selected_month"] == datetime.date(2026, 3, 1)
    assert [m["month"] for m in response.context["months"]] == [
        datetime.date(2026, 3, 1),
        datetime.date(2026, 2, 1),
    ]
    assert [m["issues"] for m in response.context["months"]] == [3, 1]
    days = [cell for week in response.context["weeks"] for cell in week]
    linked = {cell.day.day: cell.issue.number for cell in days if cell.issue}
    assert linked == {5: 300, 12: 301, 26: 303}
    # Monday-first weeks covering the whole month (March 2026 starts on a Sunday): six blanks, then the 1st.
    assert [cell.day for cell in days[:7]] == [None] * 6 + [datetime.date(2026, 3, 1)]
    assert not days[0].in_month and days[6].in_month
    assert all(len(week) == 7 for week in response.context["weeks"])
    html = html_of(response)
    calendar = html[html.index('<table class="calendar">') : html.index("</table>")]
    assert set(re.findall(r'href="(/issues/\d+/)"', calendar)) == {
        "/issues/300/",
        "/issues/301/",
        "/issues/303/",
    }
    assert "/issues/302/" not in html
    assert response.context["previous_month"] == datetime.date(2026, 2, 1)
    assert response.context["next_month"] is None
    assert "第301期头条稿件" in html  # each issue of the month with its lead story


def test_archive_month_parameter(client, march):
    response = client.get(reverse("articles:issues"), {"month": "2026-02"})
    assert [i.number for i in response.context["month_issues"]] == [299]
    assert response.context["next_month"] == datetime.date(2026, 3, 1)
    assert response.context["previous_month"] is None
    for bad in ["2026-13", "2026", "abc", "2026-03-01", "0000-01", "2025-12"]:
        assert client.get(reverse("articles:issues"), {"month": bad}).status_code == 404, bad


def test_jump_to_a_date_with_an_issue_redirects_to_it(client, march):
    response = client.get(reverse("articles:issues"), {"date": "2026-03-12"})
    assert response.status_code == 302
    assert response["Location"] == "/issues/301/"


def test_jump_to_a_date_without_an_issue_shows_its_month_and_nearest_issues(client, march):
    response = client.get(reverse("articles:issues"), {"date": "2026-03-19"})  # the hidden issue's day
    assert response.status_code == 200
    assert response.context["missed_day"] == datetime.date(2026, 3, 19)
    assert response.context["nearest_before"].number == 301
    assert response.context["nearest_after"].number == 303
    assert response.context["selected_month"] == datetime.date(2026, 3, 1)
    response = client.get(reverse("articles:issues"), {"date": "2030-01-01"})
    assert response.status_code == 200
    assert response.context["nearest_before"].number == 303
    assert response.context["nearest_after"] is None
    assert response.context["month_issues"] == []


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "9999-12-15"])
def test_jump_to_the_ends_of_the_calendar(client, march, value):
    response = client.get(reverse("articles:issues"), {"date": value})
    assert response.status_code == 200
    assert response.context["missed_day"] == datetime.date.fromisoformat(value)


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-30", "12/03/2026", "9" * 5000, "2026-03-12'--", "<b>"]
)
def test_jump_with_a_bad_date_explains_itself(client, march, value):
    response = client.get(reverse("articles:issues"), {"date": value})
    assert response.status_code == 200
    assert response.context["jump_error"] is True
    assert 'aria-invalid="true"' in html_of(response)
    assert "<b>" not in html_of(response).split("<main", 1)[1]


def test_archive_with_no_issue_yet(client):
    response = client.get(reverse("articles:issues"))
    assert response.status_code == 200
    assert response.context["months"] == []


# ---- issues by date and number ----


def test_date_url_redirects_to_the_issue(client, march):
    response = client.get("/issues/2026-03-05/")
    assert response.status_code == 302 and response["Location"] == "/issues/300/"
    assert reverse("articles:issue_by_date", args=[datetime.date(2026, 3, 5)]) == "/issues/2026-03-05/"


@pytest.mark.parametrize(
    "url",
    [
        "/issues/2026-03-06/",
        "/issues/2026-02-30/",
        "/issues/2026-13-01/",
        "/issues/0000-01-01/",
        "/issues/2026-3-5/",
    ],
)
def test_date_url_without_a_public_issue_is_404(client, march, url):
    assert client.get(url).status_code == 404


def test_issue_detail_by_page_with_previous_and_next(client, march):
    issue = march[301]
    second = IssuePageFactory(issue=issue, number=2, name="综合")
    article_in_state("published", issue=issue, page=second, position=2, title="二版第二篇")
    article_in_state("published", issue=issue, page=second, position=1, title="二版第一篇")
    IssuePageFactory(issue=issue, number=3, name="科普")  # no article: not shown
    response = client.get(issue.get_absolute_url())
    pages = response.context["pages"]
    assert [(page.number, page.name, item_titles(items)) for page, items in pages] == [
        (1, "要闻", ["第301期头条稿件"]),
        (2, "综合", ["二版第一篇", "二版第二篇"]),
    ]
    assert response.context["previous_issue"].number == 300
    assert response.context["next_issue"].number == 303  # 302 has nothing public
    html = html_of(response)
    assert html.index("二版第一篇") < html.index("二版第二篇")
    assert 'rel="prev" href="/issues/300/"' in html and 'rel="next" href="/issues/303/"' in html
    assert "科普" not in html.split("<main", 1)[1]


def test_issue_page_listing(client, march):
    response = client.get(reverse("articles:issue_page", args=[301, 1]))
    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == ["第301期头条稿件"]
    assert reverse("articles:issue_page", kwargs={"number": 301, "page": 1}) == "/issues/301/1/"


@pytest.mark.parametrize(
    "url",
    ["/issues/9999/", "/issues/302/", "/issues/301/9/", "/issues/301/abc/", "/issues/abc/", "/articles/999999/",
     "/articles/abc/", "/authors/无此人/", "/organizations/无此单位/", "/events/无此活动/", "/tags/无此标签/",
     "/sections/无此栏目/", "/issues/301/1/extra/"],
)  # fmt: skip
def test_garbage_urls_are_404(client, march, url):
    assert client.get(url).status_code == 404


# ---- the front page ----


def test_home_shows_the_latest_public_issue_its_lead_and_web_news(client, march):
    issue = march[303]
    page = issue.pages.get(number=1)
    lead = article_in_state(
        "published", issue=issue, page=page, position=2, title="配图头条稿件", image=image_file(),
        image_caption="参赛队员调试机器人", image_credit="周远帆 摄",
    )  # fmt: skip
    article_in_state("published", title="网络快讯：省科技馆延长开放时间")
    article_in_state("draft", title="网络草稿不应出现")
    response = client.get("/")
    assert response.context["issue"] == issue
    # The lead is the first illustrated article of the front page, shown once, with its image and caption.
    html = html_of(response)
    lead_html = html.split('<article class="lead"', 1)[1].split("</article>", 1)[0]
    assert f'href="{lead.get_absolute_url()}">配图头条稿件</a>' in lead_html
    assert html.count("配图头条稿件") == 1
    assert lead.image.url in lead_html and "参赛队员调试机器人" in lead_html and "周远帆 摄" in lead_html
    assert "第303期头条稿件" in html
    assert item_titles(response.context["latest"]) == ["网络快讯：省科技馆延长开放时间"]
    # The previous issue skips 302, which has nothing public.
    assert response.context["previous_issue"].number == 301
    assert 'rel="prev" href="/issues/301/"' in html and "/issues/302/" not in html


def test_home_without_any_issue(client):
    article_in_state("published", title="只有网络新闻")
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["issue"] is None
    assert "只有网络新闻" in html_of(response)


# ---- the article page ----


@pytest.fixture
def story(march):
    issue = march[301]
    page = issue.pages.get(number=1)
    section = SectionFactory(name="观点", is_opinion=True)
    writer, correspondent, photographer, desk = (
        AuthorFactory(name="韩书言", kind="contributor"),
        AuthorFactory(name="苏晴", kind="correspondent"),
        AuthorFactory(name="周远帆", kind="photographer"),
        AuthorFactory(name="许文澜", kind="editor"),
    )
    parent = OrganizationFactory(name="青岚省科学技术协会")
    organization = OrganizationFactory(name="青岚省科普作家协会", parent=parent)
    event = EventFactory(name="青少年科学节")
    article = article_in_state(
        "published",
        issue=issue,
        page=page,
        position=5,
        section=section,
        kicker="科学教育",
        title="让科学精神在青少年心中生根发芽",
        subtitle="——写在第十届青少年科学节开幕之际",
        dateline="本报讯",
        body="<p>青少年是国家的未来，也是科学事业的后备力量。</p><p>另一方面，社会各界要形成合力。</p>",
        author_note="作者系青岚省科普作家协会副理事长",
        image=image_file(),
        image_caption="学生在科技馆体验机器人编程",
        image_credit="周远帆 摄",
        tags=["科学教育", "青少年"],
        organizations=[organization],
        events=[event],
        authors=[
            (writer, Byline.Role.AUTHOR),
            (correspondent, Byline.Role.CORRESPONDENT),
            (photographer, Byline.Role.PHOTOGRAPHER),
            (desk, Byline.Role.EDITOR),
        ],
    )
    return {"article": article, "authors": (writer, correspondent, photographer, desk), "organization": organization,
            "event": event, "issue": issue, "page": page}  # fmt: skip


def test_article_hierarchy_and_links(client, story):
    article = story["article"]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = html_of(response)
    main = html.split('<main id="main"', 1)[1]
    # 引题, 主题 (the only h1), 副题, in that order.
    assert main.index("科学教育</p>") < main.index("<h1") < main.index("——写在第十届青少年科学节开幕之际")
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", main) == ["让科学精神在青少年心中生根发芽"]
    # Bylines, each linking to its author page, with the desk editor at the foot.
    writer, correspondent, photographer, desk = story["authors"]
    for author in story["authors"]:
        assert f'href="{author.get_absolute_url()}"' in main
    assert [g.role for g in response.context["credits"]] == ["author", "correspondent", "photographer"]
    assert response.context["desk_editors"] == [desk]
    assert (
        main.index(photographer.get_absolute_url())
        < main.index("青少年是国家的未来")
        < main.index(desk.get_absolute_url())
    )
    # 第N期 第M版 link to the issue and its page.
    assert 'href="/issues/301/"' in main and 'href="/issues/301/1/"' in main
    # Image with caption and credit; sanitized body rendered as HTML with the dateline in its first paragraph.
    assert f'src="{article.image.url}.w1080.jpg"' in main  # a rendition (tests/reader/test_pictures.py)
    assert "学生在科技馆体验机器人编程" in main and "周远帆 摄" in main
    assert '<p><span class="dateline">本报讯</span> 青少年是国家的未来' in main
    assert "<p>另一方面，社会各界要形成合力。</p>" in main
    assert "（作者系青岚省科普作家协会副理事长）" in main
    # Tags, organizations, events as links.
    assert f'href="{reverse("articles:tag", args=["科学教育"])}"' in main
    assert f'href="{story["organization"].get_absolute_url()}"' in main
    assert f'href="{story["event"].get_absolute_url()}"' in main
    assert "story--opinion" in main


def test_article_body_is_rendered_as_stored_and_dateline_is_escaped(client, story):
    article = story["article"]
    article.dateline = "<i>本报讯</i>"
    article.body = "<p>正文<script>alert(1)</script></p>"  # sanitized on save
    article.save()
    html = html_of(client.get(article.get_absolute_url()))
    assert "<script>alert" not in html
    assert "&lt;i&gt;本报讯&lt;/i&gt;" in html


def test_related_articles_rank_by_shared_links_and_exclude_the_article(client, story):
    article = story["article"]
    one_tag = article_in_state("published", title="只共享一个标签", tags=["青少年"])
    many = article_in_state(
        "published", title="共享标签单位活动", tags=["科学教育", "青少年"], organizations=[story["organization"]],
        events=[story["event"]],
    )  # fmt: skip
    article_in_state("published", title="毫不相关的稿件", tags=["新能源"])
    related = client.get(article.get_absolute_url()).context["related"]
    assert [a.pk for a in related] == [many.pk, one_tag.pk]
    assert related[0].shared == 4


def test_related_is_bounded(client, story):
    for n in range(8):
        article_in_state("published", title=f"同标签稿件{n}", tags=["青少年"])
    assert len(client.get(story["article"].get_absolute_url()).context["related"]) == 5


def test_article_without_links_has_no_related(client):
    article = article_in_state("published", title="孤立稿件")
    assert client.get(article.get_absolute_url()).context["related"] == []


def test_preview_renders_an_unpublished_article_in_the_public_design(story):
    draft = article_in_state(
        "draft", title="尚未签发的稿件", issue=story["issue"], page=story["page"], position=6, tags=["青少年"]
    )
    hidden_neighbour = article_in_state("review", issue=story["issue"], page=story["page"], position=7)
    request = RequestFactory().get("/preview/")
    response = render_article(request, draft, preview=True, extra_context={"shared_preview": False})
    html = response.content.decode()
    assert "尚未签发的稿件" in html
    assert 'class="preview-banner"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert (
        f'href="{story["article"].get_absolute_url()}"' in html
    )  # published previous on the page, and related
    assert hidden_neighbour.get_absolute_url() not in html
    public = render_article(request, story["article"]).content.decode()
    assert "preview-banner" not in public and "noindex" not in public


# ---- entity pages and pagination ----


def test_author_page_groups_articles_by_role_and_filters_by_role(client, story):
    photographer = story["authors"][2]
    photographer.bio = "长期从事新闻摄影工作。"
    photographer.organization = story["organization"]
    photographer.position = "摄影记者"
    photographer.photo = image_file("face.png", size=(200, 200))
    photographer.save()
    PublishedArticleFactory(title="周远帆撰写的稿件", authors=[(photographer, Byline.Role.REPORTER)])
    response = client.get(photographer.get_absolute_url())
    html = html_of(response)
    assert [(r["role"], r["count"]) for r in response.context["roles"]] == [
        ("reporter", 1),
        ("photographer", 1),
    ]
    assert html.index("周远帆撰写的稿件") < html.index(
        "让科学精神在青少年心中生根发芽"
    )  # reporter group first
    assert "长期从事新闻摄影工作。" in html and "摄影记者" in html and photographer.photo.url in html
    assert f'href="{story["organization"].get_absolute_url()}"' in html
    filtered = client.get(photographer.get_absolute_url(), {"role": "photographer"})
    groups = filtered.context["groups"]
    assert [(label, item_titles(items)) for label, items in groups] == [
        ("摄影", ["让科学精神在青少年心中生根发芽"])
    ]
    assert client.get(photographer.get_absolute_url(), {"role": "editor"}).status_code == 404
    assert client.get(photographer.get_absolute_url(), {"role": "nonsense"}).status_code == 404


def test_author_pages_span_roles_in_order_newest_first(client):
    """Every page of an author reads its own slice of the roles' runs: 15 reporter bylines then 10 as author
    (newest first within each) make page 1 the 15 reporter and 5 author articles, page 2 the other 5."""
    author = AuthorFactory(name="林知远")
    start = timezone.now() - datetime.timedelta(days=30)
    for n in range(15):
        PublishedArticleFactory(
            title=f"报道{n:02d}",
            published_at=start + datetime.timedelta(hours=n),
            authors=[(author, Byline.Role.REPORTER)],
        )
    for n in range(10):
        PublishedArticleFactory(
            title=f"评论{n:02d}",
            published_at=start + datetime.timedelta(hours=n),
            authors=[(author, Byline.Role.AUTHOR)],
        )
    article_in_state("scheduled", title="明天的报道", authors=[(author, Byline.Role.REPORTER)])
    first = client.get(author.get_absolute_url())
    assert [(r["role"], r["count"]) for r in first.context["roles"]] == [("reporter", 15), ("author", 10)]
    groups = first.context["groups"]
    assert len(groups) == 2 and item_titles(groups[0][1]) == [f"报道{n:02d}" for n in range(14, -1, -1)]
    assert item_titles(groups[1][1]) == [f"评论{n:02d}" for n in range(9, 4, -1)]
    second = client.get(author.get_absolute_url(), {"page": "2"})
    assert [item_titles(items) for _label, items in second.context["groups"]] == [
        [f"评论{n:02d}" for n in range(4, -1, -1)]
    ]
    assert "明天的报道" not in html_of(first) + html_of(second)
    assert client.get(author.get_absolute_url(), {"page": "3"}).status_code == 404


def test_organization_page(client, story):
    organization = story["organization"]
    child = OrganizationFactory(name="青岚省科普作家协会青少年工作委员会", parent=organization)
    article_in_state("published", organizations=[child], title="工作委员会的稿件")
    story["event"].organizers.add(organization)
    response = client.get(organization.get_absolute_url())
    html = html_of(response)
    assert "青岚省科学技术协会" in html  # the parent, not linked: nothing public mentions it
    assert f'href="{child.get_absolute_url()}"' in html
    assert f'href="{story["event"].get_absolute_url()}"' in html
    assert item_titles(response.context["items"]) == ["让科学精神在青少年心中生根发芽"]
    assert "工作委员会的稿件" not in html


def test_organization_public_through_its_events_only(client, story):
    organizer = OrganizationFactory(name="青岚省青少年科技教育协会")
    story["event"].organizers.add(organizer)
    response = client.get(organizer.get_absolute_url())
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert f'href="{story["event"].get_absolute_url()}"' in html_of(response)


def test_event_page(client, story):
    event = story["event"]
    event.organizers.add(story["organization"])
    response = client.get(event.get_absolute_url())
    html = html_of(response)
    assert "云川市会展中心" in html
    assert 'datetime="2026-03-12"' in html and 'datetime="2026-03-13"' in html
    assert f'href="{story["organization"].get_absolute_url()}"' in html
    assert "让科学精神在青少年心中生根发芽" in html


def test_event_page_organizers_follow_their_changes(client, story, settings):
    settings.PAGE_CACHE = False  # the organizers are a shared fragment: as fresh as the page itself
    event = story["event"]
    event.organizers.add(story["organization"])
    assert story["organization"].name in html_of(client.get(event.get_absolute_url()))
    second = OrganizationFactory(name="云川市科学技术局")
    event.organizers.add(second)
    assert "云川市科学技术局" in html_of(client.get(event.get_absolute_url()))
    second.name = "云川市科技创新局"
    second.save()
    event.organizers.remove(story["organization"])
    html = html_of(client.get(event.get_absolute_url()))
    assert "云川市科技创新局" in html and story["organization"].get_absolute_url() not in html


@pytest.fixture
def tagged_archive():
    section = SectionFactory(name="综合")
    for n in range(45):
        article_in_state("published", title=f"人工智能稿件第{n:02d}篇", tags=["人工智能"], section=section)
    return section


def test_tag_and_section_pages_paginate(client, tagged_archive):
    for url in [reverse("articles:tag", args=["人工智能"]), tagged_archive.get_absolute_url()]:
        first = client.get(url)
        assert first.status_code == 200
        assert len(first.context["page_obj"]) == len(first.context["items"]) == 20
        assert first.context["page_obj"].paginator.num_pages == 3
        assert 'rel="next" href="?page=2"' in html_of(first)
        last = client.get(url, {"page": "3"})
        assert len(last.context["page_obj"]) == len(last.context["items"]) == 5
        assert 'rel="prev" href="?page=2"' in html_of(last)
        titles = {t for n in (1, 2, 3) for t in item_titles(client.get(url, {"page": n}).context["items"])}
        assert len(titles) == 45


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "1.5", "9" * 30, "9" * 5000, "", " "])
def test_bad_page_numbers_are_404_never_500(client, tagged_archive, page):
    response = client.get(reverse("articles:tag", args=["人工智能"]), {"page": page})
    assert response.status_code == (200 if page == "" else 404)


def test_pagination_keeps_other_parameters(client):
    author = AuthorFactory(name="王启航")
    for n in range(25):
        article_in_state("published", title=f"王启航稿件{n}", authors=[(author, Byline.Role.REPORTER)])
    html = html_of(client.get(author.get_absolute_url(), {"role": "reporter"}))
    assert 'href="?role=reporter&amp;page=2"' in html


# ---- error pages and the rules every public page keeps ----


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["page", "month", "date", "role"]),
    value=st.text(min_size=1, max_size=40)
    | st.from_regex(r"-?[0-9]{1,25}(-[0-9]{1,3}){0,2}", fullmatch=True),
)
def test_any_query_parameter_is_answered_without_error(client, story, name, value):
    """Whatever a reader (or a crawler) puts in the query string, a page answers 200, 302 or 404, never 500."""
    for url in ["/", reverse("articles:issues"), story["authors"][0].get_absolute_url(),
                reverse("articles:tag", args=["科学教育"]), story["event"].get_absolute_url()]:  # fmt: skip
        assert client.get(url, {name: value}).status_code in {200, 302, 404}, (url, name, value)


def test_404_page_in_the_site_design(client, march):
    response = client.get("/articles/999999/")
    assert response.status_code == 404
    html = html_of(response)
    assert settings.NEWSPAPER_NAME in html
    assert 'class="error-page"' in html and "site.css" in html
    assert '<html lang="zh-CN">' in html


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert settings.NEWSPAPER_NAME in html
    assert "site.css" in html and 'class="error-page"' in html


@pytest.mark.urls(__name__)
def test_500_page_through_the_handler(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert settings.NEWSPAPER_NAME in html_of(response)
    assert 'class="error-page"' in html_of(response)


def test_public_pages_have_no_inline_script_or_style(client, story):
    """The public Content-Security-Policy allows no inline script or style: the pages must not need any."""
    urls = [
        "/", reverse("articles:issues"), story["issue"].get_absolute_url(), "/issues/301/1/",
        story["article"].get_absolute_url(), story["authors"][0].get_absolute_url(),
        story["organization"].get_absolute_url(), story["event"].get_absolute_url(),
        reverse("articles:tag", args=["科学教育"]), story["article"].section.get_absolute_url(), "/articles/999999/",
    ]  # fmt: skip
    for url in urls:
        html = html_of(client.get(url))
        assert " style=" not in html and "<style" not in html, url
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert all('type="application/ld+json"' in tag for tag in scripts), (url, scripts)
        assert re.search(r"\son[a-z]+=", html) is None, url


def test_an_authors_position_that_repeats_the_kind_is_said_once(client):
    reporter_author = AuthorFactory(name="江远舟", kind=Author.Kind.STAFF, position="本报记者")
    PublishedArticleFactory(title="青岚科技活动周开幕", authors=[(reporter_author, Byline.Role.REPORTER)])
    html = html_of(client.get(reporter_author.get_absolute_url()))
    start = html.index('<header class="profile">')
    head = html[start : html.index("</header>", start)]
    assert head.count("本报记者") == 1  # the kicker; no 本报记者 under it again
    reporter_author.position = "科技部主任"
    reporter_author.save()
    head = html_of(client.get(reporter_author.get_absolute_url()))
    assert "科技部主任" in head
