"""Demo printed pages for the issue still being made: a PDF drawn for every demo page that has none, its image
rendered, its areas. (The printed issues are imported from their own page PDFs: devdata/demo_printed.py.)

Each page is drawn with Pillow the way a weekly's page is laid out: the masthead (page 1) or a running head,
then the page's articles as blocks (title, subtitle, photo, text in columns), then briefs and an advertisement
to fill the page. With a CJK font on the machine (fonts-noto-cjk) the titles and text are real; without one,
bars stand for them. The drawing is saved as a PDF with Pillow's PDF writer and attached to the page; the page
image is then rendered from that PDF by edition/images.py, as an editor's upload would be. Every article's
block becomes its PageArea.

Idempotent: a page that has a PDF keeps it (its image is rendered only if missing), and an article that already
has an area on a page gets no other.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from articles.models import Article, IssuePage, PageArea
from edition.images import render_page_image

PAGE_SIZE = (1600, 2263)  # the A-series proportion, 1600 px wide: rendered back at exactly this size
PDF_RESOLUTION = 150  # pixels per inch in the PDF: a 271 × 383 mm page, a weekly's tabloid
MARGIN = 84
GUTTER = 30
INK, RED, GREY, LIGHT, PAPER = (27, 27, 27), (164, 22, 26), (118, 118, 118), (222, 218, 208), (255, 255, 255)
WEEKDAYS = "一二三四五六日"

FONT_DIRS = [
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts"),
]
FONT_FILES = {
    "serif": ["NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf", "NotoSansCJK-Regular.ttc"],
    "serif_bold": ["NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf", "NotoSansCJK-Bold.ttc"],
    "sans_bold": ["NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSerifCJK-Bold.ttc"],
}


def _font_file(names: list[str]) -> Path | None:
    for directory in FONT_DIRS:
        for name in names:
            path = directory / name
            if path.is_file():
                return path
    return None


class Fonts:
    """The Simplified Chinese faces of Noto CJK, when installed; `None` for each face otherwise."""

    def __init__(self):
        self.files = {face: _font_file(names) for face, names in FONT_FILES.items()}
        self._cache = {}

    @property
    def available(self) -> bool:
        return all(self.files.values())

    def get(self, face: str, size: int):
        key = (face, size)
        if key not in self._cache:
            self._cache[key] = self._load(self.files[face], size) if self.files.get(face) else None
        return self._cache[key]

    @staticmethod
    def _load(path: Path, size: int):
        # A .ttc holds the JP, KR, SC, TC, HK faces: take the SC one (index 2 in Noto CJK).
        for index in (2, 0, 1, 3, 4, 5, 6, 7, 8, 9):
            try:
                font = ImageFont.truetype(str(path), size, index=index)
            except OSError:
                continue
            if path.suffix != ".ttc" or " SC" in " ".join(font.getname()):
                return font
        return None


@dataclass
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def fractions(self) -> tuple[float, float, float, float]:
        width, height = PAGE_SIZE
        return (
            round(self.left / width, 4),
            round(self.top / height, 4),
            round(self.width / width, 4),
            round(self.height / height, 4),
        )


def illustration(seed: int, size=(1200, 800)) -> Image.Image:
    """A picture drawn on the fly: sky, hills and a sun, in colours chosen by `seed`."""
    rng = random.Random(seed)
    width, height = size
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    top = (rng.randint(30, 90), rng.randint(90, 150), rng.randint(150, 210))
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (250 - a) * t) for a in top))
    sun = rng.randint(width // 5, width * 4 // 5), rng.randint(height // 8, height // 3), rng.randint(50, 90)
    draw.ellipse([sun[0] - sun[2], sun[1] - sun[2], sun[0] + sun[2], sun[1] + sun[2]], fill=(250, 214, 120))
    for layer in range(3):
        base = height * (5 + layer) // 9
        green = (60 + 30 * layer, 120 + 25 * layer - rng.randint(0, 30), 70 + 10 * layer)
        points = [(0, height)] + [(x, base - rng.randint(0, height // 6)) for x in range(0, width + 150, 150)]
        draw.polygon(points + [(width, height)], fill=green)
    return picture


def _paragraphs(article: Article) -> list[str]:
    text = re.sub(r"</p\s*>", "\n", article.body or "")
    text = unescape(re.sub(r"<[^>]+>", "", text))
    return [line.strip() for line in text.splitlines() if line.strip()]


class PageDrawing:
    """One printed page drawn with Pillow."""

    def __init__(self, fonts: Fonts):
        self.fonts = fonts
        self.image = Image.new("RGB", PAGE_SIZE, PAPER)
        self.draw = ImageDraw.Draw(self.image)

    # ----- text, or bars standing for it -----

    def wrap(self, text: str, font, width: int) -> list[str]:
        lines, line = [], ""
        for char in text:
            if font.getlength(line + char) > width and line:
                lines.append(line)
                line = char
            else:
                line += char
        if line:
            lines.append(line)
        return lines

    def text(
        self, left: int, top: int, width: int, text: str, face: str, size: int, fill, max_lines=99
    ) -> int:
        """Write `text` wrapped to `width`; return the y below it. Bars stand for it without a font."""
        line_height = round(size * 1.45)
        font = self.fonts.get(face, size)
        if font is None:
            count = min(max_lines, max(1, round(len(text) * size / max(width, 1))))
            for number in range(count):
                y = top + number * line_height + size // 4
                bar_width = width if number < count - 1 else max(size * 2, width * 2 // 3)
                self.draw.rectangle([left, y, left + bar_width, y + max(3, size * 2 // 3)], fill=fill)
            return top + count * line_height
        lines = self.wrap(text, font, width)[:max_lines]
        for number, line in enumerate(lines):
            self.draw.text((left, top + number * line_height), line, font=font, fill=fill)
        return top + len(lines) * line_height

    def columns(self, box: Box, paragraphs: list[str], count: int, size: int = 21) -> int:
        """Body text in `count` columns inside `box`, as far as it goes; return the bottom of the longest column."""
        line_height = round(size * 1.5)
        column_width = (box.width - GUTTER * (count - 1)) // count
        font = self.fonts.get("serif", size)
        lines = []
        for paragraph in paragraphs:
            indented = "\u3000\u3000" + paragraph
            if font is None:
                per_line = max(1, column_width // size)
                lines += ["■" * per_line] * (len(indented) // per_line) + [
                    "■" * (len(indented) % per_line or 1)
                ]
            else:
                lines += self.wrap(indented, font, column_width)
        per_column = max(1, box.height // line_height)
        per_column = min(per_column, -(-len(lines) // count))  # balance the columns
        bottom = box.top
        for column in range(count):
            chunk = lines[column * per_column : (column + 1) * per_column]
            left = box.left + column * (column_width + GUTTER)
            for number, line in enumerate(chunk):
                y = box.top + number * line_height
                if font is None:
                    width = column_width if len(line) * size >= column_width else len(line) * size
                    self.draw.rectangle([left, y + 6, left + width, y + size - 4], fill=LIGHT)
                else:
                    self.draw.text((left, y), line, font=font, fill=INK)
            bottom = max(bottom, box.top + len(chunk) * line_height)
            if column:
                x = left - GUTTER // 2
                self.draw.line([x, box.top, x, box.top + per_column * line_height], fill=LIGHT, width=1)
        return bottom

    # ----- page furniture -----

    def masthead(self, page: IssuePage) -> int:
        issue = page.issue
        name = settings.NEWSPAPER_NAME
        top = MARGIN
        font = self.fonts.get("serif_bold", 150)
        if font is None:
            self.draw.rectangle([MARGIN, top + 20, MARGIN + 620, top + 170], fill=RED)
        else:
            self.draw.text((MARGIN - 6, top), name, font=font, fill=RED)
        self.text(
            PAGE_SIZE[0] - MARGIN - 420, top + 40, 420, "青岚省科学技术协会主管主办", "sans_bold", 26, INK
        )
        self.text(
            PAGE_SIZE[0] - MARGIN - 420, top + 86, 420, "国内统一连续出版物号 CN 00-0000", "serif", 22, GREY
        )
        top += 210
        self.draw.rectangle([MARGIN, top, PAGE_SIZE[0] - MARGIN, top + 6], fill=RED)
        date = issue.date
        line = (
            f"{date.year}年{date.month}月{date.day}日 星期{WEEKDAYS[date.weekday()]}"
            f"　　总第{issue.number}期　　本期{issue.pages.count()}版　　第{page.number}版 {page.name}"
        )
        self.text(MARGIN, top + 18, PAGE_SIZE[0] - 2 * MARGIN, line, "sans_bold", 26, INK)
        top += 70
        self.draw.line([MARGIN, top, PAGE_SIZE[0] - MARGIN, top], fill=INK, width=2)
        return top + 30

    def running_head(self, page: IssuePage) -> int:
        issue, top = page.issue, MARGIN
        label = f"第{page.number}版  {page.name}".strip()
        self.draw.rectangle([MARGIN, top, MARGIN + 330, top + 64], fill=RED)
        self.text(MARGIN + 22, top + 10, 300, label, "sans_bold", 36, PAPER)
        date = issue.date
        right = f"{date.year}年{date.month}月{date.day}日  {settings.NEWSPAPER_NAME}  总第{issue.number}期"
        self.text(PAGE_SIZE[0] - MARGIN - 620, top + 18, 620, right, "serif", 26, INK)
        top += 80
        self.draw.rectangle([MARGIN, top, PAGE_SIZE[0] - MARGIN, top + 4], fill=INK)
        return top + 34

    def title(self, left: int, top: int, width: int, text: str, size: int) -> int:
        """A headline on at most two balanced lines (no single character left alone on the second)."""
        font = self.fonts.get("serif_bold", size)
        if font is not None and font.getlength(text) > width:
            width = min(width, round(font.getlength(text) / 2) + size)
        return self.text(left, top, width, text, "serif_bold", size, INK, max_lines=2)

    def story(self, box: Box, title: str, paragraphs: list[str], **options) -> Box:
        """A story's block: kicker, title, subtitle, photo, text in columns. Returns the box it really took."""
        kicker, subtitle, photo = options.get("kicker"), options.get("subtitle"), options.get("photo")
        y = box.top
        if kicker:
            y = self.text(box.left, y, box.width, kicker, "sans_bold", 26, GREY, max_lines=1) + 4
        y = self.title(box.left, y, box.width, title, options.get("title_size", 46))
        if subtitle:
            y = self.text(box.left, y + 4, box.width, "——" + subtitle, "sans_bold", 28, INK, max_lines=1)
        y += 16
        if photo is not None:
            photo_height = min(
                round(box.width * photo.height / photo.width), box.width * 9 // 16, box.height // 2
            )
            photo_width = min(box.width, round(photo_height * photo.width / photo.height))
            self.image.paste(photo.resize((photo_width, photo_height)), (box.left, y))
            y += photo_height + 8
            y = self.text(box.left, y, photo_width, options.get("caption", ""), "sans_bold", 20, GREY, 1) + 12
        bottom = self.columns(Box(box.left, y, box.right, box.bottom), paragraphs, options.get("columns", 2))
        return Box(box.left, box.top, box.right, min(box.bottom, max(bottom, y)))

    def article(self, article: Article, box: Box, lead: bool = False) -> Box:
        return self.story(
            box,
            article.title,
            _paragraphs(article),
            kicker=article.kicker,
            subtitle=article.subtitle,
            photo=self.photo(article) or (illustration(article.pk) if lead else None),
            caption=article.image_caption,
            title_size=60 if lead else 44,
            columns=4 if lead else 2,
        )

    def photo(self, article: Article):
        if not article.image:
            return None
        try:
            with article.image.open("rb") as image_file, Image.open(image_file) as photo:
                return photo.convert("RGB")
        except (OSError, ValueError):
            return None

    def advertisement(self, box: Box) -> None:
        """A public-service advertisement filling the foot of a column."""
        self.draw.rectangle([box.left, box.top, box.right, box.bottom], outline=RED, width=4)
        inner = Box(box.left + 24, box.top + 24, box.right - 24, box.bottom - 24)
        self.draw.rectangle([inner.left, inner.top, inner.right, inner.bottom], fill=(246, 234, 222))
        radius = min(inner.width, inner.height) // 4
        centre = (inner.right - radius - 20, inner.top + radius + 20)
        self.draw.ellipse(
            [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius],
            fill=(230, 170, 60),
        )
        y = self.text(
            inner.left + 24, inner.top + 24, inner.width * 3 // 5, "节约用电", "serif_bold", 72, RED, 1
        )
        self.text(inner.left + 24, y + 12, inner.width - 48, "随手关灯 从我做起", "sans_bold", 34, INK, 1)
        self.text(
            inner.left + 24, inner.bottom - 56, inner.width - 48, "青岚科技报社 宣", "sans_bold", 24, GREY, 1
        )

    def picture(self, box: Box, seed: int) -> None:
        """A photo-news block (图片新闻): a picture and its caption."""
        y = self.text(box.left, box.top, box.width, "图片新闻", "sans_bold", 30, RED, max_lines=1) + 8
        picture = illustration(seed)
        height = min(box.bottom - y - 50, box.width * 3 // 4)
        self.image.paste(picture.resize((box.width, height)), (box.left, y))
        caption = "科技馆里的冬日课堂：小观众在实验台前动手做实验。"
        self.text(box.left, y + height + 10, box.width, caption, "sans_bold", 22, GREY, max_lines=1)

    def pdf(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, "PDF", resolution=PDF_RESOLUTION, quality=82)
        return buffer.getvalue()


# Stories that fill a page around the demo articles: printed, but not on the website (no area, no link).
FILLERS = [
    ("简讯三则", [
        "省科技馆本周末推出“冬季星空”主题观测活动，市民可通过官方平台预约参加。",
        "云川市科协组织科技志愿者走进社区，开展防范电信诈骗科普宣传，发放资料两千余份。",
        "青岚农业大学科研团队培育的耐寒油菜新品种通过专家现场测产，亩产较对照增产一成。",
    ]),
    ("县域科普大篷车开进白沙镇", [
        "日前，省科普服务中心的科普大篷车开进白沙镇中心小学，带来机器人、光学和声学等30余件互动展品。",
        "不少学生第一次亲手操作机械臂。带队老师说，这样的活动让书本上的知识变得看得见、摸得着。",
    ]),
    ("专家提醒：冬季用气安全不可忽视", [
        "入冬后燃气使用量明显增加。专家提醒，使用燃气热水器时要保持通风，定期检查软管是否老化。",
        "一旦闻到燃气异味，应立即关闭阀门、开窗通风，切勿开关电器或使用明火。",
    ]),
    ("青岚省新增五家院士工作站", [
        "记者从省科协获悉，今年全省新建院士工作站5家，涉及新材料、现代农业和生物医药等领域。",
        "截至目前，全省已累计建成院士工作站86家，引进院士团队成员400余人。",
    ]),
    ("科学小问答：为什么冬天静电多", [
        "冬季空气干燥，衣物摩擦产生的电荷不易散失，积累到一定程度便会放电，这就是静电。",
        "保持室内湿度、多穿棉质衣物、触碰金属前先用手掌接触墙壁，都能减少静电的困扰。",
    ]),
]  # fmt: skip


def draw_page(page: IssuePage, articles: list[Article], fonts: Fonts | None = None) -> tuple[bytes, dict]:
    """Draw `page` with its articles; return the PDF and each article's block (page fractions) by article id.

    The first article runs across the page; the others, then filler stories, flow into two columns below it,
    each into the shorter column; an advertisement takes the foot of the shorter column when room is left.
    """
    drawing = PageDrawing(fonts or Fonts())
    top = drawing.masthead(page) if page.number == 1 else drawing.running_head(page)
    bottom = PAGE_SIZE[1] - MARGIN
    left, right = MARGIN, PAGE_SIZE[0] - MARGIN
    areas = {}
    if articles:
        taken = drawing.article(articles[0], Box(left, top, right, bottom - 600), lead=True)
        areas[articles[0].pk] = taken.fractions()
        top = taken.bottom + 36
        drawing.draw.line([left, top - 18, right, top - 18], fill=INK, width=2)
    width = (right - left - GUTTER) // 2
    columns = [[left, top], [left + width + GUTTER, top]]  # [left edge, next free y]
    items = [("article", article) for article in articles[1:]] + [("filler", filler) for filler in FILLERS]
    for kind, item in items:
        column = min(columns, key=lambda c: c[1])
        if bottom - column[1] < 320:
            break
        box = Box(column[0], column[1], column[0] + width, bottom)
        if kind == "article":
            taken = drawing.article(item, box)
            areas[item.pk] = taken.fractions()
        else:
            taken = drawing.story(box, item[0], item[1], title_size=36)
        column[1] = taken.bottom + 40
        drawing.draw.line([box.left, column[1] - 20, box.right, column[1] - 20], fill=LIGHT, width=2)
    # The foot of each column: an advertisement in one, a picture in the other, when there is room.
    for index, column in enumerate(sorted(columns, key=lambda c: c[1])):
        room = Box(column[0], column[1], column[0] + width, bottom)
        if room.height >= 260 and index == 0:
            drawing.advertisement(Box(room.left, max(room.top, room.bottom - 760), room.right, room.bottom))
            room = Box(room.left, room.top, room.right, room.bottom - 800)
        if room.height >= 300:
            drawing.picture(room, page.number * 7 + index)
    return drawing.pdf(), areas


def build(pages: dict, log=None) -> int:
    """Give every demo page without a PDF (the printed issues have theirs, devdata/demo_printed.py) a drawn one,
    its rendered image and its articles' areas. Returns how many rows it made."""
    fonts = Fonts()
    created = 0
    for page in sorted(pages.values(), key=lambda p: (p.issue.number, p.number)):
        page.refresh_from_db()
        articles = list(Article.objects.filter(page=page).order_by("position", "id"))
        if not page.pdf:
            data, blocks = draw_page(page, articles, fonts)
            page.pdf.save(f"issue-{page.issue.number}-page-{page.number}.pdf", ContentFile(data), save=True)
            render_page_image(page)
            for article in articles:
                if article.pk in blocks and not PageArea.objects.filter(page=page, article=article).exists():
                    x, y, width, height = blocks[article.pk]
                    PageArea.objects.create(page=page, article=article, x=x, y=y, width=width, height=height)
                    created += 1
        elif not page.image:
            render_page_image(page)
    if log and not fonts.available:
        log("No CJK font found: demo pages are drawn with bars instead of text.")
    return created
