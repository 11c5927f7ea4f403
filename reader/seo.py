"""What an article tells search engines and link previews: canonical URL, Open Graph, JSON-LD NewsArticle.

The builders return plain data; reader/templates/partials/article_meta.html renders it through the
`article_seo` tag (reader/templatetags/seo_tags.py). They read only what the article page has already loaded (bylines with
their authors, tags, organizations, events, issue, page, section, and the photos where they were loaded), so they
cost no query there. Pictures are named by their Open Graph renditions (core/renditions.py: at most 1200 wide).

Structured data is in the article's language, not the interface's: byline roles carry the labels the paper
prints (本报记者, 通讯员, 摄影, 作者, 编辑), whatever language the page is rendered in.
"""

import json
from html import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from articles.models import Byline
from articles.richtext import article_text, excerpt
from core import renditions
from reader.loading import linked

DESCRIPTION_LENGTH = 120
PAPER_TIME_ZONE = ZoneInfo(settings.TIME_ZONE)
LANGUAGE_TAG = "zh-CN"
OG_LOCALE = "zh_CN"

# The labels printed in a byline, by role.
PRINTED_ROLE = {
    Byline.Role.REPORTER: "本报记者",
    Byline.Role.CORRESPONDENT: "通讯员",
    Byline.Role.PHOTOGRAPHER: "摄影",
    Byline.Role.AUTHOR: "作者",
    Byline.Role.EDITOR: "编辑",
}
AUTHOR_ROLES = {Byline.Role.REPORTER, Byline.Role.CORRESPONDENT, Byline.Role.AUTHOR}

# What could end the <script> element or break JavaScript parsers, and its JSON escape.
_JSON_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def iso_datetime(value) -> str:
    """ISO 8601 in the paper's time zone, to the second: 2026-05-18T09:30:00+08:00."""
    if value is None:
        return ""
    return value.astimezone(PAPER_TIME_ZONE).isoformat(timespec="seconds")


def site_root(request) -> str:
    """The site's absolute root URL without the trailing slash: NEWSPAPER_URL when set, else the request's
    (worked out once per request: every link in the structured data starts with it)."""
    root = getattr(request, "_site_root", None)
    if root is None:
        configured = (getattr(settings, "NEWSPAPER_URL", "") or "").rstrip("/")
        root = request._site_root = configured or request.build_absolute_uri("/").rstrip("/")
    return root


def absolute(request, path: str) -> str:
    if path.startswith(("http://", "https://", "//")):
        return request.build_absolute_uri(path) if path.startswith("//") else path
    return site_root(request) + path


def canonical_url(request, article) -> str:
    return absolute(request, article.get_absolute_url())


def description(article) -> str:
    """The summary, or the start of the body; kept on the article, as OG, JSON-LD and <meta> all use it."""
    if getattr(article, "_seo_description", None) is None:
        article._seo_description = excerpt(article.summary or article_text(article), DESCRIPTION_LENGTH)
    return article._seo_description


def shared_images(request, article, picture_url=None) -> list[dict]:
    """The pictures a link preview and search engines are given, as JSON-LD ImageObjects: the lead picture,
    then the photos (组图) where the page loaded them (they are never queried here), each as its Open Graph
    rendition (core/renditions.py: a JPEG at most 1200 wide), or the original where its size is not known.
    `picture_url` makes a URL of a stored name (a share-link preview's signed links; the storage's by default).
    Kept on the article: OG and JSON-LD both read them."""
    cached = getattr(article, "_seo_images", None)
    if cached is not None:
        return cached
    pictures = []
    if article.image:
        pictures.append(
            (article.image.name, article.image_width, article.image_height, article.image_caption)
        )
    if "photos" in getattr(article, "_prefetched_objects_cache", {}):
        pictures += [
            (p.image.name, p.width, p.height, p.caption) for p in linked(article, "photos") if p.image
        ]
    images = []
    for name, width, height, caption in pictures:
        found = renditions.picture(name, width, height, url=picture_url)
        image = {"@type": "ImageObject"}
        if found is None:
            image["url"] = absolute(request, (picture_url or default_storage.url)(name))
        else:
            image.update(url=absolute(request, found.og_url), width=found.og_width, height=found.og_height)
        if caption:
            image["caption"] = caption
        images.append(image)
    article._seo_images = images
    return images


def open_graph(request, article, picture_url=None) -> list[tuple[str, str]]:
    """Open Graph properties as (property, content) pairs, in order; repeated properties (article:tag) repeat."""
    props = [
        ("og:type", "article"),
        ("og:site_name", settings.NEWSPAPER_NAME),
        ("og:locale", OG_LOCALE),
        ("og:title", article.title),
        ("og:description", description(article)),
        ("og:url", canonical_url(request, article)),
    ]
    images = shared_images(request, article, picture_url)
    if images:
        props.append(("og:image", images[0]["url"]))
        if "width" in images[0]:
            props.append(("og:image:width", str(images[0]["width"])))
            props.append(("og:image:height", str(images[0]["height"])))
        props.append(("og:image:alt", _image_alt(article)))
    if article.published_at:
        props.append(("article:published_time", iso_datetime(article.published_at)))
    props.append(("article:modified_time", iso_datetime(article.updated_at)))
    if article.section_id:
        props.append(("article:section", article.section.name))
    for byline in linked(article, "bylines"):
        if byline.role in AUTHOR_ROLES:
            props.append(("article:author", absolute(request, byline.author.get_absolute_url())))
    for tag in sorted(linked(article, "tags"), key=lambda t: t.name):
        props.append(("article:tag", tag.name))
    return props


def _image_alt(article) -> str:
    """The first shared picture's alt text: the lead picture's (else its caption, else the title), or the first
    photo's."""
    if article.image:
        return article.image_alt or article.image_caption or article.title
    first = next(p for p in linked(article, "photos") if p.image)  # shared_images found one: they are loaded
    return first.alt or first.caption or article.title


def twitter_card(request, article, picture_url=None) -> list[tuple[str, str]]:
    large = bool(shared_images(request, article, picture_url))
    return [("twitter:card", "summary_large_image" if large else "summary")]


def _person(request, author) -> dict:
    return {"@type": "Person", "name": author.name, "url": absolute(request, author.get_absolute_url())}


def news_article(request, article, picture_url=None) -> dict:
    """schema.org NewsArticle (OpinionNewsArticle for opinion) with every byline by role."""
    url = canonical_url(request, article)
    root = site_root(request)
    publisher = {"@type": "NewsMediaOrganization", "name": settings.NEWSPAPER_NAME, "url": root + "/"}
    data = {
        "@context": "https://schema.org",
        "@type": "OpinionNewsArticle" if article.is_opinion else "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.title,
        "description": description(article),
        "inLanguage": LANGUAGE_TAG,
        "isAccessibleForFree": True,
        "publisher": publisher,
    }
    if article.subtitle:
        data["alternativeHeadline"] = article.subtitle
    if article.published_at:
        data["datePublished"] = iso_datetime(article.published_at)
    data["dateModified"] = iso_datetime(article.updated_at)
    images = shared_images(request, article, picture_url)
    if images:
        data["image"] = images
    if article.section_id:
        data["articleSection"] = article.section.name
    data.update(_credits(request, article))
    tags = sorted(tag.name for tag in linked(article, "tags"))
    if tags:
        data["keywords"] = tags
    mentions = _mentions(request, article)
    if mentions:
        data["mentions"] = mentions
    data.update(_placement(request, article))
    return data


def _credits(request, article) -> dict:
    """author (the paper itself when no one signed), contributor and editor, from the bylines."""
    authors, contributors, editors = [], [], []
    for byline in linked(article, "bylines"):
        if byline.role in AUTHOR_ROLES:
            authors.append(_person(request, byline.author))
        elif byline.role == Byline.Role.EDITOR:
            editors.append(_person(request, byline.author))
        else:  # photographers, and any role added later: a contributor in that role
            contributors.append(
                {
                    "@type": "Role",
                    "roleName": PRINTED_ROLE.get(byline.role, byline.get_role_display()),
                    "contributor": _person(request, byline.author),
                }
            )
    paper = {"@type": "Organization", "name": settings.NEWSPAPER_NAME, "url": site_root(request) + "/"}
    credits = {"author": authors or [paper]}
    if contributors:
        credits["contributor"] = contributors
    if editors:
        credits["editor"] = editors
    return credits


def _mentions(request, article) -> list[dict]:
    """The organizations and events the article is linked to."""
    mentions = [
        {"@type": "Organization", "name": o.name, "url": absolute(request, o.get_absolute_url())}
        for o in linked(article, "organizations")
    ]
    mentions += [
        {
            "@type": "Event",
            "name": e.name,
            "startDate": e.start_date.isoformat(),
            "url": absolute(request, e.get_absolute_url()),
        }
        for e in linked(article, "events")
    ]
    return mentions


def _placement(request, article) -> dict:
    """isPartOf (the issue), and the page it is printed on."""
    if not article.issue_id:
        return {}
    issue = article.issue
    placement = {
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": str(issue.number),
            "datePublished": issue.date.isoformat(),
            "url": absolute(request, issue.get_absolute_url()),
            "isPartOf": {"@type": "Periodical", "name": settings.NEWSPAPER_NAME},
        }
    }
    if article.page_id and article.page.issue_id == issue.pk:
        placement["pageStart"] = article.page.number
        placement["pagination"] = str(article.page.number)
    return placement


def json_ld(data) -> SafeString:
    """JSON for a <script type="application/ld+json"> element: no text in it can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _JSON_ESCAPES:  # str.replace: several times faster than str.translate here
        text = text.replace(character, escaped)
    return mark_safe(text)  # <, > and & are escaped, so nothing can end the script


def meta_tags(open_graph_pairs, twitter_pairs) -> SafeString:
    """The Open Graph and Twitter <meta> elements, escaped, one a line (formatted here rather than by a template
    loop: a dozen elements on every article page)."""
    lines = [f'<meta property="{escape(str(p))}" content="{escape(str(c))}">' for p, c in open_graph_pairs]
    lines += [f'<meta name="{escape(str(n))}" content="{escape(str(c))}">' for n, c in twitter_pairs]
    return mark_safe("\n  ".join(lines))  # noqa: S308 - every value is escaped (html.escape, as Django's escape)


def article_seo(request, article, picture_url=None) -> dict:
    """Everything reader/templates/partials/article_meta.html renders; `picture_url` makes the pictures' URLs (a
    share-link preview's signed links; the storage's by default)."""
    return {
        "canonical_url": canonical_url(request, article),
        "description": description(article),
        "meta_tags": meta_tags(
            open_graph(request, article, picture_url), twitter_card(request, article, picture_url)
        ),
        "json_ld": json_ld(news_article(request, article, picture_url)),
    }
