"""Every reader's page type in a real browser (headless Chromium), at desktop (1280) and phone (360) widths.

For each page: no console error (a Content-Security-Policy violation is one), no failed request, no horizontal
overflow at 360 pixels, one h1, alt text on every image, and body text with AA contrast. The article page is also
checked for its typography, keyboard focus (skip link) and print stylesheet.

With SAVE_SCREENSHOTS=1 each page is saved as docs/screenshots/reader-<page>-<width>.png: the viewport only,
quantized to 256 colours, so the images stay small enough to commit.
"""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import include, path, re_path, reverse
from django.views.static import serve

from articles.models import Byline
from tests.factories import (
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    SectionFactory,
    article_in_state,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
SAVE_SCREENSHOTS = os.environ.get("SAVE_SCREENSHOTS") == "1"
MAX_SCREENSHOT_BYTES = 250 * 1024
WIDTHS = {1280: 800, 360: 780}


def serve_media(request, path):
    """Uploaded files, read from the MEDIA_ROOT of the running test (the suite gives each test its own)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def boom(request):
    raise RuntimeError("a bug in a view, to see the 500 page")


# This module is the live server's URLconf: the site, its uploads (served by the web server in production),
# and a view that fails.
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("boom/", boom),
    path("", include("newsroom.urls")),
]


def picture(name: str, size=(1200, 800), sun=(236, 196, 84)):
    """A small landscape drawn with Pillow: sky, sun, hills and a field, as a news photo stand-in."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y / height
        draw.line(
            [(0, y), (width, y)], fill=(int(90 + 120 * shade), int(140 + 90 * shade), int(200 + 40 * shade))
        )
    draw.ellipse([width * 0.68, height * 0.12, width * 0.82, height * 0.33], fill=sun)
    draw.polygon(
        [(0, height * 0.7), (width * 0.3, height * 0.42), (width * 0.6, height * 0.72)], fill=(62, 110, 76)
    )
    draw.polygon(
        [(width * 0.35, height * 0.75), (width * 0.7, height * 0.48), (width, height * 0.7)],
        fill=(84, 134, 88),
    )
    draw.rectangle([0, height * 0.72, width, height], fill=(150, 170, 70))
    for x in range(0, width, max(8, width // 40)):
        draw.line([(x, height * 0.72), (x - width * 0.1, height)], fill=(120, 145, 55), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def newspaper():
    """A small paper: the latest issue with four pages, an earlier one, web news and their people and places."""
    news, comprehensive, pictures, opinion = (
        SectionFactory(name="要闻", order=1),
        SectionFactory(name="综合", order=2),
        SectionFactory(name="图片新闻", order=3),
        SectionFactory(name="观点", order=4, is_opinion=True),
    )
    association = OrganizationFactory(
        name="青岚省科学技术协会", short_name="省科协", kind="association",
        description="青岚省科学技术协会是全省科学技术工作者的群众组织，下设科普服务中心、学会服务中心等单位。",
    )  # fmt: skip
    centre = OrganizationFactory(name="青岚省科普服务中心", parent=association, kind="centre")
    OrganizationFactory(name="青岚省学会服务中心", parent=association, kind="centre")
    university = OrganizationFactory(name="青岚大学", kind="university")
    event = EventFactory(
        name="2026年“科普进社区”系列活动", start_date=datetime.date(2026, 3, 12), end_date=datetime.date(2026, 11, 30),
        place="青岚省9个市（州）120个城乡社区",
        description="活动以讲座、展览、互动实验等形式，把前沿科技知识送到群众身边。",
    )  # fmt: skip
    event.organizers.add(association, centre)
    lin = AuthorFactory(
        name="林知远", position="科教部主任记者", organization=None,
        bio="长期关注科普工作和基层科技创新，著有通讯集《田野上的实验室》。", photo=picture("lin.jpg", (300, 300)),
    )  # fmt: skip
    wang, su, zhou = (
        AuthorFactory(name="王启航"),
        AuthorFactory(name="苏晴", kind="correspondent"),
        AuthorFactory(name="周远帆", kind="photographer"),
    )
    han = AuthorFactory(name="韩书言", kind="contributor", organization=association, position="副理事长")
    xu = AuthorFactory(name="许文澜", kind="editor")

    earlier = IssueFactory(number=1186, date=datetime.date(2026, 3, 5))
    article_in_state(
        "published", issue=earlier, page=IssuePageFactory(issue=earlier, number=1), section=news,
        title="全省科技工作会议在云川召开", authors=[lin],
    )  # fmt: skip
    issue = IssueFactory(number=1187, date=datetime.date(2026, 3, 12))
    pages = {n: IssuePageFactory(issue=issue, number=n, name=name) for n, name in
             [(1, "要闻"), (2, "综合"), (3, "图片新闻"), (4, "观点")]}  # fmt: skip
    common = {"issue": issue}
    lead = article_in_state(
        "published", **common, page=pages[1], position=1, section=news,
        kicker="覆盖全省9个市（州）120个城乡社区",
        title="省科协启动2026年“科普进社区”系列活动",
        subtitle="今年重点围绕人工智能、防灾减灾和健康生活三个主题",
        summary="3月12日，由青岚省科学技术协会主办的2026年“科普进社区”系列活动在云川市启动。",
        dateline="本报讯",
        body=(
            "<p>3月12日，由青岚省科学技术协会主办的2026年“科普进社区”系列活动在云川市启动。活动将持续至11月，"
            "覆盖全省9个市（州）的120个城乡社区，以讲座、展览、互动实验等形式，把前沿科技知识送到群众身边。</p>"
            "<p>启动仪式上，省科协副主席梁慕青介绍了今年活动的总体安排。她表示，今年的活动将重点围绕人工智能、"
            "防灾减灾和健康生活三个主题，组织200余名科普志愿者深入基层，力争让更多居民在家门口就能"
            "“看得见、摸得着、学得会”。</p>"
            "<p>现场设置了机器人编程、地震模拟体验、家庭急救等8个互动展区，吸引了近千名居民参与。"
            "“以前觉得人工智能离我们很远，今天亲手给机器人写了一段程序，才发现原来并不难。”"
            "带着孩子前来体验的居民陈女士说。</p>"
        ),
        image=picture("lead.jpg"), image_caption="启动仪式现场，居民在互动展区体验机器人编程。", image_credit="周远帆 摄",
        tags=["科学普及", "人工智能"], organizations=[association, centre], events=[event],
        authors=[lin, (zhou, Byline.Role.PHOTOGRAPHER), (xu, Byline.Role.EDITOR)],
    )  # fmt: skip
    article_in_state(
        "published", **common, page=pages[1], position=2, section=news,
        title="青岚省发布科技成果转化三年行动计划", subtitle="到2028年，技术合同成交额突破800亿元",
        dateline="本报讯", tags=["成果转化"], authors=[wang],
    )  # fmt: skip
    article_in_state(
        "published", **common, page=pages[2], position=1, section=comprehensive,
        title="青岚大学与三家企业共建新材料联合实验室", dateline="本报讯", tags=["新材料", "科学普及"],
        organizations=[university], authors=[(su, Byline.Role.CORRESPONDENT), wang],
    )  # fmt: skip
    article_in_state(
        "published", **common, page=pages[3], position=1, section=pictures, title="春耕时节 无人机“飞”进田间",
        image=picture("spring.jpg", sun=(250, 230, 150)), image_caption="农技人员操作植保无人机进行播种作业。",
        image_credit="周远帆 摄", authors=[(zhou, Byline.Role.PHOTOGRAPHER)],
    )  # fmt: skip
    article_in_state(
        "published", **common, page=pages[4], position=1, section=opinion, title="让科学精神在青少年心中生根发芽",
        author_note="作者系青岚省科普作家协会副理事长", tags=["科学普及"], organizations=[association],
        authors=[(han, Byline.Role.AUTHOR)],
    )  # fmt: skip
    article_in_state("draft", **common, page=pages[1], position=3, title="尚未签发的稿件")
    for n, title in enumerate(
        ["省科技馆“春季科学营”开始报名", "云川市建成首个县域算力中心", "全省科技馆免费开放服务人次创新高"]
    ):
        article_in_state(
            "published", title=title, section=news, tags=["科学普及"], authors=[lin if n % 2 else wang]
        )
    return {"issue": issue, "lead": lead, "author": lin, "organization": association, "event": event,
            "section": news}  # fmt: skip


def page_urls(d) -> dict[str, tuple[str, int]]:
    """Every page type, with the status its main document must have."""
    return {
        "home": ("/", 200),
        "issues": (reverse("articles:issues"), 200),
        "issue": (d["issue"].get_absolute_url(), 200),
        "article": (d["lead"].get_absolute_url(), 200),
        "author": (d["author"].get_absolute_url(), 200),
        "organization": (d["organization"].get_absolute_url(), 200),
        "event": (d["event"].get_absolute_url(), 200),
        "tag": (reverse("articles:tag", args=["科学普及"]), 200),
        "section": (d["section"].get_absolute_url(), 200),
        "404": ("/articles/999999/", 404),
        "500": ("/boom/", 500),
    }


# WCAG contrast of every element's own text against the first opaque background behind it.
CONTRAST_CHECK = """
() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
                                 if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const failures = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || style.visibility === 'hidden' || style.display === 'none' || el.closest('.visually-hidden, .skip-link')) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const fg = lum(parse(style.color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${el.tagName}.${el.className} ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 20)}"`);
  }
  return failures;
}
"""


def shoot(page, name: str) -> None:
    """Save the viewport as docs/screenshots/<name>.png (only with SAVE_SCREENSHOTS=1), quantized to stay small."""
    if not SAVE_SCREENSHOTS:
        return
    from PIL import Image

    image = Image.open(io.BytesIO(page.screenshot(type="png"))).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOT_DIR / f"{name}.png"
    small.save(target, format="PNG", optimize=True)
    assert target.stat().st_size < MAX_SCREENSHOT_BYTES, f"{target.name} is {target.stat().st_size} bytes"


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_renders_cleanly(new_context, live_server, newspaper, width):
    context = new_context(viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    problems = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    documents = {}

    def on_response(response):
        if response.request.resource_type == "document":
            documents[response.url] = response.status
        elif response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    for name, (url, status) in page_urls(newspaper).items():
        problems.clear()
        response = page.goto(live_server.url + url, wait_until="load")
        assert response.status == status, name
        page.wait_for_load_state("networkidle")
        # A 404 or 500 page logs its own status as a console error: that is the page doing its job.
        expected_console = [p for p in problems if not (status >= 400 and f"status of {status}" in p)]
        assert expected_console == [], (name, width, expected_console)
        assert page.evaluate("document.fonts.status") == "loaded"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px"
        assert page.locator("h1").count() == 1, name
        assert page.locator("main").count() == 1 and page.locator("header.masthead").count() == 1, name
        assert page.locator("img:not([alt])").count() == 0, name
        for image in page.locator("img").all():
            assert image.evaluate("img => img.complete && img.naturalWidth > 0"), (
                name,
                image.get_attribute("src"),
            )
        assert page.evaluate(CONTRAST_CHECK) == [], name
        shoot(page, f"reader-{name}-{width}")


def test_article_typography_focus_and_print(new_context, live_server, newspaper):
    page = new_context().new_page()
    page.goto(live_server.url + newspaper["lead"].get_absolute_url())
    body = page.locator(".story__body")
    style = body.evaluate(
        "el => { const s = getComputedStyle(el); const p = getComputedStyle(el.querySelector('p'));"
        " return {align: s.textAlign, lineHeight: parseFloat(s.lineHeight) / parseFloat(s.fontSize),"
        " width: el.getBoundingClientRect().width / parseFloat(s.fontSize), indent: parseFloat(p.textIndent) /"
        " parseFloat(s.fontSize), family: s.fontFamily}; }"
    )
    assert style["align"] == "justify"
    assert 1.7 <= style["lineHeight"] <= 1.9
    assert style["width"] <= 36.5  # the measure: at most 36 characters a line
    assert style["indent"] == pytest.approx(2)
    assert "Serif CJK" in style["family"]
    # Hierarchy: the title is the biggest type, the kicker and subtitle smaller.
    sizes = {
        part: page.locator(f".story__{part}").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        for part in ("kicker", "title", "subtitle")
    }
    assert sizes["title"] > sizes["subtitle"] and sizes["title"] > sizes["kicker"]
    # Keyboard: the first Tab lands on the visible skip link, which leads to the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement; const r = el.getBoundingClientRect();"
        " return {cls: el.className, top: r.top, outline: getComputedStyle(el).outlineStyle}; }"
    )
    assert focused["cls"] == "skip-link" and focused["top"] >= 0 and focused["outline"] != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # Print: navigation, search and related links are gone; the article stays.
    page.emulate_media(media="print")
    assert page.locator(".masthead__nav").is_hidden()
    assert page.locator(".site-search").is_hidden()
    assert page.locator(".related").count() == 0 or page.locator(".related").is_hidden()
    assert page.locator(".story__body").is_visible()
