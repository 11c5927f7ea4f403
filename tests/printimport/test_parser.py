"""Tests for printimport.parser, the reader of print pages exported as plain text (no Django needed)."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printimport.parser import (
    ROLE_AUTHOR,
    ROLE_CORRESPONDENT,
    ROLE_EDITOR,
    ROLE_PHOTOGRAPHER,
    ROLE_REPORTER,
    ParsedArticle,
    ParsedByline,
    PrintPageError,
    decode_page,
    parse_page,
)

PAGES = Path(__file__).resolve().parent / "pages"
SHARED_SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "print-page-sample.txt"
# The copy always runs; the shared original too when this checkout sits beside it.
SAMPLES = [PAGES / "sample.txt", *([SHARED_SAMPLE] if SHARED_SAMPLE.exists() else [])]
ROLES = {ROLE_REPORTER, ROLE_CORRESPONDENT, ROLE_PHOTOGRAPHER, ROLE_AUTHOR, ROLE_EDITOR}

# Original filler in the register of the paper.
P1 = "青岚省青少年科技创新大赛日前在星河新区落幕，来自全省的380件作品参加了终评。"
P2 = "本届大赛首次设立人工智能专项，吸引了42所中学的学生团队参赛，评委由高校教师和企业工程师组成。"
P3 = "省科协有关负责人表示，将把优秀作品推荐至全国赛，并为获奖学生提供进入高校实验室研学的机会。"
T1 = "青岚省青少年科技创新大赛落幕"
T2 = "明石新能源公司开放储能实验室"
BY = "(本报记者 贺知秋)"


def read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def page(*blocks: str, sep: str = "\n\n") -> str:
    return sep.join(blocks) + "\n"


def roles(article: ParsedArticle) -> list[tuple[str, str]]:
    return [(b.name, b.role) for b in article.bylines]


def only(text: str, **kwargs) -> ParsedArticle:
    articles = parse_page(text, **kwargs)
    assert len(articles) == 1, [a.title for a in articles]
    return articles[0]


def error(text: str) -> PrintPageError:
    with pytest.raises(PrintPageError) as caught:
        parse_page(text)
    return caught.value


# --- the shared sample, exactly as the table in print-page-format.md ---------------------------------------


@pytest.fixture(params=SAMPLES, ids=lambda p: p.parent.name)
def sample(request) -> list[ParsedArticle]:
    return parse_page(request.param.read_text(encoding="utf-8"))


def test_sample_matches_the_format_table(sample):
    expected = [
        ("", "青岚省科协启动2026年“科普进社区”系列活动", [("林知远", ROLE_REPORTER)], 3),
        (
            "",
            "青岚大学与三家企业共建新材料联合实验室",
            [("苏晴", ROLE_CORRESPONDENT), ("王启航", ROLE_REPORTER)],
            3,
        ),
        ("图片新闻", "春耕时节 无人机“飞”进田间", [("周远帆", ROLE_PHOTOGRAPHER)], 1),
        ("", "让科学精神在青少年心中生根发芽", [("韩书言", ROLE_AUTHOR)], 3),
        ("", "青岚省发布科技成果转化三年行动计划", [("王启航", ROLE_REPORTER)], 3),
    ]
    got = [(a.section, a.title, roles(a), len(a.paragraphs)) for a in sample]
    assert got == expected
    assert [a.line for a in sample] == [3, 11, 27, 33, 47]


def test_sample_titles_and_subtitles(sample):
    assert sample[2].title == "春耕时节 无人机“飞”进田间" and sample[2].subtitle == ""
    assert sample[4].subtitle == "到2028年,技术合同成交额突破800亿元"
    assert [a.subtitle for a in sample[:4]] == ["", "", "", ""]


def test_sample_column_breaks_are_joined(sample):
    assert sample[1].paragraphs[2].endswith("广泛参与的创新生态。")
    assert sample[3].paragraphs[1].endswith("成为一种思维习惯而不只是一门学科。")


def test_sample_datelines_author_note_and_stripped_bylines(sample):
    assert [a.dateline for a in sample] == ["本报讯", "本报讯", "", "", "本报讯"]
    assert sample[0].paragraphs[0].startswith("3月12日,由青岚省科学技术协会")
    assert sample[0].paragraphs[2].endswith("给予表彰。")
    assert sample[3].author_note == "作者系青岚省科普作家协会副理事长"
    assert all(a.author_note == "" for i, a in enumerate(sample) if i != 3)
    body = "".join(p for a in sample for p in a.paragraphs)
    assert "本报记者" not in body and "作者系" not in body and "(周远帆" not in body
    assert "(以下简称《行动计划》)" in sample[4].paragraphs[0] and "各市(州)" in sample[4].paragraphs[2]


# --- the pages written for these tests --------------------------------------------------------------------


def test_news_page():
    articles = parse_page(read("news-page.txt"))
    got = [(a.section, a.title, a.dateline, roles(a), len(a.paragraphs)) for a in articles]
    assert got == [
        ("要闻", "青岚省科协举办基层科普骨干能力提升培训班", "本报讯", [("程雨桐", ROLE_REPORTER)], 2),
        (
            "",
            "临溪职业技术学院与两家企业共建智能制造实训基地",
            "本报讯",
            [("杜若溪", ROLE_CORRESPONDENT), ("方知秋", ROLE_CORRESPONDENT), ("程雨桐", ROLE_REPORTER)],
            2,
        ),
        ("综合", "青岚省出台科普基地认定管理办法", "本报讯", [("苏映雪", ROLE_REPORTER)], 3),
        ("", "“小小工程师”走进明德小学", "", [("沈砚秋", ROLE_PHOTOGRAPHER)], 1),
        ("", "省科技馆推出春季科普研学路线", "", [], 2),
    ]
    first, second, third, fourth, _ = articles
    assert first.paragraphs[0].startswith("3月18日至20日")  # 本报讯（记者 程雨桐） removed
    assert "首期投入设备资金1860万元，建有" in second.paragraphs[0]  # break inside a number
    assert "(以下简称《办法》)，对科普基地" in third.paragraphs[0]  # break right after a bracket
    assert third.paragraphs[1].endswith("全省各市(州)及部分县(区)。(资料图)")
    assert fourth.paragraphs[0].endswith(
        "风力发电机、水火箭等科学小装置。活动最后，学生们自发喊出了“我长大也要当工程师！”"
    )


def test_opinion_page():
    articles = parse_page(read("opinion-page.txt"))
    got = [(a.section, a.title, a.subtitle, roles(a), len(a.paragraphs)) for a in articles]
    assert got == [
        ("观点", "把科普做进百姓心坎里", "", [("程思远", ROLE_AUTHOR), ("阿依古丽·买买提", ROLE_AUTHOR)], 3),
        (
            "人物",
            "实验室的灯为何总亮到深夜",
            "——记青岚大学材料学院青年教师团队",
            [("许清和", ROLE_REPORTER)],
            2,
        ),
        (
            "",
            "科研诚信是创新的生命线",
            "——写在全省科研诚信宣传月启动之际",
            [(n, ROLE_AUTHOR) for n in ("林一舟", "许若兰", "欧阳明远", "白露")],
            2,
        ),
        ("时评", "给“银发族”多一些数字耐心", "", [("柳青禾", ROLE_AUTHOR)], 1),
    ]
    assert articles[0].author_note == "作者程思远系青岚师范大学教授,阿依古丽·买买提系青岚省科技馆研究员"
    assert articles[0].paragraphs[2].endswith("群众听得懂的语言。")
    assert articles[2].author_note.startswith("作者林一舟、许若兰系青岚大学教授，欧阳明远、白露系")
    assert articles[1].author_note == articles[3].author_note == ""


def test_single_newline_page():
    articles = parse_page(read("single-newline.txt"))
    got = [(a.section, a.title, a.subtitle, roles(a), len(a.paragraphs)) for a in articles]
    assert got == [
        (
            "科技前沿",
            "青岚省启动首批概念验证中心建设",
            "首批8家中心年内挂牌运行，覆盖新材料、生物医药等领域",
            [("韩冬", ROLE_REPORTER), ("罗青", ROLE_EDITOR)],
            2,
        ),
        (
            "",
            "夜空之下 天文爱好者追寻“星际来客”",
            "",
            [("邱子墨", ROLE_PHOTOGRAPHER), ("刘语桐", ROLE_PHOTOGRAPHER)],
            1,
        ),
        ("图片新闻", "青岚电网无人机巡检覆盖全部高压线路", "", [("周可", ROLE_PHOTOGRAPHER)], 1),
        ("", "青岚大学学生团队获全国大学生机器人大赛一等奖", "", [("贺知秋", ROLE_REPORTER)], 2),
    ]
    assert "最高500万元的建设补助，首批中心" in articles[0].paragraphs[1]
    assert articles[3].dateline == "本报讯" and articles[3].paragraphs[0].startswith("日前，")


@pytest.mark.parametrize("name", ["sample.txt", "news-page.txt", "opinion-page.txt", "single-newline.txt"])
def test_blank_lines_or_single_newlines_read_the_same(name):
    text = read(name)
    squeezed = "\n".join(line for line in text.splitlines() if line.strip())
    doubled = "\n\n\n".join(line for line in text.splitlines() if line.strip())
    ref = [(a.title, a.paragraphs, roles(a), a.section, a.author_note) for a in parse_page(text)]
    assert [(a.title, a.paragraphs, roles(a), a.section, a.author_note) for a in parse_page(squeezed)] == ref
    assert [(a.title, a.paragraphs, roles(a), a.section, a.author_note) for a in parse_page(doubled)] == ref


# --- section headers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [["要闻", "YAO WEN"], ["要闻"], ["科技前沿", "KE JI QIAN YAN"], ["要　闻"], ["YAO WEN", "要闻"]],
    ids=["pinyin", "bare", "four-characters", "spaced-out", "pinyin-above"],
)
def test_section_header(header):
    article = only(page(*header, T1, P1 + BY))
    assert article.section in {"要闻", "科技前沿"} and article.title == T1


def test_unknown_section_is_recognised_by_its_pinyin():
    assert only(page("院士风采", "YUAN SHI FENG CAI", T1, P1 + BY)).section == "院士风采"


@pytest.mark.parametrize("sections", [["院士风采"], ("院士风采", "科普长廊"), "院士风采"])
def test_sections_argument_adds_names(sections):
    assert only(page("院士风采", T1, P1 + BY), sections=sections).section == "院士风采"


def test_section_applies_to_the_next_article_only():
    articles = parse_page(page("观点", T1, P1 + BY, T2, P2 + BY))
    assert [a.section for a in articles] == ["观点", ""]


def test_section_header_ends_an_article_without_byline():
    articles = parse_page(page(T1, P1, "图片新闻", "TU PIAN XIN WEN", T2, P2 + "(周可 摄)"))
    assert [(a.title, a.section, len(a.paragraphs)) for a in articles] == [(T1, "", 1), (T2, "图片新闻", 1)]


# --- titles and subtitles ---------------------------------------------------------------------------------


def test_title_at_top_after_section_and_after_previous_article():
    articles = parse_page(page(T1, P1 + BY, "综合", T2, P2 + BY, "青岚科技馆迎来开馆十周年", P3 + BY))
    assert [a.title for a in articles] == [T1, T2, "青岚科技馆迎来开馆十周年"]
    assert [a.line for a in articles] == [1, 7, 11]


@pytest.mark.parametrize(
    ("line", "title", "subtitle"),
    [
        ("青岚省启动科技特派员能力提升行动 到2027年，培训科技特派员3000人次", "青岚省启动科技特派员能力提升行动", "到2027年，培训科技特派员3000人次"),
        ("青岚省科协召开十届三次全委会 部署:全年科普重点工作", "青岚省科协召开十届三次全委会", "部署:全年科普重点工作"),
        ("青岚大学举办校园开放日 ——千名中学生走进重点实验室", "青岚大学举办校园开放日", "——千名中学生走进重点实验室"),
        ("夜空之下 天文爱好者追寻“星际来客”", "夜空之下 天文爱好者追寻“星际来客”", ""),
        ("科技周 青岚有约", "科技周 青岚有约", ""),
        ("院士讲堂 科学家，你好", "院士讲堂 科学家，你好", ""),
        ("智能农机展开幕, 百余家企业参展", "智能农机展开幕, 百余家企业参展", ""),
    ],
)  # fmt: skip
def test_title_subtitle_split_only_when_sure(line, title, subtitle):
    article = only(page(line, P1 + BY))
    assert (article.title, article.subtitle) == (title, subtitle)


def test_dash_subtitle_on_its_own_line():
    article = only(page(T1, "——记首届青少年人工智能专项赛", P1 + BY))
    assert (article.title, article.subtitle, article.paragraphs) == (T1, "——记首届青少年人工智能专项赛", [P1])


def test_second_headline_line_above_the_dateline_is_a_subtitle():
    article = only(page(T1, "380件作品同台竞技", "本报讯 " + P1 + BY))
    assert (article.subtitle, article.paragraphs) == ("380件作品同台竞技", [P1])


def test_long_title_directly_above_a_dateline():
    long_title = "青岚省科学技术协会联合省教育厅、省科学技术厅启动2026年全省青少年科学素质提升三年专项行动"
    assert 40 < len(long_title) <= 80
    articles = parse_page(page(T1, P1, long_title, "本报讯 " + P2 + BY))
    assert [a.title for a in articles] == [T1, long_title]


# --- opinion authors and author notes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("程思远", ["程思远"]),
        ("程思远　许若兰", ["程思远", "许若兰"]),
        ("程思远 许若兰 欧阳明远", ["程思远", "许若兰", "欧阳明远"]),
        ("程思远　许若兰 欧阳明远　阿依古丽·买买提", ["程思远", "许若兰", "欧阳明远", "阿依古丽·买买提"]),
    ],
)
def test_opinion_authors_under_the_title(line, names):
    article = only(page("观点", T1, line, P1, P2, "(作者系青岚大学教授)"))
    assert roles(article) == [(n, ROLE_AUTHOR) for n in names]
    assert article.paragraphs == [P1, P2] and article.author_note == "作者系青岚大学教授"


def test_five_names_are_not_an_author_block():
    article = only(page(T1, "程思远 许若兰 欧阳明远 白露 俞清泽", P1 + BY))
    assert roles(article) == [("贺知秋", ROLE_REPORTER)]


@pytest.mark.parametrize(
    "note",
    [
        "作者系青岚省科普作家协会会员",
        "作者程思远系青岚师范大学教授,许若兰系青岚省科技馆研究员",
        "作者程思远系青岚师范大学教授，许若兰系青岚省科技馆研究员",
        "作者为青岚大学(筹)副教授",
    ],
)
@pytest.mark.parametrize("brackets", ["()", "（）"])
@pytest.mark.parametrize("own_line", [True, False])
def test_author_note(note, brackets, own_line):
    closing = brackets[0] + note + brackets[1]
    blocks = [P1, P2, closing] if own_line else [P1, P2 + closing]
    articles = parse_page(page(T1, "程思远 许若兰", *blocks, T2, P3 + BY))
    assert articles[0].author_note == note and articles[0].paragraphs == [P1, P2]
    assert articles[1].title == T2


# --- datelines --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["本报讯 ", "本报讯", "本报讯　", "本报讯  "])
def test_dateline(opening):
    article = only(page(T1, opening + P1, P2 + BY))
    assert (article.dateline, article.paragraphs) == ("本报讯", [P1, P2])


def test_dateline_with_bylines_in_brackets():
    article = only(page(T1, "本报讯（记者 贺知秋 通讯员 乔木）" + P1, P2 + "(周可 摄)"))
    assert article.paragraphs == [P1, P2]
    assert roles(article) == [
        ("贺知秋", ROLE_REPORTER),
        ("乔木", ROLE_CORRESPONDENT),
        ("周可", ROLE_PHOTOGRAPHER),
    ]


def test_no_dateline():
    assert only(page(T1, P1 + BY)).dateline == ""


# --- bylines ----------------------------------------------------------------------------------------------


BYLINES = [
    ("(本报记者 贺知秋)", [("贺知秋", ROLE_REPORTER)]),
    ("（本报记者 贺知秋）", [("贺知秋", ROLE_REPORTER)]),
    ("（通讯员 乔木 本报记者 贺知秋）", [("乔木", ROLE_CORRESPONDENT), ("贺知秋", ROLE_REPORTER)]),
    ("(记者 贺知秋、乔木)", [("贺知秋", ROLE_REPORTER), ("乔木", ROLE_REPORTER)]),
    ("(通讯员 乔木，方知秋 记者 贺知秋)", [("乔木", ROLE_CORRESPONDENT), ("方知秋", ROLE_CORRESPONDENT), ("贺知秋", ROLE_REPORTER)]),
    ("(通讯员 乔木,方知秋)", [("乔木", ROLE_CORRESPONDENT), ("方知秋", ROLE_CORRESPONDENT)]),
    ("(特约记者 韩冬)", [("韩冬", ROLE_REPORTER)]),
    ("(周可 摄)", [("周可", ROLE_PHOTOGRAPHER)]),
    ("（周可 摄影）", [("周可", ROLE_PHOTOGRAPHER)]),
    ("(邱子墨 刘语桐 摄影报道)", [("邱子墨", ROLE_PHOTOGRAPHER), ("刘语桐", ROLE_PHOTOGRAPHER)]),
    ("(本报记者 沈砚秋 摄)", [("沈砚秋", ROLE_PHOTOGRAPHER)]),
    ("(通讯员 乔木 本报记者 贺知秋 摄)", [("乔木", ROLE_CORRESPONDENT), ("贺知秋", ROLE_PHOTOGRAPHER)]),
    ("(柳青禾)", [("柳青禾", ROLE_AUTHOR)]),
    ("（柳青禾 欧阳明远）", [("柳青禾", ROLE_AUTHOR), ("欧阳明远", ROLE_AUTHOR)]),
    ("(编辑 罗青)", [("罗青", ROLE_EDITOR)]),
    ("(本报记者 贺知秋 责任编辑 罗青)", [("贺知秋", ROLE_REPORTER), ("罗青", ROLE_EDITOR)]),
    ("(本报记者贺知秋)", [("贺知秋", ROLE_REPORTER)]),
    ("（周可摄）", [("周可", ROLE_PHOTOGRAPHER)]),
    ("(本报记者 阿依古丽·买买提)", [("阿依古丽·买买提", ROLE_REPORTER)]),
]  # fmt: skip


@pytest.mark.parametrize(("byline", "expected"), BYLINES, ids=[b for b, _ in BYLINES])
@pytest.mark.parametrize("own_line", [True, False], ids=["own-line", "after-sentence"])
def test_byline_shapes(byline, expected, own_line):
    blocks = [P1, P2, byline] if own_line else [P1, P2 + byline]
    articles = parse_page(page(T1, *blocks, T2, P3))
    assert roles(articles[0]) == expected
    assert articles[0].paragraphs == [P1, P2]
    assert [a.title for a in articles] == [T1, T2]


def test_editor_line_without_brackets_belongs_to_the_article_above():
    articles = parse_page(page(T1, P1 + BY, "责任编辑：罗青"))
    assert roles(articles[0]) == [("贺知秋", ROLE_REPORTER), ("罗青", ROLE_EDITOR)]


def test_second_byline_block_joins_the_article_above():
    assert roles(only(page(T1, P1, "(周可 摄)", "(本报记者 贺知秋)"))) == [
        ("周可", ROLE_PHOTOGRAPHER),
        ("贺知秋", ROLE_REPORTER),
    ]


def test_byline_cut_by_a_column_break():
    article = only(page(T1, P1, "（通讯员 乔木", "本报记者 贺知秋）"))
    assert roles(article) == [("乔木", ROLE_CORRESPONDENT), ("贺知秋", ROLE_REPORTER)]
    assert article.paragraphs == [P1]


@pytest.mark.parametrize(
    "blocks",
    [
        ["本报讯 日前，省科协印发《青岚省科普基地管理办法》(以下简称《办法》)", "，明确了申报条件。"],
        ["省科协对全省12个市(州)", "的科普基地开展了复核。"],
        ["全省将实施《青少年科学素质提升计划(2026—2028年)》", "。"],
        ["全省将实施青少年科学素质提升计划(2026—2028年)", "，分三年推进。"],
        ["致辞的是省科协党组书记(程思远)", "和副主席(许若兰)。"],
        ["会议审议通过了《科普基地管理办法(试行)》。"],
    ],
    ids=["abbreviation", "prefecture", "years-in-title", "years", "name-mid-sentence", "trial"],
)
def test_bracketed_text_inside_a_paragraph_is_not_a_byline(blocks):
    article = only(page(T1, *blocks, P2 + BY))
    assert article.paragraphs[0].endswith(blocks[-1])
    assert article.paragraphs[-1] == P2 and roles(article) == [("贺知秋", ROLE_REPORTER)]


@pytest.mark.parametrize("note", ["(资料图)", "（完）", "(据新华社)", "(记者手记)"])
def test_bracketed_note_after_a_sentence_mid_article_is_not_a_byline(note):
    article = only(page(T1, P1 + note, P2 + BY))
    assert article.paragraphs == [P1 + note, P2]
    assert roles(article) == [("贺知秋", ROLE_REPORTER)]


# --- column and page breaks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        (
            ["培训让科普成为一种思维习", "惯而不只是一项任务。"],
            "培训让科普成为一种思维习惯而不只是一项任务。",
        ),
        (["首期投入研发经费1", "860万元。"], "首期投入研发经费1860万元。"),
        (["增长了2.", "5个百分点。"], "增长了2.5个百分点。"),
        (["展区设置了机器人编程、", "家庭急救等项目。"], "展区设置了机器人编程、家庭急救等项目。"),
        (["学生们喊出了", "“我也要当科学家！”"], "学生们喊出了“我也要当科学家！”"),
        (["他说：", "“这里就是课堂。”老师们笑了。"], "他说：“这里就是课堂。”老师们笑了。"),
        (["一", "二", "三。"], "一二三。"),
    ],
    ids=["word", "number", "decimal", "enumeration-comma", "before-quote", "after-colon", "several"],
)
@pytest.mark.parametrize("sep", ["\n\n", "\n", "\n\n\n\n"], ids=["blank-line", "single-newline", "page-gap"])
def test_column_breaks_are_joined(parts, joined, sep):
    article = only(page(T1, "本报讯 " + P1, *parts, P2 + BY, sep=sep))
    assert article.paragraphs == [P1, joined, P2]


LONG_START = (
    "青岚省科学技术协会联合省教育厅和省科学技术厅印发的《关于加强新时代中小学科学教育工作的实施方案》提出要"
)


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        ([LONG_START + "开展科学教", "育加法行动。"], LONG_START + "开展科学教育加法行动。"),
        ([LONG_START + "建设1", "200个科学教育实践站。"], LONG_START + "建设1200个科学教育实践站。"),
        (
            [LONG_START + "推广实验探究、", "项目学习等教学方式。"],
            LONG_START + "推广实验探究、项目学习等教学方式。",
        ),
        ([LONG_START + "推广", "“做中学”教学方式。"], LONG_START + "推广“做中学”教学方式。"),
    ],
    ids=["word", "number", "enumeration-comma", "before-quote"],
)
@pytest.mark.parametrize("sep", ["\n\n", "\n"], ids=["blank-line", "single-newline"])
def test_long_fragments_are_joined_in_any_article(parts, joined, sep):
    assert len(parts[0]) > 40
    articles = parse_page(page(T1, P1, *parts, P2, T2, P3 + BY, sep=sep))
    assert [(a.title, a.paragraphs) for a in articles][0] == (T1, [P1, joined, P2])


def test_break_right_before_the_byline_sentence():
    article = only(page(T1, "本报讯 " + P1[:-10], P1[-10:] + "(本报记者 贺知秋)"))
    assert article.paragraphs == [P1] and roles(article) == [("贺知秋", ROLE_REPORTER)]


def test_paragraph_ending_in_quote_after_full_stop_is_complete():
    article = only(page(T1, "他说：“科学就在身边。”", P2 + BY))
    assert article.paragraphs == ["他说：“科学就在身边。”", P2]


# --- articles without a byline ----------------------------------------------------------------------------


def test_last_article_without_byline():
    articles = parse_page(page(T1, P1 + BY, T2, P2, P3))
    assert [(a.title, len(a.paragraphs), roles(a)) for a in articles][1] == (T2, 2, [])


def test_article_in_the_middle_without_byline():
    articles = parse_page(page(T1, P1, P2, T2, "本报讯 " + P3 + BY))
    assert [(a.title, a.paragraphs, roles(a)) for a in articles] == [
        (T1, [P1, P2], []),
        (T2, [P3], [("贺知秋", ROLE_REPORTER)]),
    ]


def test_article_without_byline_ends_at_a_short_headline():
    articles = parse_page(page(T1, P1, P2, T2, P3 + "(周可 摄)"))
    assert [(a.title, a.paragraphs) for a in articles] == [(T1, [P1, P2]), (T2, [P3])]


def test_bylines_in_the_dateline_bracket_mean_no_closing_byline_is_due():
    articles = parse_page(page(T1, "本报讯（记者 贺知秋）" + P1, T2, P2 + "(周可 摄)"))
    assert [(a.title, roles(a)) for a in articles] == [
        (T1, [("贺知秋", ROLE_REPORTER)]),
        (T2, [("周可", ROLE_PHOTOGRAPHER)]),
    ]


@pytest.mark.parametrize(
    ("head", "blocks"),
    [
        ([], ["据悉，联合", "实验室将于下月揭牌。"]),
        ([], ["参加培训的有", "，来自全省各地的科普骨干。"]),
        ([], ["活动设置了讲座、", "展览等环节。"]),
        ([], ["下一步", "将扩大试点。"]),
        (["本报讯 " + P1[:5]], ["省科协还将组织", "专家深入基层开展巡回讲座。"]),
        (["程思远"], ["科普工作者要", "善于讲好科学故事。"]),
    ],
    ids=[
        "has-comma",
        "next-starts-with-comma",
        "ends-with-enumeration-comma",
        "too-short",
        "staff-news",
        "opinion",
    ],
)
def test_short_first_fragment_of_a_paragraph_is_not_a_title(head, blocks):
    articles = parse_page(page(T1, *head, P1, *blocks, P2 + BY))
    assert len(articles) == 1 and articles[0].paragraphs[-2:] == ["".join(blocks), P2]


@pytest.mark.parametrize(
    "after", [[], ["图片新闻", T2, P2 + "(周可 摄)"]], ids=["page-end", "before-section"]
)
def test_short_block_that_could_have_no_body_is_a_paragraph(after):
    articles = parse_page(page(T1, P1, "图为参赛学生在调试机器人", *after))
    assert articles[0].paragraphs == [P1, "图为参赛学生在调试机器人"]
    assert [a.section for a in articles] == ["", "图片新闻"][: len(articles)]


def test_short_caption_followed_by_a_byline_is_not_a_title():
    article = only(page(T1, P1, "图为参赛学生在调试机器人", "(周可 摄)"))
    assert article.paragraphs == [P1, "图为参赛学生在调试机器人"]


# --- encodings, line endings, spaces ----------------------------------------------------------------------


def _summary(articles):
    return [(a.title, a.subtitle, a.section, a.paragraphs, roles(a), a.author_note, a.line) for a in articles]


@pytest.mark.parametrize("name", ["sample.txt", "news-page.txt", "opinion-page.txt", "single-newline.txt"])
def test_bom_and_crlf(name):
    text = read(name)
    raw = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    assert _summary(parse_page(decode_page(raw))) == _summary(parse_page(text))
    assert _summary(parse_page(text.replace("\n", "\r"))) == _summary(parse_page(text))


def test_full_width_and_ascii_spaces_around_lines():
    article = only(page("  " + T1 + "\u3000", "\u3000\u3000本报讯 " + P1 + "  ", "\t" + P2 + BY + "\u3000"))
    assert (article.title, article.paragraphs) == (T1, [P1, P2])


def test_body_punctuation_is_kept_as_printed():
    mixed = "会上,专家介绍了新型材料(如石墨烯)的应用；与会者表示:收获很大！"
    assert only(page(T1, mixed, P2 + BY)).paragraphs[0] == mixed


def test_body_html_escapes():
    article = ParsedArticle(title="t", paragraphs=["A<b>&", "第二段"])
    assert article.body_html() == "<p>A&lt;b&gt;&amp;</p>\n<p>第二段</p>"
    assert ParsedArticle("t").paragraphs == [] and ParsedByline("某某", ROLE_AUTHOR).role == "author"


def test_decode_page_accepts_utf8_with_or_without_bom():
    text = page(T1, P1 + BY)
    assert decode_page(text.encode()) == text
    assert decode_page(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode_page(bytearray(text.encode())) == text


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (page(T1, P1).encode("gbk"), 1),
        (("标题\n\n" + P1 + "\n").encode() + b"\xff\xfe", 4),
        (b"%PDF-1.7\n\x00\x01\x02binary", 2),
        (b"PK\x03\x04\x14\x00\x06\x00", 1),
        ("正文\n第二行\x07".encode(), 2),
    ],
    ids=["gbk", "bad-byte-on-line-4", "pdf", "docx", "control-character"],
)
def test_decode_page_refuses_other_encodings_and_binary(raw, line):
    with pytest.raises(PrintPageError) as caught:
        decode_page(raw)
    assert caught.value.line == line and str(caught.value).startswith(f"第{line}行：")


def test_decode_page_refuses_text():
    with pytest.raises(PrintPageError):
        decode_page("已经是文本")  # type: ignore[arg-type]


# --- errors name the line ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "空"),
        ("\n  \n\u3000\n", None, "空"),
        ("\n\n" + P1 + BY, 3, "缺少标题"),
        ("本报讯 " + P1, 1, "缺少标题"),
        (page(T1, P1 + BY, P2), 5, "缺少标题"),
        (page("要闻", "YAO WEN", P1), 5, "缺少标题"),
        (page(T1, BY), 1, "没有正文"),
        (page(T1, P1 + BY, T2), 5, "没有正文"),
        (page(T1, P1 + BY, T2, "图片新闻", T1, P2 + BY), 5, "没有正文"),
        (page(T1, "本报讯"), 1, "没有正文"),
        (page(BY, T1, P1), 1, "没有可归属"),
        (page(T1, P1 + BY, "综合", "(周可 摄)"), 7, "没有可归属"),
        (page(T1, P1 + BY, "综合"), 5, "之后没有文章"),
        (page("——记首届青少年人工智能专项赛", P1), 1, "没有标题"),
        (page(T1, P1, "本报讯 " + P2 + BY), 5, "缺少标题"),
        (page(T1, P1, P2[:-1] + "、", "本报讯 " + P3 + BY), 7, "缺少标题"),
    ],
    ids=[
        "empty",
        "blank",
        "body-first",
        "dateline-first",
        "body-after-byline",
        "body-after-section",
        "title-then-byline",
        "title-at-end",
        "title-then-section",
        "only-dateline",
        "byline-first",
        "byline-after-section",
        "trailing-section",
        "subtitle-first",
        "second-dateline",
        "dateline-after-open-paragraph",
    ],
)
def test_errors_name_the_line(text, line, words):
    exc = error(text)
    assert isinstance(exc, ValueError)
    assert exc.line == line and words in exc.message
    assert str(exc) == (f"第{line}行：{exc.message}" if line else exc.message)


# --- properties: any input gives articles or PrintPageError ----------------------------------------------


FRAGMENTS = [
    T1, T2, "春耕时节 无人机飞进田间", "青岚省发布行动计划 到2028年,成交额突破800亿元", "——记青年教师团队",
    "要闻", "图片新闻", "TU PIAN XIN WEN", "YAO WEN", "观点", "程思远", "程思远 许若兰", "阿依古丽·买买提",
    "本报讯", "本报讯 ", "本报记者", "记者", "通讯员", "特约记者", "摄", "摄影", "摄影报道", "编辑", "责任编辑",
    "作者系", "作者", "系", "(", ")", "（", "）", "(州)", "(以下简称《办法》)", "《", "》", "“", "”",
    "。", "，", ",", "、", "！", "?", "…", "：", " ", "\u3000", "\n", "\n\n", "\r\n", "\ufeff",
    P1, P2, P3[:20], BY, "(周可 摄)", "（作者系青岚大学教授）", "(柳青禾)", "2026", "1", "·",
]  # fmt: skip

page_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map(
    "".join
) | st.lists(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4).map("".join), max_size=15).map(
    "\n\n".join
)


def _check(text: str, sections=()) -> None:
    try:
        articles = parse_page(text, sections)
    except PrintPageError as exc:
        assert exc.line is None or exc.line >= 1
        assert isinstance(exc.message, str) and exc.message
        return
    assert isinstance(articles, list) and articles
    for article in articles:
        assert isinstance(article, ParsedArticle) and article.title and article.line >= 1
        assert article.paragraphs and all(article.paragraphs)
        assert all(isinstance(b, ParsedByline) and b.name and b.role in ROLES for b in article.bylines)
        assert isinstance(article.body_html(), str)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_articles_or_print_page_error(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(page_like, st.lists(st.sampled_from(["院士风采", "科普", ""]), max_size=2))
def test_format_like_text_gives_articles_or_print_page_error(text, sections):
    _check(text, sections)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes_decode_or_raise_print_page_error(raw):
    try:
        assert isinstance(decode_page(raw), str)
    except PrintPageError as exc:
        assert exc.message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]) | st.sampled_from("\n\r\t")))
def test_decode_page_round_trips_utf8_text(text):
    text = text.lstrip("\ufeff")
    assert decode_page(text.encode("utf-8")) == text
