"""Planning factories: a story in any status (STORY_STATES), its assignments, and the newsroom people a planning
test needs (each with an author profile, so they can be assigned and bylined)."""

import datetime

import factory
from django.utils import timezone

from articles.models import ArticleStatus
from planning.models import Assignment, AssignmentRole, Story, StoryStatus
from tests.factories import ArticleFactory, AuthorFactory, UserFactory, editor, reporter

STORY_STATES = ("pitched", "accepted", "filed", "published", "killed")


def in_a_day():
    return timezone.now() + datetime.timedelta(days=1)


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    title = factory.Sequence(lambda n: f"选题：县域科普场馆调查（{n}）")
    brief = "走访三个县的科普场馆，看参观人数与展品更新。"
    pitched_by = factory.SubFactory(UserFactory)
    status = StoryStatus.PITCHED


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    story = factory.SubFactory(StoryFactory)
    user = factory.SubFactory(UserFactory)
    role = AssignmentRole.REPORTER


def with_author(user, name=None):
    AuthorFactory(user=user, **({"name": name} if name else {}))
    return user


def newsroom():
    """The people of a planning test: a reporter who pitches, a reporter assigned, another reporter, an editor,
    and a user who is not in the newsroom (no group, not staff)."""
    return {
        "pitcher": with_author(
            reporter("pitcher", first_name="知远", last_name="林", email="lin@example.com"), "林知远"
        ),
        "assignee": with_author(
            reporter("assignee", first_name="晴", last_name="苏", email="su@example.com"), "苏晴"
        ),
        "other": with_author(reporter("other", email="other@example.com")),
        "editor": with_author(
            editor("desk", first_name="启航", last_name="王", email="wang@example.com"), "王启航"
        ),
        "outsider": UserFactory(username="outsider", is_staff=False),
    }


def story_in_state(state: str, people: dict, **kwargs) -> Story:
    """A story pitched by people["pitcher"] in `state`; from accepted on, assigned to people["assignee"] by
    people["editor"], due tomorrow; filed: with its article in review; published: with its article published;
    killed: after it was accepted."""
    story = StoryFactory(pitched_by=kwargs.pop("pitched_by", people["pitcher"]), **kwargs)
    if state == "pitched":
        return story
    AssignmentFactory(story=story, user=people["assignee"])
    story.editor, story.due_at = people["editor"], in_a_day()
    if state in ("filed", "published"):
        article_state = {"filed": "review", "published": "published"}[state]
        story.article = ArticleFactory(
            title=story.title, created_by=people["assignee"], **{article_state: True}
        )
    story.status = {"accepted": StoryStatus.ACCEPTED, "filed": StoryStatus.FILED,
                    "published": StoryStatus.PUBLISHED, "killed": StoryStatus.KILLED}[state]  # fmt: skip
    if state == "killed":
        story.kill_reason = "选题重复"
    story.save()
    assert story.article is None or story.article.status in (ArticleStatus.REVIEW, ArticleStatus.PUBLISHED)
    return story
