"""The article list in a real browser (headless Chromium): at 1280 px an editor's list of ~20 articles with long
Chinese titles has no sideways scrolling (neither the page nor the table's own box) and every title takes at
most two lines; at 1024 px it is still usable, with no sideways scrolling. The columns: articles/admin/columns.py.

With SAVE_SCREENSHOTS=1 the list at 1280 px is saved as docs/screenshots/desk-01-list.png for docs/editors-guide.md.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Byline
from tests.browser.conftest import browser, new_context  # noqa: F401  (the shared real-browser fixtures)
from tests.browser.test_editorial_loop import shoot
from tests.factories import ArticleFactory, AuthorFactory, IssuePageFactory, SectionFactory, editor, reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLES = [
    "青岚省科协联合十二所高校和三十家企业启动2026年度青年科技人才托举工程暨基层科普骨干能力提升计划",
    "云川市建成覆盖全部乡镇的县域算力中心网络，首批二十个智慧农业、智慧医疗和应急管理应用场景同步上线运行",
    "高校科研团队历时五年攻克锂电池隔膜关键工艺，产品性能指标达到国际先进水平并在三家龙头企业实现量产",
    "省气象局发布春季强对流天气防范提示",
]

MEASURE = """() => {
  const results = document.querySelector('#changelist .results') || document.querySelector('#result_list');
  const titles = [...document.querySelectorAll('#result_list .list-title')].map(el => {
    const style = getComputedStyle(el);
    return {text: el.textContent, height: el.getBoundingClientRect().height,
            lineHeight: parseFloat(style.lineHeight)};
  });
  return {
    pageScroll: document.documentElement.scrollWidth, pageWidth: document.documentElement.clientWidth,
    boxScroll: results.scrollWidth, boxWidth: results.clientWidth, titles,
  };
}"""


def _newsroom():
    desk = editor("desk_lists", first_name="知远", last_name="林")
    writer = reporter("desk_writer", first_name="启航", last_name="王")
    sections = [SectionFactory(name=n) for n in ("要闻", "综合", "科普", "观点")]
    page = IssuePageFactory(issue__number=2718, number=2)
    authors = [AuthorFactory(name=n) for n in ("林知远", "王启航", "苏晴", "周远帆")]
    states = [{}, {"review": True}, {"published": True}, {"scheduled": True}, {"withdrawn": True}]
    for i in range(20):
        article = ArticleFactory(
            created_by=writer,
            title=LONG_TITLES[i % len(LONG_TITLES)] + f"（{i}）",
            section=sections[i % 4],
            issue=page.issue if i % 2 else None,
            page=page if i % 2 else None,
            authors=[authors[i % 4], authors[(i + 1) % 4], (authors[(i + 2) % 4], Byline.Role.PHOTOGRAPHER)],
            **states[i % len(states)],
        )
        article.updated_by = desk
        article.save()
    ArticleFactory._meta.model.objects.filter(pk=article.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=1)
    )
    return desk


def _open_list(new_context, live_server, user, width):  # noqa: F811
    client = Client()
    client.force_login(user)
    context = new_context(viewport={"width": width, "height": 800})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    response = page.goto(live_server.url + "/admin/articles/article/")
    assert response.status == 200
    return page


def test_the_article_list_fits_1280_and_1024_with_titles_on_two_lines(new_context, live_server):  # noqa: F811
    desk = _newsroom()
    for width in (1280, 1024):
        page = _open_list(new_context, live_server, desk, width)
        found = page.evaluate(MEASURE)
        assert len(found["titles"]) == 20
        assert found["pageScroll"] <= found["pageWidth"], f"{width} px: the page scrolls sideways: {found}"
        assert found["boxScroll"] <= found["boxWidth"], f"{width} px: the list scrolls sideways: {found}"
        if width == 1280:
            too_tall = [t for t in found["titles"] if t["height"] > 2 * t["lineHeight"] + 1]
            assert not too_tall, f"titles on more than two lines at 1280 px: {too_tall}"
            assert any(t["height"] > 1.5 * t["lineHeight"] for t in found["titles"]), (
                "long titles should wrap"
            )
        # Usable: the title of every row is on screen, status labels are whole.
        labels = page.locator("#result_list .field-status_label .state")
        assert labels.count() == 20
        box = labels.first.bounding_box()
        assert box and box["x"] + box["width"] <= width
        bylines = page.locator("#result_list .field-byline_names").first.inner_text()
        assert any(name in bylines for name in ("林知远", "王启航", "苏晴", "周远帆"))
        if width == 1280:
            shoot(page, "desk-01-list")
