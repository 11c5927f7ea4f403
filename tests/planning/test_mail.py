"""Planning mail (planning/notifications.py), sent once the transaction commits: the assignee on assignment (due
time, issue and page, length, links to the story and to starting the article), the pitcher when the pitch is
accepted or killed (with the reason); never the one who acted; in the newsroom's language."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from planning import services
from tests.factories import IssueFactory, IssuePageFactory

from .factories import newsroom, story_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(settings):
    settings.ADMIN_BASE_URL = "https://cms.example.cn/"
    return newsroom()


@pytest.fixture
def page():
    issue = IssueFactory(number=2718, date=timezone.localdate() + datetime.timedelta(days=5))
    return IssuePageFactory(issue=issue, number=2, name="综合")


def _parts(message):
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


# Within the year a plan may look ahead (services.PLANNING_HORIZON), at a fixed time of day.
DUE = timezone.make_aware(
    datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=20), datetime.time(17, 30))
)
DUE_TEXT = DUE.strftime("%Y-%m-%d 17:30")


def _accept(people, page, capture, **kwargs):
    story = services.pitch(people["pitcher"], "县域科普场馆调查", "走访三个县的科普场馆")
    due = DUE
    with capture(execute=True):
        services.accept(story, people["editor"], people["assignee"], page=page, target_length=1500, due_at=due,
                        **kwargs)  # fmt: skip
    return story


def test_the_assignee_is_told_what_where_and_by_when(people, page, django_capture_on_commit_callbacks):
    story = _accept(people, page, django_capture_on_commit_callbacks)
    to_assignee = next(m for m in mail.outbox if m.to == ["su@example.com"])
    assert "县域科普场馆调查" in to_assignee.subject
    text, html = _parts(to_assignee)
    change = f"https://cms.example.cn/admin/planning/story/{story.pk}/change/"
    start = f"https://cms.example.cn/admin/planning/story/{story.pk}/start/"
    for part in (text, html):
        assert "苏晴" in part and "王启航" in part  # greeted by name; who assigned it
        assert DUE_TEXT in part and "2718" in part and "综合" in part and "1500" in part
        assert "走访三个县的科普场馆" in part
        assert change in part and start in part
    assert f'href="{change}"' in html and f'href="{start}"' in html


def test_the_pitcher_hears_the_pitch_was_accepted(people, page, django_capture_on_commit_callbacks):
    _accept(people, page, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["lin@example.com", "su@example.com"]
    to_pitcher = next(m for m in mail.outbox if m.to == ["lin@example.com"])
    text, _html = _parts(to_pitcher)
    assert "林知远" in text and "苏晴" in text and DUE_TEXT in text


def test_the_pitcher_and_assignees_hear_a_kill_with_its_reason(people, django_capture_on_commit_callbacks):
    story = story_in_state("accepted", people)
    with django_capture_on_commit_callbacks(execute=True):
        services.kill(story, people["editor"], "与上期选题重复 <b>见上期</b>")
    (sent,) = mail.outbox
    assert sorted(sent.to) == ["lin@example.com", "su@example.com"]
    text, html = _parts(sent)
    assert "与上期选题重复 <b>见上期</b>" in text
    assert "&lt;b&gt;见上期&lt;/b&gt;" in html and "<b>" not in html


def test_no_mail_before_the_commit_nor_to_the_one_who_acted(people, page, django_capture_on_commit_callbacks):
    story = services.pitch(people["editor"], "编辑自己报的题")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.accept(story, people["editor"], people["editor"], page=page)
    assert mail.outbox == [] and callbacks  # nothing until the commit
    for callback in callbacks:
        callback()
    assert mail.outbox == []  # the editor pitched it and took it: no one else to tell


def test_a_refused_action_sends_nothing(people, django_capture_on_commit_callbacks):
    story = story_in_state("pitched", people)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        services.kill(story, people["editor"], "")
    assert mail.outbox == []


def test_mail_trouble_never_undoes_the_decision(people, page, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.planning.test_mail.BrokenBackend"
    story = _accept(people, page, django_capture_on_commit_callbacks)
    story.refresh_from_db()
    assert story.status == "accepted"


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_mail_is_in_chinese_whoever_acts(people, page, django_capture_on_commit_callbacks):
    """Needs the planning msgids in locale/zh_Hans (see the report of issue 17)."""
    with translation.override("en"):
        _accept(people, page, django_capture_on_commit_callbacks)
    to_assignee = next(m for m in mail.outbox if m.to == ["su@example.com"])
    text, _html = _parts(to_assignee)
    assert to_assignee.subject == "派题：县域科普场馆调查"
    assert "苏晴，您好" in text
    assert "截稿时间：" + DUE_TEXT in text and "第2718期 第2版（综合）" in text
    assert "开始写稿" in text and "打开选题" in text
    to_pitcher = next(m for m in mail.outbox if m.to == ["lin@example.com"])
    assert to_pitcher.subject == "选题已采用：县域科普场馆调查"
