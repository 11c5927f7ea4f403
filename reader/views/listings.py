"""Section, tag and event pages: an entity and its published articles, newest first, paginated.

A page asks the listing index (articles/models/listing.py) for its 20 ids only, and its kept count (both kept
as shared fragments); their items come from reader/items.py (shared fragments)."""

from django.shortcuts import render
from taggit.models import Tag

from articles.models import Event, Listing, Section
from articles.models import listing as index
from core.fragments import shared_fragment

from ..items import ItemStyle, items
from ..lookups import load_by
from .common import found, paginate_or_404

# Listings of one kind of entity show the others: a tag's articles say their section.
LISTING = ItemStyle(summary=True, placement=True, section=True, picture=True)
SECTION_LISTING = ItemStyle(summary=True, placement=True, picture=True)


def listing(request, kind: int, target_id: int, style: ItemStyle = LISTING) -> dict:
    """The requested page of the public articles of a section, tag or event: `page_obj` (of ids) and its
    rendered `items`."""
    name = f"{Listing.Kind(kind).name.lower()}|{target_id}"
    ids = index.article_ids(kind, target_id)
    page = paginate_or_404(request, ids, count_as=name, counter=lambda: index.count(kind, target_id))
    # The page's ids are a shared fragment too: page 1,000 of a popular tag read 20,000 index entries to skip.
    shown = shared_fragment(f"listing-page|{name}|{page.number}", lambda: list(page))
    return {"page_obj": page, "items": items(shown, style, eager=2)}


def section_detail(request, slug):
    section = found(load_by(Section, "slug", slug))
    context = listing(request, Listing.Kind.SECTION, section.pk, SECTION_LISTING)
    return render(request, "articles/section_detail.html", {"section": section, **context})


def tag_detail(request, slug):
    tag = found(load_by(Tag, "slug", slug))
    context = listing(request, Listing.Kind.TAG, tag.pk)
    return render(request, "articles/tag_detail.html", {"tag": tag, **context})


def event_detail(request, slug):
    """An event (dates, place, organizers) and the published articles that cover it."""
    event = found(load_by(Event, "slug", slug))
    context = listing(request, Listing.Kind.EVENT, event.pk)
    # The same for every page of the event's listing: a shared fragment (core/fragments.py), one query less.
    organizers = shared_fragment(
        f"event-organizers|{event.pk}", lambda: list(event.organizers.order_by("name"))
    )
    return render(
        request, "articles/event_detail.html", {"event": event, "organizers": organizers, **context}
    )
