"""{% picture %}: a stored picture as the browser should get it, in every size and format (core/renditions.py).

    {% load pictures %}
    {% picture article.image article.image_width article.image_height alt=… sizes="story" lazy=False %}

renders

    <picture class="…"><source type="image/avif" srcset="….w360.avif 360w, …" sizes="…">…
      <img src="….w1080.jpg" srcset="….w360.jpg 360w, …" sizes="…" width="4000" height="3000" alt="…"
           loading="lazy" decoding="async"></picture>

- `width` and `height` are the original's: the browser reserves the box at the picture's aspect ratio before a
  byte arrives (no jump while loading); CSS sets the size.
- `sizes` names a place (`SIZES`: how wide the picture is drawn there, from the CSS of that layout) or is a
  `sizes` value itself. It lets a phone pick the 360 rendition and a desktop the 720 or 1080 one.
- `lazy` (the default) for pictures below the first screen; `lazy=False` for those on it (the article's lead
  picture, the front page's lead, the printed page), and `priority=True` (fetchpriority="high") for the one
  picture a page is about (the article's lead).
- `focal_x`, `focal_y` (0–100 per cent, the editor's important spot) keep that spot in frame where the picture
  is cropped (object-fit: cover): classes `focal focal-x-35 focal-y-60` (5 % steps) from static/css/pictures.css,
  since the public pages' Content-Security-Policy forbids style attributes.
- The URLs come from `picture_url` in the template's context when the view sets one (a share-link preview sets
  files.views.signed_url: the outside reviewer is nobody to the private-file view), else from the storage
  (a private picture's URL is the private-file view's, never a public one).
- A picture whose width and height are not known (stored before they were recorded) is a plain <img> of the
  original.
"""

from __future__ import annotations

from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join

from core import renditions

register = template.Library()

# How wide each place draws its pictures, from its CSS (static/css/site.css, static/css/pictures.css,
# static/css/edition.css). The page's content box is min(100vw, 72rem) less 1rem of padding a side on a phone
# and 1.5rem from 48rem (.page); at 360 px that is 328 px, at 1280 px 69rem.
SIZES = {
    # The article's lead picture: the story's column (.story, at most 46rem; 46 + 3 = 49rem of viewport).
    "story": "(min-width: 49rem) 46rem, calc(100vw - 2rem)",
    # A photo of a photo story: 85 % of the story's column, so the next photo shows at the edge.
    "gallery": "(min-width: 49rem) 39.1rem, calc(85vw - 1.7rem)",
    # The front page's lead: the whole column on a phone; three fifths of the lead (gap 1.5rem) from 48rem,
    # beside the 19rem rail (gap 2.5rem) from 64rem, the page at its widest (72rem) from 75rem.
    "front": (
        "(min-width: 75rem) 27.6rem, (min-width: 64rem) calc(60vw - 15.6rem), "
        "(min-width: 48rem) calc(60vw - 2.7rem), calc(100vw - 2rem)"
    ),
    # A listing's thumbnail (.item__figure).
    "listing": "(min-width: 48rem) 12rem, 6.5rem",
    # An author's photo on their page (.profile__photo).
    "profile": "7rem",
    # The printed page (.edition__sheet): the whole column on a phone; beside the 17rem rail (gap 2rem) from
    # 48rem; between the 8.5rem page list and the rail from 64rem; the page at its widest from 75rem.
    "edition": (
        "(min-width: 75rem) 39.5rem, (min-width: 64rem) calc(100vw - 32.5rem), "
        "(min-width: 48rem) calc(100vw - 22rem), calc(100vw - 2rem)"
    ),
}
FOCAL_STEP = 5


def focal_classes(x, y) -> str:
    """`focal focal-x-35 focal-y-60`: the focal point rounded to FOCAL_STEP per cent, as classes of
    static/css/pictures.css; "" when no point is given."""
    if x is None and y is None:
        return ""
    x, y = (_step(50 if value is None else value) for value in (x, y))
    return f"focal focal-x-{x} focal-y-{y}"


def _step(value) -> int:
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = 50.0
    return int(min(100, max(0, round(value / FOCAL_STEP) * FOCAL_STEP)))


def _name(file) -> str:
    """The stored name of a file field's file, or `file` itself (a name)."""
    return getattr(file, "name", None) or (file if isinstance(file, str) else "") or ""


def _classes(*parts) -> str:
    return " ".join(part for part in parts if part)


@register.simple_tag(takes_context=True)
def picture(
    context,
    file,
    width=None,
    height=None,
    *,
    alt="",
    sizes="100vw",
    lazy=True,
    priority=False,
    css_class="",
    picture_class="",
    focal_x=None,
    focal_y=None,
):
    """The stored picture `file` (a file field's file, or a stored name) `width`×`height` as <picture>; "" when
    there is no picture."""
    name = _name(file)
    if not name:
        return ""
    url = context.get("picture_url") or default_storage.url
    img_class = _classes(css_class, focal_classes(focal_x, focal_y))
    loading = {"loading": "lazy"} if lazy else ({"fetchpriority": "high"} if priority else {})
    found = renditions.picture(name, _number(width), _number(height), url=url)
    if found is None:  # no width or height recorded: the original itself, as it was shown before renditions
        return format_html(
            '<picture{}><img src="{}" alt="{}"{}{} decoding="async"></picture>',
            _attribute("class", picture_class),
            url(name),
            alt or "",
            _attribute("class", img_class),
            _attributes(loading),
        )
    sizes = SIZES.get(sizes, sizes)
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((source.mime, source.srcset, sizes) for source in found.sources),
    )
    return format_html(
        '<picture{}>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{} decoding="async">'
        "</picture>",
        _attribute("class", picture_class),
        sources,
        found.src,
        found.srcset,
        sizes,
        found.width,
        found.height,
        alt or "",
        _attribute("class", img_class),
        _attributes(loading),
    )


def _number(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def _attribute(name: str, value) -> str:
    return format_html(' {}="{}"', name, value) if value else ""


def _attributes(values: dict) -> str:
    return format_html_join("", ' {}="{}"', values.items())


@register.filter
def picture_alt(article) -> str:
    """An article's lead picture's alt text: its own, else (articles older than alt text) the caption, else the
    title."""
    return article.image_alt or article.image_caption or article.title
