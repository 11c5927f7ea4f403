"""Races on PostgreSQL: two editors approving at the same moment publish once; two people saving from the same
version get one save and one refusal, and the refused text is kept.

Each worker thread has its own database connection (Django's connections are per thread) and closes it when it
ends. A barrier releases both workers at once, after each has done everything but the racing call.
"""

import re
import threading
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, ArticleLog, StaleEdit
from articles.workflow import TransitionError
from tests.articles.test_admin_workflow import form_data
from tests.factories import ArticleFactory, editor, reporter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 10
WAIT = 30  # seconds: a worker stuck longer than this is a deadlock, not a slow machine


def race(*workers: Callable[[threading.Barrier], object]) -> list:
    """Run each worker in its own thread, released together by a barrier; return what each returned or raised."""
    barrier = threading.Barrier(len(workers), timeout=WAIT)
    results: list = [None] * len(workers)

    def run(index, worker):
        try:
            results[index] = worker(barrier)
        except BaseException as exc:  # the test thread judges every outcome, errors included
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w), daemon=True) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert not any(thread.is_alive() for thread in threads), "a worker is stuck (deadlock?)"
    for outcome in results:
        if isinstance(outcome, threading.BrokenBarrierError):
            raise AssertionError("a worker never reached the barrier") from outcome
    return results


def approves_when_released(article_pk: int, user):
    def work(barrier):
        mine = Article.objects.get(pk=article_pk)  # each editor loaded it while it was in review
        assert mine.status == "review"
        barrier.wait()
        return workflow.approve(mine, user)

    return work


def test_two_editors_approving_at_the_same_moment_publish_once():
    owner = reporter("lin_zhiyuan", email="lin@example.com")
    editors = [editor("chen_bianji"), editor("he_bianji")]
    for round_number in range(ROUNDS):
        article = ArticleFactory(created_by=owner, title=f"青川县科普大篷车巡展第{round_number + 1}站")
        workflow.submit(article, owner)
        mail.outbox.clear()

        outcomes = race(*(approves_when_released(article.pk, user) for user in editors))

        published = [o for o in outcomes if isinstance(o, Article)]
        refused = [o for o in outcomes if isinstance(o, TransitionError)]
        assert (len(published), len(refused)) == (1, 1), (round_number, outcomes)
        article.refresh_from_db()
        assert article.status == "published" and article.published_at == published[0].published_at
        assert ArticleLog.objects.filter(article=article, action="approve").count() == 1
        assert ArticleLog.objects.filter(article=article).count() == 2  # submit, approve
        # The side effect ran once too: the reporter hears of the approval once.
        assert [m.to for m in mail.outbox] == [["lin@example.com"]]


def _loaded_version(client: Client, article: Article) -> int:
    """The version the change form was loaded with, as the browser would post it back."""
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200
    match = re.search(r'name="based_on_version" value="(\d+)"', page.content.decode())
    assert match, "the change form carries no version"
    return int(match.group(1))


def saves_when_released(client: Client, url: str, data: dict):
    def work(barrier):
        barrier.wait()
        return client.post(url, data)

    return work


def test_two_saves_from_the_same_version_one_saved_one_refused_nothing_lost():
    owner = reporter("lin_zhiyuan")
    desk = editor("chen_bianji")
    for round_number in range(ROUNDS // 2):
        article = ArticleFactory(
            created_by=owner, title=f"云川市科技馆新展厅开放（{round_number}）", body="<p>初稿。</p>"
        )
        url = reverse("admin:articles_article_change", args=[article.pk])
        edits = {
            owner: ("云川市科技馆新展厅今日开放", "<p>记者补充：新展厅面积三千平方米。</p>"),
            desk: ("科技馆新展厅迎来首批观众", "<p>编辑改写：首日接待观众两千人次。</p>"),
        }
        workers = []
        for user, (title, body) in edits.items():
            client = Client()
            client.force_login(user)
            loaded = _loaded_version(client, article)  # both opened the form at version 1
            assert loaded == article.version == 1
            data = form_data(article, title=title, body=body, based_on_version=loaded)
            workers.append(saves_when_released(client, url, data))

        responses = dict(zip(edits, race(*workers), strict=True))
        for response in responses.values():
            assert not isinstance(response, BaseException), response
        assert sorted(r.status_code for r in responses.values()) == [200, 302], (round_number, responses)

        winner = next(u for u, r in responses.items() if r.status_code == 302)
        loser = next(u for u, r in responses.items() if r.status_code == 200)
        article.refresh_from_db()
        assert article.title == edits[winner][0] and article.version == 2
        assert article.updated_by == winner
        # The refused user sees the stale-version error with a link to the newer revision, and their own text.
        page = responses[loser].content.decode()
        assert reverse("admin:articles_article_history", args=[article.pk]) in page
        assert edits[loser][0] in page
        # No text lost: the refused text is kept for merging.
        kept = StaleEdit.objects.get(article=article)
        assert kept.user == loser and kept.based_on_version == 1
        assert kept.data["title"] == edits[loser][0] and kept.data["body"] == edits[loser][1]
