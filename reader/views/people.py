"""Public pages for authors and organizations: only what published articles show.

An author is public once a published article carries their byline; an organization once a published article
mentions it or it organized an event that published articles cover. Anything else is a 404.
"""

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from articles.models import Article, Byline, Event
from articles.querysets import bylines_prefetch, published_q
from people.models import Author, Organization

from .common import paginate, public_articles

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


def author_detail(request, slug):
    """An author: bio, organization, photo, and their published articles grouped by byline role."""
    author = get_object_or_404(
        Author.objects.select_related("organization").annotate(
            organization_public=mentioned_publicly("organization_id") | organized_publicly("organization_id")
        ),
        slug=slug,
    )
    bylines = Byline.objects.filter(published_q(prefix="article__"), author=author)
    role_counts = {
        row["role"]: row["articles"] for row in bylines.values("role").annotate(articles=Count("id"))
    }
    if not role_counts:
        raise Http404("No published byline.")
    roles = [
        {"role": role, "label": label, "count": role_counts[role]}
        for role, label in Byline.Role.choices
        if role in role_counts
    ]
    role = request.GET.get("role", "")
    if role:
        if role not in role_counts:
            raise Http404("No published byline in this role.")
        bylines = bylines.filter(role=role)
    page = paginate(
        request,
        bylines.select_related("article__issue", "article__page", "article__section")
        .prefetch_related(bylines_prefetch("article__bylines"))
        .order_by(ROLE_ORDER, "-article__published_at", "-article_id"),
    )
    return render(
        request,
        "people/author_detail.html",
        {"author": author, "roles": roles, "selected_role": role, "page_obj": page},
    )


def organization_detail(request, slug):
    """An organization: description, parent and sub-units, the articles mentioning it, the events it organized."""
    organization = get_object_or_404(
        public_organizations()
        .select_related("parent")
        .annotate(parent_public=mentioned_publicly("parent_id") | organized_publicly("parent_id")),
        slug=slug,
    )
    children = list(
        organization.children.annotate(is_public=mentioned_publicly() | organized_publicly()).order_by("name")
    )
    page = paginate(
        request,
        public_articles().filter(organizations=organization).latest_first(),
        count_as=f"organization|{organization.pk}",
    )
    events = public_events().filter(organizers=organization)
    return render(
        request,
        "people/organization_detail.html",
        {
            "organization": organization,
            "children": children,
            "page_obj": page,
            "events": list(events.order_by("-start_date", "name")[:EVENT_COUNT]),
            "event_count": events.count(),
        },
    )
