"""The article's pictures in the admin, in a real browser (headless Chromium through Playwright), in Chinese,
under the admin's Content-Security-Policy (scripts from 'self' only: no inline script, no handler attribute).

An editor opens a draft with a lead picture, adds two photos with "add another", saves; drags the second photo
above the first by its title bar (and moves them by keyboard with the title bar's arrows); clicks the lead picture's important spot (the marker and both numbers
follow); fills an empty alt field from its caption with the button beside it; saves. What is stored is what the
page showed: the new order, the focal point, the alt texts. No console error, failed request or policy
violation on the way.

With SAVE_SCREENSHOTS=1 the photos inline is saved as docs/screenshots/admin-photos.png (1280 wide). The new
words of these pages may not be translated yet: the steps find things by their form names and classes.
"""

import io
import re

import pytest
from django.test import Client
from PIL import Image, ImageDraw

from articles.models import Article
from articles.policy import ensure_groups
from tests.browser.helpers import shoot, watch
from tests.factories import ArticleFactory, editor, image_file, reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline'));
});
"""
# The desk's heartbeat and autosave (editing/) write on their own time, up to a beacon as the page closes: with the
# live server's in-memory SQLite that can lock a table under the flush that ends the test. Their scripts run;
# only their requests are cut (as tests/security/test_csp_browser.py does).
DESK_WRITES = re.compile(r"/admin/articles/article/\d+/(presence|autosave)/$")
NO_BEACON = "Object.defineProperty(Navigator.prototype, 'sendBeacon', {value: undefined});"
LEAD_CAPTION = "暮色中的青岚山40米口径射电望远镜"
PHOTOS = [
    ("观测站全景：白色圆顶建筑坐落在山谷里", "山谷中的白色圆顶建筑", (70, 120, 170)),
    ("工程师在零下二十度检查望远镜的驱动电机", "", (170, 90, 40)),  # its alt is filled from the caption
]


def picture(color, size=(900, 600)) -> bytes:
    """A JPEG with a band across it, so the thumbnails and the screenshot show pictures, not boxes."""
    image = Image.new("RGB", size, color)
    ImageDraw.Draw(image).rectangle((0, size[1] // 3, size[0], size[1] // 2), fill=(240, 240, 240))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def logged_in_page(new_context, live_server, user):
    client = Client()
    client.force_login(user)
    context = new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.add_init_script(VIOLATIONS)
    context.add_init_script(NO_BEACON)
    context.route(DESK_WRITES, lambda route: route.abort("aborted"))
    return context.new_page()


def drag(page, source: str, target: str) -> None:
    """Drag `source` by the mouse onto the top edge of `target` (SortableJS, through the browser's own drag and
    drop), once the page stands still: the body editor built, the pictures loaded."""
    page.wait_for_function("() => window.CKEDITOR?.instances.id_body?.status === 'ready'")
    page.locator(target).evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#photos-group img')].every(image => image.complete)"
    )
    page.drag_and_drop(source, target, source_position={"x": 60, "y": 8}, target_position={"x": 60, "y": 3})
    page.wait_for_timeout(300)  # SortableJS's animation


def test_an_editor_adds_orders_and_describes_the_pictures(live_server, new_context):
    ensure_groups()  # transactional tests flush the tables the post_migrate receiver filled
    desk = editor("chen_bianji", first_name="编辑", last_name="陈")
    article = ArticleFactory(
        created_by=reporter("lin_zhiyuan"),
        title="冰川观测站开始冬季值守",
        image=image_file("lead.png", size=(1200, 800)),
        image_caption=LEAD_CAPTION,
    )
    page = logged_in_page(new_context, live_server, desk)
    problems = watch(page)
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page.goto(change)
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # Two photos, each row added with the inline's "add another" link; then saved.
    for index, (caption, alt, color) in enumerate(PHOTOS):
        page.locator("#photos-group .add-row a").click()
        row = f"#photos-{index}"
        page.set_input_files(
            f"{row} input[type=file]",
            files=[{"name": f"photo-{index}.jpg", "mimeType": "image/jpeg", "buffer": picture(color)}],
        )
        page.wait_for_selector(f"{row} img.photo-thumb")  # shown at once, before it is saved
        page.fill(f"{row} [name=photos-{index}-caption]", caption)
        page.fill(f"{row} [name=photos-{index}-alt]", alt)
    with page.expect_navigation():
        page.locator("[name=_continue]").click()
    assert page.locator(".errornote").count() == 0, page.locator(".errornote").inner_text()
    saved = list(Article.objects.get(pk=article.pk).photos.all())
    assert [p.caption for p in saved] == [caption for caption, _alt, _color in PHOTOS]

    # Drag the second photo above the first: the hidden order fields follow the rows.
    page.wait_for_function("() => document.querySelectorAll('#photos-group img.photo-thumb').length === 2")
    drag(page, "#photos-1 h3", "#photos-0 h3")
    rows = page.locator("#photos-group .inline-related.has_original")
    assert rows.nth(0).get_attribute("id") == "photos-1"
    orders = [page.input_value(f"[name=photos-{index}-order]") for index in (1, 0)]
    assert orders == ["1", "2"]
    # By keyboard, the arrows in the title bar do the same: the first photo first again, then the second.
    for index in (0, 1):
        page.focus(f"#photos-{index} .sort i.move-begin")
        page.keyboard.press("Enter")
        assert rows.nth(0).get_attribute("id") == f"photos-{index}"
    assert page.input_value("[name=photos-1-order]") == "1"

    # The lead picture's important spot: a quarter across, three quarters down.
    lead = page.locator(".focal-point__picture")
    box = lead.bounding_box()
    lead.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert (page.input_value("#id_image_focal_x"), page.input_value("#id_image_focal_y")) == ("25", "75")
    marker = page.locator(".focal-point__marker")
    assert marker.evaluate("m => [m.style.left, m.style.top]") == ["25%", "75%"]

    # The empty alt fields offer their caption: the photo's and the lead picture's.
    filled = page.locator("[name=photos-1-alt] + button.alt-from-caption")
    assert page.locator("[name=photos-0-alt] + button.alt-from-caption").is_hidden()  # it has its alt text
    filled.click()
    assert page.input_value("[name=photos-1-alt]") == PHOTOS[1][0] and filled.is_hidden()
    page.locator("#id_image_alt + button.alt-from-caption").click()
    assert page.input_value("#id_image_alt") == LEAD_CAPTION

    page.set_viewport_size({"width": 1280, "height": 800})
    shoot(page, "admin-photos", top="#photos-group")
    with page.expect_navigation():
        page.locator("[name=_continue]").click()
    assert page.locator(".errornote").count() == 0

    stored = Article.objects.get(pk=article.pk)
    assert [(p.caption, p.alt) for p in stored.photos.all()] == [
        (PHOTOS[1][0], PHOTOS[1][0]),
        (PHOTOS[0][0], PHOTOS[0][1]),
    ]
    assert (stored.image_focal_x, stored.image_focal_y, stored.image_alt) == (25, 75, LEAD_CAPTION)
    assert problems == [] and page.evaluate("() => window.__csp") == []
