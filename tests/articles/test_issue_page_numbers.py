"""An issue's pages inline refuses, with the form, a page number another saved page of the issue holds
(articles/admin/issue.py `IssuePageFormSet`), where the database's constraint would answer a 500: a saved page
posted as new (a forged INITIAL_FORMS), or two pages swapping numbers in one save."""

import pytest
from django.test import Client

from articles.models import IssuePage
from tests.factories import IssueFactory, IssuePageFactory, editor
from tests.security.adminforms import admin_form_data, form_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue_form():
    client = Client()
    client.force_login(editor("pages_editor"))
    issue = IssueFactory()
    IssuePageFactory(issue=issue, number=1)
    IssuePageFactory(issue=issue, number=2)
    url = f"/admin/articles/issue/{issue.pk}/change/"
    return client, url, admin_form_data(client, url, "issue_form"), issue


def _numbers(issue) -> list[int]:
    return sorted(IssuePage.objects.filter(issue=issue).values_list("number", flat=True))


@pytest.mark.parametrize("initial", ["0", "-1"])
def test_saved_pages_posted_as_new_are_refused(issue_form, initial):
    client, url, data, issue = issue_form
    response = client.post(url, {**data, "pages-INITIAL_FORMS": initial, "_save": "Save"})
    assert response.status_code == 200
    codes = [code for errors in form_errors(response).values() for code, _message in errors]
    assert codes.count("page_number_taken") == 2
    assert _numbers(issue) == [1, 2]


def test_two_pages_swapping_numbers_in_one_save_are_refused(issue_form):
    client, url, data, issue = issue_form
    response = client.post(url, {**data, "pages-0-number": "2", "pages-1-number": "1", "_save": "Save"})
    assert response.status_code == 200
    codes = [code for errors in form_errors(response).values() for code, _message in errors]
    assert codes.count("page_number_taken") == 2
    assert _numbers(issue) == [1, 2]


def test_renumbering_onto_a_free_number_and_adding_a_page_save(issue_form):
    client, url, data, issue = issue_form
    changes = {"pages-1-number": "3", "pages-TOTAL_FORMS": "3", "pages-2-number": "2", "pages-2-name": "综合"}
    response = client.post(url, {**data, **changes, "_save": "Save"})
    assert response.status_code == 302, form_errors(response)
    assert _numbers(issue) == [1, 2, 3]
