"""Template tags for search engines and link previews: {% article_seo article as seo %} and |iso_datetime."""

from django import template

from reader import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def article_seo(context, article) -> dict:
    """Canonical URL, description, Open Graph and Twitter pairs, and the JSON-LD text (safe in a script); the
    pictures' URLs made as the page's own (`picture_url`: a share-link preview's signed links)."""
    return seo.article_seo(context["request"], article, context.get("picture_url"))


@register.filter
def iso_datetime(value) -> str:
    """A datetime as ISO 8601 in the paper's time zone, to the second (+08:00)."""
    return seo.iso_datetime(value)
