"""An issue's budget (稿单): its stories page by page, with who covers them, by when, how long, and how far along.

What the morning meeting reads (planning/views/budget.py renders it, on screen and on paper). Everything is
loaded in a constant number of queries whatever the number of stories: the issue with its neighbours' numbers,
its pages, its stories with their articles, and the assignments with their users.

Lengths (字数) count the non-whitespace characters of the article's body as plain text
(`articles.richtext.html_to_text`): Chinese copy is counted character by character, punctuation included, and
spaces and line breaks are not copy. The body is HTML, which no database can reduce to its text portably, so
the bodies of this issue's articles (one per story) are read in the stories' query and measured here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from articles.models import Article, Issue
from articles.names import person
from articles.richtext import html_to_text

from .models import Assignment, Story, StoryStatus

# A story is done on the desk's side once its copy is in: filed (submitted) or published.
FILED = frozenset({StoryStatus.FILED, StoryStatus.PUBLISHED})
# Still waiting for copy: past its due time, such a story is overdue.
OPEN = frozenset({StoryStatus.PITCHED, StoryStatus.ACCEPTED})


def text_length(html: str | None) -> int:
    """The length of a body in characters as the newsroom counts them (字数): its text without whitespace."""
    return sum(1 for char in html_to_text(html) if not char.isspace())


def is_overdue(story: Story, now: datetime.datetime) -> bool:
    """Due time passed and no copy filed yet (killed, filed and published stories are never overdue)."""
    return bool(story.due_at and story.due_at < now and story.status in OPEN)


@dataclass
class BudgetRow:
    """One story in the budget, with what the page shows of it."""

    story: Story
    assignees: list[tuple[str, str]]  # (name, role label), in the assignment order
    length: int | None  # the article's length, None while there is no article
    overdue: bool

    @property
    def is_filed(self) -> bool:
        return self.story.status in FILED


@dataclass
class BudgetPage:
    """A page (版) of the issue, or the stories with no page yet (`page` None), with its totals."""

    page: object
    rows: list[BudgetRow] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(row.story.target_length or 0 for row in self.rows)

    @property
    def filed(self) -> int:
        return sum(row.length or 0 for row in self.rows if row.is_filed)

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.rows if row.overdue)


@dataclass
class Budget:
    issue: Issue
    pages: list[BudgetPage]  # in page order; the stories with no page last (when there are any)
    killed: list[BudgetRow]

    @property
    def planned(self) -> int:
        return sum(page.planned for page in self.pages)

    @property
    def filed(self) -> int:
        return sum(page.filed for page in self.pages)

    @property
    def story_count(self) -> int:
        return sum(len(page.rows) for page in self.pages)

    @property
    def overdue_count(self) -> int:
        return sum(page.overdue_count for page in self.pages)


def issue_with_neighbours():
    """Issues annotated with the numbers of the previous and next issues (`previous_number`, `next_number`)."""
    previous = Issue.objects.filter(number__lt=OuterRef("number")).order_by("-number").values("number")[:1]
    following = Issue.objects.filter(number__gt=OuterRef("number")).order_by("number").values("number")[:1]
    return Issue.objects.annotate(previous_number=Subquery(previous), next_number=Subquery(following))


def budget_stories(issue: Issue):
    """The issue's stories with what the budget shows: page, article (its body, not its search text), editor,
    and assignments with their users (one more query)."""
    assignments = Assignment.objects.select_related("user").order_by("order", "id")
    return (
        Story.objects.filter(Q(issue=issue) | Q(page__issue=issue))
        .select_related("page", "article", "editor")
        .defer(*(f"article__{name}" for name in _UNUSED_ARTICLE_FIELDS))
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("page__number", "article__position", "due_at", "id")
    )


# Article fields the budget never reads: left in the database.
_UNUSED_ARTICLE_FIELDS = ("search_text", "summary", "kicker", "subtitle", "author_note", "image_caption")


def budget_for(issue: Issue, now: datetime.datetime | None = None) -> Budget:
    """The issue's budget: its pages in order, each with its stories; then those with no page; killed apart."""
    now = now or timezone.now()
    pages = {page.pk: BudgetPage(page) for page in issue.pages.order_by("number")}
    unplaced = BudgetPage(None)
    killed = []
    for story in budget_stories(issue):
        row = _row(story, now)
        if story.status == StoryStatus.KILLED:
            killed.append(row)
        else:
            pages.get(story.page_id, unplaced).rows.append(row)
    ordered = list(pages.values()) + ([unplaced] if unplaced.rows else [])
    return Budget(issue=issue, pages=ordered, killed=killed)


def _row(story: Story, now: datetime.datetime) -> BudgetRow:
    article: Article | None = story.article
    return BudgetRow(
        story=story,
        assignees=[(person(a.user), a.get_role_display()) for a in story.assignments.all()],
        length=text_length(article.body) if article is not None else None,
        overdue=is_overdue(story, now),
    )
