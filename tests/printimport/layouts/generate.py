"""Lay out newspaper pages in HTML and CSS, print them with headless Chromium, and record where each article is.

The PDF reader (printimport/pdfpage.py) is measured on these pages: every article must be found with the right
title, bylines and paragraph count, and the area it draws must match the article's true box.  The truth comes
from the same browser that prints the page: each article is an `<article>` element and its `bounding_box()` is
read from the DOM, as fractions of the page.  Pages are printed at zero margins on a custom page size, so CSS
pixels map linearly to PDF points (1 px = 0.75 pt) and the DOM's boxes are the PDF's boxes.

    .venv/bin/python tests/printimport/layouts/generate.py [--out DIR] [NAME ...]

writes NAME.pdf and NAME.json for every layout (or the ones named) next to this file, or into DIR.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.browser.chromium import CHROMIUM_ARGS, chromium_path  # noqa: E402
from tests.printimport.layouts.content import NAMES, TITLES, paragraphs  # noqa: E402

HERE = Path(__file__).resolve().parent
SERIF = "'Noto Serif CJK SC', serif"
SANS = "'Noto Sans CJK SC', sans-serif"


@dataclass
class Story:
    """One article as printed.  `byline` is printed as given; `names` are the people it credits, in order."""

    title: str
    paras: int
    seed: int
    byline: str = ""
    names: tuple[str, ...] = ()
    inline_byline: bool = False
    opinion: bool = False
    note: str = ""  # an opinion piece's closing (作者系…)
    subtitle: str = ""
    section: tuple[str, str] | None = None  # (name, pinyin) printed above the article, outside it
    picture: str = ""  # "above" or "below" the title, or "column": at the top of the body's first column
    caption: str = ""
    jump_to: str = ""  # (下转第2版): the article goes on on a later page
    jump_from: str = ""  # (上接第1版): the rest of an article begun on an earlier page
    kicker: str = ""  # 引题: a line above the title, smaller than it
    dateline: bool = True
    texts: tuple[
        str, ...
    ] = ()  # the paragraphs as given (the demo's own articles), instead of drawn from content.py
    picture_height: int = 190  # the tallest a picture is drawn, in px


@dataclass
class Cell:
    """`span` page columns of a row; its stories stacked, with a rule between them."""

    span: int
    stories: list[Story]


@dataclass
class Layout:
    name: str
    columns: int
    rows: list[list[Cell]]
    width: int = 1000
    height: int = 1450
    margin: int = 36
    gutter: int = 18
    body_font: str = SERIF
    body_size: float = 14
    line_height: float = 1.7
    title_font: str = SANS
    title_size: float = 28
    title_weight: int = 900
    title_align: str = "center"
    masthead: str = "front"  # "front" (the paper's name) or "running" (date, page, desk editor)
    rules: bool = True  # rules between articles; without, whitespace alone separates them
    paragraph_gap: float = 0  # space between paragraphs, in ems (some papers add it to the indent)
    indent: float = 2  # the first line's indent, in ems
    section_bar: bool = False  # section names reversed out of a coloured bar
    head_rule: bool = True  # a rule under the masthead or running head
    page_label: str = "第1版 要闻"
    date_label: str = "2026年3月12日 星期四"
    issue_label: str = "第1201期 今日8版"
    extra: dict = field(default_factory=dict)


def reporter(name: str) -> dict:
    return {"byline": f"(本报记者 {name})", "names": (name,)}


def news(title: int, paras: int, seed: int, name: int, **options) -> Story:
    return Story(TITLES[title], paras, seed, **{**reporter(NAMES[name]), **options})


def opinion(title: int, paras: int, seed: int, authors: tuple[int, ...], note: str, **options) -> Story:
    names = tuple(NAMES[i] for i in authors)
    return Story(TITLES[title], paras, seed, names=names, opinion=True, note=note, **options)


def photo(title: int, seed: int, name: int, caption_free: bool = True) -> Story:
    return Story(
        TITLES[title], 1, seed, byline=f"({NAMES[name]} 摄)", names=(NAMES[name],), section=("图片新闻", "TU PIAN XIN WEN"),
        picture="above", dateline=False,
    )  # fmt: skip


LAYOUTS = [
    Layout(
        "two-columns", 2, width=900, height=1300, body_size=15, line_height=1.75, masthead="running",
        page_label="第2版 综合", title_font=SERIF, title_size=26,
        rows=[
            [Cell(2, [Story("科技成果转化行动计划", 3, 11, jump_from="(上接第1版)", dateline=False,
                            **reporter(NAMES[2]))])],
            [Cell(1, [news(1, 3, 12, 1, picture="below", caption="▲ 联合实验室的研究人员在调试设备。",
                           byline="（通讯员 苏晴 本报记者 王启航）", names=("苏晴", "王启航"), inline_byline=True)]),
             Cell(1, [opinion(20, 3, 13, (6, 12), "(作者程思远系青岚师范大学教授，方若溪系青岚省科技馆研究员)",
                              section=("观点", "GUAN DIAN"))])],
        ],
    ),
    Layout(
        "three-columns", 3, body_font=SANS, body_size=14, title_size=34,
        rows=[
            [Cell(3, [Story(TITLES[6], 5, 21, subtitle="——到2028年技术合同成交额突破800亿元",
                            picture="above", caption="▲ 青岚省科技成果转化中试基地一角。", jump_to="(下转第2版)")])],
            [Cell(2, [news(2, 5, 22, 0)]),
             Cell(1, [photo(8, 23, 3)])],
        ],
    ),
    Layout(
        "four-columns", 4, height=1750, body_size=13.5, line_height=1.65, title_align="left", title_weight=700, title_size=26,
        masthead="running", page_label="第3版 科技前沿",
        rows=[
            [Cell(4, [news(12, 4, 31, 4, subtitle="——青岚大学材料学院团队攻关纪实", picture="below",
                           caption="▲ 研究人员在高通量测试平台前记录数据。")])],
            [Cell(2, [news(13, 2, 32, 5, inline_byline=True), news(14, 2, 33, 7)]),
             Cell(2, [news(15, 4, 34, 8)])],
            [Cell(1, [news(16, 2, 35, 9)]),
             Cell(3, [news(17, 3, 36, 10, picture="below", caption="▲ 新能源汽车生产线上，工人正在装配电池包。")])],
        ],
    ),
    Layout(
        "five-columns", 5, width=1100, height=1550, body_font=SANS, body_size=13, line_height=1.7,
        title_font=SERIF, title_size=30, masthead="running", page_label="第4版 观点",
        rows=[
            [Cell(3, [opinion(20, 7, 41, (11,), "(作者系青岚省科普作家协会副理事长)",
                              section=("观点", "GUAN DIAN"))]),
             Cell(2, [opinion(25, 3, 42, (13,), "(作者系青岚大学教授)"),
                      opinion(29, 3, 43, (14, 15), "(作者陶然系青岚省科学技术发展研究院研究员，沈知秋系青岚日报评论员)")])],
            [Cell(5, [news(18, 5, 44, 16)])],
            [Cell(2, [news(19, 2, 45, 17)]), Cell(3, [news(15, 2, 46, 18, inline_byline=True)])],
        ],
    ),
    Layout(
        "six-columns", 6, width=1150, height=1600, body_size=12.5, line_height=1.6, title_size=28, gutter=16,
        rows=[
            [Cell(4, [news(0, 4, 51, 0, picture="above", caption="▲ 启动仪式现场，小朋友在体验机器人编程。")]),
             Cell(2, [news(10, 2, 52, 17, section=("简讯", "JIAN XUN")), news(11, 2, 53, 18, inline_byline=True)])],
            [Cell(2, [news(3, 3, 54, 19)]),
             Cell(2, [news(4, 2, 55, 1, picture="below", caption="▲ 建设中的省科技馆新馆。")]),
             Cell(2, [news(5, 3, 56, 2)])],
            [Cell(3, [news(7, 3, 57, 3)]),
             Cell(3, [news(9, 3, 58, 5)])],
        ],
    ),
    Layout(
        "open-columns", 4, width=1000, height=1560, body_size=13, line_height=1.8, gutter=24, rules=False, head_rule=False,
        paragraph_gap=0.4, section_bar=True, title_size=27, masthead="running", page_label="第6版 科普",
        rows=[
            [Cell(4, [news(4, 4, 71, 19, kicker="面积约4.2万平方米 设六大展区", caption="")])],
            [Cell(2, [news(22, 3, 72, 0, picture="column", caption="▲ 中试基地的技术人员在检测样品。")]),
             Cell(2, [news(26, 2, 73, 1, section=("科普", "KE PU")), news(9, 2, 74, 2, inline_byline=True)])],
            [Cell(1, [news(13, 2, 75, 3)]), Cell(1, [news(16, 2, 76, 4)]), Cell(2, [news(3, 3, 77, 5)])],
        ],
    ),
    Layout(
        "mixed-columns", 4, width=1000, height=1720, body_font=SANS, body_size=13, line_height=1.75,
        title_font=SERIF, title_size=24, title_align="left", masthead="running", page_label="第5版 地方动态",
        rows=[
            [Cell(1, [news(21, 2, 61, 6), news(22, 1, 62, 9), news(23, 2, 63, 10)]),
             Cell(3, [news(24, 4, 64, 11, subtitle="——明石新区引才聚智见闻", picture="below",
                           caption="▲ 院士专家工作站揭牌现场。"),
                      news(26, 3, 65, 12, inline_byline=True)])],
            [Cell(2, [photo(27, 66, 13)]),
             Cell(2, [news(28, 3, 67, 14)])],
        ],
    ),
]  # fmt: skip


def picture_uri(seed: int, width: int = 240, height: int = 150) -> str:
    """A small generated picture (sky, hills, a field) as a PNG data URI: few colours, so it stays small."""
    from PIL import Image, ImageDraw

    image = Image.new("P", (width, height))
    palette = [150, 190, 230, 90, 140, 90, 200, 170, 90, 60, 90, 60, 240, 230, 200]
    image.putpalette(palette + [0] * (768 - len(palette)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, height), fill=0)
    shift = seed % 40
    draw.polygon(
        [(0, 90), (60 + shift, 40), (140, 85), (200 - shift, 50), (width, 80), (width, height), (0, height)],
        fill=1,
    )
    draw.rectangle((0, 110, width, height), fill=2)
    for x in range(0, width, 24):
        draw.line((x, 110, x + 30, height), fill=3, width=3)
    draw.ellipse((180 - shift, 14, 206 - shift, 40), fill=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _story_html(story: Story, body_columns: int, width: float, layout: Layout) -> str:
    esc = html.escape
    figure = ""
    if story.picture:
        caption = f"<figcaption>{esc(story.caption)}</figcaption>" if story.caption else ""
        height = min(width * 0.6, story.picture_height)  # a wide article's picture is a strip, not a poster
        figure = f'<figure><img src="{picture_uri(story.seed)}" alt="" style="height:{height:.0f}px">{caption}</figure>'
    head = [f'<div class="kicker">{esc(story.kicker)}</div>'] if story.kicker else []
    head.append(f"<h1>{esc(story.title)}</h1>")
    if story.subtitle:
        head.append(f'<h2 class="sub">{esc(story.subtitle)}</h2>')
    if story.opinion:
        head.append(f'<div class="authors">{esc(" ".join(story.names))}</div>')
    if story.jump_from:
        head.append(f'<div class="jump-from">{esc(story.jump_from)}</div>')
    texts = list(story.texts) or paragraphs(
        story.seed, story.paras, opinion=story.opinion, dateline=story.dateline
    )
    closing = story.note if story.opinion else story.byline
    body = [f"<p>{esc(t)}</p>" for t in texts]
    if story.jump_to:
        body.append(f'<p class="end">{esc(story.jump_to)}</p>')
    elif closing and story.inline_byline:
        body[-1] = f"<p>{esc(texts[-1])}{esc(closing)}</p>"
    elif closing:
        body.append(f'<p class="end">{esc(closing)}</p>')
    parts = (
        [figure, *head] if story.picture == "above" else [*head, figure] if story.picture == "below" else head
    )
    if story.picture == "column":
        body.insert(0, figure)
    columns = f"column-count:{body_columns};column-gap:{layout.gutter}px"
    return f'<article>{"".join(parts)}<div class="body" style="{columns}">{"".join(body)}</div></article>'


def _masthead(layout: Layout) -> str:
    if layout.masthead == "front":
        return (
            '<header class="front"><div class="paper">青岚科技报</div>'
            f'<div class="meta"><span>{html.escape(layout.date_label)}</span><span>{html.escape(layout.issue_label)}</span>'
            "<span>青岚省科学技术协会主管主办</span></div></header>"
        )
    return (
        f'<header class="running"><span>{html.escape(layout.date_label)}</span><span>{html.escape(layout.page_label)}</span>'
        "<span>责任编辑 唐书宁</span></header>"
    )


def build_html(layout: Layout) -> str:
    """The page as one HTML document: rows of cells, cells of stacked articles, rules between them."""
    inner = layout.width - 2 * layout.margin
    rows = []
    for row in layout.rows:
        cells = []
        for index, cell in enumerate(row):
            width = inner * cell.span / layout.columns
            stories = []
            for story in cell.stories:
                section = ""
                if story.section:
                    name, pinyin = story.section
                    bar = " bar" if layout.section_bar else ""
                    section = f'<div class="section{bar}"><b>{name}</b><span>{pinyin}</span></div>'
                stories.append(section + _story_html(story, cell.span, width - layout.gutter, layout))
            first = " first" if index == 0 else ""
            cells.append(
                f'<div class="cell{first}" style="flex:0 0 {width:.2f}px">{"<div class=rule></div>".join(stories)}</div>'
            )
        rows.append(f'<div class="row">{"".join(cells)}</div>')
    g = layout.gutter

    def head_rule(width: float, colour: str) -> str:
        return f"{width}px solid {colour if layout.head_rule else 'transparent'}"

    def rule(width: float) -> str:
        return f"{width}px solid #444" if layout.rules else f"{width}px solid transparent"

    css = f"""
    @page {{ size: {layout.width}px {layout.height}px; margin: 0 }}
    * {{ box-sizing: border-box }}
    html, body {{ margin: 0; padding: 0 }}
    body {{ width: {layout.width}px; height: {layout.height}px; overflow: hidden; color: #111;
           font-family: {layout.body_font}; font-size: {layout.body_size}px; line-height: {layout.line_height} }}
    .page {{ padding: {layout.margin}px }}
    header.front {{ border-bottom: {head_rule(4, "#8a1010")}; padding-bottom: 8px; margin-bottom: 14px; text-align: center }}
    header.front .paper {{ font-family: {SERIF}; font-weight: 900; font-size: 64px; line-height: 1.1;
                          color: #8a1010; letter-spacing: 8px }}
    header.front .meta {{ display: flex; justify-content: space-between; font-size: 12px; font-family: {SANS} }}
    header.running {{ display: flex; justify-content: space-between; font-family: {SANS}; font-size: 12px;
                     border-bottom: {head_rule(2, "#222")}; padding-bottom: 4px; margin-bottom: 14px }}
    .row {{ display: flex; align-items: stretch; margin: 0 -{g / 2}px }}
    .row + .row {{ border-top: {rule(1.5)}; margin-top: 12px; padding-top: 12px }}
    .cell {{ padding: 0 {g / 2}px; border-left: {rule(1)}; display: flex; flex-direction: column;
             align-items: stretch }}
    .cell.first {{ border-left: 0 }}
    .rule {{ border-top: {rule(1)}; margin: 12px 0 }}
    .section.bar {{ background: #1d4f91; color: #fff; padding: 2px 8px; border: 0 }}
    article .kicker {{ font-family: {layout.title_font}; font-size: {layout.body_size * 1.25:.1f}px;
                       text-align: {layout.title_align}; margin: 0 0 2px }}
    article .body p + p {{ margin-top: {layout.paragraph_gap}em }}
    article .body figure {{ break-inside: avoid }}
    .section {{ border-bottom: 2px solid #1d4f91; margin-bottom: 10px; display: flex; align-items: baseline;
                gap: 10px; font-family: {SANS}; color: #1d4f91 }}
    .section b {{ font-size: 19px; font-weight: 900 }}
    .section span {{ font-size: 11px; letter-spacing: 2px }}
    article h1 {{ font-family: {layout.title_font}; font-size: {layout.title_size}px;
                  font-weight: {layout.title_weight}; text-align: {layout.title_align}; line-height: 1.3;
                  margin: 0 0 8px }}
    article h2.sub {{ font-family: {layout.title_font}; font-size: {layout.body_size * 1.3:.1f}px;
                      font-weight: 400; text-align: {layout.title_align}; margin: 0 0 8px; line-height: 1.4 }}
    article .authors {{ font-family: {SANS}; font-size: {layout.body_size * 1.15:.1f}px; text-align: center;
                        margin: 0 0 8px; font-weight: 700 }}
    article .jump-from {{ margin: 0 0 4px }}
    article .body {{ text-align: justify }}
    article .body p {{ margin: 0; text-indent: {layout.indent}em }}
    article .body p.end {{ text-align: right; text-indent: 0 }}
    article figure {{ margin: 0 0 8px }}
    article figure img {{ display: block; width: 100%; object-fit: cover }}
    article figcaption {{ font-family: {SANS}; font-size: {layout.body_size * 0.85:.1f}px; color: #333;
                          margin-top: 4px; line-height: 1.4 }}
    """
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head>'
        f'<body><div class="page">{_masthead(layout)}{"".join(rows)}</div></body></html>'
    )


def truth(layout: Layout, boxes: list[dict]) -> dict:
    """What the reader must find: per article its title, credited names, paragraph count and box."""
    stories = [story for row in layout.rows for cell in row for story in cell.stories]
    articles = []
    for story, box in zip(stories, boxes, strict=True):
        articles.append({
            "title": story.title,
            "bylines": list(story.names),
            "paragraphs": story.paras,
            "section": story.section[0] if story.section else "",
            "kicker": story.kicker,
            "box": {
                "x": round(box["x"] / layout.width, 5), "y": round(box["y"] / layout.height, 5),
                "width": round(box["width"] / layout.width, 5), "height": round(box["height"] / layout.height, 5),
            },
        })  # fmt: skip
    return {
        "name": layout.name,
        "page": {"width": layout.width, "height": layout.height},
        "articles": articles,
    }


def compact(data: bytes) -> bytes:
    """The PDF with its objects packed into compressed object streams.  Chromium draws the Noto CJK fonts (CFF
    outlines) as Type 3 fonts, a glyph per stream and a dictionary per 256 glyphs; packing the dictionaries
    halves the file."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate, recompress_flate=True)
    return buffer.getvalue()


def render(browser, layout: Layout, out: Path) -> dict:
    """Print one layout to out/NAME.pdf and write its truth to out/NAME.json; returns the truth."""
    import pypdfium2 as pdfium

    page = browser.new_page(viewport={"width": layout.width, "height": layout.height})
    try:
        page.emulate_media(media="print")
        page.set_content(build_html(layout), wait_until="load")
        page.evaluate("document.fonts.ready")
        boxes = [article.bounding_box() for article in page.locator("article").all()]
        bottom = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.cell')].map(c => c.getBoundingClientRect().bottom))"
        )
        if bottom > layout.height - layout.margin / 2:
            raise SystemExit(
                f"{layout.name}: the content runs to {bottom:.0f}px, past the page ({layout.height}px)"
            )
        data = page.pdf(
            width=f"{layout.width}px", height=f"{layout.height}px", print_background=True,
            margin={"top": "0", "right": "0", "bottom": "0", "left": "0"}, prefer_css_page_size=True,
        )  # fmt: skip
    finally:
        page.close()
    document = pdfium.PdfDocument(data)
    pages = len(document)
    document.close()
    if pages != 1:
        raise SystemExit(f"{layout.name}: printed on {pages} pages, not one")
    result = truth(layout, boxes)
    (out / f"{layout.name}.pdf").write_bytes(compact(data))
    (out / f"{layout.name}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return result


def generate(names: list[str] | None = None, out: Path = HERE, layouts: list[Layout] = LAYOUTS) -> list[dict]:
    """Print the layouts named (all when None) into `out` with Debian's headless Chromium."""
    from playwright.sync_api import sync_playwright

    chosen = [layout for layout in layouts if not names or layout.name in names]
    unknown = set(names or ()) - {layout.name for layout in layouts}
    if unknown:
        raise SystemExit(f"unknown layouts: {', '.join(sorted(unknown))}")
    executable = chromium_path()
    if not executable:
        raise SystemExit("needs Chromium (apt-get install chromium)")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            return [render(browser, layout, out) for layout in chosen]
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="layouts to print (default: all)")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write NAME.pdf and NAME.json")
    args = parser.parse_args(argv)
    for result in generate(args.names or None, args.out):
        size = (args.out / f"{result['name']}.pdf").stat().st_size
        print(f"{result['name']}: {len(result['articles'])} articles, {size // 1024} KB")


if __name__ == "__main__":
    main()
