"""Nothing unpublished reaches a reader: every public surface, every non-public state.

For each surface, one article in each workflow state is linked to the same issue, page, author, tag,
organization, event and section: the published one must show, the draft, the one in review, the scheduled one
(published, its time not yet come) and the withdrawn one must not, whether as a title, a link, a count, a
neighbour or a related article. A surface with only unpublished articles is a 404 and is not listed.
"""

import datetime
import re

import pytest
from django.urls import reverse

from articles.models import Byline
from tests.factories import (
    STATES,
    UNPUBLISHED,
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    SectionFactory,
    article_in_state,
)

pytestmark = pytest.mark.django_db

TITLES = {
    "published": "省科协启动科普进社区系列活动",
    "draft": "草稿稿件青岚大学共建实验室",
    "review": "待审稿件无人机飞进田间",
    "scheduled": "定时稿件成果转化行动计划",
    "withdrawn": "撤稿稿件青少年科学精神",
}
WEB_TITLES = {state: f"网络快讯{title}" for state, title in TITLES.items()}


@pytest.fixture
def world():
    """One issue, page, section, author, tag, organization and event, each linked to one article per state."""
    parent = OrganizationFactory(name="青岚省科学技术协会", short_name="省科协")
    organization = OrganizationFactory(name="青岚省科普服务中心", parent=parent)
    event = EventFactory(name="科普进社区启动仪式")
    event.organizers.add(organization)
    author = AuthorFactory(name="林知远")
    section = SectionFactory(name="要闻")
    issue = IssueFactory(number=301, date=datetime.date(2026, 3, 12))
    page = IssuePageFactory(issue=issue, number=1, name="要闻")
    articles, web = {}, {}
    for position, state in enumerate(STATES, start=1):
        links = {
            "section": section,
            "tags": ["科学普及"],
            "organizations": [organization],
            "events": [event],
            "authors": [author],
        }
        articles[state] = article_in_state(
            state, title=TITLES[state], issue=issue, page=page, position=position, **links
        )
        web[state] = article_in_state(state, title=WEB_TITLES[state], **links)
    return {
        "articles": articles,
        "web": web,
        "issue": issue,
        "page": page,
        "author": author,
        "organization": organization,
        "parent": parent,
        "event": event,
        "section": section,
    }


def assert_only_published(html: str, titles=TITLES):
    assert titles["published"] in html
    for state in UNPUBLISHED:
        assert titles[state] not in html, f"{state} article shown"


def article_links(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/articles/(\d+)/"', html)}


def unpublished_pks(world) -> set[int]:
    return {world["articles"][s].pk for s in UNPUBLISHED} | {world["web"][s].pk for s in UNPUBLISHED}


# ---- the paper: home, archive, issue, date redirect, page listing ----


def test_home(client, world):
    html = client.get("/").content.decode()
    assert_only_published(html)
    assert_only_published(html, WEB_TITLES)
    assert not article_links(html) & unpublished_pks(world)


def test_issue_archive_and_its_counts(client, world):
    response = client.get(reverse("articles:issues"))
    html = response.content.decode()
    assert world["issue"].get_absolute_url() in html
    [month_issue] = response.context["month_issues"]
    assert month_issue.public_count == 1  # four unpublished articles are not counted
    assert month_issue.lead_title == TITLES["published"]
    assert_only_published(html)
    assert response.context["months"][0]["issues"] == 1


def test_issue_detail(client, world):
    response = client.get(world["issue"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert_only_published(html)
    items = [str(item) for _page, page_items in response.context["pages"] for item in page_items]
    items += [str(item) for item in response.context["unplaced"]]
    assert len(items) == 1 and TITLES["published"] in items[0]


def test_date_redirect(client, world):
    response = client.get("/issues/2026-03-12/")
    assert response.status_code == 302
    assert response["Location"] == world["issue"].get_absolute_url()


def test_issue_page_listing(client, world):
    response = client.get(reverse("articles:issue_page", args=[301, 1]))
    assert response.status_code == 200
    assert_only_published(response.content.decode())


# ---- the article page and what it links to ----


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_unpublished_article_is_404(client, world, state):
    assert client.get(world["articles"][state].get_absolute_url()).status_code == 404
    assert client.get(world["web"][state].get_absolute_url()).status_code == 404


def test_article_related_and_neighbours(client, world):
    """Previous/next on the page and related articles skip every unpublished article, even adjacent ones."""
    first = world["articles"]["published"]
    # A second published article on the same page, after all the unpublished ones (positions 2-5).
    second = article_in_state(
        "published", title="省科技厅部署春季安全生产工作", issue=world["issue"], page=world["page"], position=9,
        tags=["科学普及"],
    )  # fmt: skip
    response = client.get(first.get_absolute_url())
    assert response.context["next_article"] == second
    assert response.context["previous_article"] is None
    related = response.context["related"]
    assert {a.pk for a in related} == {second.pk, world["web"]["published"].pk}
    html = response.content.decode()
    assert not article_links(html) & unpublished_pks(world)
    response = client.get(second.get_absolute_url())
    assert response.context["previous_article"] == first
    assert response.context["next_article"] is None


def test_web_only_neighbours(client, world):
    older = article_in_state("published", title="早前网络快讯")
    older.published_at = world["web"]["published"].published_at - datetime.timedelta(days=5)
    older.save()
    response = client.get(world["web"]["published"].get_absolute_url())
    assert response.context["previous_article"] == older
    assert response.context["next_article"] is None  # the scheduled web article, newer, is not next


# ---- entity pages ----


def test_author_page_and_role_counts(client, world):
    response = client.get(world["author"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert_only_published(html)
    assert_only_published(html, WEB_TITLES)
    assert [(r["role"], r["count"]) for r in response.context["roles"]] == [("reporter", 2)]
    assert response.context["page_obj"].paginator.count == 2


def test_organization_page(client, world):
    response = client.get(world["organization"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert_only_published(html)
    assert response.context["page_obj"].paginator.count == 2
    assert world["event"].name in html
    assert '<span class="section-head__count">1</span>' in html  # events organized


def test_event_page(client, world):
    response = client.get(world["event"].get_absolute_url())
    assert response.status_code == 200
    assert_only_published(response.content.decode())
    assert response.context["page_obj"].paginator.count == 2


def test_tag_page(client, world):
    response = client.get(reverse("articles:tag", args=["科学普及"]))
    assert response.status_code == 200
    assert_only_published(response.content.decode(), WEB_TITLES)
    assert response.context["page_obj"].paginator.count == 2


def test_section_page_and_navigation(client, world):
    response = client.get(world["section"].get_absolute_url())
    assert response.status_code == 200
    assert_only_published(response.content.decode())
    assert response.context["page_obj"].paginator.count == 2


# ---- surfaces with only unpublished articles ----


@pytest.fixture
def hidden_world(world):
    """The same world with its two published articles back in draft: nothing public is left anywhere."""
    for article in (world["articles"]["published"], world["web"]["published"]):
        article.status, article.published_at = "draft", None
        article.save()
    return world


def test_issue_with_only_unpublished_articles_is_not_served_nor_listed(client, hidden_world):
    issue = hidden_world["issue"]
    assert client.get(issue.get_absolute_url()).status_code == 404
    assert client.get("/issues/2026-03-12/").status_code == 404
    assert client.get(reverse("articles:issue_page", args=[issue.number, 1])).status_code == 404
    archive = client.get(reverse("articles:issues"))
    assert archive.context["months"] == []
    assert issue.get_absolute_url() not in archive.content.decode()
    home = client.get("/")
    assert home.context["issue"] is None
    assert issue.get_absolute_url() not in home.content.decode()


def test_hidden_issue_is_skipped_by_previous_and_next(client, world):
    before = IssueFactory(number=300, date=datetime.date(2026, 3, 5))
    after = IssueFactory(number=302, date=datetime.date(2026, 3, 19))
    for issue in (before, after):
        article_in_state("draft", issue=issue)
    response = client.get(world["issue"].get_absolute_url())
    assert response.context["previous_issue"] is None
    assert response.context["next_issue"] is None
    assert before.get_absolute_url() not in response.content.decode()
    archive = client.get(reverse("articles:issues") + "?month=2026-03")
    assert [i.number for i in archive.context["month_issues"]] == [301]
    assert client.get("/issues/2026-03-19/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda w: w["author"].get_absolute_url(),
        lambda w: w["organization"].get_absolute_url(),
        lambda w: w["event"].get_absolute_url(),
        lambda w: w["section"].get_absolute_url(),
        lambda w: reverse("articles:tag", args=["科学普及"]),
    ],
    ids=["author", "organization", "event", "section", "tag"],
)
def test_entity_with_only_unpublished_articles_is_404(client, hidden_world, url):
    assert client.get(url(hidden_world)).status_code == 404


def test_parent_organization_without_public_content_is_not_linked(client, world):
    response = client.get(world["organization"].get_absolute_url())
    html = response.content.decode()
    assert world["parent"].name in html
    assert world["parent"].get_absolute_url() not in html
    assert client.get(world["parent"].get_absolute_url()).status_code == 404


def test_section_navigation_lists_only_sections_with_public_articles(client, world):
    hidden = SectionFactory(name="内部栏目")
    article_in_state("review", section=hidden)
    html = client.get("/").content.decode()
    assert world["section"].get_absolute_url() in html
    assert "内部栏目" not in html


def test_author_with_bylines_in_other_roles_only_on_drafts(client, world):
    photographer = AuthorFactory(name="周远帆")
    article_in_state("draft", authors=[(photographer, Byline.Role.PHOTOGRAPHER)])
    article_in_state("published", authors=[(world["author"], Byline.Role.PHOTOGRAPHER)], title="摄影作品一组")
    assert client.get(photographer.get_absolute_url()).status_code == 404
    response = client.get(world["author"].get_absolute_url())
    assert [r["role"] for r in response.context["roles"]] == ["reporter", "photographer"]


# --- the rule as SQL (hot paths write their own statements) ---------------------------------------------------


def test_the_rule_as_sql_is_the_rule(django_db_blocker):
    """published_sql selects exactly what published() does, for every state, at several moments (the scheduled
    article's time before, at and after its publication), and with an article published exactly now."""
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article
    from articles.querysets import published_sql

    articles = {state: article_in_state(state) for state in STATES}
    scheduled_at = articles["scheduled"].published_at
    exact = article_in_state("published")
    for now in (
        timezone.now(),
        scheduled_at - datetime.timedelta(seconds=1),
        scheduled_at,
        scheduled_at + datetime.timedelta(seconds=1),
        exact.published_at,
    ):
        expected = set(Article.objects.published(now=now).values_list("pk", flat=True))
        condition, params = published_sql("a", now=now)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT a.id FROM {Article._meta.db_table} a WHERE {condition}", params)
            assert {pk for (pk,) in cursor.fetchall()} == expected, now
    assert articles["published"].pk in expected and articles["draft"].pk not in expected


def test_the_rule_for_values_in_hand_is_the_rule(django_db_blocker):
    """is_public (an instance's fields, no query) says yes exactly to what published() selects, at the same
    moments as above."""
    from django.utils import timezone

    from articles.models import Article
    from articles.querysets import is_public

    articles = [article_in_state(state) for state in STATES] + [article_in_state("published")]
    scheduled_at = articles[STATES.index("scheduled")].published_at
    for now in (
        timezone.now(),
        scheduled_at - datetime.timedelta(seconds=1),
        scheduled_at,
        articles[-1].published_at,
    ):
        expected = set(Article.objects.published(now=now).values_list("pk", flat=True))
        assert {a.pk for a in articles if is_public(a.status, a.published_at, now)} == expected, now
