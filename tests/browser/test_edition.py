"""The digital edition (数字报) in a real browser (headless Chromium through Playwright), against a live server.

The printed pages are drawn as the demo draws them (devdata/demo_edition.py), saved as PDFs, and rendered to
page images by the same code as an editor's upload; each article's block on the page is its area.

- Clicking an area opens its article; an unpublished article's area is nowhere in the page.
- At a desktop (1280) and a phone (360) width, every area's link box lies on the image box × the area's
  fractions, within 2 pixels, and the page does not overflow sideways.
- The keyboard reaches an area with Tab, shows where it is, and Enter opens it.
- In the admin, an editor drags a rectangle on the page image, picks the article, saves: the PageArea row
  holds the rectangle that was drawn; "Redraw" then replaces it.

No console error is allowed (a Content-Security-Policy violation is one). With SAVE_SCREENSHOTS=1 the
screenshots docs/screenshots/edition-desktop.png, edition-phone.png and edition-admin-drawing.png are saved.
"""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import include, path, re_path, reverse
from django.views.static import serve

from articles.models import PageArea
from articles.policy import ensure_groups
from devdata.demo_edition import draw_page
from edition.images import render_page_image
from tests.browser.helpers import SAVE_SCREENSHOTS, shoot, watch
from tests.edition.helpers import area, article_on
from tests.factories import IssueFactory, IssuePageFactory, editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password
TOLERANCE_PX = 2


def serve_media(request, path):
    """Uploads, from this test's MEDIA_ROOT (in production the web server or object storage serves them)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# This module is the live server's URLconf: the site and its uploads.
urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), path("", include("newsroom.urls"))]


BODY = (
    "<p>本报讯 11月2日，以“科技点亮生活”为主题的2026青岚科技活动周在云川市青岚省科技馆开幕。本届活动周由省科协、"
    "省科技厅共同主办，设置智能制造、生命健康、绿色能源等六大主题展区，展出互动展项130余项。</p>"
    "<p>开幕当天，不少家长带着孩子在“会思考的机器”展区排起长队。一台能够识别手势的机械臂吸引了众多小观众。</p>"
)


@pytest.fixture(autouse=True)
def _fresh_pages(settings):
    settings.PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()


def print_page(page, articles, with_areas=True):
    """Draw the page with its articles, attach the PDF, render the image from it, and map the articles."""
    data, blocks = draw_page(page, articles)
    page.pdf.save(f"issue-{page.issue.number}-page-{page.number}.pdf", ContentFile(data), save=True)
    render_page_image(page)
    if with_areas:
        for article in articles:
            area(page, article, *blocks[article.pk])
    return blocks


@pytest.fixture
def edition():
    ensure_groups()  # transactional tests flush the tables the post_migrate receiver filled
    issue = IssueFactory(number=1201, date=datetime.date(2026, 11, 6))
    front = IssuePageFactory(issue=issue, number=1, name="要闻")
    second = IssuePageFactory(issue=issue, number=2, name="综合")
    third = IssuePageFactory(issue=issue, number=3, name="科普")
    lead = article_on(
        front, "2026青岚科技活动周开幕 百余项互动展项走进云川", position=1, kicker="科技点亮生活", body=BODY
    )
    news = article_on(
        front,
        "省科技厅发布首批概念验证中心名单",
        position=2,
        subtitle="12家单位入选，将获三年滚动支持",
        body=BODY,
    )
    # In review, in the issue but on no page yet: a page image showing it would not be public (files/release.py).
    hidden = article_on(front, "待审稿件：省科协启动科技馆之城建设调研", "review", position=3, body=BODY)
    hidden.page = None
    hidden.save()
    print_page(front, [lead, news])
    feature = article_on(second, "农大科技特派员把“课堂”搬到大棚里", position=1, body=BODY)
    print_page(second, [feature])
    explainer = article_on(third, "寒潮来袭，手机上的气象预警怎么看", position=1, body=BODY)
    blocks = print_page(third, [explainer], with_areas=False)  # its area is drawn in the admin test
    return {
        "issue": issue,
        "pages": [front, second, third],
        "lead": lead,
        "news": news,
        "hidden": hidden,
        "feature": feature,
        "explainer": explainer,
        "explainer_block": blocks[explainer.pk],
    }


def page_url(base, issue, number):
    return base + reverse("articles:issue_page", args=[issue.number, number])


def open_edition(page, url):
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => { const i = document.querySelector('.edition-sheet__image'); return i && i.complete && i.naturalWidth; }"
    )


# ----- the reader -----


def test_clicking_an_area_opens_its_article(new_context, live_server, edition):
    page = new_context().new_page()
    problems = watch(page)
    open_edition(page, page_url(live_server.url, edition["issue"], 1))
    links = page.locator("svg.edition-sheet__areas a")
    assert links.evaluate_all("as => as.map(a => a.getAttribute('href'))") == [
        edition["lead"].get_absolute_url(),
        edition["news"].get_absolute_url(),
    ]
    assert edition["hidden"].title not in page.content()
    news = page.locator(f'svg.edition-sheet__areas a[href="{edition["news"].get_absolute_url()}"]')
    news.scroll_into_view_if_needed()
    news.hover()
    news.locator("rect").evaluate(  # the area under the mouse is outlined (after a short transition)
        "r => new Promise((ok, fail) => { const t = Date.now(); (function check() {"
        " if (getComputedStyle(r).stroke === 'rgb(164, 22, 26)') ok(); else if (Date.now() - t > 3000)"
        " fail(new Error(getComputedStyle(r).stroke)); else requestAnimationFrame(check); })(); })"
    )
    if SAVE_SCREENSHOTS:  # the top of the page, with the lead story under the mouse
        page.evaluate("() => window.scrollTo(0, 0)")
        box = page.locator("svg.edition-sheet__areas a").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 40)
        shoot(page, "edition-desktop")
    with page.expect_navigation():
        news.click()
    assert page.url == live_server.url + edition["news"].get_absolute_url()
    assert page.locator("h1").inner_text().strip() == edition["news"].title
    assert problems == []


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (360, 780)], ids=["desktop", "phone"])
def test_areas_line_up_with_the_page_image(new_context, live_server, edition, width, height):
    page = new_context(viewport={"width": width, "height": height}).new_page()
    problems = watch(page)
    open_edition(page, page_url(live_server.url, edition["issue"], 1))
    image = page.locator(".edition-sheet__image").evaluate(
        "i => { const r = i.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }"
    )
    left, top, box_width, box_height = image
    assert (
        box_width > 0.8 * (width - 40) if width < 600 else box_width > 400
    )  # the page image fills the phone
    assert abs(box_height / box_width - 2263 / 1600) < 0.01  # not stretched
    drawn = page.locator("svg.edition-sheet__areas a").evaluate_all(
        "as => as.map(a => { const r = a.getBoundingClientRect(); return [a.getAttribute('href'), r.left, r.top,"
        " r.width, r.height]; })"
    )
    expected = {a.article.get_absolute_url(): a for a in PageArea.objects.filter(article__status="published")}
    assert len(drawn) == 2
    for href, x, y, w, h in drawn:
        area_ = expected[href.replace(live_server.url, "")]
        assert abs(x - (left + area_.x * box_width)) <= TOLERANCE_PX, (href, x)
        assert abs(y - (top + area_.y * box_height)) <= TOLERANCE_PX, (href, y)
        assert abs(w - area_.width * box_width) <= TOLERANCE_PX, (href, w)
        assert abs(h - area_.height * box_height) <= TOLERANCE_PX, (href, h)
    overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    if width == 360:
        shoot(page, "edition-phone")
    assert problems == []


def test_the_keyboard_reaches_an_area_and_opens_it(new_context, live_server, edition):
    page = new_context().new_page()
    open_edition(page, page_url(live_server.url, edition["issue"], 1))
    target = edition["lead"].get_absolute_url()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const a = document.activeElement; return a && a.closest('svg') ? a.getAttribute('href') : null; }"
        )
        if focused:
            break
    assert focused == target, "Tab reaches the first area on the page"
    # It is announced by its title, and outlined in the focus colour.
    label = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert label == edition["lead"].title
    page.wait_for_function(  # after the outline's short transition
        "() => getComputedStyle(document.activeElement.querySelector('rect')).stroke === 'rgb(29, 78, 216)'"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + target


# ----- the admin's drawing tool -----


def login(page, base_url, username):
    """Through the real admin login form (django-axes is active; the password is right)."""
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert page.url == f"{base_url}/admin/", f"login as {username} failed: still at {page.url}"


def drag(page, image_box, start, end):
    """Drag with the mouse from `start` to `end`, given as fractions of the image; return the image box."""
    left, top, width, height = image_box
    page.mouse.move(left + start[0] * width, top + start[1] * height)
    page.mouse.down()
    for step in range(1, 6):
        t = step / 5
        page.mouse.move(
            left + (start[0] + (end[0] - start[0]) * t) * width,
            top + (start[1] + (end[1] - start[1]) * t) * height,
        )
    page.mouse.up()


def image_box(page):
    return page.locator(".area-editor__image").evaluate(
        "i => { const r = i.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }"
    )


def to_the_page(page):
    """Scroll the drawing tool's heading to the top of the window."""
    page.locator("#area-editor").evaluate("e => e.scrollIntoView({block: 'start'})")


def saved_area(article):
    return PageArea.objects.filter(article=article).values_list("x", "y", "width", "height").get()


def assert_close(saved, expected, tolerance=0.004):
    assert all(abs(a - b) <= tolerance for a, b in zip(saved, expected, strict=True)), (saved, expected)


def test_the_admin_drawing_tool_saves_the_rectangle_that_was_drawn(new_context, live_server, edition):
    editor("desk", first_name="晓岚", last_name="陆")
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    problems = watch(page)
    login(page, live_server.url, "desk")
    third, explainer = edition["pages"][2], edition["explainer"]
    page.goto(live_server.url + reverse("admin:articles_issuepage_change", args=[third.pk]))
    page.wait_for_function("() => document.querySelector('.area-editor--ready .area-editor__layer')")
    to_the_page(page)

    # Draw the explainer's block as the demo laid it out: from its top-left to its bottom-right corner.
    x, y, width, height = edition["explainer_block"]
    height = min(height, 0.25)  # what is on screen of the page, at this zoom
    drag(page, image_box(page), (x, y), (x + width, y + height))
    # A new row holds the numbers, and the article picker is open: choose the article by its title.
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill("寒潮来袭")
    page.locator(".select2-results__option", has_text=explainer.title).click()
    assert page.locator("#id_areas-0-x").input_value() != ""
    # On a wide screen the rows stand beside the page (the rest of this test draws there).
    page.set_viewport_size({"width": 1760, "height": 960})
    to_the_page(page)
    shoot(page, "edition-admin-drawing")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert page.locator(".errornote, .errorlist").count() == 0
    assert_close(saved_area(explainer), (x, y, width, height))

    # After the save the area is drawn on the page; "Redraw" and a second drag replace its numbers.
    page.wait_for_function("() => document.querySelectorAll('.area-editor__box--area').length === 1")
    to_the_page(page)
    page.click("#areas-0 .area-editor__pick")
    assert page.get_attribute("#areas-0 .area-editor__pick", "aria-pressed") == "true"
    drag(page, image_box(page), (0.2, 0.15), (0.7, 0.3))
    assert page.locator("#areas-group tr.form-row:not(.empty-form)").count() == 1  # no new row
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert_close(saved_area(explainer), (0.2, 0.15, 0.5, 0.15))
    assert problems == []
