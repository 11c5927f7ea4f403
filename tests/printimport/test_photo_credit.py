"""Photo bylines become the imported article's picture credit (printimport/service.py, `photo_credit`)."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, Byline
from printimport.parser import ROLE_PHOTOGRAPHER, ROLE_REPORTER, ParsedArticle, ParsedByline, parse_page
from printimport.service import execute_import, photo_credit, plan_import
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SAMPLE = (Path(__file__).resolve().parent / "pages" / "sample.txt").read_bytes()
DAY = datetime.date(2026, 3, 18)
TITLE = "青岚省青少年科技创新大赛落幕"
PARAGRAPH = "青岚省青少年科技创新大赛日前在星河新区落幕，来自全省的380件作品参加了终评。"


def run(data: bytes, number: int = 1024):
    return execute_import(plan_import(data, number, DAY), UserFactory(username=f"desk-{number}"))


def one_article(*closings: str) -> bytes:
    return "\n\n".join([TITLE, PARAGRAPH, *closings]).encode() + b"\n"


def test_the_sample_page_credits_its_photo_news_and_nothing_else():
    run(SAMPLE)
    credits = dict(Article.objects.values_list("title", "image_credit"))
    assert credits.pop("春耕时节 无人机“飞”进田间") == "周远帆 摄"
    assert set(credits.values()) == {""}  # reporters, correspondents and authors are no picture credit
    photographer = Byline.objects.get(article__title="春耕时节 无人机“飞”进田间")
    assert (photographer.author.name, photographer.role) == ("周远帆", ROLE_PHOTOGRAPHER)  # still a byline


CREDITS = [
    (["(周远帆 摄)"], "周远帆 摄"),
    (["（邱子墨 刘语桐 摄影报道）"], "邱子墨 刘语桐 摄影报道"),
    (["(本报记者 沈砚秋 摄)"], "沈砚秋 摄"),
    (["(通讯员 乔木 本报记者 贺知秋 摄)"], "贺知秋 摄"),
    (["（周可摄影）"], "周可 摄影"),
    (["(摄影 周可)"], "周可 摄影"),
    (["(周可 摄)", "(本报记者 贺知秋)"], "周可 摄"),
    (["(周可 摄 邱子墨 摄影报道)"], "周可 摄 邱子墨 摄影报道"),
    (["(周可 摄)", "(周可 摄)"], "周可 摄"),
    (["(本报记者 贺知秋)"], ""),
    (["(柳青禾)"], ""),
]


@pytest.mark.parametrize(("closings", "credit"), CREDITS, ids=[" ".join(c) for c, _ in CREDITS])
def test_photo_bylines_become_the_credit_as_printed(closings, credit):
    report = run(one_article(*closings))
    assert report.created[0].image_credit == credit
    assert Article.objects.get().image_credit == credit


def test_a_credit_too_long_for_the_field_is_left_empty_not_cut():
    names = [f"欧阳{c}文" for c in "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"]  # 22 × 5 characters
    parsed = ParsedArticle("t", bylines=[ParsedByline(name, ROLE_PHOTOGRAPHER, "摄") for name in names])
    assert photo_credit(parsed) == ""
    parsed.bylines = parsed.bylines[:3] + [ParsedByline("贺知秋", ROLE_REPORTER)]
    assert photo_credit(parsed) == "欧阳甲文 欧阳乙文 欧阳丙文 摄"


def test_the_photo_word_is_not_part_of_a_bylines_equality():
    """The parser's tests compare bylines by name and role; the printed word rides along."""
    [byline] = parse_page(one_article("(周可 摄影报道)").decode())[0].bylines
    assert byline == ParsedByline("周可", ROLE_PHOTOGRAPHER) and byline.photo_word == "摄影报道"


def test_importing_again_keeps_the_credit_an_editor_typed():
    run(SAMPLE)
    article = Article.objects.get(title="春耕时节 无人机“飞”进田间")
    article.image_credit = "周远帆 本报资料图片"
    article.save(update_fields=["image_credit"])
    emptied = Article.objects.get(title="让科学精神在青少年心中生根发芽")
    report = run(SAMPLE)
    assert not report.created
    article.refresh_from_db()
    emptied.refresh_from_db()
    assert article.image_credit == "周远帆 本报资料图片"
    assert emptied.image_credit == ""


def test_the_dry_run_shows_the_credit_it_would_set(tmp_path, capsys):
    path = tmp_path / "page.txt"
    path.write_bytes(SAMPLE)
    call_command("import_issue", str(path), "--number", "1024", "--date", "2026-03-18", "--dry-run")
    out = capsys.readouterr().out
    assert out.count("周远帆 摄") == 1
    assert not Article.objects.exists()
