"""Presence: heartbeats list the others who have the article open, warn of a second editor, and take-over."""

import datetime

import pytest
from django.utils import timezone

from editing.models import Presence
from tests.editing.conftest import desk_url
from tests.factories import ArticleFactory, reporter

pytestmark = pytest.mark.django_db


def opened_now() -> str:
    return f"{timezone.now().timestamp():.6f}"


def beat(client, article, opened_at=None):
    return client.post(desk_url("presence", article), {"opened_at": opened_at or opened_now()})


def test_a_heartbeat_lists_the_others_not_oneself(client, lin, wang, zhao, draft):
    for user in (wang, lin):
        client.force_login(user)
        beat(client, draft)
    client.force_login(zhao)
    answer = beat(client, draft).json()
    # Full names when there are (user names otherwise), those who may edit first, then by user name.
    assert answer["others"] == [{"name": "林知远", "editing": True}, {"name": "王启航", "editing": True}]
    assert answer["taken_over_by"] is None and answer["can_take_over"] is True
    assert Presence.objects.filter(article=draft).count() == 3  # one row per user and article
    beat(client, draft)
    assert Presence.objects.filter(article=draft).count() == 3


def test_only_the_recently_seen_are_listed(client, wang, zhao, draft, settings):
    settings.EDITING_PRESENCE_SECONDS = 45
    Presence.objects.create(user=wang, article=draft, editing=True,
                            last_seen=timezone.now() - datetime.timedelta(seconds=60))  # fmt: skip
    client.force_login(zhao)
    assert beat(client, draft).json()["others"] == []


def test_opening_the_page_shows_who_else_edits_with_a_warning(client, wang, zhao, draft):
    client.force_login(wang)
    client.get(desk_url("change", draft))
    client.force_login(zhao)
    page = client.get(desk_url("change", draft)).content.decode()
    assert "王启航" in page
    assert 'data-warning role="alert">' in page  # shown: no `hidden`
    assert "data-take-over>" in page


def test_a_viewer_who_cannot_edit_is_not_warned_and_shows_as_viewing(client, lin, wang):
    in_review = ArticleFactory(created_by=lin, review=True)
    client.force_login(wang)
    client.get(desk_url("change", in_review))
    client.force_login(lin)
    page = client.get(desk_url("change", in_review)).content.decode()
    assert 'data-warning role="alert" hidden' in page and "data-take-over>" not in page
    client.force_login(wang)
    assert beat(client, in_review).json()["others"] == [{"name": "林知远", "editing": False}]


def test_take_over_stops_the_other_page_and_a_new_page_edits_again(client, lin, wang, draft):
    client.force_login(lin)
    lin_opened = opened_now()
    beat(client, draft, lin_opened)
    client.force_login(wang)
    answer = client.post(desk_url("take_over", draft)).json()
    assert answer["taken"] == 1 and answer["others"] == []
    # The reporter's open page learns it at its next heartbeat; it is no longer listed as here.
    client.force_login(lin)
    assert beat(client, draft, lin_opened).json() == {
        "taken_over_by": "王启航",
        "others": [],
        "can_take_over": False,
    }
    # Its one last autosave is still kept.
    assert client.post(desk_url("autosave", draft), {"title": "最后一次自动保存"}).json()["kept"] is True
    # Opening the article again is a new page: it edits, and the editor sees the reporter again.
    client.get(desk_url("change", draft))
    assert beat(client, draft).json()["taken_over_by"] is None
    client.force_login(wang)
    assert beat(client, draft).json()["others"] == [{"name": "林知远", "editing": True}]


def test_only_editors_take_over(client, lin, draft):
    client.force_login(lin)
    response = client.post(desk_url("take_over", draft))
    assert response.status_code == 403 and response.json() == {"error": "forbidden"}


def test_presence_of_another_reporters_article_is_a_404(client, draft):
    client.force_login(reporter("other"))
    response = beat(client, draft)
    assert response.status_code == 404 and response.json() == {"error": "not_found"}
    assert not Presence.objects.exists()


@pytest.mark.parametrize("opened_at", ["", "nan", "inf", "-inf", "1e400", "9" * 40, "abc", "1e20"])
def test_a_forged_opening_time_is_a_400(client, wang, draft, opened_at):
    client.force_login(wang)
    response = client.post(desk_url("presence", draft), {"opened_at": opened_at})
    assert response.status_code == 400 and response.json() == {"error": "bad_opened_at"}


def test_a_page_that_leaves_is_gone_at_once_and_the_others_keep_their_places(client, lin, wang, zhao, draft):
    for user in (lin, wang):
        client.force_login(user)
        beat(client, draft)
    client.force_login(lin)
    response = client.post(desk_url("presence", draft), {"left": "1"})
    assert response.status_code == 204
    client.force_login(zhao)
    assert beat(client, draft).json()["others"] == [{"name": "王启航", "editing": True}]
    client.force_login(lin)  # opened again: here again
    beat(client, draft)
    client.force_login(zhao)
    assert [other["name"] for other in beat(client, draft).json()["others"]] == ["林知远", "王启航"]


def test_someone_who_may_no_longer_edit_is_not_shown_as_editing(client, lin, wang, draft):
    """The reporter's last heartbeat was while the draft was theirs; they submitted it for review (and may edit
    it no more): an editor opening it is not warned that the reporter is editing."""
    from articles import workflow

    client.force_login(lin)
    beat(client, draft)
    workflow.submit(draft, lin)
    client.force_login(wang)
    assert beat(client, draft).json()["others"] == [{"name": "林知远", "editing": False}]
