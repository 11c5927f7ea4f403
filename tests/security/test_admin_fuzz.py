"""Forged admin forms never cause a server error.

Logged in as a reporter and as an editor, every admin add and change form the role may open (found by walking
`admin.site._registry`, so a new admin is fuzzed without a line here) is read the way a browser reads it
(tests/security/adminforms.py) and posted again with one field at a time replaced by a wrong value for its kind:
non-numeric and huge ids, a list of ids with a bad one, non-numeric, negative and huge numbers, impossible and
out-of-range dates, text one character over its limit, NUL bytes, an unknown choice, nothing. The answer is the
form with errors (200), a redirect (saved, or refused with a message) or a 403: never a 5xx. The list pages
likewise, with wrong ids and dates in their filters, and wrong ids in the URLs of their objects.

An add form's required fields are filled in first, so that each post is wrong in the fuzzed field only. Each post
runs in a transaction rolled back afterwards, so every post starts from the same data (a saved article would
turn the next post into a stale edit, testing the conflict page instead of the field). A few values per
kind of form field, and one row of each inline, keep the file within seconds: each value is a different way to
fail (a ValueError, an overflow, a failed constraint), not a variant of one.
"""

from __future__ import annotations

import re
import traceback

import pytest
from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.forms.models import InlineForeignKeyField
from django.test import Client, RequestFactory
from django.urls import reverse

from articles.models import Byline, PageArea, StaleEdit
from core.adminguards import MAX_INLINE_ROWS
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    SectionFactory,
    editor,
    reporter,
)

from .adminforms import admin_form_data, read_form

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # beyond any database integer (SQLite raises OverflowError on it, PostgreSQL an error)
LONG_TEXT = 3000  # the length of text for a field with no limit in its form
WRONG_VALUES = {
    "id": ["", "abc", HUGE, ["1", "abc"]],
    "number": ["", "abc", "-1", HUGE],
    "date": ["", "2026-02-30", "0001-01-01", "9999-12-31"],
    "choice": ["", "no-such-choice"],
    "bool": ["abc"],
    "text": ["a\x00b", None],  # None: one character longer than the field takes
}


def kind_of(field: forms.Field | None) -> str:
    if isinstance(field, forms.ModelChoiceField | InlineForeignKeyField):
        return "id"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "number"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField | forms.SplitDateTimeField):
        return "date"
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return "bool"
    return "text"


def form_fields(context) -> dict[str, forms.Field]:
    """Every form field of an admin form page by the name of its input (inline rows, management forms)."""
    found = {}
    adminform = context.get("adminform")
    every_form = [adminform.form] if adminform is not None else []
    for inline in context.get("inline_admin_formsets") or []:
        every_form += [*inline.formset.forms, inline.formset.management_form]
    for form in every_form:
        for name, field in form.fields.items():
            found[form.add_prefix(name)] = field
    return found


def wrong_values(name: str, fields: dict[str, forms.Field]) -> list:
    # A multi-widget input (date and time of a SplitDateTimeField) is named field_0, field_1.
    field = fields.get(name) or fields.get(name.rsplit("_", 1)[0])
    kind = kind_of(field)
    too_long = "字" * ((getattr(field, "max_length", None) or LONG_TEXT - 1) + 1)
    return [too_long if value is None else value for value in WRONG_VALUES[kind]]


# Never read by Django: a formset's MIN_NUM_FORMS and MAX_NUM_FORMS are for scripts in the page.
UNREAD = re.compile(r"^csrfmiddlewaretoken$|-M(IN|AX)_NUM_FORMS$")


def example_value(field: forms.Field) -> str:
    """A valid value for a required field an add form leaves empty."""
    if isinstance(field, forms.ModelChoiceField):
        first = field.queryset.first()
        return str(getattr(first, field.to_field_name or "pk", ""))
    if isinstance(field, forms.ChoiceField):
        return next((str(value) for value, _label in field.choices if value not in ("", None)), "")
    return {"number": "7", "date": "2026-03-12"}.get(kind_of(field), "青岚测试")


def completed(data: dict, context) -> dict:
    """An add form's data with its own required fields filled in (not its inlines' rows: an empty extra row is
    left alone), so that each post is wrong in the fuzzed field only and may otherwise be saved."""
    adminform = context.get("adminform")
    filled = dict(data)
    for name, field in adminform.form.fields.items() if adminform else []:
        if field.required and not field.disabled and filled.get(name) in (None, "", []):
            filled[name] = example_value(field)
    return filled


def fuzzed_names(data: dict) -> list[str]:
    """The inputs to fuzz: all that Django reads, and of each inline only its first row (the rows are alike)."""
    names, seen = [], set()
    for name in data:
        row_free = re.sub(r"-\d+-", "-N-", name)
        if not UNREAD.search(name) and row_free not in seen:
            seen.add(row_free)
            names.append(name)
    return names


@pytest.fixture
def newsroom():
    """A reporter and an editor, and one of everything the admin edits, linked as in a real paper."""
    users = {"reporter": reporter("fuzz_reporter"), "editor": editor("fuzz_editor")}
    organization = OrganizationFactory(parent=OrganizationFactory())
    event = EventFactory()
    event.organizers.add(organization)
    issue = IssueFactory()
    page = IssuePageFactory(issue=issue)
    section = SectionFactory()
    author = AuthorFactory(organization=organization)
    for role, user in users.items():
        draft = ArticleFactory(
            created_by=user,
            issue=issue,
            page=page,
            section=section,
            tags=[f"科普{role}"],
            organizations=[organization],
            events=[event],
            authors=[author],
        )
        StaleEdit.objects.create(article=draft, user=user, based_on_version=1, data={"title": "旧标题"})
        PageArea.objects.create(page=page, article=draft, x=0.1, y=0.1, width=0.5, height=0.3)
    PublishedArticleFactory(issue=issue, page=page, section=section, authors=[(author, Byline.Role.AUTHOR)])
    return users


def admin_forms(user) -> list[str]:
    """The add and change form URLs of every registered model the user may add or change."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None and model_admin.has_change_permission(request, obj):
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return urls


def where(exc: Exception) -> str:
    """The exception and the last frames of ours it went through."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/.venv/" not in f.filename]
    return f"{type(exc).__name__}: {exc}" + "".join(
        f"\n    at {f.filename.rsplit('/main/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[-2:]
    )


def post_rolled_back(client, url, data) -> tuple[int, str]:
    """Post, then undo whatever the post saved. A 500's exception is returned with it."""
    try:
        with transaction.atomic():
            status = client.post(url, data).status_code
            transaction.set_rollback(True)
        return status, ""
    except Exception as exc:  # every exception here is a 500 to report
        return 500, where(exc)


def fuzz_form(client, url) -> list[str]:
    """Every field of the form at `url` posted with each wrong value of its kind; the 5xx answers."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} answered {page.status_code}"
    model_name = url.rstrip("/").split("/")[-3 if url.endswith("/change/") else -2]
    data = read_form(page.content.decode(), f"{model_name}_form")
    assert data, f"no form read at {url}"
    fields = form_fields(page.context)
    base = completed(
        {name: values if len(values) > 1 else values[0] for name, values in data.items()}, page.context
    )
    base["_save"] = "Save"
    failures = []
    for name in fuzzed_names(data):
        for value in wrong_values(name, fields):
            status, error = post_rolled_back(client, url, {**base, name: value})
            if status >= 500:
                failures.append(f"{url} {name}={str(value)[:40]!r}: {status} {error}")
    return failures


def fuzz_as(user) -> list[str]:
    client = Client()  # exceptions are raised, so that a failure names where it arose
    client.force_login(user)
    return [failure for url in admin_forms(user) for failure in fuzz_form(client, url)]


@pytest.mark.parametrize("role", ["reporter", "editor"])
def test_forged_admin_forms_never_cause_a_server_error(newsroom, role):
    failures = fuzz_as(newsroom[role])
    assert not failures, "\n".join(failures)


def forged_list_queries(model, model_admin) -> list[str]:
    """Query strings a list page reads, with wrong values: the ids of its filters, a year of each of its dates
    (the date hierarchy's, or any date a forged query names), the page, the order, the search."""
    queries = ["p=abc", f"p={HUGE}", "o=abc", "q=%00"]
    filtered = {name for name in model_admin.list_filter if isinstance(name, str)}
    for field in model._meta.get_fields():
        if field.name in filtered and field.is_relation:
            queries += [f"{field.name}__id__exact=abc", f"{field.name}__id__exact={HUGE}"]
        elif isinstance(field, models.DateField):
            queries.append(f"{field.name}__year={HUGE}")
    return queries


@pytest.mark.parametrize("role", ["reporter", "editor"])
def test_forged_list_filters_and_ids_in_urls_never_cause_a_server_error(newsroom, role):
    client = Client(raise_request_exception=False)
    client.force_login(newsroom[role])
    request = RequestFactory().get("/admin/")
    request.user = newsroom[role]
    failures = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        urls = [f"{changelist}?{query}" for query in forged_list_queries(model, model_admin)]
        urls += [f"{changelist}abc/change/", f"{changelist}abc/history/", f"{changelist}{HUGE}/change/"]
        failures += [f"{url}: {status}" for url in urls if (status := client.get(url).status_code) >= 500]
    assert not failures, "\n".join(failures)


def test_forged_ids_in_the_page_admin_never_cause_a_server_error(newsroom):
    client = Client()
    client.force_login(newsroom["editor"])
    failures = []
    for url in [u for u in admin_forms(newsroom["editor"]) if u.startswith("/admin/articles/issuepage/")]:
        data = admin_form_data(client, url, "issuepage_form")
        for name in {"issue", "areas-0-article"} & set(data):
            status, error = post_rolled_back(client, url, {**data, name: "abc", "_save": "Save"})
            if status >= 500:
                failures.append(f"{url} {name}='abc': {error}")
    assert not failures, "\n".join(failures)


def test_each_role_fuzzes_the_forms_it_may_open(newsroom):
    for_reporter, for_editor = admin_forms(newsroom["reporter"]), admin_forms(newsroom["editor"])
    assert "/admin/articles/article/add/" in for_reporter
    assert any(url.endswith("/change/") and "/articles/article/" in url for url in for_reporter)
    assert not any("/articles/section/" in url or "/articles/issue/" in url for url in for_reporter)
    assert {"/admin/articles/section/add/", "/admin/articles/issue/add/", "/admin/people/author/add/"} <= set(
        for_editor
    )
    assert not any("/auth/" in url for url in for_reporter + for_editor)


@pytest.mark.parametrize(
    "model, prefix, limit",
    [
        ("article", "bylines", 50),
        ("issue", "pages", MAX_INLINE_ROWS),
        ("issuepage", "areas", MAX_INLINE_ROWS),
    ],
)
def test_a_forged_row_count_builds_no_more_rows_than_an_inline_holds(newsroom, model, prefix, limit):
    client = Client()
    client.force_login(newsroom["editor"])
    url = admin_forms(newsroom["editor"])
    url = next(u for u in url if u.startswith(f"/admin/articles/{model}/") and u.endswith("/change/"))
    data = admin_form_data(client, url, f"{model}_form")
    response = client.post(url, {**data, f"{prefix}-TOTAL_FORMS": str(limit + 1), "_save": "Save"})
    assert response.status_code == 200
    (formset,) = [f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix]
    assert len(formset.forms) <= limit
    assert formset.non_form_errors()
