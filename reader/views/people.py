"""Public pages for authors and organizations: only what published articles show.

An author is public once a published article carries their byline; an organization once a published article
mentions it or it organized an event that published articles cover. Anything else is a 404.
"""

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from operator import itemgetter

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, OuterRef, Q, Window
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import Byline, Event, Listing, listing
from core.compiled import CompiledQuery
from core.fragments import shared_fragment
from people.models import Author, Organization

from ..items import ItemStyle, items, listing_items
from ..lookups import load_by
from .common import PER_PAGE, found, paginate
from .listings import LISTING

# How many of an organization's events its page lists (the most recent first).
EVENT_COUNT = 12


def mentioned_publicly(ref: str = "pk", now=None) -> Exists:
    """True when a published article mentions the organization whose id is at `ref`: a probe of the listing
    index (articles/models/listing.py), where the published articles' EXISTS walked the organization's links."""
    return Exists(listing.visible(Listing.Kind.ORGANIZATION, OuterRef(ref), now))


def public_events(now=None):
    """Events that published articles cover; an event with no public coverage has no page."""
    return Event.objects.filter(Exists(listing.visible(Listing.Kind.EVENT, OuterRef("pk"), now)))


def organized_publicly(ref: str = "pk", now=None) -> Exists:
    """True when the organization whose id is at `ref` organized an event with public coverage."""
    return Exists(public_events(now).filter(organizers=OuterRef(ref)))


def public_organizations():
    return Organization.objects.filter(mentioned_publicly() | organized_publicly())


AUTHOR_LISTING = ItemStyle(placement=True, section=True, picture=True)


def author_roles(author) -> dict[str, int]:
    """{role: how many published articles name the author in that role}, in the roles' order: the listing
    index's kept counts of the author's kinds (articles/models/listing.py, a kind per role, `counts`), kept as a
    shared fragment (core/fragments.py). Sorting the author's bylines by role and publication on each
    request cost 40 ms at 20,000 articles and 330 ms at a million (docs/performance.md)."""

    def compute():
        counts = listing.counts(listing.KIND_ROLES, author.pk)
        return {role: counts[kind] for role, kind in listing.ROLE_KINDS.items() if counts[kind]}

    return shared_fragment(f"author-roles|{author.pk}", compute)


class RoleRuns(Sequence):
    """The (article id, role) pairs of an author's roles, one run per role (newest first within it), as one
    sequence for the paginator. A slice is read only when iterated (`RoleSlice`), a range of the index for each
    role it spans: a page whose pairs are kept reads nothing, and no page reads the whole list."""

    def __init__(self, author_pk: int, counts: list[tuple[str, int]]):
        self.author_pk = author_pk
        self.counts = counts

    def __len__(self):
        return sum(count for _role, count in self.counts)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return list(self[index : index + 1])[0]
        start, stop, _step = index.indices(len(self))
        return RoleSlice(self, start, stop)

    def pairs(self, start: int, stop: int) -> list[tuple[int, str]]:
        found, offset = [], 0
        for role, count in self.counts:
            low, high = max(0, start - offset), min(count, stop - offset)
            if low < high:
                ids = listing.article_ids(listing.ROLE_KINDS[role], self.author_pk)[low:high]
                found += [(pk, role) for pk in ids]
            offset += count
        return found


class RoleSlice:
    """A page of RoleRuns, read when iterated."""

    def __init__(self, runs: RoleRuns, start: int, stop: int):
        self.runs, self.start, self.stop = runs, start, max(start, stop)

    def __len__(self):
        return self.stop - self.start

    def __iter__(self):
        return iter(self.runs.pairs(self.start, self.stop))


def author_detail(request, slug):
    """An author: bio, organization, photo, and their published articles grouped by byline role."""
    author = found(load_by(Author, "slug", slug, related=("organization",)))
    counts = author_roles(author)
    if not counts:
        raise Http404("No published byline.")
    author.organization_public = author.organization_id and shared_fragment(
        f"organization-public|{author.organization_id}",
        lambda: public_organizations().filter(pk=author.organization_id).exists(),
    )
    labels = dict(Byline.Role.choices)
    roles = [{"role": r, "label": labels[r], "count": n} for r, n in counts.items()]
    role = request.GET.get("role", "")
    if role and role not in counts:
        raise Http404("No published byline in this role.")
    shown = [(role, counts[role])] if role else list(counts.items())
    try:
        page = Paginator(RoleRuns(author.pk, shown), PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc
    # The page's (id, role) pairs are a shared fragment, as a listing page's ids are (reader/views/listings.py).
    pairs = shared_fragment(f"author-page|{author.pk}|{role}|{page.number}", lambda: list(page))
    groups = [(role, [pk for pk, _role in run]) for role, run in groupby(pairs, key=itemgetter(1))]
    rendered = listing_items(
        [(ids, AUTHOR_LISTING, 2 if index == 0 else 0) for index, (_r, ids) in enumerate(groups)]
    )
    return render(
        request,
        "people/author_detail.html",
        {
            "author": author,
            # A position that only repeats the kind, the page's kicker (本报记者 under 本报记者), is said once.
            "position": "" if author.position == str(author.get_kind_display()) else author.position,
            "roles": roles,
            "selected_role": role,
            "page_obj": page,
            "groups": [(labels[role], items) for (role, _ids), items in zip(groups, rendered, strict=True)],
        },
    )


def _family(organization: int, parent: int, now):
    """The organization, its parent (`parent`: its own id when it has none) and its units, each with whether it is
    public (`is_public`)."""
    return (
        Organization.objects.filter(Q(pk=organization) | Q(parent=organization) | Q(pk=parent))
        .annotate(is_public=mentioned_publicly(now=now) | organized_publicly(now=now))
        .order_by("name")
    )


def _latest_events(organization: int, now):
    """The organization's latest EVENT_COUNT public events, each with the count of them all (`total`)."""
    return (
        public_events(now)
        .filter(organizers=organization)
        .annotate(total=Window(Count("pk")))
        .order_by("-start_date", "name")[:EVENT_COUNT]
    )


# Compiled once per process (core/compiled.py): the ORM's building and compiling them was most of their time.
FAMILY = CompiledQuery(_family, organization=int, parent=int, now=datetime)
LATEST_EVENTS = CompiledQuery(_latest_events, organization=int, now=datetime)


def organization_facts(organization) -> dict:
    """What an organization's page shows besides its articles, and whether it has a page at all: two queries,
    one for the organization, its parent and its units with whether each is public, one for its latest events
    with their count (a window over the same rows). They were five queries; most of their time was the ORM
    building each one: 5.8 → 3.5 ms at 100,000 articles, median of 100, in process; compiled once per process
    (`FAMILY`, `LATEST_EVENTS`), 5.8–6.7 → 2.7 ms on a slower day (docs/performance.md)."""
    now = timezone.now()
    public = {}
    children = []
    family = FAMILY.run(
        organization=organization.pk, parent=organization.parent_id or organization.pk, now=now
    )
    for row in family:
        public[row.pk] = row.is_public
        if row.parent_id == organization.pk and row.pk != organization.pk:
            children.append(row)
    events = LATEST_EVENTS.run(organization=organization.pk, now=now)
    return {
        "public": public.get(organization.pk, False),
        "parent_public": bool(organization.parent_id) and public.get(organization.parent_id, False),
        "children": children,
        # Rendered here, once for every page of the listing: a dozen events with their dates were a quarter of
        # the page's time with the page cache off (docs/performance.md).
        "events_html": render_to_string(
            "people/organization_events.html",
            {"events": events, "event_count": events[0].total if events else 0},
        ),
    }


def organization_detail(request, slug):
    """An organization: description, parent and sub-units, the articles mentioning it, the events it organized.
    All but its articles is a shared fragment (core/fragments.py): the same for every page of its listing."""
    organization = found(load_by(Organization, "slug", slug, related=("parent",)))
    facts = shared_fragment(f"organization|{organization.pk}", lambda: organization_facts(organization))
    if not facts["public"]:
        raise Http404("Nothing public mentions this organization.")
    organization.parent_public = facts["parent_public"]
    page = paginate(
        request,
        listing.article_ids(Listing.Kind.ORGANIZATION, organization.pk),
        count_as=f"organization|{organization.pk}",
        counter=lambda: listing.count(Listing.Kind.ORGANIZATION, organization.pk),
    )
    return render(
        request,
        "people/organization_detail.html",
        {
            "organization": organization,
            "children": facts["children"],
            "page_obj": page,
            "items": items(list(page), LISTING, eager=2),
            "events_html": facts["events_html"],
        },
    )
