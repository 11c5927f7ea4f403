"""Importing a print page from the issue admin (导入版面): upload, preview, confirm; editors only."""

import datetime
from pathlib import Path

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus, Byline, Issue, IssuePage, Section
from people.models import Author
from printimport import admin as importer
from printimport.parser import PrintPageError
from printimport.service import MAX_PAGE_BYTES, describe_error, plan_import
from tests.factories import IssueFactory, UserFactory, editor, reporter

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parent / "pages"
SAMPLE = (PAGES / "sample.txt").read_bytes()
NEW = reverse("admin:articles_issue_import")
TITLES = [
    "青岚省科协启动2026年“科普进社区”系列活动",
    "青岚大学与三家企业共建新材料联合实验室",
    "春耕时节 无人机“飞”进田间",
    "让科学精神在青少年心中生根发芽",
    "青岚省发布科技成果转化三年行动计划",
]


def into(issue) -> str:
    return reverse("admin:articles_issue_import_into", args=[issue.pk])


def upload(data: bytes = SAMPLE, name: str = "page1.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Issue, IssuePage, Article, Byline, Author, Section))


def refusal(data: bytes, number=1024, date=datetime.date(2026, 3, 18)) -> str:
    """The message the service gives for a page, to compare with what the admin shows (any language)."""
    with pytest.raises(PrintPageError) as caught:
        plan_import(data, number, date)
    return describe_error(caught.value)


@pytest.fixture
def ed(client):
    user = editor("duty-editor")
    client.force_login(user)
    return user


def preview(client, url=NEW, data=SAMPLE, name="page1.txt", **fields):
    post = {"number": 1024, "date": "2026-03-18", "page_number": 1, "page_name": "", **fields}
    return client.post(url, {**post, "file": upload(data, name)})


def test_an_editor_previews_then_confirms_a_page_for_a_new_issue(client, ed):
    form = client.get(NEW)
    assert form.status_code == 200 and "number" in form.context["form"].fields

    shown = preview(client, page_name="要闻")
    assert shown.status_code == 200
    assert counts() == (0, 0, 0, 0, 0, 0)  # a preview writes nothing
    html = shown.content.decode()
    for title in TITLES:
        assert title in html
    assert "作者系青岚省科普作家协会副理事长" in html and f"王启航（{Byline.Role.REPORTER.label}）" in html
    plan = shown.context["plan"]
    assert [a.paragraph_count for a in plan.articles] == [3, 3, 1, 3, 3]
    assert [c.name for c in plan.new_authors] == ["林知远", "苏晴", "王启航", "周远帆", "韩书言"]
    assert 'name="token"' in html

    done = client.post(NEW, {"token": shown.context["token"]})
    assert done.status_code == 200
    issue = Issue.objects.get()
    assert (issue.number, issue.date) == (1024, datetime.date(2026, 3, 18))
    page = IssuePage.objects.get()
    assert (page.issue, page.number, page.name) == (issue, 1, "要闻")
    articles = list(Article.objects.order_by("position"))
    assert [a.title for a in articles] == TITLES
    assert {(a.status, a.created_by_id, a.issue_id, a.page_id) for a in articles} == {
        (ArticleStatus.DRAFT, ed.pk, issue.pk, page.pk)
    }
    assert Author.objects.count() == 5
    report = done.context["report"]
    assert report.issue_created and len(report.created) == 5
    html = done.content.decode()
    for article in articles:  # the report links every new draft
        assert reverse("admin:articles_article_change", args=[article.pk]) in html


def test_an_editor_imports_a_page_into_an_existing_issue(client, ed):
    issue = IssueFactory(number=1024, date=datetime.date(2026, 3, 18))
    form = client.get(into(issue))
    assert form.status_code == 200 and "number" not in form.context["form"].fields
    shown = client.post(into(issue), {"file": upload(), "page_number": 2, "page_name": ""})
    assert shown.status_code == 200 and shown.context["plan"].issue == issue
    client.post(into(issue), {"token": shown.context["token"]})
    assert Issue.objects.count() == 1
    assert set(Article.objects.values_list("issue", "page__number")) == {(issue.pk, 2)}


def test_the_issue_page_links_to_the_import_for_editors(client, ed):
    issue = IssueFactory()
    page = client.get(reverse("admin:articles_issue_change", args=[issue.pk])).content.decode()
    assert into(issue) in page


def test_confirming_twice_creates_nothing_new(client, ed):
    shown = preview(client)
    client.post(NEW, {"token": shown.context["token"]})
    before = counts()
    again = client.post(NEW, {"token": shown.context["token"]})
    assert again.status_code == 200 and counts() == before
    assert len(again.context["report"].skipped) == 5
    # A new preview of the same page says there is nothing to do and offers no confirmation.
    shown = preview(client)
    assert shown.context["plan"].to_create == [] and 'name="token"' not in shown.content.decode()


def test_a_reporter_gets_403_and_nothing_is_written(client, ed):
    token = preview(client).context["token"]
    client.force_login(reporter("cub"))
    assert client.get(NEW).status_code == 403
    assert preview(client).status_code == 403
    assert client.post(NEW, {"token": token}).status_code == 403
    issue = IssueFactory()
    assert client.get(into(issue)).status_code == 403
    assert Article.objects.count() == 0 and Issue.objects.count() == 1


def test_someone_outside_the_admin_is_sent_to_log_in(client):
    client.force_login(UserFactory(username="reader", is_staff=False))
    response = client.get(NEW)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.decode().encode("gbk"),
        (PAGES / "import-bad-third.txt").read_bytes(),
        b"",
    ],
    ids=["not-utf8", "parse-error-line-13", "empty"],
)
def test_a_page_the_service_refuses_shows_its_message_and_writes_nothing(client, ed, data):
    response = preview(client, data=data)
    assert response.status_code == 200 and "plan" not in response.context
    errors = response.context["form"].non_field_errors() or response.context["form"].errors.get("file")
    if data:
        assert list(errors) == [f"page1.txt: {refusal(data)}"]  # the whole issue's import names the file
    else:
        assert errors  # Django refuses an empty upload itself
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_a_parse_error_names_its_line(client, ed):
    response = preview(client, data=(PAGES / "import-bad-third.txt").read_bytes())
    assert describe_error(PrintPageError(13, "")) in response.content.decode()


def test_a_date_conflict_is_refused_with_both_dates(client, ed):
    IssueFactory(number=1024, date=datetime.date(2026, 3, 11))
    response = preview(client)
    html = response.content.decode()
    assert "2026-03-11" in html and "2026-03-18" in html
    assert Article.objects.count() == 0 and Issue.objects.count() == 1


def test_a_conflict_arising_between_preview_and_confirmation_writes_nothing(client, ed):
    shown = preview(client)
    IssueFactory(number=1024, date=datetime.date(2026, 3, 11))
    done = client.post(NEW, {"token": shown.context["token"]})
    assert done.status_code == 409 and "2026-03-11" in done.content.decode()
    assert Article.objects.count() == 0 and Author.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, ed):
    response = preview(client, data=b"\xe9\x9d\x92" * (MAX_PAGE_BYTES // 3 + 1))
    assert response.context["form"].errors["file"]
    assert Issue.objects.count() == 0


def test_a_tampered_token_is_refused(client, ed):
    token = preview(client).context["token"]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post(NEW, {"token": forged})
    assert response.status_code == 400 and Article.objects.count() == 0


def test_a_token_made_for_another_editor_is_refused(client, ed):
    token = preview(client).context["token"]
    client.force_login(editor("second-editor"))
    assert client.post(NEW, {"token": token}).status_code == 400
    assert Article.objects.count() == 0


def test_a_token_for_a_new_issue_cannot_be_replayed_into_another_issue(client, ed):
    token = preview(client).context["token"]
    other = IssueFactory(number=900, date=datetime.date(2025, 1, 3))
    assert client.post(into(other), {"token": token}).status_code == 400
    assert Article.objects.count() == 0


def test_an_expired_preview_must_be_uploaded_again(client, ed, monkeypatch):
    token = preview(client).context["token"]
    monkeypatch.setattr(importer, "CONFIRM_MAX_AGE", -1)
    response = client.post(NEW, {"token": token})
    assert response.status_code == 400 and Article.objects.count() == 0


def test_the_token_holds_the_page_signed_not_a_path(client, ed):
    token = preview(client, page_name="要闻").context["token"]
    payload = signing.loads(token, salt=f"{importer._SALT}:{ed.pk}")
    assert payload["pages"] == [{"file": "page1.txt", "text": SAMPLE.decode("utf-8-sig")}]
    assert set(payload) == {"pages", "number", "date", "page", "page_name", "issue"}


@pytest.mark.parametrize("name", ["第01版.exe", "第01版.jpg", "版面.docx", "page1.PNG"])
def test_a_file_of_another_type_is_refused_by_name_and_nothing_is_read(client, ed, name):
    response = preview(client, name=name)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert name in error and ".txt" in error and ".pdf" in error
    assert "token" not in response.context and counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize("name", ["第01版.TXT", "第01版", "第1版 2026.03.18", "page1.text"])
def test_text_pages_are_read_whatever_their_name_says_beside_a_type(client, ed, name):
    response = preview(client, name=name)
    assert response.status_code == 200 and "token" in response.context, response.context["form"].errors


def test_an_issue_dated_a_century_ahead_is_refused_as_a_slip(client, ed):
    response = preview(client, date="2999-01-01")
    assert response.status_code == 200 and "2999" in response.context["form"].errors["date"][0]
    assert counts() == (0, 0, 0, 0, 0, 0)
    later = (timezone.localdate() + datetime.timedelta(days=3 * 365)).isoformat()
    assert "token" in preview(client, date=later).context
    with pytest.raises(ValidationError) as refused:
        IssueFactory.build(number=9, date=datetime.date(2999, 1, 1)).full_clean()
    assert refused.value.error_dict["date"][0].code == "issue_date_too_far"
