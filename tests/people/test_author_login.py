"""Linking an author to a login (Author.user) takes the permission to manage logins (people/admin.py): for
anyone else the field is read-only, and a forged `user=` in the POST changes nothing, on add and on change."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from people.models import Author
from tests.factories import AuthorFactory, UserFactory, editor, reporter
from tests.security.adminforms import admin_form_data, post_admin_form

pytestmark = pytest.mark.django_db

ADD = "/admin/people/author/add/"


@pytest.fixture
def chief():
    return get_user_model().objects.create_superuser("chief", "chief@example.com", "correct-horse-battery")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(author) -> str:
    return f"/admin/people/author/{author.pk}/change/"


@pytest.mark.parametrize("make_user", [reporter, editor], ids=["reporter", "editor"])
def test_a_forged_login_on_a_new_author_is_ignored(make_user, chief):
    client = logged_in(make_user("someone"))
    assert 'name="user"' not in client.get(ADD).content.decode()
    post_admin_form(client, ADD, {"name": "冒名者", "user": str(chief.pk)})
    assert Author.objects.get(name="冒名者").user is None
    assert not Author.objects.filter(user=chief).exists()


def test_an_editor_cannot_link_relink_or_unlink_a_login(chief):
    client = logged_in(editor("desk_editor"))
    linked_to = UserFactory(username="lin")
    free, linked = AuthorFactory(name="苏晴"), AuthorFactory(name="林知远", user=linked_to)
    post_admin_form(client, change_url(free), {"user": str(chief.pk), "position": "记者"})
    post_admin_form(client, change_url(linked), {"user": str(chief.pk)})
    data = admin_form_data(client, change_url(linked))
    client.post(change_url(linked), {**data, "user": "", "_save": "Save"})
    free.refresh_from_db()
    linked.refresh_from_db()
    assert (free.user, free.position) == (None, "记者")  # the rest of the form is saved
    assert linked.user == linked_to


def test_who_manages_logins_links_an_author(chief):
    manager = editor("user_manager")
    manager.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__in=["change_user", "view_user"])
    )
    client = logged_in(get_user_model().objects.get(pk=manager.pk))
    assert 'name="user"' in client.get(ADD).content.decode()
    post_admin_form(client, ADD, {"name": "林知远", "user": str(chief.pk)})
    assert Author.objects.get(name="林知远").user == chief
    author = AuthorFactory(name="苏晴")
    post_admin_form(logged_in(chief), change_url(author), {"user": str(manager.pk)})
    author.refresh_from_db()
    assert author.user == manager
