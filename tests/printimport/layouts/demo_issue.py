"""Print the demo's issues (devdata/demo.py ARTICLES of issues 1201 and 1202) as the printing plant would get them:
one PDF a page, two columns of large type (the demo's articles are short), laid out with the layout generator (tests/printimport/layouts/generate.py), written to
devdata/printed/.  `manage.py demo_data` imports them as any issue is imported (printimport/issueplan.py): the
pages get their PDFs and images, and every article its area, found in the PDF, not drawn.

The lead story of issue 1202 jumps: its first part on page 1 ends with (下转第2版), its rest opens page 2 under
its title again with (上接第1版), so the demo's digital edition lists it on both pages.

    .venv/bin/python tests/printimport/layouts/demo_issue.py [--out DIR]

Needs Chromium and Noto CJK (like generate.py) and the Django settings (DJANGO_DEBUG=1 is enough).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.printimport.layouts.generate import Cell, Layout, Story, generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "devdata" / "printed"
ISSUES = {1201: "2026年11月6日 星期五", 1202: "2026年11月13日 星期五"}
JUMPING = (1202, 1, 1)  # (issue, page, position) of the story that goes on on page 2
WEEKDAY_PAGES = {1: "要闻", 2: "综合", 3: "科普", 4: "观点"}
ROLE_WORDS = {"reporter": "本报记者", "correspondent": "通讯员"}
SECTIONS = {"图片新闻": "TU PIAN XIN WEN", "观点": "GUAN DIAN"}


def byline(credits: list[tuple[str, str]]) -> str:
    """The byline as the page prints it: (本报记者 江远舟 邵子航 摄), (通讯员 孟可欣 本报记者 江远舟)."""
    words = []
    for name, role in credits:
        if role == "photographer":
            words.append(f"{name} 摄")
        elif role in ROLE_WORDS:
            words.append(f"{ROLE_WORDS[role]} {name}")
        elif role != "editor":
            words.append(name)
    return f"({' '.join(words)})" if words else ""


def story(spec, index: int, texts: list[str] | None = None, **options) -> Story:
    """One demo article as printed: its paragraphs (the first after its dateline), byline or author note."""
    paragraphs = list(texts if texts is not None else spec.paragraphs)
    if spec.dateline and texts is None:
        paragraphs[0] = f"{spec.dateline} {paragraphs[0]}"
    opinion = any(role == "author" for _name, role in spec.bylines) and bool(spec.author_note)
    names = tuple(name for name, role in spec.bylines if role != "editor")
    section = (spec.section, SECTIONS[spec.section]) if spec.section in SECTIONS else None
    values = {
        "title": spec.title,
        "paras": len(paragraphs),
        "seed": 100 + index,
        "texts": tuple(paragraphs),
        "names": names,
        "opinion": opinion,
        "note": f"(作者系{spec.author_note.removeprefix('作者系')})" if spec.author_note else "",
        "byline": "" if opinion else byline(spec.bylines),
        "subtitle": f"——{spec.subtitle}" if spec.subtitle else "",
        "section": section,
        "dateline": bool(spec.dateline),
        "picture_height": 260,
    }
    values.update(options)
    return Story(**values)


def split(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Where the jumping story is cut: inside its last paragraph, as a column ends mid-sentence."""
    last = paragraphs[-1]
    cut = len(last) // 2
    return [*paragraphs[:-1], last[:cut]], [last[cut:]]


def layouts(articles) -> list[Layout]:
    """A layout for every page of the demo's printed issues: each page's articles in order, pictures above."""
    result, carried = [], {}
    for number, date in ISSUES.items():
        for page in WEEKDAY_PAGES:
            specs = sorted(
                ((i, a) for i, a in enumerate(articles) if a.issue == number and a.page == page),
                key=lambda pair: pair[1].position,
            )
            stories = []
            if (number, page) in carried:
                stories.append(carried.pop((number, page)))
            for index, spec in specs:
                if (number, page, spec.position) == JUMPING:
                    head = [f"{spec.dateline} {spec.paragraphs[0]}", *spec.paragraphs[1:]]
                    first, rest = split(head)
                    stories.append(
                        story(spec, index, first, jump_to="(下转第2版)", byline="", picture="above")
                    )
                    carried[number, page + 1] = story(
                        spec, index, rest, jump_from="(上接第1版)", subtitle="", dateline=False
                    )
                    continue
                # Pictures for the front page's lead and the photo news (图片新闻).
                lead = (page, spec.position) == (1, 1) or spec.section == "图片新闻"
                picture = "above" if lead else ""
                stories.append(story(spec, index, picture=picture))
            result.append(
                Layout(
                    f"issue-{number}-page-{page}", 2, width=900, height=1273, body_size=18, line_height=1.85,
                    title_size=40, masthead="front" if page == 1 else "running",
                    page_label=f"第{page}版 {WEEKDAY_PAGES[page]}", date_label=date,
                    issue_label=f"第{number}期 今日4版", rows=[[Cell(2, [s])] for s in stories],
                )
            )  # fmt: skip
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the PDFs (and their truth)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from devdata.demo import ARTICLES

    chosen = layouts(ARTICLES)
    for result in generate(out=args.out, layouts=chosen):
        size = (args.out / f"{result['name']}.pdf").stat().st_size
        print(f"{result['name']}: {len(result['articles'])} articles, {size // 1024} KB")


if __name__ == "__main__":
    main()
