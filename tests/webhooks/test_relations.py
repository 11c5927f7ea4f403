"""The outbox follows an article's bylines and links (webhooks/signals.py `relations_changed`): a public
article whose bylines, tags, organizations or events change sends `updated`, and its payload describes the
article as committed, with what the admin saved after the article itself (links, the bylines inline)."""

import datetime

import pytest
from django.core import serializers
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Byline
from tests.articles.test_admin_workflow import form_data
from tests.factories import (
    AuthorFactory,
    EventFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    UserFactory,
    article_in_state,
    editor,
)
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def events(article):
    return list(WebhookEvent.objects.filter(article_id=article.pk).order_by("id"))


def names(event):
    return [(b["name"], b["role"]) for b in event.payload["bylines"]]


def dispatched(article):
    """The article as partners were told of it an hour ago: its events are no longer pending."""
    WebhookEvent.objects.filter(article_id=article.pk).update(dispatched_at=timezone.now())
    return Article.objects.get(pk=article.pk)


def new_events(article, seen: int):
    return events(article)[seen:]


@pytest.fixture
def su():
    return AuthorFactory(name="苏晴")


@pytest.fixture
def wang():
    return AuthorFactory(name="王启航")


@pytest.fixture
def public(su):
    article = PublishedArticleFactory(authors=[su], tags=["量子科技"])
    return dispatched(article)


def test_the_published_event_carries_the_bylines_and_tags_added_after_the_article_was_saved(su):
    article = PublishedArticleFactory(authors=[su], tags=["量子科技", "科普"])
    [event] = events(article)  # the bylines and tags rewrote the pending `published`, none was added
    assert event.event == "published"
    assert names(event) == [("苏晴", "reporter")]
    assert event.payload["tags"] == ["科普", "量子科技"]  # in code-point order


def test_a_byline_added_removed_or_changed_sends_updated_with_the_new_bylines(public, su, wang):
    byline = Byline.objects.create(article=public, author=wang, role=Byline.Role.PHOTOGRAPHER, order=1)
    [added] = new_events(public, 1)
    assert added.event == "updated"
    assert names(added) == [("苏晴", "reporter"), ("王启航", "photographer")]

    dispatched(public)
    byline.role = Byline.Role.CORRESPONDENT
    byline.save()
    [changed] = new_events(public, 2)
    assert (changed.event, names(changed)) == ("updated", [("苏晴", "reporter"), ("王启航", "correspondent")])

    dispatched(public)
    byline.delete()
    [removed] = new_events(public, 3)
    assert (removed.event, names(removed)) == ("updated", [("苏晴", "reporter")])


def test_changes_before_the_worker_came_rewrite_the_pending_event(public, wang):
    Byline.objects.create(article=public, author=wang, order=1)
    public.tags.add("青岚")
    Byline.objects.filter(article=public, author=wang).delete()  # a queryset delete counts too
    [pending] = new_events(public, 1)
    assert (pending.event, pending.dispatched_at) == ("updated", None)
    assert names(pending) == [("苏晴", "reporter")] and pending.payload["tags"] == ["量子科技", "青岚"]


def test_tags_changed_send_updated_with_the_tags(public):
    public.tags.set(["量子科技", "航天"])
    [added] = new_events(public, 1)
    assert (added.event, added.payload["tags"]) == ("updated", ["航天", "量子科技"])

    dispatched(public)
    public.tags.remove("航天")
    assert new_events(public, 2)[0].payload["tags"] == ["量子科技"]

    dispatched(public)
    public.tags.clear()
    assert new_events(public, 3)[0].payload["tags"] == []

    dispatched(public)
    public.tags.set([])  # nothing to remove or add
    public.tags.clear()  # nothing to clear
    assert len(events(public)) == 4


def test_organizations_and_events_added_from_either_side_send_updated(public):
    organization, event = OrganizationFactory(name="青岚省科学技术协会"), EventFactory(name="科普讲解大赛")
    public.organizations.add(organization)
    assert [e.event for e in new_events(public, 1)] == ["updated"]

    dispatched(public)
    event.articles.add(public)  # reversed: the event is the instance, the article in pk_set
    assert [e.event for e in new_events(public, 2)] == ["updated"]

    dispatched(public)
    organization.articles.clear()  # reversed, and pk_set is None: the articles are found before the clear
    assert [e.event for e in new_events(public, 3)] == ["updated"]

    dispatched(public)
    public.events.set([event])  # already linked: nothing changes
    public.organizations.clear()  # nothing linked
    assert len(events(public)) == 4


def test_relations_of_hidden_articles_send_nothing(wang):
    organization = OrganizationFactory()
    for state in ("draft", "review", "scheduled", "withdrawn"):
        article = article_in_state(state)
        before = len(events(article))
        article.tags.add("量子科技")
        article.organizations.add(organization)
        article.events.add(EventFactory())
        Byline.objects.create(article=article, author=wang)
        Byline.objects.filter(article=article).delete()
        article.tags.clear()
        assert len(events(article)) == before, state


def test_a_rolled_back_transaction_writes_nothing(public, wang):
    with pytest.raises(RuntimeError), transaction.atomic():
        public.tags.add("撤销")
        Byline.objects.create(article=public, author=wang, order=1)
        assert len(events(public)) == 2  # written, inside the transaction
        raise RuntimeError("the change fails")
    assert len(events(public)) == 1


def test_an_approval_then_a_tag_change_in_one_transaction_is_one_published_event_with_the_new_tags():
    desk = editor()
    article = article_in_state("review", created_by=UserFactory())
    with transaction.atomic():
        workflow.approve(article, desk)
        article.tags.add("量子科技")
    [event] = events(article)
    assert (event.event, event.payload["tags"]) == ("published", ["量子科技"])


def test_a_public_article_never_announced_is_announced_by_a_relation_change():
    article = article_in_state("scheduled")
    past = timezone.now() - datetime.timedelta(minutes=1)
    Article.objects.filter(pk=article.pk).update(published_at=past)  # its time came; the worker has not run
    article.tags.add("量子科技")
    [event] = events(article)
    assert (event.event, event.published_at, event.payload["tags"]) == ("published", past, ["量子科技"])


def test_a_dispatched_event_is_not_rewritten_a_new_one_is_written(public):
    [old] = events(public)
    public.tags.add("航天")
    old.refresh_from_db()
    assert old.payload["tags"] == ["量子科技"]
    assert [e.event for e in events(public)] == ["published", "updated"]


def test_deleting_an_article_with_bylines_and_links_sends_withdrawn_only(public):
    public.organizations.add(OrganizationFactory())
    dispatched(public)
    pk = public.pk
    public.delete()
    assert list(
        WebhookEvent.objects.filter(article_id=pk).order_by("id").values_list("event", flat=True)
    ) == [
        "published",
        "updated",
        "withdrawn",
    ]


def test_a_raw_byline_save_sends_nothing(public):
    byline = public.bylines.get()
    byline.role = Byline.Role.AUTHOR
    [loaded] = serializers.deserialize("json", serializers.serialize("json", [byline]))
    loaded.save()  # what loaddata does: a raw save
    assert public.bylines.get().role == Byline.Role.AUTHOR
    assert len(events(public)) == 1


def test_an_admin_save_of_the_title_and_a_byline_is_one_updated_event_with_both(public, su, wang):
    byline = public.bylines.get()
    client = Client()
    client.force_login(editor())
    data = form_data(
        public,
        title="青岚省量子通信干线全线贯通运行",
        tags=[t.pk for t in public.tags.all()],
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-INITIAL_FORMS": "1",
            "bylines-0-id": byline.pk,
            "bylines-0-article": public.pk,
            "bylines-0-author": su.pk,
            "bylines-0-role": "correspondent",
            "bylines-0-order": "0",
            "bylines-1-article": public.pk,
            "bylines-1-author": wang.pk,
            "bylines-1-role": "photographer",
            "bylines-1-order": "1",
        },
    )
    response = client.post(reverse("admin:articles_article_change", args=[public.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = new_events(public, 1)
    assert event.event == "updated"
    assert event.payload["title"] == "青岚省量子通信干线全线贯通运行"
    assert names(event) == [("苏晴", "correspondent"), ("王启航", "photographer")]
    assert event.payload["tags"] == ["量子科技"]


def test_an_admin_save_of_the_tags_alone_is_one_updated_event(public):
    client = Client()
    client.force_login(editor())
    data = form_data(public, tags=[t.pk for t in public.tags.all()], new_tags="航天，深空")
    data |= {
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "1",
        "bylines-0-id": public.bylines.get().pk,
        "bylines-0-article": public.pk,
        "bylines-0-author": public.bylines.get().author_id,
        "bylines-0-role": "reporter",
        "bylines-0-order": "0",
    }
    response = client.post(reverse("admin:articles_article_change", args=[public.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = new_events(public, 1)
    assert (event.event, event.payload["tags"]) == ("updated", ["深空", "航天", "量子科技"])
    assert names(event) == [("苏晴", "reporter")]
