"""Rich text: what an article body may contain, enforced by nh3 every time a body is saved; and its plain text
(`html_to_text`, `excerpt`) for search, feeds and descriptions.

The allow-list keeps what a news article needs (paragraphs, headings, lists, quotes, links, images, tables,
emphasis) and drops everything else: scripts, event handlers, style attributes, frames, objects, forms, and any
URL scheme but http, https and mailto (so no javascript: or data:).
"""

import html
import re
from html.parser import HTMLParser

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


# --- plain text ---------------------------------------------------------------------------------------------

_SPACE_RE = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    BLOCKS = {
        "p", "br", "hr", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "pre", "table", "tr", "td", "th", "caption", "figure", "figcaption", "img",
    }  # fmt: skip
    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """The readable text of an HTML fragment: tags dropped, entities decoded, blocks separated by one space."""
    if not value:
        return ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return _SPACE_RE.sub(" ", html.unescape("".join(parser.parts))).strip()


def excerpt(text: str, length: int = 120) -> str:
    """The first `length` characters of plain text, cut with an ellipsis."""
    text = _SPACE_RE.sub(" ", text or "").strip()
    return text if len(text) <= length else text[:length].rstrip() + "…"


def article_text(article) -> str:
    """An article's body as plain text."""
    return html_to_text(article.body)
