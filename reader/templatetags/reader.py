"""Template helpers for the reader's site."""

import functools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import Byline, Listing, Section
from articles.querysets import sql_datetime
from core import locale
from core.fragments import shared_fragment
from core.prepared import fetch
from core.urls_cache import cached_reverse

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
    # Whether a section has a public article is a probe of the listing index (articles/models/listing.py): the
    # published articles' EXISTS walked a section's articles for one visible now, 3–5 ms on every page
    # rendered without fragments at 100,000 articles. Hand-written and prepared (core/prepared.py): the ORM's
    # compiling and PostgreSQL's planning of the probes took 1.5 of the 1.7 ms it still cost
    # (docs/performance.md); tests/reader/test_visibility.py holds it to the rule.
    rows = fetch(_navigation_sql(), [int(Listing.Kind.SECTION), sql_datetime(timezone.now())])
    return [
        {"pk": pk, "name": name, "slug": slug, "url": cached_reverse("articles:section", slug)}
        for pk, name, slug in rows
    ]


@functools.lru_cache(maxsize=1)
def _navigation_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT s.id, s.name, s.slug FROM {quote(Section._meta.db_table)} s WHERE EXISTS (SELECT 1"
        f" FROM {quote(Listing._meta.db_table)} l WHERE l.kind = %s AND l.target_id = s.id AND l.published_at <= %s)"
        f" ORDER BY s.{quote('order')}, s.name"
    )


def navigation_sections() -> list[dict]:
    """The sections (栏目) that have published articles, in order, with their slugs and URLs: what the site
    navigation and the search form list. Kept as a fragment every page shares (core/fragments.py): one query
    after each change to public content, none otherwise."""
    return shared_fragment("section-nav", _sections_with_public_articles)


@register.simple_tag
def url_for(viewname: str, *args) -> str:
    """{% url %} for the links every page of a kind repeats (tags, pages): remembered (core/urls_cache.py)."""
    return cached_reverse(viewname, *args)


# Formats that show only the day: a time in them is formatted once per day, language and format.
DAY_FORMATS = frozenset({"DATE_FORMAT", "SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"})


@functools.lru_cache(maxsize=4096)
def _formatted(value, format_name: str, language: str) -> str:
    del language  # part of the key: formats are per language
    return date_format(value, format_name)


@register.filter
def time_element(value, format_name: str = "SHORT_DATE_FORMAT"):
    """A time as <time datetime="…">…</time>: ISO 8601 in the paper's time zone to the second for machines (HTML
    allows at most three digits of a fraction of a second; |date:"c" writes six), and the active language's
    `format_name` (a format setting such as SHORT_DATE_FORMAT) for readers."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    shown = local.date() if format_name in DAY_FORMATS else local
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        _formatted(shown, format_name, translation.get_language() or ""),
    )


def byline_html(bylines, link_title: str = "") -> SafeString:
    """An article's byline as print sets it from its bylines' (role, name) in order, each role once per run:
    本报记者 林知远 王启航 通讯员 苏晴. The desk editor (编辑) is credited on the article page only. A byline given
    as (role, name, url) links its name there, with `link_title` (a search result's: that author's articles)."""
    labels = dict(Byline.Role.choices)
    title = escape(link_title)
    parts, last = [], None
    for index, (role, name, *link) in enumerate(bylines):
        if role == Byline.Role.EDITOR:
            continue
        if role != last:
            label = escape(labels.get(role, role))
            parts.append(f'{" " if index else ""}<span class="byline__role">{label}</span>')
            last = role
        if link:
            parts.append(f' <a href="{escape(link[0])}" title="{title}">{escape(name)}</a>')
        else:
            parts.append(f" {escape(name)}")
    return mark_safe("".join(parts))  # noqa: S308 - escaped labels, names and links


@register.filter
def byline_text(bylines) -> SafeString:
    """`byline_html` of an article's bylines (model instances with their authors loaded)."""
    return byline_html([(byline.role, byline.author.name) for byline in bylines])


def _shared_context(**values) -> dict:
    """What a shared template may read: the site's settings and `values`, never the request."""
    return {"NEWSPAPER_NAME": settings.NEWSPAPER_NAME, **values}


@register.simple_tag
def shared_include(template_name: str):
    """`template_name` rendered once per process, language and year, and shared by every page: for what every
    page repeats and neither a request nor the paper's content changes (the footer, the site-wide links in
    <head>: the site's own links, static files and name). It is remembered like a reversed URL
    (core/urls_cache.py), not kept as a fragment: there is no content in it to go stale, so a page rendered
    with every cache empty (a flush) does not draw it again (docs/performance.md)."""
    return _rendered_once(
        template_name, translation.get_language() or "", timezone.localdate().year, settings.NEWSPAPER_NAME
    )


@functools.lru_cache(maxsize=64)
def _rendered_once(template_name: str, language: str, year: int, name: str) -> SafeString:
    del language, year, name  # the key: what the template shows besides its own text and links
    return mark_safe(render_to_string(template_name, _shared_context()))  # noqa: S308 - rendered with autoescaping


@receiver(setting_changed)
def _forget_rendered(**kwargs):
    """A test's changed settings (static files' storage, URLs) may change what these show."""
    _rendered_once.cache_clear()


_EXTRA = "\x00masthead-extra\x00"  # where a page's own masthead content goes; no template can write it


def _nav_current(context, section) -> str | int:
    """Which navigation link is the page's own: "home", "issues", a section's pk, or "" (none)."""
    request = context.get("request")
    if request is not None and request.path == cached_reverse("articles:home"):
        return "home"
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "issues":
        return "issues"
    return getattr(section, "pk", None) or ""


class MastheadNode(template.Node):
    def __init__(self, current, nodelist):
        self.current = current
        self.nodelist = nodelist

    def render(self, context):
        current = _nav_current(context, self.current.resolve(context))

        def halves():
            html = render_to_string(
                "partials/masthead.html",
                _shared_context(current=current, sections=navigation_sections(), extra=mark_safe(_EXTRA)),  # noqa: S308 - a constant
            )
            return tuple(html.split(_EXTRA))

        before, after = shared_fragment(f"masthead|{current}", halves)
        return mark_safe(before + self.nodelist.render(context) + after)  # noqa: S308 - rendered templates


@register.tag
def masthead(parser, token):
    """{% masthead current=section %}…{% endmasthead %}: the site's masthead (name, search, navigation with
    the page's own link marked), shared by every page with the same current link; what the tags enclose (a
    page's own masthead block) goes between the search bar and the navigation."""
    bits = token.split_contents()
    if len(bits) != 2 or not bits[1].startswith("current="):
        raise template.TemplateSyntaxError(
            "Usage: {% masthead current=<section or None> %}…{% endmasthead %}"
        )
    current = parser.compile_filter(bits[1].removeprefix("current="))
    nodelist = parser.parse(("endmasthead",))
    parser.delete_first_token()
    return MastheadNode(current, nodelist)


@register.simple_tag
def html_lang(language: str = "") -> str:
    """The `lang` attribute of a page in `language` (the active language when omitted): zh-CN, en."""
    return locale.html_lang(language or translation.get_language() or settings.LANGUAGE_CODE)


@register.simple_tag
def newspaper_name() -> str:
    """The paper's name from settings, for templates rendered without a request (500.html)."""
    return settings.NEWSPAPER_NAME


@register.simple_tag
def page_range(page_obj):
    """The page numbers to link around the current page, with gaps (Paginator.ELLIPSIS) where pages are elided."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
