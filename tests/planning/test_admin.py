"""The story admin (planning/admin.py, planning/forms.py): the pitch form, who sees which stories, the editors'
accept/assign and kill forms, the assignee's start; bad input is a form error that changes nothing; forged posts
(another role, a wrong id, no CSRF token, a GET) are refused; the pages are in Chinese."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from planning.models import Story, StoryStatus
from tests.articles.test_admin_chinese import ALLOWED, WORD, visible_text
from tests.factories import IssueFactory, IssuePageFactory, SectionFactory, reporter

from .factories import in_a_day, newsroom, story_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return newsroom()


@pytest.fixture
def page():
    issue = IssueFactory(number=2718, date=timezone.localdate() + datetime.timedelta(days=5))
    return IssuePageFactory(issue=issue, number=2, name="综合")


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _url(name, story):
    return reverse(f"admin:planning_story_{name}", args=[story.pk])


def _local(when):
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def _accept_data(people, where, **overrides):
    data = {
        "assignee": people["assignee"].pk,
        "role": "reporter",
        "issue": where.issue.pk,
        "page": where.pk,
        "target_length": "1500",
        "due_at": _local(in_a_day()),
    }
    return {**data, **overrides}


def _unchanged(story, status=StoryStatus.PITCHED):
    story.refresh_from_db()
    assert story.status == status
    return story


# ----- the pitch ---------------------------------------------------------------------------------------------


def test_a_reporter_pitches_in_the_add_form(people, page):
    section = SectionFactory(name="综合")
    response = client_for(people["pitcher"]).post(
        reverse("admin:planning_story_add"),
        {"title": "县域科普场馆调查", "brief": "走访三个县", "kind": "feature", "section": section.pk,
         "page": page.pk, "status": "published", "pitched_by": people["editor"].pk, "_save": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    story = Story.objects.get()
    assert (story.status, story.pitched_by, story.kind) == ("pitched", people["pitcher"], "feature")
    assert (story.issue, story.page, story.section) == (page.issue, page, section)  # the page's issue
    assert list(story.log.values_list("action", flat=True)) == ["pitch"]


def test_a_pitch_for_a_page_of_another_issue_is_a_form_error(people, page):
    response = client_for(people["pitcher"]).post(
        reverse("admin:planning_story_add"),
        {
            "title": "选题",
            "kind": "news",
            "issue": IssueFactory(date=timezone.localdate()).pk,
            "page": page.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["page"]
    assert not Story.objects.exists()


def test_the_pitcher_edits_the_words_of_a_pitch_and_nothing_else(people, page):
    story = story_in_state("pitched", people)
    client = client_for(people["pitcher"])
    response = client.post(
        _url("change", story),
        {"title": "新标题", "brief": "新的说明", "kind": "news", "status": "killed", "target_length": "9"},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.title, story.brief, story.status, story.target_length) == (
        "新标题",
        "新的说明",
        "pitched",
        None,
    )
    assert story.log.filter(action="edit").exists()


def test_a_reporter_may_not_edit_an_accepted_story(people):
    story = story_in_state("accepted", people)
    response = client_for(people["pitcher"]).post(_url("change", story), {"title": "改", "kind": "news"})
    assert response.status_code == 403
    assert Story.objects.get().title != "改"


# ----- who sees what -----------------------------------------------------------------------------------------


def test_reporters_see_what_they_pitched_or_cover_editors_everything(people):
    mine = story_in_state("pitched", people, title="林的选题")
    covered = story_in_state("accepted", people, title="苏负责的选题")
    theirs = story_in_state("pitched", people, title="别人的选题", pitched_by=people["other"])

    def listed(user):
        response = client_for(user).get(reverse("admin:planning_story_changelist"))
        assert response.status_code == 200
        return {s.title for s in response.context["cl"].result_list}

    assert listed(people["pitcher"]) == {mine.title, covered.title}
    assert listed(people["assignee"]) == {covered.title}
    assert listed(people["other"]) == {theirs.title}
    assert listed(people["editor"]) == {mine.title, covered.title, theirs.title}
    response = client_for(people["other"]).get(_url("change", mine))
    assert response.status_code == 302  # "does not exist": the admin's answer for a story not theirs


def test_the_list_filters_and_searches(people):
    story_in_state("accepted", people, title="量子通信干线", issue=IssueFactory())
    story_in_state("killed", people, title="春耕无人机")
    client = client_for(people["editor"])
    url = reverse("admin:planning_story_changelist")
    assert [s.title for s in client.get(url, {"status__exact": "killed"}).context["cl"].result_list] == [
        "春耕无人机"
    ]
    assert [s.title for s in client.get(url, {"q": "量子"}).context["cl"].result_list] == ["量子通信干线"]
    response = client.get(url, {"kind__exact": "feature"})
    titles = {str(Story._meta.get_field(name).verbose_name) for name in ("status", "issue", "kind", "due_at")}
    assert {spec.title for spec in response.context["cl"].filter_specs} == titles
    assert client.get(url, {"kind__exact": "news"}).status_code == 200


def test_outsiders_see_nothing(people):
    story = story_in_state("pitched", people)
    outsider = reporter("plain")
    outsider.groups.clear()
    assert client_for(outsider).get(_url("change", story)).status_code in (302, 403)
    assert client_for(outsider).get(reverse("admin:planning_story_changelist")).status_code == 403


# ----- the editors' buttons ----------------------------------------------------------------------------------


def test_an_editor_accepts_and_assigns(people, page):
    story = story_in_state("pitched", people)
    client = client_for(people["editor"])
    change = client.get(_url("change", story))
    assert _url("accept", story) in change.content.decode()
    response = client.post(_url("accept", story), _accept_data(people, page))
    assert response.status_code == 302 and response["Location"] == _url("change", story)
    story.refresh_from_db()
    assert (story.status, story.page, story.target_length, story.editor) == (
        "accepted", page, 1500, people["editor"]
    )  # fmt: skip
    assert story.assignments.get().user == people["assignee"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("due_at", "2020-01-01T08:00"),  # in the past
        ("target_length", "0"),
        ("target_length", "-3"),
        ("target_length", "99999999999999999999"),
        ("assignee", "abc"),
        ("assignee", "99999999999999999999"),
        ("page", "1e5"),
        ("role", "chef"),
    ],
)
def test_bad_input_to_accept_is_a_form_error_and_changes_nothing(people, page, field, value):
    story = story_in_state("pitched", people)
    response = client_for(people["editor"]).post(
        _url("accept", story), _accept_data(people, page, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert field in response.context["form"].errors
    assert not _unchanged(story).assignments.exists() and story.log.count() == 0


def test_a_page_of_another_issue_and_an_assignee_without_author_are_form_errors(people, page):
    story = story_in_state("pitched", people)
    other_page = IssuePageFactory(issue=IssueFactory(date=timezone.localdate()), number=1)
    client = client_for(people["editor"])
    response = client.post(_url("accept", story), _accept_data(people, page, page=other_page.pk))
    assert "page" in response.context["form"].errors
    no_author = reporter("no-author")
    response = client.post(_url("accept", story), _accept_data(people, page, assignee=no_author.pk))
    assert "assignee" in response.context["form"].errors  # not even offered
    _unchanged(story)


def test_kill_needs_a_reason(people):
    story = story_in_state("accepted", people)
    client = client_for(people["editor"])
    response = client.post(_url("kill", story), {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    _unchanged(story, StoryStatus.ACCEPTED)
    response = client.post(_url("kill", story), {"reason": "版面调整"})
    assert response.status_code == 302
    assert _unchanged(story, StoryStatus.KILLED).kill_reason == "版面调整"


def test_killing_a_published_story_is_refused_with_a_reason(people):
    story = story_in_state("published", people)
    response = client_for(people["editor"]).post(_url("kill", story), {"reason": "不要了"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    _unchanged(story, StoryStatus.PUBLISHED)


def test_an_editor_unassigns(people):
    story = story_in_state("accepted", people)
    client = client_for(people["editor"])
    assert client.post(_url("unassign", story), {"assignee": people["assignee"].pk}).status_code == 302
    assert not story.assignments.exists()
    assert client.post(_url("unassign", story), {"assignee": "x"}).status_code == 302  # a message, no 500


# ----- the assignee's button ---------------------------------------------------------------------------------


def test_the_assignee_starts_the_article_then_opens_it(people, page):
    story = story_in_state("accepted", people, issue=page.issue, page=page)
    client = client_for(people["assignee"])
    change = client.get(_url("change", story)).content.decode()
    assert _url("start", story) in change
    assert client.get(_url("start", story)).status_code == 200  # the mail's link: a page with the button
    response = client.post(_url("start", story))
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(response["Location"]).status_code == 200  # the reporter may edit their draft
    assert client.post(_url("start", story))["Location"] == response["Location"]
    assert Article.objects.count() == 1
    change = client.get(_url("change", story)).content.decode()
    assert reverse("admin:articles_article_change", args=[article.pk]) in change


# ----- forged posts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["pitcher", "assignee", "other"])
def test_reporters_cannot_accept_or_kill_whatever_they_post(people, page, role):
    story = story_in_state("pitched", people, pitched_by=people[role])
    client = client_for(people[role])
    assert client.post(_url("accept", story), _accept_data(people, page)).status_code == 403
    assert client.get(_url("accept", story)).status_code == 403
    assert client.post(_url("kill", story), {"reason": "x"}).status_code == 403
    assert client.post(_url("unassign", story), {"assignee": people["assignee"].pk}).status_code == 403
    _unchanged(story)


def test_only_an_assignee_starts_the_article(people):
    story = story_in_state("accepted", people)
    for role in ("pitcher", "other", "editor"):
        assert client_for(people[role]).post(_url("start", story)).status_code in (403, 404)
    assert not Article.objects.exists()


def test_a_post_without_a_csrf_token_is_refused(people, page):
    story = story_in_state("pitched", people)
    client = client_for(people["editor"], enforce_csrf_checks=True)
    assert client.post(_url("accept", story), _accept_data(people, page)).status_code == 403
    assert client.post(_url("kill", story), {"reason": "x"}).status_code == 403
    _unchanged(story)


def test_a_story_not_visible_is_a_404_for_its_buttons(people):
    story = story_in_state("accepted", people)
    client = client_for(people["other"])
    assert client.post(_url("start", story)).status_code == 404
    assert client.post(reverse("admin:planning_story_start", args=[999999])).status_code == 404


# ----- in Chinese --------------------------------------------------------------------------------------------


def test_the_planning_admin_is_in_chinese(people, page):
    """Needs the planning msgids in locale/zh_Hans (see the report of issue 17)."""
    story = story_in_state("accepted", people, issue=page.issue, page=page)
    editor_page = client_for(people["editor"]).get(_url("change", story)).content.decode()
    for text in ("选题", "派题", "撤销选题", "选题日志", "第2718期 第2版（综合）", "本报记者"):
        assert text in editor_page, text
    assignee_page = client_for(people["assignee"]).get(_url("change", story)).content.decode()
    assert "开始写稿" in assignee_page
    listing = client_for(people["editor"]).get(reverse("admin:planning_story_changelist")).content.decode()
    assert "已派题" in listing and "截稿时间" in listing
    response = client_for(people["editor"]).post(
        _url("accept", story), _accept_data(people, page, due_at="2020-01-01T08:00")
    )
    assert "截稿时间已过" in response.content.decode()


def test_no_english_is_left_on_the_planning_pages(people, page):
    """Needs the planning msgids in locale/zh_Hans (see the report of issue 17)."""
    story = story_in_state("accepted", people, issue=page.issue, page=page)
    pitched = story_in_state("pitched", people)
    pages = [
        (people["editor"], reverse("admin:planning_story_changelist")),
        (people["editor"], _url("change", story)),
        (people["editor"], _url("change", pitched)),
        (people["editor"], _url("accept", story)),
        (people["editor"], _url("kill", story)),
        (people["pitcher"], reverse("admin:planning_story_add")),
        (people["pitcher"], reverse("admin:planning_story_changelist")),
        (people["assignee"], _url("change", story)),
        (people["assignee"], _url("start", story)),
    ]
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        english = {
            w for w in WORD.findall(text) if w not in ALLOWED | {"pitcher", "assignee", "other", "desk"}
        }
        assert not english, (url, english)


def test_the_story_page_names_the_pitcher_and_the_editor_not_their_logins(people):
    story = story_in_state("accepted", people)
    html = client_for(people["editor"]).get(reverse("admin:planning_story_change", args=[story.pk])).content
    html = html.decode()
    assert "林知远" in html and "王启航" in html
    for login in ("pitcher", "desk"):
        assert f">{login}<" not in html
