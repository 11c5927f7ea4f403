"""Who and what a print page names: the Author each byline means, the Organizations each article mentions.

The import service (printimport/service.py) plans with these and writes what they decide. Both only read the
database, so a preview costs nothing.

- An author is reused when exactly one Author has the name; with none, or with several (we cannot tell which
  one is meant), a new Author is created and the plan says so.  Within one page a name is one person.
- An organization is linked when the text names it by its name, short name or an alias, whichever width of
  brackets it is printed with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from articles.models import Article, Byline
from people.models import Author, Organization

from .parser import (
    ROLE_AUTHOR,
    ROLE_CORRESPONDENT,
    ROLE_EDITOR,
    ROLE_PHOTOGRAPHER,
    ROLE_REPORTER,
    ParsedArticle,
)

AUTHOR_KINDS = {
    ROLE_REPORTER: Author.Kind.STAFF,
    ROLE_CORRESPONDENT: Author.Kind.CORRESPONDENT,
    ROLE_PHOTOGRAPHER: Author.Kind.PHOTOGRAPHER,
    ROLE_AUTHOR: Author.Kind.CONTRIBUTOR,
    ROLE_EDITOR: Author.Kind.EDITOR,
}
# Organization names match across both widths of brackets.
_FOLD_BRACKETS = str.maketrans("（）", "()")


@dataclass
class AuthorChoice:
    """One person named on the page: the Author reused, or one to create (`matches` authors had the name)."""

    name: str
    kind: str
    matches: int
    author: Author | None = None  # the one reused; after execution, also the one created

    @property
    def is_new(self) -> bool:
        return self.matches != 1

    @property
    def is_ambiguous(self) -> bool:
        return self.matches > 1

    @property
    def kind_label(self) -> str:
        return str(Author.Kind(self.kind).label)


@dataclass
class PlannedByline:
    author: AuthorChoice
    role: str

    @property
    def name(self) -> str:
        return self.author.name

    @property
    def role_label(self) -> str:
        return str(Byline.Role(self.role).label)


def choose_authors(
    articles: list[ParsedArticle],
) -> tuple[list[AuthorChoice], list[list[PlannedByline]]]:
    """One AuthorChoice per distinct name, in order of first appearance (the kind follows its first role), and
    each article's bylines: one per person and role, in printed order."""
    first_roles: dict[str, str] = {}
    for parsed in articles:
        for byline in parsed.bylines:
            first_roles.setdefault(byline.name, byline.role)
    counts = dict(
        Author.objects.filter(name__in=first_roles)
        .values("name")
        .annotate(n=Count("id"))
        .values_list("name", "n")
    )
    unique = [name for name, n in counts.items() if n == 1]
    found = {a.name: a for a in Author.objects.filter(name__in=unique)} if unique else {}
    choices = {
        name: AuthorChoice(name, AUTHOR_KINDS[role], counts.get(name, 0), found.get(name))
        for name, role in first_roles.items()
    }
    bylines = []
    for parsed in articles:
        seen, planned = set(), []
        for byline in parsed.bylines:
            if (byline.name, byline.role) not in seen:
                seen.add((byline.name, byline.role))
                planned.append(PlannedByline(choices[byline.name], byline.role))
        bylines.append(planned)
    return list(choices.values()), bylines


class OrganizationMatcher:
    """Finds the organizations an article's text names, by name, short name or alias.

    Longest names first, and an occurrence overlapping text already matched by a longer name does not count, so
    青岚大学材料学院 links the school and not also 青岚大学; the university is linked when named on its own."""

    def __init__(self, organizations: Iterable[Organization]) -> None:
        by_name: dict[str, dict[int, Organization]] = {}
        for organization in organizations:
            for name in organization.names():
                name = name.strip().translate(_FOLD_BRACKETS)
                if len(name) >= 2:
                    by_name.setdefault(name, {})[organization.pk] = organization
        self.names = sorted(by_name.items(), key=lambda item: len(item[0]), reverse=True)

    @classmethod
    def from_database(cls) -> OrganizationMatcher:
        return cls(Organization.objects.only("id", "name", "short_name", "aliases", "slug"))

    def find(self, text: str) -> list[Organization]:
        text = text.translate(_FOLD_BRACKETS)
        covered = bytearray(len(text))
        first_seen: dict[int, tuple[int, Organization]] = {}
        for name, organizations in self.names:
            start = text.find(name)
            while start != -1:
                end = start + len(name)
                if not any(covered[start:end]):
                    covered[start:end] = b"\x01" * len(name)
                    for pk, organization in organizations.items():
                        if pk not in first_seen or start < first_seen[pk][0]:
                            first_seen[pk] = (start, organization)
                start = text.find(name, end)
        return [organization for _start, organization in sorted(first_seen.values(), key=lambda v: v[0])]

    def find_in(self, item: ParsedArticle) -> list[Organization]:
        """The organizations an article names in its title, subtitle, body or author note."""
        # One line per part, so that no name matches across the end of one part and the start of the next.
        return self.find("\n".join([item.title, item.subtitle, *item.paragraphs, item.author_note]))


def photo_credit(parsed: ParsedArticle) -> str:
    """The photographers of `parsed` as a picture credit ("周远帆 摄", "邱子墨 刘语桐 摄影报道"), or "" when it
    has none or the credit would not fit the article's field."""
    runs: list[tuple[list[str], str]] = []  # (names, the word printed after them)
    seen = set()
    for byline in parsed.bylines:
        if byline.role != ROLE_PHOTOGRAPHER or byline.name in seen:
            continue
        seen.add(byline.name)
        word = byline.photo_word or "摄"
        if runs and runs[-1][1] == word:
            runs[-1][0].append(byline.name)
        else:
            runs.append(([byline.name], word))
    credit = " ".join(f"{' '.join(names)} {word}" for names, word in runs)
    return credit if len(credit) <= Article._meta.get_field("image_credit").max_length else ""
