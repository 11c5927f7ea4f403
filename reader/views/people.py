"""Public pages for authors and organizations: only what published articles show.

An author is public once a published article carries their byline; an organization once a published article
mentions it or it organized an event that published articles cover. Anything else is a 404.
"""

from array import array
from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from articles.models import Article, Byline, Event, Listing, listing
from articles.querysets import published_q
from core.fragments import shared_fragment
from people.models import Author, Organization

from ..items import ItemStyle, items, listing_items
from .common import PER_PAGE, paginate
from .listings import LISTING

# How many of an organization's events its page lists (the most recent first).
EVENT_COUNT = 12
ROLE_ORDER = Case(
    *[When(role=role, then=Value(index)) for index, role in enumerate(Byline.Role.values)],
    default=Value(len(Byline.Role.values)),
    output_field=IntegerField(),
)


def mentioned_publicly(ref: str = "pk") -> Exists:
    """True when a published article mentions the organization whose id is at `ref`."""
    return Exists(Article.objects.published().filter(organizations=OuterRef(ref)))


def public_events():
    """Events that published articles cover; an event with no public coverage has no page."""
    return Event.objects.filter(Exists(Article.objects.published().filter(events=OuterRef("pk"))))


def organized_publicly(ref: str = "pk") -> Exists:
    """True when the organization whose id is at `ref` organized an event with public coverage."""
    return Exists(public_events().filter(organizers=OuterRef(ref)))


def public_organizations():
    return Organization.objects.filter(mentioned_publicly() | organized_publicly())


AUTHOR_LISTING = ItemStyle(placement=True, section=True, picture=True)


def author_articles(author) -> dict[str, array]:
    """{role: the ids of the author's published articles in that role, newest first}, in the roles' order: one
    query, kept as a shared fragment (core/fragments.py). Every page of the author's listing, its tabs and its
    count read it; sorting an author's thousands of bylines by role and date on each request cost 40 ms at
    20,000 articles. Ids are kept as a compact array (8 bytes each)."""

    def compute():
        rows = (
            Byline.objects.filter(published_q(prefix="article__"), author=author)
            .order_by(ROLE_ORDER, "-article__published_at", "-article_id")
            .values_list("role", "article_id")
        )
        runs: dict[str, array] = {}
        for role, article_id in rows:
            runs.setdefault(role, array("q")).append(article_id)
        return runs

    return shared_fragment(f"author-articles|{author.pk}", compute)


class RoleRuns(Sequence):
    """The (article id, role) pairs of several runs of ids, one run per role, as one sliceable sequence (for the
    paginator) without building the whole list."""

    def __init__(self, runs: list[tuple[str, array]]):
        self.runs = runs

    def __len__(self):
        return sum(len(ids) for _role, ids in self.runs)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        found, offset = [], 0
        for role, ids in self.runs:
            found += [(pk, role) for pk in ids[max(0, start - offset) : max(0, stop - offset)]]
            offset += len(ids)
        return found


def author_detail(request, slug):
    """An author: bio, organization, photo, and their published articles grouped by byline role."""
    author = get_object_or_404(Author.objects.select_related("organization"), slug=slug)
    runs = author_articles(author)
    if not runs:
        raise Http404("No published byline.")
    author.organization_public = author.organization_id and shared_fragment(
        f"organization-public|{author.organization_id}",
        lambda: public_organizations().filter(pk=author.organization_id).exists(),
    )
    labels = dict(Byline.Role.choices)
    roles = [{"role": r, "label": labels[r], "count": len(runs[r])} for r in Byline.Role.values if r in runs]
    role = request.GET.get("role", "")
    if role and role not in runs:
        raise Http404("No published byline in this role.")
    shown = [(role, runs[role])] if role else [(r, runs[r]) for r in Byline.Role.values if r in runs]
    try:
        page = Paginator(RoleRuns(shown), PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc
    groups = [(role, [pk for pk, _role in run]) for role, run in groupby(page, key=itemgetter(1))]
    rendered = listing_items(
        [(ids, AUTHOR_LISTING, 2 if index == 0 else 0) for index, (_r, ids) in enumerate(groups)]
    )
    return render(
        request,
        "people/author_detail.html",
        {
            "author": author,
            "roles": roles,
            "selected_role": role,
            "page_obj": page,
            "groups": [(labels[role], items) for (role, _ids), items in zip(groups, rendered, strict=True)],
        },
    )


def organization_facts(organization) -> dict:
    """What an organization's page shows besides its articles, and whether it has a page at all."""
    events = public_events().filter(organizers=organization)
    is_public = mentioned_publicly() | organized_publicly()
    return {
        "public": public_organizations().filter(pk=organization.pk).exists(),
        "parent_public": bool(organization.parent_id)
        and public_organizations().filter(pk=organization.parent_id).exists(),
        "children": list(organization.children.annotate(is_public=is_public).order_by("name")),
        "events": list(events.order_by("-start_date", "name")[:EVENT_COUNT]),
        "event_count": events.count(),
    }


def organization_detail(request, slug):
    """An organization: description, parent and sub-units, the articles mentioning it, the events it organized.
    All but its articles is a shared fragment (core/fragments.py): the same for every page of its listing."""
    organization = get_object_or_404(Organization.objects.select_related("parent"), slug=slug)
    facts = shared_fragment(f"organization|{organization.pk}", lambda: organization_facts(organization))
    if not facts["public"]:
        raise Http404("Nothing public mentions this organization.")
    organization.parent_public = facts["parent_public"]
    page = paginate(
        request,
        listing.article_ids(Listing.Kind.ORGANIZATION, organization.pk),
        count_as=f"organization|{organization.pk}",
    )
    return render(
        request,
        "people/organization_detail.html",
        {
            "organization": organization,
            "children": facts["children"],
            "page_obj": page,
            "items": items(list(page), LISTING, eager=2),
            "events": facts["events"],
            "event_count": facts["event_count"],
        },
    )
