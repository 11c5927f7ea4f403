"""No draft, review, scheduled or withdrawn article is reachable through the API: not listed, not filtered to,
not by id, not in an issue, not in a search. The same 404 as an unknown id."""

import pytest

from tests.factories import UNPUBLISHED, IssueFactory, IssuePageFactory, SectionFactory, article_in_state


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_hidden_everywhere(api, paper, state):
    hidden = article_in_state(
        state,
        title="量子通信秘密稿件",
        issue=paper["issue"],
        page=paper["page"],
        section=paper["section"],
        tags=["量子科技"],
    )
    lists = [
        "/api/v1/articles/",
        f"/api/v1/articles/?section={paper['section'].slug}",
        "/api/v1/articles/?issue=2718",
        "/api/v1/articles/?since=2000-01-01",
    ]
    for url in lists:
        assert hidden.pk not in {i["id"] for i in api.get(url).json()["results"]}, url
    detail = api.get(f"/api/v1/articles/{hidden.pk}/")
    assert detail.status_code == 404
    assert detail.json() == api.get("/api/v1/articles/999999/").json()


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_issue_of_hidden_articles_only_is_404(api, state):
    issue = IssueFactory(number=4242)
    article_in_state(state, issue=issue, page=IssuePageFactory(issue=issue), section=SectionFactory())
    assert api.get("/api/v1/articles/?issue=4242").json()["count"] == 0
