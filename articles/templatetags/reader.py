"""Template helpers for the reader's site."""

from django import template
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.cache import shared_fragment
from articles.models import Article, Section

register = template.Library()


@register.filter(needs_autoescape=False)
def with_dateline(body: str, dateline: str):
    """The (already sanitized) body with its dateline (本报讯) set at the start of the first paragraph.

    The importer strips 本报讯 from the text into `Article.dateline`; print puts it in bold at the head of the
    first paragraph, and so do we. The dateline itself is escaped.
    """
    body = body or ""
    if not dateline:
        return mark_safe(body)  # noqa: S308 - the body is sanitized with nh3 on every save
    mark = format_html('<span class="dateline">{}</span> ', dateline)
    if body.startswith("<p>"):
        return mark_safe(f"<p>{mark}{body[3:]}")  # noqa: S308 - sanitized body, escaped dateline
    return mark_safe(f'<p class="dateline-alone">{mark}</p>{body}')  # noqa: S308 - as above


def _sections_with_public_articles() -> list[dict]:
    sections = Section.objects.filter(
        Exists(Article.objects.published().filter(section=OuterRef("pk")))
    ).order_by("order", "name")
    return [{"pk": s.pk, "name": s.name, "slug": s.slug, "url": s.get_absolute_url()} for s in sections]


def navigation_sections() -> list[dict]:
    """The sections (栏目) that have published articles, in order, with their slugs and URLs: what the site
    navigation and the search form list. Kept as a fragment every page shares (articles/cache.py): one query
    after each change to public content, none otherwise."""
    return shared_fragment("section-nav", _sections_with_public_articles)


@register.inclusion_tag("partials/section_nav.html")
def section_nav(current=None):
    return {"sections": navigation_sections(), "current": current}


@register.simple_tag
def newspaper_name() -> str:
    """The paper's name from settings, for templates rendered without a request (500.html)."""
    return settings.NEWSPAPER_NAME


@register.simple_tag
def page_range(page_obj):
    """The page numbers to link around the current page, with gaps (Paginator.ELLIPSIS) where pages are elided."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
