"""Articles that jump pages (转版): the jump lines in the parser (printimport/parser.py, printimport/jumps.py) and
the parts joined across an issue's pages (printimport/issuejoin.py).  No database: both are plain Python."""

import pytest

from printimport.issuejoin import join_issue
from printimport.jumps import jump_in, jump_out, page_number, resemblance
from printimport.parser import PrintPageError, parse_page

START = """星火科普讲师团走进山区学校

本报讯 3月11日，青岚省星火科普讲师团来到白塔镇中心小学，为三百多名师生带来一堂“会动的物理课”。

讲师们用自制的水火箭、静电球和纸桥模型演示力学原理，孩子们轮流上台动手操作，课堂气氛十分
{jump}
"""

REST = """{title}
{jump}
热烈。讲师团团长陆明远说，今年将走进全省50所乡村学校。

讲师团还为学校捐赠了一批科学实验器材。（本报记者 林知远）
"""


def start(jump="(下转第2版)") -> str:
    return START.format(jump=jump)


def rest(title="星火科普讲师团走进山区学校", jump="(上接第1版)") -> str:
    return REST.format(title=title, jump=jump)


def issue(*texts: str, first: int = 1):
    return join_issue([(first + i, f"page{first + i}.txt", parse_page(t)) for i, t in enumerate(texts)])


# ----- the lines themselves -----


@pytest.mark.parametrize(
    "text, page",
    [
        ("(下转第2版)", 2),
        ("（下转第2版）", 2),
        ("（转2版）", 2),
        ("(转2版)", 2),
        ("（下转A2版）", 2),
        ("（下转第B12版）", 12),
        ("（转第十二版）", 12),
        ("(下转第二十版)", 20),
        ("所有县（市、区）。（转3版）", 3),
    ],
)
def test_jump_out_lines_in_every_form(text, page):
    assert jump_out(text)[1] == page


@pytest.mark.parametrize(
    "text, page",
    [("(上接第1版)", 1), ("（接1版）", 1), ("（紧接第一版）", 1), ("（上接A3版）", 3), ("(接第十一版)", 11)],
)
def test_jump_in_lines_in_every_form(text, page):
    assert jump_in(text) == ("", page)


@pytest.mark.parametrize(
    "text", ["(州)", "（以下简称“科协”）", "(本报记者 林知远)", "（转载）", "(下转第版)"]
)
def test_other_brackets_are_not_jump_lines(text):
    assert jump_out(text) is None and jump_in(text) is None


@pytest.mark.parametrize(
    "numeral, value", [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23), ("7", 7)]
)
def test_chinese_numerals(numeral, value):
    assert page_number(numeral) == value


def test_titles_alike_whole_begun_or_cut_down():
    title = "青岚省今年新增42个省级科普基地"
    assert resemblance(title, title) == 3
    assert resemblance("“青岚”号科考船 出海", "“青岚”号科考船出海") == 3  # quotes and spaces do not count
    assert resemblance(title, "青岚省今年新增") == 2
    assert resemblance(title, "新增42个科普基地") == 1  # most of its characters, in order
    assert resemblance(title, "科普基地") == 1
    assert resemblance(title, "白塔镇大篷车") == 0


# ----- the parser -----


@pytest.mark.parametrize(
    "jump", ["(下转第2版)", "（下转第2版）", "（转2版）", "（下转A2版）", "（转第二版）"]
)
def test_a_part_ending_in_a_jump_line_on_its_own_line(jump):
    (part,) = parse_page(start(jump))
    assert part.jumps_to == 2 and part.continues_from is None
    assert part.paragraphs[-1].endswith("课堂气氛十分")  # cut by the jump: the line is gone, the text open
    assert not any("转" in p and "版" in p for p in part.paragraphs)
    assert part.bylines == []


def test_a_jump_line_right_after_the_last_sentence():
    text = "科技馆夜场开放\n\n本报讯 青岚省科技馆本月起每周五晚开放夜场。（转3版）\n"
    (part,) = parse_page(text)
    assert part.jumps_to == 3 and part.paragraphs == ["青岚省科技馆本月起每周五晚开放夜场。"]


def test_a_jump_line_after_a_column_break():
    text = "科技馆夜场开放\n\n本报讯 青岚省科技馆本月起每周五晚开放\n\n夜场。(下转第3版)\n\n另一条消息\n\n本报讯 正文。（本报记者 韩书言）\n"
    first, second = parse_page(text)
    assert first.jumps_to == 3 and first.paragraphs == ["青岚省科技馆本月起每周五晚开放夜场。"]
    assert second.title == "另一条消息" and second.jumps_to is None


@pytest.mark.parametrize("jump", ["(上接第1版)", "（接1版）", "（紧接第一版）", "（上接A1版）"])
def test_a_continuation_opens_with_its_title_and_a_jump_in_line(jump):
    (part,) = parse_page(rest(jump=jump))
    assert part.title == "星火科普讲师团走进山区学校" and part.continues_from == 1
    assert part.paragraphs[0].startswith("热烈。") and len(part.paragraphs) == 2
    assert [b.name for b in part.bylines] == ["林知远"]


def test_a_jump_in_line_on_the_title_line():
    (part,) = parse_page(
        "讲师团走进山区（紧接第一版）\n热烈。课后，孩子们围着讲师问个不停。（通讯员 苏晴）\n"
    )
    assert (part.title, part.continues_from) == ("讲师团走进山区", 1)


def test_a_jump_in_line_anywhere_else_names_its_line():
    text = "科技馆夜场开放\n\n本报讯 青岚省科技馆本月起每周五晚开放夜场。\n\n(上接第1版)\n"
    with pytest.raises(PrintPageError) as caught:
        parse_page(text)
    assert caught.value.line == 5


def test_a_single_page_still_parses_as_before():
    (article,) = parse_page(
        "科技馆夜场开放\n\n本报讯 青岚省科技馆本月起每周五晚开放夜场。（本报记者 韩书言）\n"
    )
    assert article.jumps_to is None and article.continues_from is None


# ----- joining the parts across pages -----


def test_the_parts_are_one_article_and_the_cut_paragraph_is_joined():
    (article,), warnings = issue(start(), rest())
    assert warnings == []
    assert [part.page for part in article.parts] == [1, 2] and article.page == 1
    whole = article.parsed
    assert whole.title == "星火科普讲师团走进山区学校" and whole.dateline == "本报讯"
    assert len(whole.paragraphs) == 3
    assert "课堂气氛十分热烈。讲师团团长陆明远说" in whole.paragraphs[1]  # glued with nothing between
    assert [b.name for b in whole.bylines] == ["林知远"]  # from the end part
    assert "版）" not in whole.body_html() and "上接" not in whole.body_html()


def test_a_part_that_ends_a_sentence_is_not_glued():
    ended = start().replace("课堂气氛十分\n", "课堂气氛十分热烈。\n")
    (article,), _warnings = issue(ended, rest().replace("热烈。讲师团", "讲师团"))
    assert article.parsed.paragraphs[1].endswith("热烈。")
    assert article.parsed.paragraphs[2].startswith("讲师团团长")


@pytest.mark.parametrize("title", ["星火科普讲师团", "讲师团走进山区", "科普讲师团"])
def test_a_shortened_title_matches(title):
    (article,), warnings = issue(start(), rest(title=title))
    assert len(article.parts) == 2 and warnings == []


def test_a_start_without_its_continuation_is_imported_alone_with_a_warning():
    articles, warnings = issue(start(), "另一篇\n\n本报讯 正文。（本报记者 韩书言）\n")
    assert [a.parsed.title for a in articles] == ["星火科普讲师团走进山区学校", "另一篇"]
    alone = articles[0].parsed
    assert alone.paragraphs[-1].endswith("课堂气氛十分") and alone.jumps_to == 2
    assert len(warnings) == 1 and "page1.txt" in warnings[0] and "转第2版" in warnings[0]


def test_a_continuation_without_its_start_is_imported_alone_with_a_warning():
    articles, warnings = issue("另一篇\n\n本报讯 正文。（本报记者 韩书言）\n", rest())
    assert [a.parsed.title for a in articles] == ["另一篇", "星火科普讲师团走进山区学校"]
    assert articles[1].page == 2 and articles[1].parsed.paragraphs[0].startswith("热烈。")
    assert len(warnings) == 1 and "page2.txt" in warnings[0] and "接第1版" in warnings[0]


def test_a_jump_to_a_page_not_imported_says_so():
    _articles, warnings = issue(start(jump="（下转第5版）"))
    assert "第5版" in warnings[0]


def test_of_several_parts_the_title_decides():
    other = "青岚湖湿地鸟类调查启动\n\n本报讯 3月12日，青岚湖湿地春季鸟类调查启动，预计持续\n（转2版）\n"
    page2 = rest(title="星火讲师团") + "\n" + REST.format(title="湿地鸟类调查", jump="（接1版）")
    page2 = page2.replace("热烈。讲师团团长陆明远说，今年将走进全省50所乡村学校。", "两周。", 1)
    first, second = (start() + "\n" + other, page2)
    articles, warnings = issue(first, second)
    assert warnings == []
    assert [(a.parsed.title, [p.parsed.title for p in a.parts]) for a in articles] == [
        ("星火科普讲师团走进山区学校", ["星火科普讲师团走进山区学校", "星火讲师团"]),
        ("青岚湖湿地鸟类调查启动", ["青岚湖湿地鸟类调查启动", "湿地鸟类调查"]),
    ]


def test_two_parts_equally_alike_are_joined_in_page_order_with_a_warning():
    twice = start() + "\n" + start().replace("星火科普讲师团走进山区学校", "星火科普讲师团走进海岛学校")
    articles, warnings = issue(twice, rest(title="星火科普讲师团"))
    assert [len(a.parts) for a in articles] == [2, 1]
    assert len(warnings) == 2  # unsure which, and the second start is left without its continuation
    assert "请核对" in warnings[0]


def test_pages_that_disagree_are_joined_by_a_title_with_a_warning():
    articles, warnings = issue(start(jump="（下转第3版）"), rest())
    assert [len(a.parts) for a in articles] == [2]
    assert "对不上" in warnings[0]


def test_unrelated_titles_are_never_merged_by_guess():
    articles, warnings = issue(start(jump="（下转第3版）"), rest(title="湿地鸟类调查"))
    assert [len(a.parts) for a in articles] == [1, 1] and len(warnings) == 2


def test_pages_that_agree_do_not_join_unrelated_titles():
    articles, warnings = issue(start(), rest(title="湿地鸟类调查"))
    assert [len(a.parts) for a in articles] == [1, 1]
    assert len(warnings) == 3 and "没有合并" in warnings[0]  # and each half is imported alone, warned about


def test_an_article_across_three_pages():
    middle = "讲师团走进山区\n（上接第1版）\n热烈。\n\n课后，讲师们又走进\n（下转第3版）\n"
    end = "讲师团走进山区\n（接第2版）\n村里的科普活动室。（本报记者 林知远）\n"
    (article,), warnings = issue(start(), middle, end)
    assert warnings == [] and [p.page for p in article.parts] == [1, 2, 3]
    assert article.parsed.paragraphs[-1] == "课后，讲师们又走进村里的科普活动室。"
