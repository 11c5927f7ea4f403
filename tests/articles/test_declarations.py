"""Each rule declared once, and every surface reading it: transitions, editors, content fields, reading order,
share links, slugs, the links statement's rows and the issues the public sees.

These fail when a rule is restated somewhere and the restatement drifts from the declaration.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from reversion.revisions import _get_options

from articles import policy, revisions, workflow
from articles.admin.article import PLACEMENT_FIELDS, ArticleAdmin
from articles.admin.forms import KEPT_FIELDS, ArticleAdminForm, form_fields
from articles.models import (
    CONTENT_GROUPS,
    Article,
    ArticleLog,
    ArticleStatus,
    Issue,
    Section,
    ShareLink,
    content_fields,
    content_text_fields,
    searched_fields,
)
from articles.sharing import active_share_links, make_share_link, resolve_share_token, revoke_share_link
from core.slugs import SlugFromName
from people.models import Author, Organization
from reader.loading import LinkKind, LinkRow, load_article, load_links
from reader.views.article import neighbour_rows
from search import signals as search_signals
from search import text as search_text
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    IssueFactory,
    IssuePageFactory,
    UserFactory,
    editor,
    reporter,
)

pytestmark = pytest.mark.django_db

S = ArticleStatus
LATER = datetime.timedelta(days=2)


# ----- transitions --------------------------------------------------------------------------------------------


def in_source_state(transition, owner) -> Article:
    """An article `transition` may be taken on now, written by `owner`."""
    status = sorted(transition.sources)[0]
    published_at = None
    if status == S.PUBLISHED:
        published_at = timezone.now() + (LATER if transition.only_when_scheduled else -LATER)
    return ArticleFactory(created_by=owner, status=status, published_at=published_at)


def test_the_declaration_is_complete():
    names = set(policy.TRANSITIONS)
    assert names == {
        policy.SUBMIT,
        policy.SEND_BACK,
        policy.APPROVE,
        policy.WITHDRAW,
        policy.REOPEN,
        policy.RESCHEDULE,
    }
    for name, transition in policy.TRANSITIONS.items():
        assert transition.name == name and transition.sources and transition.target in S.values
        assert not transition.needs_time or transition.takes_time
    assert workflow.TRANSITIONS is policy.TRANSITIONS


@pytest.mark.parametrize("name", list(policy.TRANSITIONS))
def test_every_transition_has_a_button_and_a_handler_in_the_admin(client, name):
    transition = policy.TRANSITIONS[name]
    owner, desk = reporter("owner"), editor("desk")
    article = in_source_state(transition, owner)
    actor = owner if transition.who == policy.Who.AUTHOR_OR_EDITOR else desk
    client.force_login(actor)
    url = reverse("admin:articles_article_transition", args=[article.pk, name])
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert f'action="{url}"' in page  # the button

    data = {"comment": "请核实数据来源" if transition.needs_comment else ""}
    when = timezone.now() + datetime.timedelta(days=3)
    if transition.needs_time:
        data["publish_at"] = timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == transition.target
    log = ArticleLog.objects.get(article=article)
    assert (log.action, log.user, log.to_status) == (name, actor, transition.target)
    assert log.comment == data["comment"]
    assert (log.publish_at is not None) == transition.takes_time


@pytest.mark.parametrize("name", list(policy.TRANSITIONS))
def test_the_roles_come_from_the_declaration(name, settings):
    transition = policy.TRANSITIONS[name]
    owner, desk = reporter("owner"), editor("desk")
    article = in_source_state(transition, owner)
    assert policy.may_take(owner, name, article) == (transition.who == policy.Who.AUTHOR_OR_EDITOR)
    assert policy.may_take(desk, name, article)
    # The four-eyes rule: the editor who wrote it.
    own = in_source_state(transition, desk)
    settings.WORKFLOW_FOUR_EYES = True
    assert policy.may_take(desk, name, own) == (not transition.four_eyes)
    settings.WORKFLOW_FOUR_EYES = False
    assert policy.may_take(desk, name, own)


def test_an_undeclared_transition_is_never_allowed():
    article = ArticleFactory()
    assert not policy.may_take(UserFactory(username="root", is_superuser=True), "publish", article)


@pytest.mark.parametrize("name", list(policy.TRANSITIONS))
def test_each_transition_mails_whom_it_declares(name, django_capture_on_commit_callbacks):
    transition = policy.TRANSITIONS[name]
    owner, desk = reporter("owner", email="owner@example.com"), editor("desk", email="desk@example.com")
    editor("chief", email="chief@example.com")
    article = in_source_state(transition, owner)
    actor = owner if transition.who == policy.Who.AUTHOR_OR_EDITOR else desk
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take(
            name, article, actor, comment="请补充", publish_at=timezone.now() + datetime.timedelta(days=3)
        )
    if transition.mail is None:
        assert mail.outbox == []
        return
    (sent,) = mail.outbox
    assert article.title in sent.subject
    if transition.mail.to == policy.Tell.EDITORS:
        assert set(sent.to) == {"desk@example.com", "chief@example.com"}
    else:
        assert sent.to == ["owner@example.com"]


def test_comment_and_time_are_taken_only_where_declared():
    owner, desk = reporter("owner"), editor("desk")
    article = ArticleFactory(created_by=owner)
    workflow.take(policy.SUBMIT, article, owner, comment="不该记下", publish_at=timezone.now() + LATER)
    log = ArticleLog.objects.get(article=article)
    assert (log.comment, log.publish_at) == ("", None)
    scheduled = in_source_state(policy.TRANSITIONS[policy.RESCHEDULE], owner)
    with pytest.raises(ValidationError) as refused:
        workflow.take(policy.RESCHEDULE, scheduled, desk)
    assert refused.value.code == "publication_time_required"


# ----- what "editor" means ------------------------------------------------------------------------------------


@pytest.fixture
def newsroom():
    chiefs = Group.objects.create(name="Desk chiefs")
    review = Permission.objects.get(content_type__app_label="articles", codename="review_article")
    chiefs.permissions.add(review)
    chief = UserFactory(username="chief", email="chief@example.com")
    chief.groups.add(chiefs)
    direct = UserFactory(username="direct", email="direct@example.com")
    direct.user_permissions.add(review)
    return {
        "chief": chief,
        "direct": direct,
        "root": UserFactory(username="root", email="root@example.com", is_superuser=True),
        "desk": editor("desk", email="desk@example.com"),
        "gone": editor("gone", email="gone@example.com", is_active=False),
        "gone_root": UserFactory(username="gone_root", is_superuser=True, is_active=False),
        "reporter": reporter("writer", email="writer@example.com"),
        "nobody": UserFactory(username="nobody"),
    }


def test_editors_are_whoever_holds_the_review_permission(newsroom):
    found = set(policy.editors())
    assert found == {newsroom["chief"], newsroom["direct"], newsroom["root"], newsroom["desk"]}
    for user in newsroom.values():
        assert policy.is_editor(user) == (user in found), user.username


def test_a_submission_is_mailed_to_every_editor(newsroom, django_capture_on_commit_callbacks):
    article = ArticleFactory(created_by=newsroom["reporter"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article, newsroom["reporter"])
    (sent,) = mail.outbox
    assert set(sent.to) == {"chief@example.com", "direct@example.com", "root@example.com", "desk@example.com"}


# ----- the article's content fields ---------------------------------------------------------------------------

# Not content: the workflow's, the bookkeeping's and the search index's fields.
NOT_CONTENT = {"id", "status", "published_at", "version", "search_text", "created_by", "updated_by"}


def test_every_editable_field_of_an_article_is_in_a_group():
    editable = {
        f.name
        for f in Article._meta.get_fields()
        if not f.auto_created and getattr(f, "editable", False) and f.name not in NOT_CONTENT
    }
    assert editable == set(content_fields())
    assert len(content_fields()) == len(set(content_fields()))


def test_the_admin_form_and_fieldsets_are_the_groups():
    expected = [(group.label, form_fields(group.fields)) for group in CONTENT_GROUPS]
    assert [(label, options["fields"]) for label, options in ArticleAdmin.fieldsets[:-1]] == expected
    assert set(ArticleAdminForm.base_fields) >= set(form_fields(content_fields()))
    model_fields = [name for name in content_fields() if name in ArticleAdminForm._meta.fields]
    assert ArticleAdminForm._meta.fields == model_fields
    assert PLACEMENT_FIELDS == ["issue", "page", "position"]
    assert set(PLACEMENT_FIELDS) <= set(Article.PLACEMENT.fields)


def test_revisions_and_kept_edits_follow_the_groups():
    text = [
        name
        for name in content_fields()
        if isinstance(Article._meta.get_field(name), models.CharField | models.TextField)
    ]
    assert text == content_text_fields() == revisions.TEXT_FIELDS == KEPT_FIELDS
    assert "dateline" in text and "image_credit" in text and "image" not in text
    columns = [name for name in content_fields() if not Article._meta.get_field(name).many_to_many]
    assert columns == revisions.CONTENT_FIELDS
    assert set(columns) <= set(_get_options(Article).fields)


def test_each_searched_field_lands_in_its_declared_part():
    weights = searched_fields()
    assert weights == {
        "title": "A",
        "kicker": "B",
        "subtitle": "B",
        "summary": "B",
        "body": "D",
        "author_note": "D",
        "image_caption": "D",
    }
    assert set(weights) == search_signals.SEARCHED_FIELDS
    markers = {name: f"zq{index}x" for index, name in enumerate(content_text_fields())}
    article = ArticleFactory(**markers)
    BylineFactory(article=article, author=AuthorFactory(name="Ada Lovelace"))
    parts = dict(
        zip(search_text.PARTS, Article.objects.get(pk=article.pk).search_text.split(" | "), strict=True)
    )
    for name, marker in markers.items():
        holding = [part for part, tokens in parts.items() if marker in tokens.split()]
        assert holding == ([weights[name]] if name in weights else []), name
    assert "lovelace" in parts[search_text.NAMES_PART].split()


def test_the_search_text_is_what_it_always_was():
    text = search_text.build_search_text(
        title="ta", kicker="kb", subtitle="sb", summary="mb", body="<p>bd</p>", author_note="nd",
        image_caption="cd", names=["xb"],
    )  # fmt: skip
    assert text == "ta | kb sb mb xb | bd nd cd"
    with pytest.raises(TypeError):
        search_text.build_search_text(dateline="本报讯")


# ----- reading order ------------------------------------------------------------------------------------------


def test_reading_order_is_page_then_position_then_id_unplaced_last():
    issue = IssueFactory()
    first, second = IssuePageFactory(issue=issue, number=1), IssuePageFactory(issue=issue, number=2)
    unplaced = ArticleFactory(issue=issue, status=S.REVIEW)
    late = ArticleFactory(issue=issue, page=second, position=1, status=S.REVIEW)
    b = ArticleFactory(issue=issue, page=first, position=2, status=S.REVIEW)
    a = ArticleFactory(issue=issue, page=first, position=2, status=S.REVIEW)
    lead = ArticleFactory(issue=issue, page=first, position=1, status=S.REVIEW)
    expected = [lead, b, a, late, unplaced]
    assert list(Article.objects.filter(issue=issue).in_reading_order()) == expected
    assert list(Article.objects.for_issue(issue)) == expected
    approved, refused = workflow.release_issue(issue, editor("desk"))
    assert refused == [] and approved == expected


# ----- share links, issues ------------------------------------------------------------------------------------


def test_a_valid_share_link_is_neither_revoked_nor_expired():
    article, desk = ArticleFactory(), editor("desk")
    valid, revoked, expired = (make_share_link(article, desk) for _ in range(3))
    revoke_share_link(revoked)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert list(ShareLink.objects.valid()) == [valid]
    assert list(active_share_links(article)) == [valid]
    assert resolve_share_token(valid.token) == article
    for link in (revoked, expired):
        with pytest.raises(Http404):
            resolve_share_token(link.token)


def test_issues_with_public_articles():
    public, draft_only, scheduled_only, empty = (IssueFactory() for _ in range(4))
    ArticleFactory(issue=public, published=True)
    ArticleFactory(issue=draft_only)
    ArticleFactory(issue=scheduled_only, status=S.PUBLISHED, published_at=timezone.now() + LATER)
    assert list(Issue.objects.with_public_articles()) == [public]
    assert scheduled_only in Issue.objects.with_public_articles(now=timezone.now() + 2 * LATER)
    assert empty not in Issue.objects.with_public_articles(now=timezone.now() + 2 * LATER)


# ----- slugs --------------------------------------------------------------------------------------------------


def test_slugs_are_made_once_and_never_clash():
    assert not issubclass(SlugFromName, models.Model)
    first, second = Author.objects.create(name="林知远"), Author.objects.create(name="林知远")
    assert (first.slug, second.slug) == ("林知远", "林知远-2")
    second.name = "王启航"
    second.save()
    assert second.slug == "林知远-2"  # a slug once made is kept: its URLs stay valid
    assert Organization.objects.create(name="青岚省科学技术协会", short_name="省科协").slug == "省科协"
    assert Organization.objects.create(name="青岚大学").slug == "青岚大学"
    assert Section.objects.create(name="要闻 速递").slug == "要闻-速递"
    assert Author.objects.create(name="Ada", slug="ada-l").slug == "ada-l"
    assert Author.objects.create(name="！？").slug == "author"


def test_a_slug_source_may_be_a_method():
    class Named(SlugFromName):
        def slug_source(self):
            return "第十届 论坛"

    assert Named().slug_text() == "第十届 论坛"


# ----- the article page's links statement ---------------------------------------------------------------------


def test_the_links_rows_are_named():
    assert LinkRow._fields == (
        "kind", "id", "role", "number", "day", "sort_name", "author_id", "name", "slug",
    )  # fmt: skip
    assert [int(kind) for kind in LinkKind] == [1, 2, 3, 4, 5, 6]
    issue = IssueFactory()
    page = IssuePageFactory(issue=issue)
    article, after = (ArticleFactory(issue=issue, page=page, position=n, published=True) for n in (1, 2))
    BylineFactory(article=article)
    loaded = load_article(article.pk)
    rows = load_links(loaded, also=neighbour_rows(loaded))
    assert [(row.kind, row.id, row.name, row.number) for row in rows] == [
        (LinkKind.BEFORE, article.pk, article.title, 1),
        (LinkKind.BEFORE, after.pk, after.title, 2),
    ]
    assert all(isinstance(row, LinkRow) for row in rows)
    assert [b.author_id for b in loaded.bylines.all()] == [article.bylines.get().author_id]
