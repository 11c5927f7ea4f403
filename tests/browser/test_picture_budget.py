"""The picture budget (issue 18): an article with a 4000×3000 lead picture and three photos loads at most
250 KB of pictures at a phone's width (360 px) and 600 KB at a desktop's (1280 px), every picture shown.

The article is the demo's photo story (devdata/demo.py, devdata/demo_photos.py): its text, bylines and the same
drawn, photo-like pictures (noise at every scale, grain and blur: they compress like camera pictures,
devdata/pictures.py) with their captions, credits and alt text.
Each width gets a fresh browser context (an empty cache). The page is scrolled through, every picture brought
into view (the photo strip scrolls sideways, so each photo is scrolled to as well), and the bytes counted are
each image response's body as received (Playwright's `request.sizes()`, the body before any decoding; the
Resource Timing API's `encodedBodySize` must agree). KB here is 1000 bytes. The figures go to the test's output
(`-s` shows them) and docs/performance.md.

With SAVE_SCREENSHOTS=1 the story is saved as docs/screenshots/photo-story-1280.png (the top of the story) and
photo-story-360.png (the lead picture and the first photo of the strip).
"""

import datetime
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import include, path, re_path
from django.utils import timezone
from django.views.static import serve

from articles.models import ArticlePhoto, ArticleStatus, Byline
from core.renditions import RENDITION_RE
from devdata.demo import ARTICLES
from devdata.demo_photos import LEADS, PHOTO_STORY, PHOTOS
from devdata.pictures import photo
from tests.browser.helpers import shoot, watch
from tests.factories import AuthorFactory, SectionFactory, article_in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

KB = 1000
BUDGET = {360: 250 * KB, 1280: 600 * KB}
VIEWPORTS = {360: {"width": 360, "height": 780}, 1280: {"width": 1280, "height": 800}}
SCREENSHOT_TOP = {1280: ".story__head", 360: ".story__figure"}


def serve_media(request, path):
    """Public uploads, read from the MEDIA_ROOT of the running test (the web server's job in production)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), path("", include("newsroom.urls"))]

# Bring every picture into view, the photo strip's too (it scrolls sideways), then run down the whole page.
SCROLL_THROUGH = """async () => {
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  for (const image of Array.from(document.images)) {
    image.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
    await pause(250);
  }
  const bottom = document.documentElement.scrollHeight;
  for (let y = 0; y <= bottom; y += window.innerHeight / 2) {
    window.scrollTo({top: y, behavior: "instant"});
    await pause(120);
  }
}"""
IMAGES = """() => Array.from(document.images).map((image) => ({
  src: image.currentSrc, natural: image.naturalWidth, complete: image.complete, alt: image.alt,
}))"""
RESOURCE_BYTES = """() => performance.getEntriesByType("resource")
  .filter((entry) => entry.initiatorType === "img")
  .reduce((sum, entry) => sum + entry.encodedBodySize, 0)"""


@pytest.fixture
def photo_story():
    """The demo's photo story, published: its 4000×3000 lead picture and its three photos, as the demo has them."""
    lead, text = LEADS[PHOTO_STORY], next(spec for spec in ARTICLES if spec.title == PHOTO_STORY)
    article = article_in_state(
        "draft",
        title=PHOTO_STORY,
        kicker=text.kicker,
        subtitle=text.subtitle,
        summary=text.summary,
        dateline=text.dateline,
        body="".join(f"<p>{paragraph}</p>" for paragraph in text.paragraphs),
        section=SectionFactory(name="图片新闻"),
        image=ContentFile(photo(lead.scene, lead.seed, lead.size), name="lead.jpg"),
        image_caption=lead.caption,
        image_credit=lead.credit,
        image_alt=lead.alt,
        image_focal_x=lead.focal[0],
        image_focal_y=lead.focal[1],
    )
    for order, spec in enumerate(PHOTOS[PHOTO_STORY], 1):
        item = ArticlePhoto(
            article=article, caption=spec.caption, credit=spec.credit, alt=spec.alt, order=order
        )
        item.image.save(f"photo-{order}.jpg", ContentFile(photo(spec.scene, spec.seed, spec.size)), save=True)
    for order, (name, role) in enumerate(text.bylines):
        Byline.objects.create(article=article, author=AuthorFactory(name=name), role=role, order=order)
    article.status, article.published_at = (
        ArticleStatus.PUBLISHED,
        timezone.now() - datetime.timedelta(hours=1),
    )
    article.save()  # public: its files move to public storage once this commits (files/release.py)
    article.refresh_from_db()
    assert (article.image_width, article.image_height) == (4000, 3000)
    assert sorted((p.width, p.height) for p in article.photos.all()) == [
        (2400, 3200),
        (3000, 2000),
        (3000, 2000),
    ]
    return article


def load(new_context, url: str, width: int) -> dict:
    """Load `url` in a fresh context `width` pixels wide, scroll through it; what its pictures cost and show."""
    context = new_context(viewport=VIEWPORTS[width])
    page = context.new_page()
    problems = watch(page)
    received = []

    def on_response(response):
        if response.request.resource_type == "image":
            received.append(response)

    page.on("response", on_response)
    page.goto(url, wait_until="load")
    page.evaluate(SCROLL_THROUGH)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("Array.from(document.images).every((image) => image.complete)")
    pictures = []
    for response in received:
        body = response.request.sizes()["responseBodySize"]
        assert body == len(response.body()), response.url  # nothing is compressed on the way: the body is it
        pictures.append(
            {"url": response.url, "type": response.headers.get("content-type", ""), "bytes": body}
        )
    figures = {
        "pictures": pictures,
        "total": sum(p["bytes"] for p in pictures),
        "resource_timing": page.evaluate(RESOURCE_BYTES),
        "images": page.evaluate(IMAGES),
        "problems": problems,
    }
    if width in SCREENSHOT_TOP:
        page.evaluate("document.querySelectorAll('.gallery__strip').forEach((strip) => strip.scrollTo(0, 0))")
        shoot(page, f"photo-story-{width}", top=SCREENSHOT_TOP[width], colors=256)
    return figures


def report(width: int, figures: dict) -> str:
    lines = [f"{width} px: {figures['total'] / KB:.1f} KB in {len(figures['pictures'])} pictures"]
    for item in figures["pictures"]:
        name = re.sub(r"^.*/", "", item["url"])
        lines.append(f"  {item['bytes'] / KB:7.1f} KB  {item['type']:<11} {name}")
    return "\n".join(lines)


def test_a_story_of_four_big_pictures_stays_within_the_picture_budget(new_context, live_server, photo_story):
    url = live_server.url + photo_story.get_absolute_url()
    results = {width: load(new_context, url, width) for width in BUDGET}
    print("\n" + "\n".join(report(width, figures) for width, figures in results.items()))
    for width, figures in results.items():
        assert not figures["problems"], figures["problems"]
        shown = [image for image in figures["images"] if "/media/" in image["src"]]
        # The lead picture and the three photos, each displayed, each from a rendition (never the original).
        assert len(shown) == 4, figures["images"]
        assert all(image["complete"] and image["natural"] > 0 for image in shown), shown
        assert all(RENDITION_RE.search(image["src"]) for image in shown), shown
        assert all(
            RENDITION_RE.search(item["url"]) for item in figures["pictures"] if "/media/" in item["url"]
        )
        assert figures["resource_timing"] == figures["total"]  # the browser's own count agrees
        assert figures["total"] <= BUDGET[width], report(width, figures)
