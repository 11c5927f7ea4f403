"""The search page's filters take public values only, and are no oracle: an author, a section whose page is not
public answer exactly as a slug that names nothing (search/views.py)."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import STATES, AuthorFactory, PublishedArticleFactory, SectionFactory, article_in_state

pytestmark = pytest.mark.django_db

UNKNOWN = "no-such-slug-zz"
NONCE = re.compile(r'nonce="[^"]*"')  # the CSP nonce differs on every answer


def answer(client, params: dict, slug: str) -> tuple[int, str]:
    """Status and page text, with the slug sent (the query's echo) and the CSP nonce put aside."""
    response = client.get(reverse("search"), params)
    text = NONCE.sub("", response.content.decode())
    return response.status_code, text.replace(quote(slug), "<slug>").replace(slug, "<slug>")


@pytest.fixture
def paper():
    """One public article, so that the page has something to show, and a search that finds it."""
    PublishedArticleFactory(title="芯片新品发布", authors=[AuthorFactory(name="林知远")])


@pytest.mark.parametrize("state", [s for s in STATES if s != "published"] + ["none"])
@pytest.mark.parametrize("q", ["", "芯片"])
def test_an_author_without_a_public_article_answers_as_an_unknown_slug(client, paper, state, q):
    hidden = AuthorFactory(name="苏晴隐身")
    if state != "none":
        article_in_state(state, title="芯片内部稿件", authors=[hidden])
    as_hidden = answer(client, {"q": q, "author": hidden.slug}, hidden.slug)
    as_unknown = answer(client, {"q": q, "author": UNKNOWN}, UNKNOWN)
    assert as_hidden == as_unknown
    assert "苏晴隐身" not in as_hidden[1]


@pytest.mark.parametrize("state", [s for s in STATES if s != "published"] + ["none"])
def test_a_section_without_a_public_article_answers_as_an_unknown_slug(client, paper, state):
    hidden = SectionFactory(name="内参")
    if state != "none":
        article_in_state(state, title="芯片内部稿件", section=hidden)
    as_hidden = answer(client, {"q": "芯片", "section": hidden.slug}, hidden.slug)
    as_unknown = answer(client, {"q": "芯片", "section": UNKNOWN}, UNKNOWN)
    assert as_hidden == as_unknown


def test_public_authors_and_sections_still_filter(client):
    author, section = AuthorFactory(name="林知远"), SectionFactory(name="要闻")
    PublishedArticleFactory(title="芯片新品发布", authors=[author], section=section)
    PublishedArticleFactory(title="芯片人才短缺")
    response = client.get(reverse("search"), {"author": author.slug})
    assert [a.title for a in response.context["articles"]] == ["芯片新品发布"]
    assert response.context["author_filter"] == author
    response = client.get(reverse("search"), {"q": "芯片", "section": section.slug})
    assert [a.title for a in response.context["articles"]] == ["芯片新品发布"]
