"""Nothing is lost by a delete: deleting what an article holds is refused, naming the articles."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from articles.models import Article, Byline
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EventFactory,
    IssuePageFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def linked_article_and(kind):
    page = IssuePageFactory()
    article = ArticleFactory(title="青岚科技馆新展厅开放", issue=page.issue, page=page)
    author, org, event = AuthorFactory(), OrganizationFactory(), EventFactory()
    Byline.objects.create(article=article, author=author, role="reporter")
    article.organizations.add(org)
    article.events.add(event)
    return article, {
        "author": author,
        "organization": org,
        "event": event,
        "issue": page.issue,
        "page": page,
    }[kind]


KINDS = {
    "author": "people_author",
    "organization": "people_organization",
    "event": "articles_event",
    "issue": "articles_issue",
    "page": "articles_issuepage",
}


@pytest.mark.parametrize("kind", KINDS)
def test_model_refuses_delete(kind):
    article, obj = linked_article_and(kind)
    with pytest.raises(ProtectedError):
        obj.delete()
    assert type(obj).objects.filter(pk=obj.pk).exists()
    article.refresh_from_db()
    assert article.organizations.count() == 1 and article.events.count() == 1 and article.bylines.count() == 1
    assert article.issue_id and article.page_id


@pytest.mark.parametrize("kind", KINDS)
def test_admin_refuses_delete_and_names_the_article(client, kind):
    article, obj = linked_article_and(kind)
    client.force_login(UserFactory(is_superuser=True))
    url = reverse(f"admin:{KINDS[kind]}_delete", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert article.title in page.content.decode()
    response = client.post(url, {"post": "yes"})
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert article.title in response.content.decode() or response.status_code in (302, 403)
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_admin_bulk_delete_refuses_too(client, kind):
    article, obj = linked_article_and(kind)
    client.force_login(UserFactory(is_superuser=True))
    changelist = reverse(f"admin:{KINDS[kind]}_changelist")
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert article.title in response.content.decode()


def test_unlinked_objects_can_be_deleted():
    org = OrganizationFactory()
    org.delete()
    assert not type(org).objects.filter(pk=org.pk).exists()
