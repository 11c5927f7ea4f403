"""Each article's listing item (partials/article_item.html), rendered once and shared by every page that lists
it: the front page, an issue, a section, a tag, an event, an author, an organization.

A listing page asks the database only for the ids it shows, in order (one light query, the same cost at any
size of archive), then fetches the items' HTML for the whole page at once from the shared fragments
(core/fragments.py). Only the items not kept are loaded (the articles with their placement, section and
bylines: one statement, `load_items`) and rendered. Items are exactly as fresh as pages: every public change and
every scheduled publication ends them. An id that is not public (any more) gives no item. docs/performance.md has the figures.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection
from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from articles.models import Article, Byline, Issue, IssuePage, Section
from articles.querysets import published_sql
from core.fragments import object_fragments
from core.prepared import fetch
from core.urls_cache import cached_reverse
from people.models import Author

from .loading import converted
from .templatetags.pictures import picture
from .templatetags.reader import byline_html, time_element

ITEM_TEMPLATE = "partials/article_item.html"
# What ITEM_TEMPLATE shows of an article, as (model, attname, table alias) in the order of `_item_sql`'s
# columns, a byline's role and name last; the rest (the body above all, kilobytes a row) stays in the database.
ITEM_COLUMNS = (
    (Article, "id", "a"), (Article, "kicker", "a"), (Article, "title", "a"), (Article, "subtitle", "a"),
    (Article, "summary", "a"), (Article, "published_at", "a"), (Issue, "number", "i"), (IssuePage, "number", "p"),
    (Section, "name", "s"), (Article, "image", "a"), (Article, "image_alt", "a"), (Article, "image_caption", "a"),
    (Article, "image_width", "a"), (Article, "image_height", "a"), (Article, "image_focal_x", "a"),
    (Article, "image_focal_y", "a"), (Byline, "role", "b"), (Author, "name", "au"),
)  # fmt: skip
SUMMARY_LENGTH = 120


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

    def context(self) -> dict:
        return {"show_summary": self.summary, "show_placement": self.placement, "show_section": self.section}


@functools.lru_cache(maxsize=64)
def _item_sql(vendor: str, count: int) -> str:
    """The items' statement for `count` ids: each public article's ITEM_COLUMNS with its issue, page and section,
    one row per byline (in the bylines' order; one row with no byline for an article without)."""
    del vendor  # part of the key: published_sql is the database's
    quote = connection.ops.quote_name
    table = {
        model: quote(model._meta.db_table) for model in (Article, Issue, IssuePage, Section, Byline, Author)
    }
    column = {name: quote(Article._meta.get_field(name).column) for name in ("issue", "page", "section")}
    select = ", ".join(
        f"{alias}.{quote(model._meta.get_field(name).column)}" for model, name, alias in ITEM_COLUMNS
    )
    visible, _params = published_sql("a")
    byline = Byline._meta
    return (
        f"SELECT {select} FROM {table[Article]} a"
        f" LEFT JOIN {table[Issue]} i ON i.id = a.{column['issue']}"
        f" LEFT JOIN {table[IssuePage]} p ON p.id = a.{column['page']}"
        f" LEFT JOIN {table[Section]} s ON s.id = a.{column['section']}"
        f" LEFT JOIN {table[Byline]} b ON b.{quote(byline.get_field('article').column)} = a.id"
        f" LEFT JOIN {table[Author]} au ON au.id = b.{quote(byline.get_field('author').column)}"
        f" WHERE a.id IN ({', '.join(['%s'] * count)}) AND {visible}"
        f' ORDER BY a.id, b."order", b.id'
    )


def load_items(pks) -> dict:
    """{pk: item} of the public articles among `pks`: what ITEM_TEMPLATE shows, as plain values ready to print
    (the link, the byline, the time element, the placement), in one statement. Django's template language reads
    a dict's keys far faster than a model instance's attributes and methods, and the ORM's instances cost more to
    make than the rows: loading and rendering 20 items of a listing went from 6.8 to 1.8 ms at 100,000 articles,
    median of 100, in process, the same HTML (tests/reader/test_item_html.py)."""
    pks = list(pks)
    if not pks:
        return {}
    _visible, params = published_sql("a")
    rows = converted(ITEM_COLUMNS, fetch(_item_sql(connection.vendor, len(pks)), [*pks, *params]))
    found: dict[int, dict] = {}
    bylines: dict[int, list] = {}
    for row in rows:
        pk = row[0]
        if pk not in found:
            found[pk], bylines[pk] = _item(row), []
        role, name = row[16:]
        if role is not None:
            bylines[pk].append((role, name))
    for pk, item in found.items():
        item["byline"] = byline_html(bylines[pk]) if bylines[pk] else None
    return found


def _item(row) -> dict:
    """An item's values from its first row (ITEM_COLUMNS); the byline is added from all its rows."""
    pk, kicker, title, subtitle, summary, published_at, issue, page, section, image = row[:10]
    placement = ""
    if issue is not None:
        placement = gettext("Issue %(number)s") % {"number": conditional_escape(localize(issue))}
        if page is not None:
            placement += " " + gettext("Page %(number)s") % {"number": conditional_escape(localize(page))}
    return {
        "url": cached_reverse("articles:article", pk),
        "kicker": kicker,
        "title": title,
        "subtitle": subtitle,
        "summary": Truncator(summary).chars(SUMMARY_LENGTH) if summary else "",
        "time": time_element(published_at),
        "placement": mark_safe(placement),  # noqa: S308 - our translations, escaped numbers (as blocktranslate)
        "section": section,
        "picture": (title, *row[9:16]) if image else None,  # made for the styles that show it
    }


def _picture(values: tuple, eager: bool) -> str:
    """An item's thumbnail (its `picture` values), cropped around its focal point."""
    title, image, alt, caption, width, height, focal_x, focal_y = values
    return picture(
        {},
        image,
        width,
        height,
        alt=alt or caption or title,
        sizes="listing",
        lazy=not eager,
        focal_x=focal_x,
        focal_y=focal_y,
        picture_class="item__figure",
        css_class="item__picture",
    )


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

    def build(name: str, item: dict) -> str:
        style, eager = wanted[name]
        shown = _picture(item["picture"], eager) if style.picture and item["picture"] else ""
        return template.render({"item": item, "picture": shown, **style.context()})

    found = object_fragments(ids, load_items, build)
    return [[mark_safe(found[name]) for name in group if found[name]] for group in names]  # noqa: S308 - our template's output
