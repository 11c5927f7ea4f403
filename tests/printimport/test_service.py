"""The print-page import service (printimport/service.py) and the `import_issue` command over it."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from articles.models import Article, ArticleOrganization, ArticleStatus, Byline, Issue, IssuePage, Section
from people.models import Author, Organization
from printimport import service as importing
from printimport.parser import PrintPageError
from printimport.service import PageImportError, describe_error, execute_import, plan_import
from tests.factories import AuthorFactory, IssueFactory, IssuePageFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parent / "pages"
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (PAGES / "sample.txt").read_bytes()
DAY = datetime.date(2026, 3, 18)


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def row_counts() -> dict[str, int]:
    models = (Issue, IssuePage, Article, Byline, Author, Section, ArticleOrganization, Version)
    return {model.__name__: model.objects.count() for model in models}


def run(data: bytes, number: int = 1024, date: datetime.date = DAY, user=None, **kwargs):
    return execute_import(plan_import(data, number, date, **kwargs), user or UserFactory(username="desk"))


def credits(article: Article) -> list[tuple[str, str]]:
    return [(b.author.name, b.role) for b in article.bylines.select_related("author").order_by("order")]


def paragraphs(article: Article) -> int:
    return article.body.count("<p>")


# ----- the sample page, exactly as the table in print-page-format.md -----


def test_the_sample_page_imports_as_the_format_document_says():
    user = UserFactory(username="editor-on-duty")
    report = run(SAMPLE, user=user)

    issue = Issue.objects.get()
    assert (issue.number, issue.date) == (1024, DAY)
    assert report.issue_created and report.page_created
    page_ = IssuePage.objects.get()
    assert (page_.issue, page_.number) == (issue, 1)
    articles = list(Article.objects.filter(issue=issue, page=page_).order_by("position"))
    assert [a.position for a in articles] == [1, 2, 3, 4, 5]
    assert [a.title for a in articles] == [
        "青岚省科协启动2026年“科普进社区”系列活动",
        "青岚大学与三家企业共建新材料联合实验室",
        "春耕时节 无人机“飞”进田间",
        "让科学精神在青少年心中生根发芽",
        "青岚省发布科技成果转化三年行动计划",
    ]
    assert articles[4].subtitle == "到2028年,技术合同成交额突破800亿元"
    assert all(a.status == ArticleStatus.DRAFT and a.published_at is None for a in articles)
    assert all(a.created_by == user for a in articles)
    assert not Article.objects.published().exists()
    assert [a.section.name if a.section else "" for a in articles] == ["", "", "图片新闻", "", ""]
    assert [a.dateline for a in articles] == ["本报讯", "本报讯", "", "", "本报讯"]
    assert [credits(a) for a in articles] == [
        [("林知远", "reporter")],
        [("苏晴", "correspondent"), ("王启航", "reporter")],
        [("周远帆", "photographer")],
        [("韩书言", "author")],
        [("王启航", "reporter")],
    ]
    assert [paragraphs(a) for a in articles] == [3, 3, 1, 3, 3]
    assert "参与的创新生态。</p>" in articles[1].body  # joined across the column break
    assert "成为一种思维习惯而不只是一门学科" in articles[3].body
    assert not articles[0].body.startswith("<p>本报讯")  # the dateline is a field, not body text
    assert articles[3].author_note == "作者系青岚省科普作家协会副理事长"
    assert [a.author_note for a in articles if a.pk != articles[3].pk] == ["", "", "", ""]

    assert Author.objects.count() == 5
    wang = Author.objects.get(name="王启航")
    assert wang.bylines.count() == 2 and wang.kind == Author.Kind.STAFF
    kinds = dict(Author.objects.values_list("name", "kind"))
    assert kinds == {
        "林知远": "staff",
        "苏晴": "correspondent",
        "王启航": "staff",
        "周远帆": "photographer",
        "韩书言": "contributor",
    }
    assert [c.name for c in report.new_authors] == ["林知远", "苏晴", "王启航", "周远帆", "韩书言"]
    assert report.new_sections == ["图片新闻"]


def test_the_report_lists_titles_bylines_paragraphs_and_organizations():
    Organization.objects.create(name="青岚省科学技术协会", aliases="省科协")
    report = run(SAMPLE)
    first = report.articles[0]
    assert first.title.startswith("青岚省科协启动") and first.paragraph_count == 3
    assert first.credits == [("林知远", str(Byline.Role.REPORTER.label))]
    assert [o.name for o in first.organizations] == ["青岚省科学技术协会"]
    assert [a.article for a in report.created] == list(Article.objects.order_by("position"))
    assert report.skipped == []


def test_imported_articles_have_a_first_revision_by_the_importer():
    user = UserFactory(username="night-desk")
    report = run(SAMPLE, user=user)
    article = report.articles[1].article
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 1
    assert versions[0].revision.user == user
    # The revision holds the bylines, so the first revision can be restored as imported.
    assert {v.object_id for v in versions[0].revision.version_set.filter(content_type__model="byline")} == {
        str(b.pk) for b in article.bylines.all()
    }


# ----- pages written for these tests -----


def test_both_punctuation_widths_and_a_last_article_without_byline():
    report = run(page("import-widths.txt"))
    articles = list(Article.objects.order_by("position"))
    assert [a.title for a in articles] == [
        "云川市启用首个社区科普驿站",
        "星河新区发布人工智能产业扶持政策",
        "科普场馆要把“冷门”变“热门”",
        "青岚省举办青少年编程挑战赛",
    ]
    assert [credits(a) for a in articles] == [
        [("苏晴", "correspondent"), ("林知远", "reporter")],  # （通讯员 苏晴，本报记者 林知远）after 本报讯
        [("贺知秋", "reporter"), ("苏晴", "correspondent")],  # (本报记者 贺知秋,通讯员 苏晴)
        [("方若溪", "author")],
        [],  # the last article of the page has no byline
    ]
    assert [a.section.name if a.section else "" for a in articles] == ["要闻", "", "", "简讯"]
    assert [paragraphs(a) for a in articles] == [2, 2, 2, 1]
    assert "集聚相关企业200家以上。</p>" in articles[1].body
    assert articles[2].author_note == "作者系青岚省科技馆副馆长"
    assert report.page.name == "要闻"  # the header at the top of the page names it
    su = Author.objects.get(name="苏晴")
    assert su.bylines.count() == 2 and su.kind == Author.Kind.CORRESPONDENT


def test_an_opinion_piece_without_a_header_goes_to_the_opinion_section_when_there_is_one():
    opinion = Section.objects.create(name="观点", is_opinion=True)
    run(SAMPLE)
    run(page("import-widths.txt"), page_number=2)
    run(page("import-organizations.txt"), page_number=3)
    by_title = {a.title: a.section for a in Article.objects.select_related("section")}
    assert by_title["让科学精神在青少年心中生根发芽"] == opinion  # names under the title and an author note
    assert by_title["科普场馆要把“冷门”变“热门”"] == opinion
    assert by_title["青岚大学与三家企业共建新材料联合实验室"] is None  # news stays without a section
    assert by_title["小小气象站 连着大课堂"] is None  # a bare name closing a story is not the opinion layout
    assert by_title["春耕时节 无人机“飞”进田间"].name == "图片新闻"


def test_without_a_section_named_opinion_the_section_flagged_opinion_is_used():
    Section.objects.create(name="要闻", order=1)
    commentary = Section.objects.create(name="评论", order=5, is_opinion=True)
    plan = plan_import(SAMPLE, 1024, DAY)
    assert [a.section for a in plan.articles] == ["", "", "图片新闻", "评论", ""]
    assert plan.articles[3].section_inferred and not plan.articles[3].section_is_new
    execute_import(plan, UserFactory())
    assert Article.objects.get(title__startswith="让科学精神").section == commentary
    assert not Section.objects.filter(name="观点").exists()  # never created for an inferred opinion piece


def test_organizations_are_linked_by_name_short_name_and_alias_longest_first():
    association = Organization.objects.create(
        name="青岚省科学技术协会", short_name="青岚科协", aliases="省科协"
    )
    university = Organization.objects.create(name="青岚大学", short_name="青大")
    school = Organization.objects.create(name="青岚大学材料学院", parent=university)
    academy = Organization.objects.create(
        name="云川市农业科学研究院", aliases="云川农业科学研究院\n云川农科院"
    )
    company = Organization.objects.create(name="明石新能源科技有限公司", short_name="明石新能源")
    Organization.objects.create(name="北坪县科学技术协会", aliases="北坪县科协")  # not on the page
    run(page("import-organizations.txt"))
    linked = {a.title: set(a.organizations.all()) for a in Article.objects.prefetch_related("organizations")}
    # 青岚大学 stands only inside 青岚大学材料学院: the school is linked, not the university as well.
    assert linked["省科协组织专家赴山区县开展科技助农服务"] == {association, school, academy}
    assert linked["明石新能源储能电站并网发电"] == {company}
    assert linked["小小气象站 连着大课堂"] == set()


def test_an_organization_is_linked_when_it_is_also_named_on_its_own():
    university = Organization.objects.create(name="青岚大学")
    school = Organization.objects.create(name="青岚大学材料学院", parent=university)
    text = (
        "青岚大学材料学院储能团队获省科技进步奖\n\n"
        "本报讯 近日，青岚大学材料学院储能团队的钠离子电池项目获省科技进步一等奖。青岚大学将在配套经费上给予支持。"
        "（本报记者 林知远）\n"
    )
    run(text.encode())
    assert set(Article.objects.get().organizations.all()) == {university, school}


# ----- authors -----


def test_an_author_is_reused_when_exactly_one_has_the_name_and_created_when_none_or_several():
    lin = AuthorFactory(name="林知远", kind=Author.Kind.STAFF)
    namesakes = [AuthorFactory(name="王启航"), AuthorFactory(name="王启航")]
    plan = plan_import(SAMPLE, 1024, DAY)
    by_name = {c.name: c for c in plan.authors}
    assert by_name["林知远"].author == lin and not by_name["林知远"].is_new
    assert by_name["王启航"].is_new and by_name["王启航"].is_ambiguous and by_name["王启航"].matches == 2
    assert by_name["苏晴"].is_new and not by_name["苏晴"].is_ambiguous
    assert {c.name for c in plan.new_authors} == {"苏晴", "王启航", "周远帆", "韩书言"}

    report = run(SAMPLE)
    assert Author.objects.filter(name="林知远").count() == 1
    assert Byline.objects.filter(author=lin).count() == 1
    wangs = Author.objects.filter(name="王启航")
    assert wangs.count() == 3
    new_wang = wangs.exclude(pk__in=[a.pk for a in namesakes]).get()
    # Within one page a name is one person: both of 王启航's bylines point at the one created.
    assert new_wang.bylines.count() == 2
    assert [c.name for c in report.new_authors if c.is_ambiguous] == ["王启航"]


def test_a_name_printed_twice_with_one_role_in_one_byline_is_one_byline():
    text = (
        "青岚省科技馆举办开放日活动\n\n本报讯 3月7日，青岚省科技馆举办开放日活动，吸引了3000余名市民参观。"
        "（本报记者 林知远 本报记者 林知远）\n"
    )
    run(text.encode())
    assert credits(Article.objects.get()) == [("林知远", "reporter")]


# ----- idempotence and atomicity -----


def test_importing_the_same_page_again_creates_nothing_new():
    Organization.objects.create(name="青岚省科学技术协会", aliases="省科协")
    run(SAMPLE)
    before = row_counts()
    report = run(SAMPLE)
    assert row_counts() == before
    assert not report.issue_created and not report.page_created
    assert report.created == [] and len(report.skipped) == 5
    assert [a.article for a in report.skipped] == list(Article.objects.order_by("position"))
    assert report.new_authors == [] and report.new_sections == []


def test_a_page_partly_imported_gets_only_its_missing_articles():
    run(SAMPLE)
    Article.objects.filter(title="春耕时节 无人机“飞”进田间").delete()
    report = run(SAMPLE)
    assert [a.title for a in report.created] == ["春耕时节 无人机“飞”进田间"]
    assert report.created[0].article.position == 3
    assert Author.objects.filter(name="周远帆").count() == 1  # reused: exactly one has the name now
    assert Article.objects.count() == 5


def test_an_error_in_the_third_article_writes_nothing_and_names_the_line():
    before = row_counts()
    with pytest.raises(PrintPageError) as caught:
        run(page("import-bad-third.txt"))
    assert caught.value.line == 13
    assert "13" in describe_error(caught.value)
    assert row_counts() == before


def test_a_failure_while_writing_writes_nothing(monkeypatch):
    Section.objects.create(name="要闻")
    before = row_counts()
    create = Article.objects.create
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs["title"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return create(**kwargs)

    monkeypatch.setattr(Article.objects, "create", failing_create)
    with pytest.raises(RuntimeError):
        run(SAMPLE)
    assert len(calls) == 3
    assert row_counts() == before  # no issue, page, section, author, article, byline or revision


def test_a_field_too_long_for_the_database_is_refused_with_the_line_of_its_title():
    subtitle = "——" + "记青岚省科技特派员扎根山区二十年带领村民发展特色产业的故事" * 8
    text = f"山里来了科技特派员\n\n{subtitle}\n\n本报讯 近日，记者走进岭西县，记录科技特派员的一天。（本报记者 林知远）\n"
    assert len(subtitle) > Article._meta.get_field("subtitle").max_length
    with pytest.raises(PageImportError) as caught:
        plan_import(text.encode(), 1024, DAY)
    assert caught.value.line == 1
    assert Article.objects.count() == 0


def test_a_database_refusal_while_writing_is_a_clear_error_and_writes_nothing(monkeypatch):
    plan = plan_import(SAMPLE, 1024, DAY)
    IssueFactory(number=1024, date=DAY)
    before = row_counts()
    # As if another import created the issue between this one's check and its insert.
    monkeypatch.setattr(importing, "_find_issue", lambda number, date, lock: None)
    with pytest.raises(PageImportError) as caught:
        execute_import(plan, UserFactory())
    assert caught.value.line is None and caught.value.message
    assert row_counts() == before


WORDS = ["本报讯", "（本报记者 林知远）", "(通讯员 苏晴)", "(周远帆 摄)", "（作者系青岚大学教授）", "图片新闻", "TU PIAN XIN WEN",
         "青岚省科协", "韩书言 方若溪", "——副题", "。", "，", ",", "、", "“", "”", "(", "）", "\n", "\n\n", " ", "2026年"]  # fmt: skip


@given(
    st.one_of(
        st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=40).map(
            lambda parts: "".join(parts).encode("utf-8")
        ),
        st.binary(max_size=200),
    )
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_planning_any_input_fails_only_with_a_clear_error_and_never_writes(data):
    try:
        plan = plan_import(data, 1024, DAY)
    except PrintPageError as exc:
        assert exc.message and (exc.line is None or exc.line >= 1)
    else:
        assert plan.articles and all(a.title for a in plan.articles)
    assert Issue.objects.count() == 0 and Author.objects.count() == 0


# ----- refusals -----


def test_the_same_number_with_another_date_is_refused_naming_both_dates():
    IssueFactory(number=1024, date=DAY)
    before = row_counts()
    with pytest.raises(PageImportError) as caught:
        plan_import(SAMPLE, 1024, datetime.date(2026, 3, 25))
    assert "2026-03-18" in caught.value.message and "2026-03-25" in caught.value.message
    assert row_counts() == before


def test_a_date_taken_by_another_number_is_refused_naming_both_numbers():
    IssueFactory(number=1023, date=DAY)
    with pytest.raises(PageImportError) as caught:
        plan_import(SAMPLE, 1024, DAY)
    assert "1023" in caught.value.message and "1024" in caught.value.message
    assert Issue.objects.count() == 1


def test_a_conflict_arising_after_the_plan_is_caught_when_writing():
    plan = plan_import(SAMPLE, 1024, DAY)
    assert plan.issue is None
    IssueFactory(number=1024, date=datetime.date(2026, 3, 11))  # someone else, meanwhile
    before = row_counts()
    with pytest.raises(PageImportError) as caught:
        execute_import(plan, UserFactory())
    assert "2026-03-11" in caught.value.message
    assert row_counts() == before


@pytest.mark.parametrize(
    "data, line",
    [
        ("青岚省科协启动科普活动\n\n本报讯 3月12日活动启动。\n".encode("gbk"), 1),
        (SAMPLE.decode().encode("gb18030"), 3),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3),
        ("标题\n\n本报讯 正文。\n".encode("utf-16"), None),
    ],
    ids=["gbk", "gb18030-sample", "png", "utf-16"],
)
def test_a_file_that_is_not_utf8_text_is_refused_with_the_line(data, line):
    with pytest.raises(PrintPageError) as caught:
        plan_import(data, 1024, DAY)
    assert caught.value.line == line and caught.value.message
    assert row_counts()["Issue"] == 0


def test_a_file_larger_than_a_page_is_refused():
    with pytest.raises(PageImportError):
        plan_import(SAMPLE * (importing.MAX_PAGE_BYTES // len(SAMPLE) + 1), 1024, DAY)


@pytest.mark.parametrize(
    "kwargs",
    [{"number": 0}, {"number": "1024"}, {"page_number": 0}, {"date": "2026-03-18"}, {"page_name": "版" * 41}],
)
def test_bad_arguments_are_refused(kwargs):
    arguments = {"number": 1024, "date": DAY, **kwargs}
    with pytest.raises(PageImportError):
        plan_import(SAMPLE, **arguments)


def test_an_import_needs_a_user():
    with pytest.raises(PageImportError):
        execute_import(plan_import(SAMPLE, 1024, DAY), None)
    assert Issue.objects.count() == 0


# ----- issue and page -----


def test_an_existing_issue_and_page_are_reused_and_the_page_keeps_its_name():
    issue = IssueFactory(number=1024, date=DAY)
    existing = IssuePageFactory(issue=issue, number=2, name="综合")
    report = run(page("import-widths.txt"), page_number=2)
    assert not report.issue_created and not report.page_created and not report.page_renamed
    existing.refresh_from_db()
    assert existing.name == "综合"  # a header on the page does not rename a named page
    assert set(Article.objects.values_list("page", flat=True)) == {existing.pk}


def test_the_page_name_given_wins_and_renames_an_existing_page():
    report = run(SAMPLE, page_name="要闻")
    assert report.page.name == "要闻"
    report = run(page("import-widths.txt"), page_name="综合")
    assert report.page_renamed and IssuePage.objects.get().name == "综合"


def test_a_page_without_a_header_at_the_top_gets_no_name_from_a_header_further_down():
    report = run(SAMPLE)  # 图片新闻 stands above the third article: a column, not the page
    assert report.page.name == ""


def test_planning_writes_nothing_and_costs_a_fixed_number_of_queries(django_assert_num_queries):
    AuthorFactory(name="林知远")
    Organization.objects.create(name="青岚省科学技术协会", aliases="省科协")
    before = row_counts()
    # section names, issue, sections, organizations, author name counts, the authors found
    with django_assert_num_queries(6):
        plan = plan_import(SAMPLE, 1024, DAY)
    assert row_counts() == before
    assert len(plan.to_create) == 5 and plan.issue is None and plan.page is None


# ----- the command -----


@pytest.fixture
def sample_file(tmp_path):
    path = tmp_path / "page1.txt"
    path.write_bytes(SAMPLE)
    return path


def command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_issue", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_dry_run_prints_the_parse_and_writes_nothing(sample_file):
    before = row_counts()
    out = command(sample_file, "--number", 1024, "--date", "2026-03-18", "--dry-run")
    assert row_counts() == before
    for title in (
        "青岚省科协启动2026年“科普进社区”系列活动",
        "春耕时节 无人机“飞”进田间",
        "让科学精神在青少年心中生根发芽",
    ):
        assert title in out
    reporter, correspondent = str(Byline.Role.REPORTER.label), str(Byline.Role.CORRESPONDENT.label)
    assert f"苏晴（{correspondent}），王启航（{reporter}）" in out
    assert f"韩书言（{Byline.Role.AUTHOR.label}）" in out
    assert f"周远帆（{Byline.Role.PHOTOGRAPHER.label}）" in out
    assert "作者系青岚省科普作家协会副理事长" in out
    assert "到2028年,技术合同成交额突破800亿元" in out
    lines = out.splitlines()
    counts = [line.rsplit(":", 1)[1].strip() for line in lines if line.strip().startswith(str(_paragraphs()))]
    assert counts == ["3", "3", "1", "3", "3"]
    # …and which authors it would create, with their kind.
    for name, kind in [
        ("林知远", Author.Kind.STAFF),
        ("苏晴", Author.Kind.CORRESPONDENT),
        ("韩书言", Author.Kind.CONTRIBUTOR),
    ]:
        line = next(line for line in out.splitlines() if name in line and str(kind.label) in line)
        assert line.index(name) < line.index(str(kind.label))


def _paragraphs():
    from django.utils.translation import gettext

    return gettext("paragraphs")


def test_the_command_imports_as_the_named_user_and_reports(sample_file):
    UserFactory(username="root", is_superuser=True)
    desk = UserFactory(username="wanban")
    out = command(sample_file, "--number", 1024, "--date", "2026-03-18", "--page", 1, "--user", "wanban")
    assert set(Article.objects.values_list("created_by", flat=True)) == {desk.pk}
    assert Article.objects.count() == 5 and "青岚大学与三家企业共建新材料联合实验室" in out
    before = row_counts()
    again = command(sample_file, "--number", 1024, "--date", "2026-03-18", "--user", "wanban")
    assert row_counts() == before and "青岚大学与三家企业共建新材料联合实验室" in again


def test_the_command_defaults_to_the_first_superuser(sample_file):
    first = UserFactory(username="admin", is_superuser=True)
    UserFactory(username="admin2", is_superuser=True)
    command(sample_file, "--number", 1024, "--date", "2026-03-18", "--page-name", "要闻")
    assert set(Article.objects.values_list("created_by", flat=True)) == {first.pk}
    assert IssuePage.objects.get().name == "要闻"


@pytest.mark.parametrize(
    "args",
    [
        ["--number", 1024, "--date", "2026-03-18"],  # no superuser and no --user
        ["--number", 1024, "--date", "2026-03-18", "--user", "nobody"],
        ["--number", 1024, "--date", "18/03/2026", "--dry-run"],
    ],
    ids=["no-superuser", "unknown-user", "bad-date"],
)
def test_the_command_refuses_bad_arguments(sample_file, args):
    with pytest.raises(CommandError):
        command(sample_file, *args)
    assert Issue.objects.count() == 0


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        command(tmp_path / "missing.txt", "--number", 1, "--date", "2026-03-18", "--dry-run")


def test_the_command_names_the_line_of_a_parse_error_and_writes_nothing(tmp_path):
    UserFactory(username="root", is_superuser=True)
    path = tmp_path / "bad.txt"
    path.write_bytes(page("import-bad-third.txt"))
    before = row_counts()
    with pytest.raises(CommandError) as caught:
        command(path, "--number", 1024, "--date", "2026-03-18")
    assert describe_error(PrintPageError(13, "x"))[:-1] in str(caught.value)
    assert row_counts() == before


def test_the_command_refuses_a_date_conflict_and_a_non_utf8_file(tmp_path, sample_file):
    UserFactory(username="root", is_superuser=True)
    IssueFactory(number=1024, date=DAY)
    with pytest.raises(CommandError) as caught:
        command(sample_file, "--number", 1024, "--date", "2026-03-19")
    assert "2026-03-18" in str(caught.value) and "2026-03-19" in str(caught.value)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(SAMPLE.decode().encode("gbk"))
    with pytest.raises(CommandError):
        command(gbk, "--number", 1024, "--date", "2026-03-18")
    assert Article.objects.count() == 0


def test_the_command_line_exits_with_status_1_on_a_file_it_refuses(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(SAMPLE.decode().encode("gbk"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings"}
    args = [sys.executable, "manage.py", "import_issue", str(gbk), "--number", "1", "--date", "2026-03-18"]
    done = subprocess.run(
        [*args, "--dry-run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "CommandError" in done.stderr and str(gbk) in done.stderr


# ----- concurrency (PostgreSQL: real row locks) -----


def _import_concurrently(user, count: int = 2) -> tuple[list, list]:
    """Plan in each thread, then write at the same moment."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(count)
    reports, errors = [], []

    def work():
        try:
            plan = plan_import(SAMPLE, 1024, DAY)
            barrier.wait(timeout=30)
            reports.append(execute_import(plan, user))
        except Exception as exc:  # collected for the assertions below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return reports, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_into_an_existing_issue_create_the_page_once():
    IssueFactory(number=1024, date=DAY)
    reports, errors = _import_concurrently(UserFactory(username="desk"))
    assert errors == []
    assert sorted(len(r.created) for r in reports) == [0, 5]
    assert (IssuePage.objects.count(), Article.objects.count(), Author.objects.count()) == (1, 5, 5)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_into_a_new_issue_refuse_the_loser_cleanly():
    reports, errors = _import_concurrently(UserFactory(username="desk"))
    # The second insert of the issue waits for the first and then hits the unique number: refused, not half-done.
    assert len(reports) + len(errors) == 2 and len(reports) >= 1
    assert all(isinstance(e, PageImportError) for e in errors)
    assert (Issue.objects.count(), IssuePage.objects.count(), Article.objects.count()) == (1, 1, 5)
    assert Author.objects.count() == 5
