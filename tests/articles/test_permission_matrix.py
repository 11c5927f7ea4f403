"""The permission matrix of the editorial workflow: every role × action × state, through the admin over HTTP
and, for transitions, through articles/workflow.py.

The expected outcome of every cell is written out below (EXPECTED_TABLE), from product.md and issue 3 — not derived
from articles/policy.py, so that a change of policy has to change this table too.

Cell codes:
    ok     allowed: the effect happened (status / title changed, page shown with the article's title, …)
    state  a transition this role may take, but not from this state: over HTTP a redirect back to the article
           with an error message; the workflow function raises TransitionError
    403    refused with 403; the workflow function raises PermissionDenied
    hide   refused exactly as if the article did not exist (same answer as for a missing id)
    deny   refused with 403, or hidden as above (the user cannot see the article); the workflow function
           raises PermissionDenied
    login  refused with a redirect to the admin login; the workflow function raises PermissionDenied
A refused cell also proves that nothing changed: status, publication time, title, version, log, share links,
revisions, bylines, existence.

The people and their sessions are made once per module (see `newsroom`); each cell makes only its article(s).
"""

import datetime
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import ERROR, get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, ArticleLog, Byline, ShareLink
from articles.workflow import TransitionError
from people.models import Author
from tests.articles.test_admin_workflow import form_data
from tests.factories import ArticleFactory, UserFactory, editor, reporter

pytestmark = pytest.mark.django_db

STATES = ["draft", "review", "scheduled", "published", "withdrawn"]

# fmt: off
EXPECTED_TABLE = """
                draft   review  scheduled  published  withdrawn
anonymous:
  view          login   login   login      login      login
  edit          login   login   login      login      login
  submit        login   login   login      login      login
  send_back     login   login   login      login      login
  approve       login   login   login      login      login
  schedule      login   login   login      login      login
  withdraw      login   login   login      login      login
  reopen        login   login   login      login      login
  reschedule    login   login   login      login      login
  delete        login   login   login      login      login
  preview       login   login   login      login      login
  share         login   login   login      login      login
  history       login   login   login      login      login
  restore       login   login   login      login      login
inactive_staff:
  view          login   login   login      login      login
  edit          login   login   login      login      login
  submit        login   login   login      login      login
  send_back     login   login   login      login      login
  approve       login   login   login      login      login
  schedule      login   login   login      login      login
  withdraw      login   login   login      login      login
  reopen        login   login   login      login      login
  reschedule    login   login   login      login      login
  delete        login   login   login      login      login
  preview       login   login   login      login      login
  share         login   login   login      login      login
  history       login   login   login      login      login
  restore       login   login   login      login      login
owning_reporter:
  view          ok      ok      ok         ok         ok
  edit          ok      403     403        403        403
  submit        ok      state   state      state      state
  send_back     403     403     403        403        403
  approve       403     403     403        403        403
  schedule      403     403     403        403        403
  withdraw      403     403     403        403        403
  reopen        403     403     403        403        403
  reschedule    403     403     403        403        403
  delete        ok      403     403        403        403
  preview       ok      ok      ok         ok         ok
  share         403     403     403        403        403
  history       ok      ok      ok         ok         ok
  restore       403     403     403        403        403
other_reporter:
  view          hide    hide    hide       hide       hide
  edit          hide    hide    hide       hide       hide
  submit        deny    deny    deny       deny       deny
  send_back     deny    deny    deny       deny       deny
  approve       deny    deny    deny       deny       deny
  schedule      deny    deny    deny       deny       deny
  withdraw      deny    deny    deny       deny       deny
  reopen        deny    deny    deny       deny       deny
  reschedule    deny    deny    deny       deny       deny
  delete        hide    hide    hide       hide       hide
  preview       hide    hide    hide       hide       hide
  share         hide    hide    hide       hide       hide
  history       hide    hide    hide       hide       hide
  restore       hide    hide    hide       hide       hide
editor:
  view          ok      ok      ok         ok         ok
  edit          ok      ok      ok         ok         ok
  submit        ok      state   state      state      state
  send_back     state   ok      state      state      state
  approve       state   ok      state      state      state
  schedule      state   ok      state      state      state
  withdraw      state   state   ok         ok         state
  reopen        state   state   state      state      ok
  reschedule    state   state   ok         state      state
  delete        ok      ok      403        403        ok
  preview       ok      ok      ok         ok         ok
  share         ok      ok      ok         ok         ok
  history       ok      ok      ok         ok         ok
  restore       ok      ok      ok         ok         ok
creator_editor:
  view          ok      ok      ok         ok         ok
  edit          ok      ok      ok         ok         ok
  submit        ok      state   state      state      state
  send_back     state   ok      state      state      state
  approve       403     403     403        403        403
  schedule      403     403     403        403        403
  withdraw      state   state   ok         ok         state
  reopen        state   state   state      state      ok
  reschedule    403     403     403        403        403
  delete        ok      ok      403        403        ok
  preview       ok      ok      ok         ok         ok
  share         ok      ok      ok         ok         ok
  history       ok      ok      ok         ok         ok
  restore       ok      ok      ok         ok         ok
byline_editor:
  view          ok      ok      ok         ok         ok
  edit          ok      ok      ok         ok         ok
  submit        ok      state   state      state      state
  send_back     state   ok      state      state      state
  approve       403     403     403        403        403
  schedule      403     403     403        403        403
  withdraw      state   state   ok         ok         state
  reopen        state   state   state      state      ok
  reschedule    403     403     403        403        403
  delete        ok      ok      403        403        ok
  preview       ok      ok      ok         ok         ok
  share         ok      ok      ok         ok         ok
  history       ok      ok      ok         ok         ok
  restore       ok      ok      ok         ok         ok
superuser:
  view          ok      ok      ok         ok         ok
  edit          ok      ok      ok         ok         ok
  submit        ok      state   state      state      state
  send_back     state   ok      state      state      state
  approve       state   ok      state      state      state
  schedule      state   ok      state      state      state
  withdraw      state   state   ok         ok         state
  reopen        state   state   state      state      ok
  reschedule    state   state   ok         state      state
  delete        ok      ok      ok         ok         ok
  preview       ok      ok      ok         ok         ok
  share         ok      ok      ok         ok         ok
  history       ok      ok      ok         ok         ok
  restore       ok      ok      ok         ok         ok
"""
# fmt: on

CODES = {"ok", "state", "403", "hide", "deny", "login"}


def parse_table(text: str) -> dict[tuple[str, str, str], str]:
    lines = [line for line in text.strip("\n").splitlines() if line.strip()]
    states = lines[0].split()
    expected, role = {}, None
    for line in lines[1:]:
        if line.endswith(":"):
            role = line[:-1].strip()
            continue
        action, *cells = line.split()
        assert len(cells) == len(states), line
        for state, code in zip(states, cells, strict=True):
            assert code in CODES, line
            assert (role, action, state) not in expected, line
            expected[role, action, state] = code
    return expected


EXPECTED = parse_table(EXPECTED_TABLE)
ROLES = list(dict.fromkeys(role for role, _, _ in EXPECTED))
ACTIONS = list(dict.fromkeys(action for _, action, _ in EXPECTED))
TRANSITIONS = ["submit", "send_back", "approve", "schedule", "withdraw", "reopen", "reschedule"]
# The admin transition URL each action posts to ("schedule" is an approval with a time).
TRANSITION_URL_ACTION = {**{a: a for a in TRANSITIONS}, "schedule": "approve"}
TARGET = {
    "submit": "review",
    "send_back": "draft",
    "approve": "published",
    "schedule": "published",
    "withdraw": "withdrawn",
    "reopen": "draft",
    "reschedule": "published",
}
COMMENT = "第三段的数据来源请再核实"


def test_the_table_covers_every_cell_once():
    assert len(ROLES) == 8 and len(ACTIONS) == 14 and EXPECTED_TABLE.split("\n")[1].split() == STATES
    assert set(EXPECTED) == {(r, a, s) for r in ROLES for a in ACTIONS for s in STATES}
    assert set(TRANSITIONS) < set(ACTIONS)


# ----- the people and the article of one cell -----


@dataclass
class Newsroom:
    """The people of the matrix, each logged in once (a session cookie per role)."""

    users: dict  # role -> user (AnonymousUser for "anonymous")
    reporter: object  # the reporter who wrote the article (unless an editor did)
    byline_author: Author  # the byline_editor's author record
    sessions: dict  # role -> session cookie value
    desk_session: str  # an editor who makes the older revision for restore

    def client(self, role: str) -> Client:
        """A fresh client (no cookies left from another test) carrying the role's session, if it has one."""
        return self._client(self.sessions.get(role))

    def desk_client(self) -> Client:
        return self._client(self.desk_session)

    @staticmethod
    def _client(session: str | None) -> Client:
        client = Client()
        if session:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        return client


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    """Made once for the module, inside a transaction rolled back when the module ends.

    Each test runs in a savepoint within it (pytest-django's `db`), so its articles vanish after the test while the
    people and their sessions stay: the matrix costs one article per cell, not a newsroom per cell.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        users = {
            "anonymous": AnonymousUser(),
            "inactive_staff": editor("retired_editor", is_active=False),
            "owning_reporter": reporter("lin_zhiyuan"),
            "other_reporter": reporter("zhou_xiaochuan"),
            "editor": editor("chen_bianji"),
            "creator_editor": editor("he_bianji"),
            "byline_editor": editor("song_bianji"),
            "superuser": UserFactory(username="zongbian", is_superuser=True),
        }

        def session_of(user):
            client = Client()
            client.force_login(user)  # inactive staff too: a session that the server must no longer honour
            assert client.session[SESSION_KEY] == str(user.pk)
            return client.cookies[settings.SESSION_COOKIE_NAME].value

        yield Newsroom(
            users=users,
            reporter=users["owning_reporter"],
            byline_author=Author.objects.create(name="宋编辑", user=users["byline_editor"]),
            sessions={role: session_of(user) for role, user in users.items() if role != "anonymous"},
            desk_session=session_of(editor("desk_editor")),
        )
        transaction.set_rollback(True)


def _minute(delta: datetime.timedelta) -> datetime.datetime:
    """A local time on a whole minute, as the admin's datetime-local field sends it."""
    return (timezone.localtime() + delta).replace(second=0, microsecond=0)


@dataclass
class Cell:
    role: str
    action: str
    state: str
    actor: object  # a user, or AnonymousUser
    article: Article
    twin: Article | None  # the same article again, for the workflow-function check
    schedule_at: datetime.datetime
    reschedule_at: datetime.datetime

    @property
    def code(self):
        return EXPECTED[self.role, self.action, self.state]


def _state_fields(state: str) -> dict:
    now = timezone.now()
    return {
        "draft": {"status": "draft"},
        "review": {"status": "review"},
        "scheduled": {"status": "published", "published_at": now + datetime.timedelta(days=1)},
        "published": {"status": "published", "published_at": now - datetime.timedelta(hours=1)},
        "withdrawn": {"status": "withdrawn", "published_at": now - datetime.timedelta(days=2)},
    }[state]


def make_cell(newsroom: Newsroom, role: str, action: str, state: str) -> Cell:
    actor = newsroom.users[role]
    # The editor who wrote it created it; everyone else meets an article the reporter created.
    creator = actor if role == "creator_editor" else newsroom.reporter

    def article(title):
        made = ArticleFactory(created_by=creator, title=title, dateline="本报讯", **_state_fields(state))
        if role == "byline_editor":
            Byline.objects.create(article=made, author=newsroom.byline_author, role=Byline.Role.REPORTER)
        return made

    return Cell(
        role=role,
        action=action,
        state=state,
        actor=actor,
        article=article("青川县建成首个乡村科普驿站"),
        twin=article("云川市青少年科技创新大赛落幕") if action in TRANSITIONS else None,
        schedule_at=_minute(datetime.timedelta(days=2)),
        reschedule_at=_minute(datetime.timedelta(days=3)),
    )


# ----- the HTTP side -----


def admin_url(name: str, pk: int, *extra) -> str:
    return reverse(f"admin:articles_article_{name}", args=[pk, *extra])


def older_revision(newsroom: Newsroom, article: Article) -> Version:
    """An editor edits the article through the admin (a revision), then it changes again: the revision is older."""
    response = newsroom.desk_client().post(
        admin_url("change", article.pk), form_data(article, title="青川县首个乡村科普驿站揭牌")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    Article.objects.filter(pk=article.pk).update(title=article.title)
    article.refresh_from_db()
    # The desk's edit (before it, the article as made in code is recorded with no user: articles/revisions.py).
    return Version.objects.get_for_object(article).exclude(revision__user=None).get()


def request(client: Client, cell: Cell, pk: int, version_id: int | None):
    """Take `cell.action` on article `pk` through the admin, as the client's user."""
    action = cell.action
    if action == "view":
        return client.get(admin_url("change", pk))
    if action == "edit":
        return client.post(
            admin_url("change", pk), form_data(cell.article, title="青川县乡村科普驿站投入使用")
        )
    if action in TRANSITIONS:
        data = {"comment": COMMENT if action in {"send_back", "withdraw"} else ""}
        if action in {"schedule", "reschedule"}:
            when = cell.schedule_at if action == "schedule" else cell.reschedule_at
            data["publish_at"] = when.strftime("%Y-%m-%dT%H:%M")
        return client.post(admin_url("transition", pk, TRANSITION_URL_ACTION[action]), data)
    if action == "delete":
        return client.post(admin_url("delete", pk), {"post": "yes"})
    if action == "preview":
        return client.get(reverse("article_preview", args=[pk]))
    if action == "share":
        return client.post(admin_url("share", pk))
    if action == "history":
        return client.get(admin_url("history", pk))
    if action == "restore":
        return client.post(admin_url("restore", pk, version_id))
    raise AssertionError(action)


def snapshot(pk: int):
    """Everything a refused request must leave as it was: the row, and what hangs off it (two cheap queries)."""
    row = (
        Article.objects.filter(pk=pk)
        .values("status", "published_at", "title", "version", "updated_at", "updated_by")
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT COUNT(*) FROM {ArticleLog._meta.db_table} WHERE article_id = %s),
                       (SELECT COUNT(*) FROM {ShareLink._meta.db_table} WHERE article_id = %s),
                       (SELECT MAX(id) FROM {Byline._meta.db_table} WHERE article_id = %s),
                       (SELECT COUNT(*) FROM {Version._meta.db_table} WHERE content_type_id = %s AND object_id = %s)""",
            [pk, pk, pk, ContentType.objects.get_for_model(Article).pk, str(pk)],
        )
        log_entries, share_links, last_byline, revisions = cursor.fetchone()
    return row and {
        **row,
        "log_entries": log_entries,
        "share_links": share_links,
        "last_byline": last_byline,
        "revisions": revisions,
    }


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + "?next=")


def assert_hidden(response, client, cell, version_id):
    """The answer is the one a missing article gets: the user cannot tell the article exists."""
    missing = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    ghost = request(client, cell, missing, version_id)
    assert ghost.status_code in (302, 404)
    assert response.status_code == ghost.status_code, (response.status_code, ghost.status_code)
    assert response.get("Location") == ghost.get("Location")
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("admin:login"))
    assert cell.article.title.encode() not in response.content


def assert_allowed_effect(response, cell: Cell, before):
    article = Article.objects.filter(pk=cell.article.pk).first()
    action = cell.action
    if action in {"view", "preview", "history"}:
        assert response.status_code == 200
        assert cell.article.title in response.content.decode()
        if action == "preview":
            assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert snapshot(cell.article.pk) == before
        return
    assert response.status_code == 302, response.content.decode()[:3000]
    if action == "edit":
        assert article.title == "青川县乡村科普驿站投入使用"
        assert article.version == cell.article.version + 1
        assert (article.status, article.published_at) == (before["status"], before["published_at"])
    elif action in TRANSITIONS:
        assert article.status == TARGET[action]
        log = ArticleLog.objects.filter(article=article).get()
        assert (log.user_id, log.action, log.to_status) == (
            cell.actor.pk,
            TRANSITION_URL_ACTION[action],
            TARGET[action],
        )
        if action in {"send_back", "withdraw"}:
            assert log.comment == COMMENT
        if action == "approve":
            assert article.published_at <= timezone.now() and article.is_public()
        if action in {"schedule", "reschedule"}:
            want = cell.schedule_at if action == "schedule" else cell.reschedule_at
            assert article.published_at == want and workflow.is_scheduled(article)
    elif action == "delete":
        assert article is None
    elif action == "share":
        link = ShareLink.objects.get(article=article)
        assert link.created_by == cell.actor and link.revoked_at is None
    elif action == "restore":
        assert article.title == "青川县首个乡村科普驿站揭牌"
        assert article.status == before["status"] and article.published_at == before["published_at"]
        assert article.version == before["version"] + 1
        assert Version.objects.get_for_object(article).count() == before["revisions"] + 1
    else:
        raise AssertionError(action)


def assert_refused(response, client, cell: Cell, before, version_id):
    code = cell.code
    if code == "login":
        assert_login_redirect(response)
    elif code == "403":
        assert response.status_code == 403
    elif code == "hide":
        assert_hidden(response, client, cell, version_id)
    elif code == "deny":
        if response.status_code != 403:
            assert_hidden(response, client, cell, version_id)
    elif code == "state":
        assert response.status_code == 302
        assert response["Location"] == admin_url("change", cell.article.pk)
        assert any(m.level == ERROR for m in get_messages(response.wsgi_request))
    else:
        raise AssertionError(code)
    assert snapshot(cell.article.pk) == before


# ----- the workflow-function side -----


def call_workflow(cell: Cell, article: Article):
    user, action = cell.actor, cell.action
    return {
        "submit": lambda: workflow.submit(article, user),
        "send_back": lambda: workflow.send_back(article, user, COMMENT),
        "approve": lambda: workflow.approve(article, user),
        "schedule": lambda: workflow.approve(article, user, publish_at=cell.schedule_at),
        "withdraw": lambda: workflow.withdraw(article, user, COMMENT),
        "reopen": lambda: workflow.reopen(article, user),
        "reschedule": lambda: workflow.reschedule(article, user, cell.reschedule_at),
    }[action]()


def assert_workflow_function(cell: Cell):
    twin = cell.twin
    before = snapshot(twin.pk)
    if cell.code == "ok":
        call_workflow(cell, twin)
        twin.refresh_from_db()
        assert twin.status == TARGET[cell.action]
        assert ArticleLog.objects.filter(article=twin, user_id=cell.actor.pk).count() == 1
        return
    expected = TransitionError if cell.code == "state" else PermissionDenied
    with pytest.raises(expected):
        call_workflow(cell, twin)
    assert snapshot(twin.pk) == before


# ----- the matrix -----


@pytest.mark.parametrize(
    "role,action,state",
    [pytest.param(r, a, s, id=f"{r}-{a}-{s}") for r in ROLES for a in ACTIONS for s in STATES],
)
def test_cell(newsroom, role, action, state):
    cell = make_cell(newsroom, role, action, state)
    version_id = older_revision(newsroom, cell.article).pk if action == "restore" else None
    client = newsroom.client(role)
    before = snapshot(cell.article.pk)
    response = request(client, cell, cell.article.pk, version_id)
    if cell.code == "ok":
        assert_allowed_effect(response, cell, before)
    else:
        assert_refused(response, client, cell, before, version_id)
    if action in TRANSITIONS:
        assert_workflow_function(cell)
