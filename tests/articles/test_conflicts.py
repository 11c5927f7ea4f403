"""Conflicts resolved, never overwritten: a stale save shows each differing field (saved beside mine, what both
changed since the version I started from marked); saving again without resolving is refused again; only saving
the choices made on that page (theirs, mine, or a merge, per field) saves, on top of the newer version."""

import re

import pytest
import reversion

from articles.admin import conflicts
from articles.models import Article, StaleEdit
from tests.articles.test_admin_workflow import change_url, form_data
from tests.factories import ArticleFactory, SectionFactory, editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    return editor("editor_a")


@pytest.fixture
def b():
    return editor("editor_b")


@pytest.fixture
def article(a):
    with reversion.create_revision():
        return ArticleFactory(
            created_by=a,
            kicker="原引题",
            title="原标题",
            subtitle="原副题",
            summary="第一句。第二句。第三句。",
        )


def opened(client, user, article) -> dict:
    """The change form as `user` loaded it: the article's values and the hidden version and revision."""
    client.force_login(user)
    page = client.get(change_url(article)).content.decode()
    hidden = dict(re.findall(r'name="(based_on_(?:version|revision))" value="(\d+)"', page))
    assert hidden.get("based_on_version") == str(article.version)
    return form_data(Article.objects.get(pk=article.pk), **hidden)


def rows(response) -> dict:
    conflict = response.context["adminform"].form.conflict
    assert conflict is not None, "no conflict shown"
    return {row.name: row for row in conflict.rows}


def resolve(data, version, **choices):
    """The conflict page posted with its resolve button, with `choices` {field: theirs | mine | (merged, text)}."""
    data = {**data, conflicts.RESOLVE: str(version), conflicts.LISTED: list(choices)}
    data.pop("_save", None)
    for name, choice in choices.items():
        if isinstance(choice, tuple):
            data[conflicts.choice_name(name)], data[conflicts.merged_name(name)] = choice
        else:
            data[conflicts.choice_name(name)] = choice
    return data


def test_the_base_revision_is_known_when_the_form_is_loaded(client, a, article):
    data = opened(client, a, article)
    assert data["based_on_revision"] == str(conflicts.latest_revision_id(article))
    Article.objects.filter(pk=article.pk).update(title="改过，却没有修订")
    assert conflicts.latest_revision_id(Article.objects.get(pk=article.pk)) is None  # not a base to trust


def test_stale_save_shows_the_fields_side_by_side_and_saving_again_is_refused_again(client, a, b, article):
    mine = opened(client, b, article)
    theirs = opened(client, a, article)
    assert client.post(change_url(article), {**theirs, "kicker": "甲改的引题"}).status_code == 302

    client.force_login(b)
    refused = client.post(change_url(article), {**mine, "subtitle": "乙改的副题"})
    assert refused.status_code == 200
    shown = rows(refused)
    assert set(shown) == {"kicker", "subtitle"}
    assert not shown["kicker"].both_changed and shown["kicker"].choice == conflicts.THEIRS
    assert not shown["subtitle"].both_changed and shown["subtitle"].choice == conflicts.MINE
    # What they changed, against the version I started from.
    assert "<ins>甲改的</ins>" in shown["kicker"].theirs
    page = refused.content.decode()
    assert 'name="_resolve_conflict" value="2"' in page and "乙改的副题" in page
    # The refused form is still based on the version B started from: the plain save again is refused again.
    assert re.search(r'name="based_on_version" value="1"', page)
    again = client.post(change_url(article), {**mine, "subtitle": "乙改的副题"})
    assert again.status_code == 200 and rows(again)
    saved = Article.objects.get(pk=article.pk)
    assert (saved.kicker, saved.subtitle, saved.version) == ("甲改的引题", "原副题", 2)
    assert StaleEdit.objects.filter(article=article, user=b).count() == 1  # kept once

    resolved = client.post(
        change_url(article),
        resolve({**mine, "subtitle": "乙改的副题"}, 2, kicker=conflicts.THEIRS, subtitle=conflicts.MINE),
    )
    assert resolved.status_code == 302 and resolved["Location"] == change_url(article)
    saved = Article.objects.get(pk=article.pk)
    assert (saved.kicker, saved.subtitle, saved.version) == ("甲改的引题", "乙改的副题", 3)


def test_a_field_both_changed_is_marked_and_can_be_merged(client, a, b, article):
    mine = opened(client, b, article)
    theirs = opened(client, a, article)
    client.post(change_url(article), {**theirs, "summary": "第一句改了。第二句。第三句。"})
    client.force_login(b)
    refused = client.post(change_url(article), {**mine, "summary": "第一句。第二句。第三句也改了。"})
    row = rows(refused)["summary"]
    assert row.both_changed and row.choice == "" and row.mergeable
    assert row.merged == "第一句改了。第二句。第三句也改了。"  # both changes, where they apply cleanly
    assert "conflict-row--both" in refused.content.decode()
    merged = ("merged", "第一句改了。第二句。第三句也改了，并且合并了。")
    data = resolve({**mine, "summary": "第一句。第二句。第三句也改了。"}, 2, summary=merged)
    assert client.post(change_url(article), data).status_code == 302
    assert Article.objects.get(pk=article.pk).summary == merged[1]


def test_a_resolution_needs_a_choice_for_every_field(client, a, b, article):
    mine = opened(client, b, article)
    theirs = opened(client, a, article)
    client.post(change_url(article), {**theirs, "title": "甲的标题"})
    client.force_login(b)
    data = resolve({**mine, "title": "乙的标题"}, 2, title=conflicts.MINE)
    del data[conflicts.choice_name("title")]
    response = client.post(change_url(article), data)
    assert response.status_code == 200 and response.context["adminform"].form.conflict.unresolved
    assert Article.objects.get(pk=article.pk).title == "甲的标题"


def test_a_resolution_against_a_version_saved_over_meanwhile_is_refused(client, a, b, article):
    mine = opened(client, b, article)
    theirs = opened(client, a, article)
    client.post(change_url(article), {**theirs, "title": "甲的标题"})
    client.post(change_url(article), {**theirs, "title": "甲又改的标题", "based_on_version": 2})
    client.force_login(b)
    response = client.post(
        change_url(article), resolve({**mine, "title": "乙的标题"}, 2, title=conflicts.MINE)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.conflict.version == 3
    assert Article.objects.get(pk=article.pk).title == "甲又改的标题"


def test_taking_theirs_for_a_link_field(client, a, b, article):
    science, society = SectionFactory(name="科学"), SectionFactory(name="社会")
    mine = opened(client, b, article)
    theirs = opened(client, a, article)
    client.post(change_url(article), {**theirs, "section": science.pk})
    client.force_login(b)
    refused = client.post(change_url(article), {**mine, "section": society.pk, "title": "乙的标题"})
    shown = rows(refused)
    assert set(shown) == {"section", "title"} and "科学" in shown["section"].theirs
    data = resolve({**mine, "section": society.pk, "title": "乙的标题"}, 2, section="theirs", title="mine")
    assert client.post(change_url(article), data).status_code == 302
    saved = Article.objects.get(pk=article.pk)
    assert (saved.section_id, saved.title) == (science.pk, "乙的标题")


def test_without_the_base_revision_it_is_saved_against_mine(client, a, b):
    # No revision: made outside the admin.
    article = ArticleFactory(created_by=a, title="原标题", kicker="原引题")
    mine = opened(client, b, article)
    assert "based_on_revision" not in mine
    client.force_login(a)
    client.post(change_url(article), {**mine, "kicker": "甲改的引题"})
    client.force_login(b)
    refused = client.post(change_url(article), {**mine, "title": "乙的标题"})
    shown = rows(refused)
    assert set(shown) == {"kicker", "title"}
    assert not any(row.base_known or row.both_changed or row.choice for row in shown.values())
    assert "<ins>乙的</ins>" in shown["title"].mine  # mine, marked against the saved text
