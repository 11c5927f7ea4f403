"""Fixtures for the digital-edition tests: no page cache between requests, and a laid-out issue."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from tests.factories import IssueFactory, IssuePageFactory

from .helpers import area, article_on, attach_pdf, png_bytes


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Every request renders: what a test sees comes from the database as it is now."""
    settings.PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def edition(db):
    """Issue 1301 of 2026-03-06, three pages (版):

    - 第1版 要闻: a published lead and a published second story, each with an area; beside them one article in
      every unpublished state (draft, review, scheduled, withdrawn), each with its own area;
    - 第2版 综合: one published story with two areas (its text continues in a second block);
    - 第3版 科普: a draft only.

    Page 1 has a PDF and the image rendered from it; page 2 has an image stored without the edition's naming
    (so no thumbnail beside it) and no PDF; page 3 has neither. Issue 1300 (a week earlier) is public too; issue 1302
    has only a draft.
    """
    from edition.images import render_page_image

    earlier = IssueFactory(number=1300, date=datetime.date(2026, 2, 27))
    earlier_page = IssuePageFactory(issue=earlier, number=1, name="要闻")
    article_on(earlier_page, "上期头条：青岚省科协召开年度工作会议")

    issue = IssueFactory(number=1301, date=datetime.date(2026, 3, 6))
    front = IssuePageFactory(issue=issue, number=1, name="要闻")
    second = IssuePageFactory(issue=issue, number=2, name="综合")
    third = IssuePageFactory(issue=issue, number=3, name="科普")
    attach_pdf(front)
    render_page_image(front)
    second.image.save("scan.png", ContentFile(png_bytes()), save=True)  # a scan stored some other way

    lead = article_on(front, "青岚省首个县域科技馆联盟成立", position=1, kicker="让科普资源流动起来")
    second_story = article_on(
        front, "云川市启动春季科技下乡活动", position=2, subtitle="百名专家走进三十个乡镇"
    )
    area(front, lead, 0.05, 0.08, 0.9, 0.4)
    area(front, second_story, 0.05, 0.5, 0.44, 0.3)
    hidden = {}
    for index, state in enumerate(["draft", "review", "scheduled", "withdrawn"]):
        article = article_on(
            front, f"未公开稿件（{state}）：白沙镇智慧农业示范区验收", state, position=3 + index
        )
        area(front, article, 0.51 + 0.1 * (index % 2), 0.5 + 0.15 * (index // 2), 0.09, 0.14)
        hidden[state] = article

    feature = article_on(second, "春耕时节 无人机“飞”进田间", position=1)
    area(second, feature, 0.05, 0.1, 0.6, 0.3)
    area(second, feature, 0.7, 0.1, 0.25, 0.6)
    draft_only = article_on(third, "草稿：寒潮过后如何护苗", "draft")

    later = IssueFactory(number=1302, date=datetime.date(2026, 3, 13))
    article_on(IssuePageFactory(issue=later, number=1, name="要闻"), "下期草稿：科技活动周筹备进展", "draft")
    return {
        "issue": issue,
        "earlier": earlier,
        "later": later,
        "pages": [front, second, third],
        "lead": lead,
        "second": second_story,
        "hidden": hidden,
        "feature": feature,
        "draft_only": draft_only,
    }
