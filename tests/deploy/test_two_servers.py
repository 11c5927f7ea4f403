"""Scale-out: two gunicorn app servers over one PostgreSQL and one Redis behave as one site."""

import os
import time

import pytest

from tests.conftest import skip_or_fail

from .servers import (
    Browser,
    fresh_database,
    gunicorn,
    manage,
    postgres_available,
    production_env,
    redis_available,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from articles.models import Article, Issue, IssuePage
from articles import workflow
import datetime
User = get_user_model()
editor = User.objects.create_user("desk", password="desk-password-2026", is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
reporter = User.objects.create_user("writer", password="writer-password-2026", is_staff=True)
reporter.groups.add(Group.objects.get(name="Reporters"))
issue = Issue.objects.create(number=900, date=datetime.date(2026, 11, 27))
page = IssuePage.objects.create(issue=issue, number=1, name="要闻")
lead = Article.objects.create(title="两台服务器的头版稿件", body="<p>已经发布。</p>", created_by=reporter, issue=issue, page=page, position=1)
workflow.submit(lead, reporter); workflow.approve(lead, editor)
new = Article.objects.create(title="青岚省首个量子通信示范网开通", body="<p>本报讯 示范网全长八十公里。</p>", created_by=reporter, issue=issue, page=page, position=2)
workflow.submit(new, reporter)
print(new.pk)
"""


@pytest.fixture(scope="module")
def site():
    if not postgres_available():
        skip_or_fail("needs PostgreSQL at 127.0.0.1:5432")
    if not redis_available():
        skip_or_fail("needs Redis at 127.0.0.1:6379")
    name = f"newsroom_two_servers_{os.getpid()}"
    with fresh_database(name) as database_url:
        env = production_env(database_url, "redis://127.0.0.1:6379/12", DJANGO_CACHE_PREFIX=name)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        pk = int(manage(env, "shell", stdin=SETUP).strip().splitlines()[-1])
        with gunicorn(env) as server_a, gunicorn(env) as server_b:
            yield {"a": server_a, "b": server_b, "pk": pk}


def eventually(check, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_publish_on_a_shows_on_b_cached_pages_login_shared_withdraw_on_b_gone_from_a(site):
    a, b, pk = site["a"], site["b"], site["pk"]
    title = "青岚省首个量子通信示范网开通"
    reader = Browser()
    # B's home and issue pages are cached (the second answer is the stored one) and do not show the article yet.
    for path in ("/", "/issues/900/"):
        status, page, first = reader.request(b + path)
        assert status == 200 and "两台服务器的头版稿件" in page and title not in page
        status, page, again = reader.request(b + path)
        assert again.get("ETag") and again.get("ETag") == first.get("ETag")

    editor = Browser()
    editor.login(a, "desk", "desk-password-2026")
    # The login made on A is valid on B (sessions in the shared cache, backed by the database).
    status, _, _ = editor.request(b + "/admin/")
    assert status == 200

    status, _, _ = editor.post_form(f"{a}/admin/articles/article/{pk}/transition/approve/", {})
    assert status == 302
    started = time.monotonic()
    for path in ("/", "/issues/900/"):
        assert eventually(
            lambda p=path: title in reader.request(b + p)[1], 1.0 - (time.monotonic() - started)
        ), path
    assert reader.request(f"{b}/articles/{pk}/")[0] == 200

    # Warm A's pages with the article, then withdraw through B: gone from A at once.
    for path in ("/", "/issues/900/", f"/articles/{pk}/"):
        assert title in reader.request(a + path)[1]
    status, _, _ = editor.post_form(
        f"{b}/admin/articles/article/{pk}/transition/withdraw/", {"comment": "数据待核实"}
    )
    assert status == 302
    for path in ("/", "/issues/900/"):
        status, page, _ = reader.request(a + path)
        assert status == 200 and title not in page
    assert reader.request(f"{a}/articles/{pk}/")[0] == 404
