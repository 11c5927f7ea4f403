"""Share links end with the article's withdrawal (articles/sharing.py, the withdraw transition in
articles/policy.py): a withdrawn text is never readable through a link made before, and reopening the article
does not revive one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import policy, workflow
from articles.models import ShareLink
from articles.sharing import active_share_links, make_share_link
from tests.factories import ArticleFactory, editor, reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return reporter("lin_zhiyuan")


@pytest.fixture
def desk():
    return editor("wang_qihang")


@pytest.fixture
def article(owner):
    article = ArticleFactory(created_by=owner, title="青岚省量子通信干线全线贯通")
    workflow.submit(article, owner)
    return article


def shared(client, link) -> int:
    return client.get(reverse("shared_preview", args=[link.token])).status_code


def test_withdrawal_revokes_the_links_and_reopening_does_not_revive_them(client, owner, desk, article):
    link = make_share_link(article, desk)
    assert shared(client, link) == 200
    workflow.approve(article, desk)
    assert shared(client, link) == 200

    workflow.withdraw(article, desk, "数据有误，撤下核实")
    assert shared(client, link) == 404
    assert list(active_share_links(article)) == []
    link.refresh_from_db()
    assert link.revoked_at is not None

    workflow.reopen(article, desk)
    assert shared(client, link) == 404
    workflow.submit(article, owner)
    assert shared(client, link) == 404
    # A link made after the reopening is a new decision, and works.
    assert shared(client, make_share_link(article, desk)) == 200


def test_withdrawing_through_the_admin_revokes_them_too(client, desk, article):
    link = make_share_link(article, desk)
    workflow.approve(article, desk, publish_at=timezone.now() + datetime.timedelta(days=1))  # scheduled
    client.force_login(desk)
    url = reverse("admin:articles_article_transition", args=[article.pk, "withdraw"])
    assert client.post(url, {"comment": "暂缓发布"}).status_code == 302
    client.logout()
    assert shared(client, link) == 404


def test_a_refused_withdrawal_leaves_the_links_alone(desk, article):
    link = make_share_link(article, desk)
    workflow.approve(article, desk)
    with pytest.raises(ValidationError):
        workflow.withdraw(article, desk, "")  # a comment is required
    assert list(active_share_links(article)) == [link]


def test_only_withdrawal_revokes_links(owner, desk):
    assert {name for name, t in policy.TRANSITIONS.items() if t.revokes_share_links} == {policy.WITHDRAW}
    article = ArticleFactory(created_by=owner)
    link = make_share_link(article, desk)
    workflow.submit(article, owner)
    workflow.send_back(article, desk, "请补充数据")
    workflow.submit(article, owner)
    workflow.approve(article, desk)
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None
