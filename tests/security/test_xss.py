"""The XSS corpus (tests/security/xss_corpus.py) through every text field, by the model and by the admin forms:
stored clean (body) or as typed (plain text), and rendered harmless everywhere the text shows up.

Surfaces: the article page (and its JSON-LD), the home page, back issues, an issue, tag, author, organization,
event and section pages, search results (titles and snippets) and the search box, the RSS feeds, reflected
query parameters, and the admin (change lists, change forms, history). Each test reports every problem it finds,
with the payload and the page, rather than stopping at the first.
"""

from __future__ import annotations

import datetime
import os
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleStatus, Byline, Event, Issue, IssuePage, Section
from articles.models.tags import TAG_NAME_MAX_LENGTH
from people.models import Author, Organization
from tests.factories import editor
from tests.security.adminforms import admin_form_data, form_errors
from tests.security.xss_corpus import (
    MARK,
    PAYLOADS,
    SHORT_PAYLOADS,
    clean_body_problems,
    json_ld_problems,
    rendered_problems,
)

pytestmark = pytest.mark.django_db

# CI (CI=true) puts every payload through every surface. Elsewhere (make test on a laptop) the rendering and
# admin loops take every third payload, for a quick run; storing through the model always takes them all.
FULL = os.environ.get("CI", "").lower() == "true" or os.environ.get("XSS_FULL") == "1"


def sample(items):
    return items if FULL else items[::3]


ARTICLE_TEXT_FIELDS = {
    "kicker": 200,
    "title": 200,
    "subtitle": 200,
    "summary": None,
    "dateline": 60,
    "author_note": 300,
    "image_caption": 300,
    "image_credit": 100,
}


def fit(value: str, length: int | None) -> str:
    return value if length is None else value[:length]


def as_tag(payload: str) -> str:
    """The payload typed into "new tags" as one name a tag may have (articles/models/tags.py): the separators
    the form splits on become spaces, the name is cut to a tag's length and given a letter if it has none; the
    trailing comma keeps taggit from splitting it on spaces."""
    name = re.sub(r'[,;，、；"]', " ", payload)[: TAG_NAME_MAX_LENGTH - 1].strip()
    return ("" if any(c.isalpha() for c in name) else "标") + name + ","


def report(problems: list[str]) -> str:
    shown = problems[:40]
    more = f"\n… and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return f"{len(problems)} problems:\n" + "\n".join(shown) + more


# ----- a site full of hostile text, built once for the module --------------------------------------------


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """One published article per payload, each with its own section, issue, page, author, organization, event
    and tag carrying that payload in every text field. Rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        user = editor("xss_site_editor")
        now = timezone.now()
        rows = []
        for i, payload in enumerate(PAYLOADS):
            unique = f"{i:02d}{payload}"
            section = Section.objects.create(name=unique[:40], description=payload)
            organization = Organization.objects.create(
                name=unique[:200], short_name=payload[:60], aliases=payload, description=payload
            )
            author = Author.objects.create(name=payload[:100], position=payload[:120], bio=payload)
            event = Event.objects.create(
                name=payload[:200],
                place=payload[:200],
                description=payload,
                start_date=datetime.date(2026, 5, 1) + datetime.timedelta(days=i),
            )
            issue = Issue.objects.create(
                number=5000 + i,
                date=datetime.date(2026, 12, 31) - datetime.timedelta(days=i),
                note=payload[:200],
            )
            page = IssuePage.objects.create(issue=issue, number=1, name=payload[:40])
            article = Article.objects.create(
                created_by=user,
                body=payload,
                issue=issue,
                page=page,
                section=section,
                status=ArticleStatus.PUBLISHED,
                published_at=now - datetime.timedelta(minutes=i + 1),
                **{name: fit(payload, length) for name, length in ARTICLE_TEXT_FIELDS.items()},
            )
            article.tags.add(payload[:100])
            article.organizations.add(organization)
            article.events.add(event)
            Byline.objects.create(article=article, author=author, role=Byline.Role.REPORTER)
            rows.append(
                {
                    "payload": payload,
                    "article": article,
                    "section": section,
                    "organization": organization,
                    "author": author,
                    "event": event,
                    "issue": issue,
                    "page": page,
                    "tag": article.tags.get(),
                }
            )
        yield rows
        transaction.set_rollback(True)


def check_page(client, path, problems, payload=None, expect=(200,), label=""):
    response = client.get(path)
    where = f"{label or path} [{(payload or '')[:50]!r}]"
    if response.status_code not in expect:
        problems.append(f"{where}: status {response.status_code}")
        return None
    html = response.content.decode()
    problems.extend(f"{where}: {p}" for p in rendered_problems(html))
    return html


# ----- stored -----------------------------------------------------------------------------------------------


def test_model_stores_the_body_clean_and_plain_text_as_typed(site):
    problems = []
    for row in site:
        payload = row["payload"]
        article = Article.objects.get(pk=row["article"].pk)
        problems += [f"body of {payload[:50]!r}: {p}" for p in clean_body_problems(article.body)]
        for name, length in ARTICLE_TEXT_FIELDS.items():
            if getattr(article, name) != fit(payload, length):
                problems.append(f"Article.{name} changed: {payload[:50]!r}")
        checks = [
            (Author.objects.get(pk=row["author"].pk), {"name": 100, "position": 120, "bio": None}),
            (Organization.objects.get(pk=row["organization"].pk), {"short_name": 60, "aliases": None, "description": None}),
            (Event.objects.get(pk=row["event"].pk), {"name": 200, "place": 200, "description": None}),
            (Issue.objects.get(pk=row["issue"].pk), {"note": 200}),
            (IssuePage.objects.get(pk=row["page"].pk), {"name": 40}),
            (Section.objects.get(pk=row["section"].pk), {"description": None}),
        ]  # fmt: skip
        for obj, fields in checks:
            for name, length in fields.items():
                if getattr(obj, name) != fit(payload, length):
                    problems.append(f"{type(obj).__name__}.{name} changed: {payload[:50]!r}")
        # Tags are case-insensitive (TAGGIT_CASE_INSENSITIVE): "JaVaScRiPt:" reuses the "javascript:" tag.
        if Tag.objects.get(pk=row["tag"].pk).name.lower() != payload[:100].lower():
            problems.append(f"tag name changed: {payload[:50]!r}")
    assert not problems, report(problems)


def test_the_sanitizer_also_cleans_every_payload_at_once():
    article = Article.objects.create(title="合集", body="".join(PAYLOADS), created_by=editor("xss_all"))
    article.refresh_from_db()
    assert clean_body_problems(article.body) == []
    assert MARK in article.body  # the text survives; only the markup goes


# ----- rendered on public pages ------------------------------------------------------------------------------


def test_article_pages_and_their_json_ld_are_harmless(site):
    client, problems = Client(), []
    for row in sample(site):
        html = check_page(
            client, row["article"].get_absolute_url(), problems, row["payload"], label="article"
        )
        if html is None:
            continue
        problems += [f"article JSON-LD [{row['payload'][:50]!r}]: {p}" for p in json_ld_problems(html)]
        if "application/ld+json" not in html:
            problems.append(f"article [{row['payload'][:50]!r}]: no JSON-LD block")
    assert not problems, report(problems)


def test_issue_and_entity_pages_are_harmless(site):
    client, problems = Client(), []
    for row in sample(site):
        payload = row["payload"]
        for label, path in [
            ("issue", row["issue"].get_absolute_url()),
            ("section", row["section"].get_absolute_url()),
            ("tag", f"/tags/{quote(row['tag'].slug)}/"),
            ("author", row["author"].get_absolute_url()),
            ("organization", row["organization"].get_absolute_url()),
            ("event", row["event"].get_absolute_url()),
        ]:
            check_page(client, path, problems, payload, label=label)
    assert not problems, report(problems)


def test_listings_and_search_results_are_harmless(site):
    client, problems = Client(), []
    for path in [
        "/",
        "/issues/",
        "/issues/?month=2026-12",
        "/issues/?month=2026-11",
        f"/search/?q={quote(MARK)}",
    ]:
        check_page(client, path, problems)
    for row in sample(site):
        # The payload as the query: reflected in the search box and the heading, and matched in titles/snippets.
        check_page(client, f"/search/?q={quote(row['payload'])}", problems, row["payload"], label="search")
    html = client.get(f"/search/?q={quote(MARK)}").content.decode()
    assert MARK in html, "the search finds the corpus articles, so snippets are really checked"
    assert not problems, report(problems)


def test_reflected_parameters_are_harmless(site):
    client, problems = Client(), []
    for payload in sample(PAYLOADS):
        q = quote(payload)
        for path in [
            f"/issues/?date={q}",
            f"/issues/?month={q}",
            f"/tags/{q}/",
            f"/search/?q=科协&section={q}",
        ]:
            check_page(client, path, problems, payload, expect=(200, 301, 302, 404))
    assert not problems, report(problems)


def _feed_problems(content: bytes, where: str) -> list[str]:
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        return [f"{where}: not well-formed XML ({exc})"]
    problems = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        if local in {
            "script",
            "iframe",
            "img",
            "svg",
            "style",
            "object",
            "embed",
            "a",
            "form",
            "meta",
            "base",
        }:
            problems.append(f"{where}: a raw <{local}> element in the XML")
    for item in root.iter("item"):
        for child in item:
            name = child.tag.rsplit("}", 1)[-1]
            if name == "description" and child.text:
                # Readers render the description as HTML: it must be harmless HTML.
                problems += [f"{where} description: {p}" for p in rendered_problems(child.text)]
    return problems


def test_feeds_carry_the_payloads_only_as_escaped_text(site):
    client, problems = Client(), []
    paths = ["/feed/"]
    for row in sample(site):
        paths += [
            f"/sections/{quote(row['section'].slug)}/feed/",
            f"/tags/{quote(row['tag'].slug)}/feed/",
            f"/authors/{quote(row['author'].slug)}/feed/",
        ]
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            problems.append(f"{path}: status {response.status_code}")
            continue
        problems += _feed_problems(response.content, path)
    titles = [t.text for t in ET.fromstring(client.get("/feed/").content).iter("title")]
    assert any(title and MARK in title for title in titles), "the corpus articles are in the feed"
    assert not problems, report(problems)


# ----- through the admin forms -------------------------------------------------------------------------------


@pytest.fixture
def desk():
    client = Client()
    client.force_login(editor("xss_desk"))
    return client


def _post(client, url, data, changes):
    response = client.post(url, {**data, **changes, "_save": "Save"})
    return response.status_code == 302, response


def test_article_admin_form_stores_clean_and_renders_harmless(desk):
    url = "/admin/articles/article/add/"
    blank = admin_form_data(desk, url)
    problems = []
    for i, payload in enumerate(sample(PAYLOADS)):
        changes = {name: fit(payload, length) for name, length in ARTICLE_TEXT_FIELDS.items()}
        changes["title"] = fit(f"A{i:02d}{payload}", 200)
        changes["body"] = payload
        changes["new_tags"] = as_tag(payload)
        saved, response = _post(desk, url, blank, changes)
        if not saved:
            problems.append(f"add [{payload[:50]!r}] not saved: {form_errors(response)}")
            continue
        article = Article.objects.get(title=changes["title"].strip())
        problems += [f"admin body [{payload[:50]!r}]: {p}" for p in clean_body_problems(article.body)]
        for name, length in ARTICLE_TEXT_FIELDS.items():
            if name != "title" and getattr(article, name) != fit(payload, length).strip():
                problems.append(f"admin Article.{name} changed [{payload[:50]!r}]")
    assert not problems, report(problems)

    # The change form, a change through it (kept as a revision), and the pages that show the text back.
    for article in Article.objects.order_by("pk")[::7]:
        change = f"/admin/articles/article/{article.pk}/change/"
        data = admin_form_data(desk, change)
        saved, response = _post(desk, change, data, {"summary": PAYLOADS[article.pk % len(PAYLOADS)]})
        if not saved:
            problems.append(f"change {article.pk} not saved: {form_errors(response)}")
        for path in [change, f"/admin/articles/article/{article.pk}/history/"]:
            check_page(desk, path, problems, article.title)
    for payload in PAYLOADS[::6]:
        check_page(
            desk, f"/admin/articles/article/?q={quote(payload)}", problems, payload, label="changelist"
        )
    check_page(desk, "/admin/articles/article/", problems, label="article changelist")
    check_page(desk, "/admin/", problems, label="admin index")
    assert not problems, report(problems)


ADMIN_MODELS = {
    "people/author": ({"name": 100, "position": 120, "bio": None}, Author, "name"),
    "people/organization": ({"name": 200, "short_name": 60, "aliases": None, "description": None}, Organization, "name"),
    "articles/event": ({"name": 200, "place": 200, "description": None}, Event, "name"),
    "articles/section": ({"name": 40, "description": None}, Section, "name"),
}  # fmt: skip


@pytest.mark.parametrize("model_path", ADMIN_MODELS.keys())
def test_other_admin_forms_store_text_as_typed_and_render_harmless(desk, model_path):
    fields, model, key = ADMIN_MODELS[model_path]
    url = f"/admin/{model_path}/add/"
    blank = admin_form_data(desk, url)
    extra = {"start_date": "2026-05-18"} if model is Event else {}
    payloads = SHORT_PAYLOADS if model is Section else sample(PAYLOADS)
    problems = []
    for i, payload in enumerate(payloads):
        changes = {name: fit(payload, length) for name, length in fields.items()}
        changes[key] = fit(f"A{i:02d}{payload}", fields[key])  # unique, and not the module site's names
        saved, response = _post(desk, url, blank, {**changes, **extra})
        if not saved:
            problems.append(f"{model_path} [{payload[:50]!r}] not saved: {form_errors(response)}")
            continue
        obj = model.objects.get(**{key: changes[key].strip()})
        for name in fields:
            if getattr(obj, name) != changes[name].strip():
                problems.append(f"{model_path}.{name} changed [{payload[:50]!r}]")
    changelist = f"/admin/{model_path}/"
    check_page(desk, changelist, problems, label=f"{model_path} changelist")
    for obj in model.objects.order_by("pk")[::9]:
        check_page(desk, f"{changelist}{obj.pk}/change/", problems, str(obj))
    assert not problems, report(problems)


def test_issue_admin_with_page_names_and_notes(desk):
    url = "/admin/articles/issue/add/"
    blank = admin_form_data(desk, url)
    problems = []
    for i, payload in enumerate(SHORT_PAYLOADS):
        changes = {
            "number": str(7000 + i),
            "date": (datetime.date(2027, 1, 1) + datetime.timedelta(days=i)).isoformat(),
            "note": payload,
            "pages-TOTAL_FORMS": "1",
            "pages-INITIAL_FORMS": "0",
            "pages-0-number": "1",
            "pages-0-name": payload,
        }
        saved, response = _post(desk, url, blank, changes)
        if not saved:
            problems.append(f"issue [{payload!r}] not saved: {form_errors(response)}")
            continue
        issue = Issue.objects.get(number=7000 + i)
        if issue.note != payload.strip() or issue.pages.get().name != payload.strip():
            problems.append(f"issue text changed [{payload!r}]")
    check_page(desk, "/admin/articles/issue/", problems, label="issue changelist")
    for issue in Issue.objects.order_by("pk")[::5]:
        check_page(desk, f"/admin/articles/issue/{issue.pk}/change/", problems, issue.note)
    assert not problems, report(problems)
