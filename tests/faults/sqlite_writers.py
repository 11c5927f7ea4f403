"""Saves racing on a SQLite file, in a process of its own: run by tests/faults/test_sqlite_busy.py.

pytest-django's SQLite test database lives in memory, shared by the threads of one process, where locking is
not what the site meets on a real SQLite file. So the test runs this module with DATABASE_URL naming a file:

    python -m tests.faults.sqlite_writers migrate          # make the schema (once, copied for each scenario)
    python -m tests.faults.sqlite_writers SCENARIO         # prints what each save got, as JSON

Each scenario posts the article change form through the admin, from threads with a connection each. A receiver
on the article's pre_save holds each save until both have reached it (or a few seconds have passed, when one
waits for the other's lock), so the two transactions overlap every time.
"""

import contextlib
import json
import os
import sqlite3
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models.signals import pre_save  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.models import Article, StaleEdit  # noqa: E402
from tests.articles.test_admin_workflow import form_data  # noqa: E402
from tests.factories import ArticleFactory, editor  # noqa: E402

MEET_SECONDS = 2


def _meet(barrier):
    def receiver(sender, instance, **kwargs):
        # Broken: the other save waited for our lock, and we for it in vain: there is nothing to meet.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(MEET_SECONDS)

    return receiver


def _logged_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _post(client, article, data) -> dict:
    try:
        response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
        body = response.content.decode()
        return {"status": response.status_code, "body": body[:200000]}
    finally:
        connection.close()


def _race(*saves) -> list[dict]:
    """Post each (client, article, data) from its own thread at once; what each got, in order."""
    barrier = threading.Barrier(len(saves))
    receiver = _meet(barrier)
    pre_save.connect(receiver, sender=Article, weak=False)
    results: list = [None] * len(saves)

    def run(index, save):
        results[index] = _post(*save)

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    pre_save.disconnect(receiver, sender=Article)
    return results


def two_articles() -> dict:
    """Two editors save two articles at the same moment."""
    clients = [_logged_in(editor("chen_bianji")), _logged_in(editor("he_bianji"))]
    articles = [ArticleFactory(title="青川县科普大篷车巡展"), ArticleFactory(title="云川市科技馆新展厅开放")]
    titles = ["青川县科普大篷车巡展启程", "云川市科技馆新展厅正式开放"]
    saves = [(c, a, form_data(a, title=t)) for c, a, t in zip(clients, articles, titles, strict=True)]
    results = _race(*saves)
    saved = [Article.objects.get(pk=a.pk).title for a in articles]
    return {"results": results, "titles": titles, "saved": saved}


def same_article() -> dict:
    """Two editors save the same article, both from the version they loaded."""
    clients = [_logged_in(editor("chen_bianji")), _logged_in(editor("he_bianji"))]
    article = ArticleFactory(title="青川县科普大篷车巡展")
    titles = ["青川县科普大篷车巡展启程", "科普大篷车开进青川县"]
    results = _race(
        *[(c, article, form_data(article, title=t)) for c, t in zip(clients, titles, strict=True)]
    )
    kept = [edit.data.get("title") for edit in StaleEdit.objects.filter(article=article)]
    return {
        "results": results,
        "titles": titles,
        "saved": [Article.objects.get(pk=article.pk).title],
        "kept": kept,
    }


def held_lock() -> dict:
    """Another connection holds the write lock longer than the site waits: the save is refused, then, once the
    lock is gone, the same form saves."""
    client = _logged_in(editor("chen_bianji"))
    article = ArticleFactory(title="青川县科普大篷车巡展")
    data = form_data(article, title="青川县科普大篷车巡展启程")
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        refused = _post(client, article, data)
        during = Article.objects.get(pk=article.pk).title
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    again = _post(client, article, data)
    return {
        "results": [refused, again],
        "saved_during": during,
        "saved": [Article.objects.get(pk=article.pk).title],
    }


SCENARIOS = {"two_articles": two_articles, "same_article": same_article, "held_lock": held_lock}


if __name__ == "__main__":
    name = sys.argv[1]
    if name == "migrate":
        call_command("migrate", verbosity=0)
    else:
        print(json.dumps(SCENARIOS[name](), ensure_ascii=False))
