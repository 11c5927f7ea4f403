"""Each article's listing item (partials/article_item.html), rendered once and shared by every page that lists
it: the front page, an issue, a section, a tag, an event, an author, an organization.

A listing page asks the database only for the ids it shows, in order (one light query, the same cost at any
size of archive), then fetches the items' HTML for the whole page at once from the shared fragments
(core/fragments.py). Only the items not kept are loaded (the articles with their placement, section and bylines:
two queries) and rendered. Items are exactly as fresh as pages: every public change and every scheduled
publication ends them. An id that is not public (any more) gives no item. docs/performance.md has the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from core.fragments import object_fragments

from .loading import load_bylines

ITEM_TEMPLATE = "partials/article_item.html"
# What ITEM_TEMPLATE shows of an article; the rest (the body above all, kilobytes a row) stays in the database:
# loading 20 items (random articles of a million, two statements) went from 20.8 to 16.8 ms, median of 30, on a
# loaded 2-core machine; the rows sent and turned into objects are a tenth of what they were.
ITEM_FIELDS = (
    "kicker", "title", "subtitle", "summary", "published_at", "issue__number", "page__number", "section__name",
    "section__slug", "image", "image_alt", "image_caption", "image_width", "image_height", "image_focal_x",
    "image_focal_y",
)  # fmt: skip


@dataclass(frozen=True)
class ItemStyle:
    """What an item shows besides its title, kicker, byline and date (the template's `show_*` flags)."""

    summary: bool = False
    placement: bool = False  # 第N期 第M版
    section: bool = False
    picture: bool = False  # the lead picture as a thumbnail

    def name(self, pk: int, eager: bool) -> str:
        flags = "".join(
            "1" if flag else "0" for flag in (self.summary, self.placement, self.section, self.picture)
        )
        return f"item|{flags}{int(eager and self.picture)}|{pk}"

    def context(self, eager: bool) -> dict:
        return {
            "show_summary": self.summary,
            "show_placement": self.placement,
            "show_section": self.section,
            "show_picture": self.picture,
            "eager": eager,
        }


def load_items(pks) -> dict:
    """{pk: article} of the public articles among `pks`, with what an item shows: ITEM_FIELDS, their placement and
    section (one query), their bylines with authors (reader/loading.py `load_bylines`, one statement). Django's
    prefetch of the bylines cost 1.8 ms of 4.9 for 20 items (a queryset cloned per article), the statement 0.1:
    loading 20 items 4.9 → 3.1 ms, median of 50, the same HTML (docs/performance.md)."""
    found = (
        Article.objects.published().select_related("issue", "page", "section").only(*ITEM_FIELDS).in_bulk(pks)
    )
    load_bylines(found.values())
    return found


def items(ids, style: ItemStyle, eager: int = 0) -> list[SafeString]:
    """The listing items of the public articles `ids`, in that order; the first `eager` pictures load at once
    (above the fold), the others lazily."""
    return listing_items([(ids, style, eager)])[0]


def listing_items(groups: list[tuple[list[int], ItemStyle, int]]) -> list[list[SafeString]]:
    """`items` for several lists of one page at once (one fetch of fragments, one load of what is missing)."""
    wanted: dict[str, tuple[ItemStyle, bool]] = {}
    ids: dict[str, int] = {}
    names = []
    for group_ids, style, eager in groups:
        group = [style.name(pk, index < eager) for index, pk in enumerate(group_ids)]
        for index, (name, pk) in enumerate(zip(group, group_ids, strict=True)):
            wanted[name], ids[name] = (style, index < eager), pk
        names.append(group)
    template = get_template(ITEM_TEMPLATE)

    def build(name: str, article) -> str:
        style, eager = wanted[name]
        return template.render({"article": article, **style.context(eager)})

    found = object_fragments(ids, load_items, build)
    return [[mark_safe(found[name]) for name in group if found[name]] for group in names]  # noqa: S308 - our template's output
