"""The digital edition (数字报): each printed page as an image, with its articles as areas on it.

Two halves:

- **Page images.** A page's image is rendered from the first page of its PDF with PDFium (pypdfium2), or
  uploaded directly. Either way the stored image gets a name that records its size
  (`issue-1201-page-1-1600x2263.jpg`) and a small JPEG thumbnail beside it (`….thumb.jpg`), so the public page
  can give the <img> its width and height and show thumbnails without a single storage call. Files are read
  and written through the storage API only (the media may live in object storage). Rendering runs where an
  editor saves a page (the admin forms, edition/admin.py), never in a model signal, so bulk imports
  stay fast.
- **The public page.** `public_pages`, `page_articles`, `page_areas` and `calendar_issues` are the queries the
  page view (edition/views.py) is made of; every one starts from `Article.objects.published()`. Each is an ORM
  queryset compiled once per process (core/compiled.py): building and compiling them cost more than running
  them.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from articles.models import Article, Issue, IssuePage, PageArea
from core.compiled import CompiledQuery
from core.storage import thumbnail_name

# The rendered page: wide enough to read a column of 9-point type when zoomed on a phone, small enough to load.
RENDER_WIDTH = 1600
THUMBNAIL_WIDTH = 240
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
# A printed page is at most about three times as tall as it is wide (a long strip ad); refusing stranger shapes
# keeps a hostile PDF (1 pt wide, 14 400 pt tall) from asking for a gigapixel bitmap.
MAX_ASPECT = 4.0

# PDFium is not thread-safe: one render at a time per process (threaded runserver, gunicorn with threads).
from core.uploads import PDFIUM_LOCK as _PDFIUM_LOCK  # noqa: E402  (one lock for every PDFium call)

IMAGE_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
# What `edition_image_name` writes; Django's storage may append "_<random>" when the name is taken.
EDITION_IMAGE_RE = re.compile(
    r"^issue-\d+-page-\d+-(?P<width>\d{1,5})x(?P<height>\d{1,5})(?:_[A-Za-z0-9]+)?\.(?:jpg|png|gif|webp)$"
)


class PageRenderError(Exception):
    """The PDF could not be turned into a page image; the message says why, for the editor."""


@dataclass(frozen=True)
class RenderedPage:
    """A page image made from a PDF, ready to store: JPEG bytes, its size, and its thumbnail."""

    data: bytes
    width: int
    height: int
    thumbnail: bytes


# ----- rendering and storing page images -----


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.convert("RGB")
    height = max(1, round(small.height * THUMBNAIL_WIDTH / small.width))
    small = small.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
    return _jpeg(small, THUMBNAIL_QUALITY)


def render_pdf(data: bytes, width: int = RENDER_WIDTH) -> RenderedPage:
    """Render the first page of a PDF (bytes) to a JPEG `width` pixels wide. Raises PageRenderError."""
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PageRenderError(_("This PDF is damaged or encrypted and cannot be read.")) from exc
        try:
            if len(document) < 1:
                raise PageRenderError(_("This PDF has no pages."))
            pdf_page = document[0]
            try:
                page_width, page_height = pdf_page.get_size()
                if page_width <= 0 or page_height <= 0:
                    raise PageRenderError(_("The first page of this PDF has no size."))
                if page_height / page_width > MAX_ASPECT or page_width / page_height > MAX_ASPECT:
                    raise PageRenderError(
                        _(
                            "The first page of this PDF is not the shape of a newspaper page (%(w)d × %(h)d pt)."
                        )
                        % {"w": page_width, "h": page_height}
                    )
                bitmap = pdf_page.render(scale=width / page_width, may_draw_forms=False)
                image = bitmap.to_pil()
            finally:
                pdf_page.close()
        except pdfium.PdfiumError as exc:
            raise PageRenderError(
                _("The first page of this PDF could not be drawn; export the page again and upload it.")
            ) from exc
        finally:
            document.close()
    return RenderedPage(_jpeg(image, JPEG_QUALITY), image.width, image.height, _thumbnail(image))


def edition_image_name(page: IssuePage, width: int, height: int, extension: str) -> str:
    """The file name a page image is stored under: it says which page it is and how large it is."""
    return f"issue-{page.issue.number}-page-{page.number}-{width}x{height}{extension}"


def _replace_file(storage, name: str, data: bytes) -> None:
    """Write `data` at exactly `name` (the thumbnail's name is derived from its image's, so it must not move)."""
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # pragma: no cover - only when another process writes the same name at the same moment
        storage.delete(saved)
        raise PageRenderError(_("The page thumbnail could not be stored; save the page again."))


def store_rendered_image(page: IssuePage, rendered: RenderedPage) -> None:
    """Make `rendered` the page's image (new file, thumbnail beside it) and save the page's `image` column."""
    name = edition_image_name(page, rendered.width, rendered.height, ".jpg")
    page.image.save(name, ContentFile(rendered.data), save=False)
    _replace_file(page.image.storage, thumbnail_name(page.image.name), rendered.thumbnail)
    page.save(update_fields=["image"])


def render_page_image(page: IssuePage) -> RenderedPage:
    """Render the page's stored PDF (read through its storage) and store the result as the page image."""
    if not page.pdf:
        raise PageRenderError(_("This page has no PDF to render."))
    with page.pdf.open("rb") as pdf_file:
        data = pdf_file.read()
    rendered = render_pdf(data)
    store_rendered_image(page, rendered)
    return rendered


def name_uploaded_image(page: IssuePage) -> None:
    """Give a directly uploaded, not yet stored page image its edition name (call before the page is saved)."""
    upload = page.image
    with Image.open(upload) as image:
        width, height, image_format = image.width, image.height, image.format
    upload.seek(0)
    upload.name = edition_image_name(page, width, height, IMAGE_EXTENSIONS.get(image_format, ".jpg"))


def store_thumbnail(page: IssuePage) -> None:
    """Write the thumbnail of the page's stored image, read back through the storage."""
    with page.image.open("rb") as image_file, Image.open(image_file) as image:
        image.load()
        data = _thumbnail(image)
    _replace_file(page.image.storage, thumbnail_name(page.image.name), data)


# ----- what the public page shows -----


@dataclass(frozen=True)
class PageImage:
    """A page image: its stored name (the {% picture %} tag, reader/templatetags/pictures.py, makes the URLs of
    its renditions from it), the original's URL (full size), its thumbnail's, and its size when its name records
    it (so the <img> reserves its box, and the renditions can be named: a rendition needs the original's width)."""

    name: str
    url: str
    thumbnail_url: str
    width: int | None = None
    height: int | None = None


def page_image(page: IssuePage, *, public: bool = False) -> PageImage | None:
    """The page's image and thumbnail URLs, with no storage call; None when the page has no image, or, for the
    public site (`public`), when its image may not be shown (`IssuePage.files_public`, annotated by the query
    that loaded the page)."""
    if not page.image or (public and not page.files_public):
        return None
    name, url = page.image.name, page.image.url
    match = EDITION_IMAGE_RE.match(os.path.basename(name))
    if not match:  # an image stored some other way: no thumbnail beside it, the image itself is scaled down
        return PageImage(name=name, url=url, thumbnail_url=url)
    return PageImage(
        name=name,
        url=url,
        thumbnail_url=page.image.storage.url(thumbnail_name(name)),
        width=int(match["width"]),
        height=int(match["height"]),
    )


@dataclass(frozen=True)
class AreaLink:
    """One area of a published article, in the SVG overlay's user units (the page is 1000 × 1000)."""

    article: Article
    x: str
    y: str
    width: str
    height: str
    # The first area of an article is its link for the keyboard and screen readers; the others are for the mouse.
    first: bool


OVERLAY_SIZE = 1000


def _units(value: float) -> str:
    return f"{value * OVERLAY_SIZE:.2f}"


def _public_pages(number: int, now):
    placed = Article.objects.published(now).filter(page=OuterRef("pk"))
    continued = PageArea.objects.filter(
        page=OuterRef("pk"),
        article__in=Article.objects.published(now).filter(issue__number=number).values("pk"),
    )
    return (
        IssuePage.objects.filter(issue__number=number)
        .filter(Exists(placed) | Exists(continued))
        .with_files_public(now)
        .select_related("issue")
        .order_by("number")
    )


def _page_articles(page: int, issue: int, now):
    continued = PageArea.objects.filter(page=page).values("article_id")
    # The long text columns are not shown here: leave them in the database.
    return (
        Article.objects.published(now)
        .filter(Q(page=page) | Q(issue=issue, pk__in=continued))
        .select_related("page")
        .defer("body", "search_text")
    )


def _page_areas(page: int):
    return PageArea.objects.filter(page=page).order_by("y", "x", "pk")


def _calendar_issues(day, first_day, last_day, now):
    issues = with_first_public_page(Issue.objects.with_public_articles(now), now)
    before = issues.filter(date__lt=day).order_by("-date").values("pk")[:1]
    after = issues.filter(date__gt=day).order_by("date").values("pk")[:1]
    return issues.filter(
        Q(date__range=(first_day, last_day)) | Q(pk=Subquery(before)) | Q(pk=Subquery(after))
    ).order_by("date")


# The page's queries are compiled once per process (core/compiled.py): building and compiling them cost more
# than running them (docs/performance.md). What they are is the functions above.
PUBLIC_PAGES = CompiledQuery(_public_pages, number=int, now=datetime)
PAGE_ARTICLES = CompiledQuery(_page_articles, page=int, issue=int, now=datetime)
PAGE_AREAS = CompiledQuery(_page_areas, page=int)
CALENDAR_ISSUES = CompiledQuery(_calendar_issues, day=date, first_day=date, last_day=date, now=datetime)


def public_pages(issue_number: int, now=None) -> list[IssuePage]:
    """The pages of issue `issue_number` with a published article placed on them or continued on them (转版: an
    area of a published article of the issue), in page order, with their issue and whether their image and PDF
    may be shown (`files_public`); one query, none when the issue has no such page."""
    return PUBLIC_PAGES.run(number=issue_number, now=now or timezone.now())


def page_articles(issue, page: IssuePage, now=None) -> list[Article]:
    """The published articles on `page`: those placed on it in page order, then those continued on it (转版)."""
    articles = PAGE_ARTICLES.run(page=page.pk, issue=issue.pk, now=now or timezone.now())
    articles.sort(key=lambda a: (a.page_id != page.pk, a.position, a.pk))
    return articles


def page_areas(page: IssuePage, articles: list[Article]) -> list[AreaLink]:
    """The areas on `page` of the given (published) articles, top to bottom; no other article's area at all."""
    by_id = {article.pk: article for article in articles}
    seen = set()
    links = []
    for area in PAGE_AREAS.run(page=page.pk):
        article = by_id.get(area.article_id)
        if article is None:
            continue
        links.append(
            AreaLink(
                article=article,
                x=_units(area.x),
                y=_units(area.y),
                width=_units(area.width),
                height=_units(area.height),
                first=article.pk not in seen,
            )
        )
        seen.add(article.pk)
    return links


def calendar_issues(day, first_day, last_day, now=None) -> tuple[list, object, object]:
    """The public issues (`with_public_articles`, with `first_page`) between first_day and last_day in date
    order, and the ones just before and after `day`, in one query. Returns (month's issues, previous issue,
    next issue)."""
    rows = CALENDAR_ISSUES.run(day=day, first_day=first_day, last_day=last_day, now=now or timezone.now())
    month = [issue for issue in rows if first_day <= issue.date <= last_day]
    previous = max((issue for issue in rows if issue.date < day), key=lambda issue: issue.date, default=None)
    following = min((issue for issue in rows if issue.date > day), key=lambda issue: issue.date, default=None)
    return month, previous, following


def with_first_public_page(issues, now=None):
    """Annotate issues with `first_page`: the number of their first page with a published article, or None."""
    placed = Article.objects.published(now).filter(page=OuterRef("pk"))
    first = (
        IssuePage.objects.filter(issue=OuterRef("pk"))
        .filter(Exists(placed))
        .order_by("number")
        .values("number")[:1]
    )
    return issues.annotate(first_page=Subquery(first))
