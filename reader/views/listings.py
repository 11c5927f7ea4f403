"""Section, tag and event pages: an entity and its published articles, newest first, paginated."""

from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from articles.models import Event, Section

from .common import paginate_or_404, public_articles


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = paginate_or_404(
        request, public_articles().filter(section=section).latest_first(), count_as=f"section|{section.pk}"
    )
    return render(request, "articles/section_detail.html", {"section": section, "page_obj": page})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate_or_404(
        request, public_articles().filter(tags=tag).latest_first(), count_as=f"tag|{tag.pk}"
    )
    return render(request, "articles/tag_detail.html", {"tag": tag, "page_obj": page})


def event_detail(request, slug):
    """An event (dates, place, organizers) and the published articles that cover it."""
    event = get_object_or_404(Event, slug=slug)
    page = paginate_or_404(
        request, public_articles().filter(events=event).latest_first(), count_as=f"event|{event.pk}"
    )
    organizers = list(event.organizers.order_by("name"))
    return render(
        request, "articles/event_detail.html", {"event": event, "organizers": organizers, "page_obj": page}
    )
