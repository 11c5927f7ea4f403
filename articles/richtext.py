"""Rich text: what an article body may contain, enforced by nh3 every time a body is saved.

The allow-list keeps what a news article needs (paragraphs, headings, lists, quotes, links, images, tables,
emphasis) and drops everything else: scripts, event handlers, style attributes, frames, objects, forms, and any
URL scheme but http, https and mailto (so no javascript: or data:).
"""

import nh3
from django.db import models

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "b", "em", "i", "u", "s", "strike", "sub", "sup", "small", "mark", "span",
    "ul", "ol", "li", "blockquote", "q", "cite", "abbr", "code", "pre",
    "a", "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "col": {"span"},
    "colgroup": {"span"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str | None) -> str:
    """Return `html` with everything outside the allow-list removed; links get rel="noopener noreferrer"."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class SanitizedHTMLField(models.TextField):
    """A text field whose HTML is sanitized whenever the row is written (save, create, bulk_create)."""

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        from .editor import RichTextWidget

        kwargs.setdefault("widget", RichTextWidget)
        return super().formfield(**kwargs)
