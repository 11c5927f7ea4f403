"""Fixtures of the desk's live-editing tests: a reporter with a draft, two editors, URLs of the endpoints."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, editor, reporter


def desk_url(name: str, article) -> str:
    return reverse(f"admin:articles_article_{name}", args=[article.pk])


@pytest.fixture
def lin():
    return reporter("lin", first_name="知远", last_name="林")


@pytest.fixture
def wang():
    return editor("wang", first_name="启航", last_name="王")


@pytest.fixture
def zhao():
    return editor("zhao")


@pytest.fixture
def draft(lin):
    return ArticleFactory(created_by=lin, title="云川市启动全国科普日活动")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
