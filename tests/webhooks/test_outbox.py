"""The outbox (webhooks/signals.py): which article saves write which event, in the saver's transaction."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from articles import workflow
from tests.factories import ArticleFactory, PublishedArticleFactory, UserFactory, article_in_state, editor
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def events():
    return list(WebhookEvent.objects.order_by("id").values_list("event", "article_id"))


@pytest.fixture
def desk():
    return editor()


def test_approving_now_writes_published_with_the_public_fields(desk):
    article = article_in_state("review", created_by=UserFactory())
    WebhookEvent.objects.all().delete()
    workflow.approve(article, desk)
    event = WebhookEvent.objects.get()
    assert (event.event, event.article_id, event.published_at) == (
        "published",
        article.pk,
        article.published_at,
    )
    assert event.payload["title"] == article.title
    assert event.payload["url"].endswith(article.get_absolute_url())


def test_a_visible_change_of_a_public_article_writes_updated_and_a_hidden_one_nothing():
    article = PublishedArticleFactory()
    assert events() == [("published", article.pk)]
    article.title = "新的标题"
    article.save()
    assert events()[-1] == ("updated", article.pk)
    article.save()  # nothing changed
    article.search_text = "x"
    article.save(update_fields=["search_text"])
    assert len(events()) == 2


def test_saves_of_hidden_articles_write_nothing():
    for state in ("draft", "review", "scheduled"):
        article = article_in_state(state)
        article.title = "改"
        article.save()
    assert events() == []


def test_withdrawing_writes_withdrawn_without_content(desk):
    article = PublishedArticleFactory()
    workflow.withdraw(article, desk, "错误")
    event = WebhookEvent.objects.order_by("id").last()
    assert event.event == "withdrawn"
    assert set(event.payload) == {"id", "url"}


def test_a_withdrawn_scheduled_article_sends_withdrawn_too(desk):
    article = article_in_state("scheduled")
    workflow.withdraw(article, desk, "推迟")
    assert events() == [("withdrawn", article.pk)]


def test_deleting_a_public_article_writes_withdrawn():
    article = PublishedArticleFactory()
    pk = article.pk
    article.delete()
    assert events()[-1] == ("withdrawn", pk)


def test_nothing_is_written_for_a_rolled_back_transaction(desk):
    article = article_in_state("review", created_by=UserFactory())
    public = PublishedArticleFactory()
    before = events()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.approve(article, desk)
        public.title = "改了又撤销"
        public.save()
        workflow.withdraw(public, desk, "撤")
        assert len(events()) == len(before) + 3  # written, inside the transaction
        raise RuntimeError("the change fails")
    assert events() == before


def test_a_scheduled_article_saved_after_its_time_came_is_announced_once():
    article = ArticleFactory(scheduled=True)
    past = timezone.now() - datetime.timedelta(minutes=1)
    type(article).objects.filter(pk=article.pk).update(published_at=past)  # its time has come
    article.refresh_from_db()
    article.title = "到点后修改"
    article.save()
    article.title = "再改"
    article.save()
    assert events() == [("published", article.pk), ("updated", article.pk)]


def test_a_transition_costs_the_outbox_insert_only():
    # The workflow saves the row it has just locked and read: the state before is the one loaded with it.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = PublishedArticleFactory()
    with CaptureQueriesContext(connection) as queries:
        article.status = "withdrawn"
        article.save(update_fields=["status"])
    ours = [
        q["sql"]
        for q in queries
        if ("webhooks_" in q["sql"] or "articles_article" in q["sql"]) and "articles_listing" not in q["sql"]
    ]
    assert len(ours) == 2 and ours[0].startswith("UPDATE") and ours[1].startswith("INSERT"), ours
    assert events()[-1] == ("withdrawn", article.pk)
