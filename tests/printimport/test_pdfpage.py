"""The page-PDF reader (printimport/pdfpage.py, printimport/pdflayout.py) on pages we lay out ourselves.

tests/printimport/layouts/generate.py lays out each page in HTML and CSS (two to six columns, pictures with
captions, a jump, opinion pieces, section headers with pinyin, a masthead or running head, rules), prints it
with headless Chromium and records the truth from the DOM: each article's title, bylines, paragraph count
and box.  Here the committed PDFs are read back: every article must come out of `parse_page` with its title,
bylines and paragraphs, and its area must cover its true box (IoU ≥ 0.8; run with -s to see every IoU).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pikepdf
import pytest
from django.utils import translation
from PIL import Image

from printimport.parser import PrintPageError, parse_page
from printimport.pdfpage import read_page_pdf

LAYOUTS = Path(__file__).resolve().parent / "layouts"
NAMES = sorted(path.stem for path in LAYOUTS.glob("*.json"))
MIN_IOU = 0.8


def load(name: str, folder: Path = LAYOUTS) -> tuple[bytes, dict]:
    truth = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return (folder / f"{name}.pdf").read_bytes(), truth


def iou(a: dict, b: dict) -> float:
    left, top = max(a["x"], b["x"]), max(a["y"], b["y"])
    right = min(a["x"] + a["width"], b["x"] + b["width"])
    bottom = min(a["y"] + a["height"], b["y"] + b["height"])
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = a["width"] * a["height"] + b["width"] * b["height"] - inter
    return inter / union if union > 0 else 0.0


def check_layout(data: bytes, truth: dict) -> list[float]:
    """Read the PDF, parse its text and compare both with the truth; returns the IoU of every area."""
    page = read_page_pdf(data)
    kickers = [a["kicker"] for a in truth["articles"] if a["kicker"]]
    assert len(page.warnings) == len(kickers) and all(
        k in w for k, w in zip(kickers, page.warnings, strict=True)
    )
    parsed = parse_page(page.text)
    text_lines = page.text.split("\n")
    assert [a.title for a in parsed] == [a.title for a in page.areas], "one area per article, in text order"
    found = {a.title: a for a in parsed}
    areas = {a.title: a for a in page.areas}
    assert len(parsed) == len(truth["articles"]), [a.title for a in parsed]
    scores = []
    for expected in truth["articles"]:
        title = expected["title"]
        assert title in found, f"{truth['name']}: “{title}” not found among {list(found)}"
        article, area = found[title], areas[title]
        assert [b.name for b in article.bylines] == expected["bylines"], title
        assert len(article.paragraphs) == expected["paragraphs"], (title, article.paragraphs)
        assert article.section == expected["section"], title
        assert text_lines[area.line - 1] == title and article.line == area.line
        box = {"x": area.x, "y": area.y, "width": area.width, "height": area.height}
        assert 0 <= area.x <= area.x + area.width <= 1 and 0 <= area.y <= area.y + area.height <= 1
        score = iou(box, expected["box"])
        print(f"{truth['name']:14} {title:32} IoU {score:.3f}")
        scores.append(score)
    assert min(scores) >= MIN_IOU, scores
    return scores


def test_the_layouts_are_all_there():
    assert len(NAMES) >= 6
    for name in NAMES:
        data, truth = load(name)
        assert len(data) < 300 * 1024, f"{name}.pdf is {len(data) // 1024} KB"
        assert truth["articles"]


@pytest.mark.parametrize("name", NAMES)
def test_every_article_is_found_with_its_area(name):
    check_layout(*load(name))


def test_page_furniture_is_left_out():
    """The masthead, the running head and the desk editor's line are not articles."""
    for name in NAMES:
        text = read_page_pdf(load(name)[0]).text
        assert "青岚科技报" not in text and "责任编辑" not in text and "星期四" not in text


def test_jump_lines_and_author_notes_are_kept_as_printed():
    front = read_page_pdf(load("three-columns")[0]).text
    assert "\n\n(下转第2版)\n\n" in front
    inside = read_page_pdf(load("two-columns")[0]).text
    assert "科技成果转化行动计划\n\n(上接第1版)\n\n" in inside
    assert "\n\n程思远 方若溪\n\n" in inside  # the opinion's authors, under its title
    opinion = next(a for a in parse_page(inside) if a.title == "让科普真正走进群众心里")
    assert opinion.author_note.startswith("作者程思远系青岚师范大学教授")
    assert opinion.section == "观点"


def test_captions_stay_out_of_the_text_and_inside_the_area():
    page = read_page_pdf(load("four-columns")[0])
    assert "▲" not in page.text
    _, truth = load("four-columns")
    lead = truth["articles"][0]
    area = page.areas[0]
    assert area.title == lead["title"]
    assert area.y + area.height >= lead["box"]["y"] + lead["box"]["height"] - 0.02


def transformed(data: bytes, scale: float, dx: float, dy: float) -> bytes:
    """The page drawn `scale` times its size, placed at (dx, dy) on a larger sheet; its crop box follows."""
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        left, bottom, right, top = (float(v) for v in page.mediabox)
        page.contents_add(pdf.make_stream(f"q {scale} 0 0 {scale} {dx} {dy} cm".encode()), prepend=True)
        page.contents_add(pdf.make_stream(b"Q"))
        width, height = (right - left) * scale, (top - bottom) * scale
        page.mediabox = [0, 0, width + 2 * dx, height + 2 * dy]  # the sheet, larger than the page
        page.cropbox = [dx, dy, dx + width, dy + height]  # the page on it
        pdf.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("scale", "dx", "dy"), [(1, 100, 60), (0.6, 0, 0), (1.7, 30, 30)])
def test_the_size_and_place_of_the_page_do_not_matter(scale, dx, dy):
    """Every threshold is measured in the page's own type, so a page printed smaller or larger reads the same;
    and press PDFs often place the page on a larger sheet (bleed, crop marks): positions are read relative to
    the page's crop box, so areas stay fractions of the page as its image shows it."""
    for name in ("three-columns", "six-columns"):
        data, _ = load(name)
        moved, plain = read_page_pdf(transformed(data, scale, dx, dy)), read_page_pdf(data)
        assert moved.text == plain.text
        for a, b in zip(moved.areas, plain.areas, strict=True):
            assert (a.x, a.y, a.width, a.height) == pytest.approx((b.x, b.y, b.width, b.height), abs=1e-3)


def pdf_of_images(count: int) -> bytes:
    buffer = io.BytesIO()
    images = [Image.new("RGB", (400, 560), "white") for _ in range(count)]
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "not a PDF"),
        (b"plain text, not a page", "not a PDF"),
        (b"%PDF-1.7\nnothing else", "damaged"),
        (pdf_of_images(1), "no text layer"),
        (pdf_of_images(2), "2 pages"),
    ],
)
def test_what_cannot_be_read_is_refused_clearly(data, words):
    with translation.override("en"), pytest.raises(PrintPageError) as caught:
        read_page_pdf(data)
    assert caught.value.line is None
    assert words in caught.value.message


def test_an_encrypted_pdf_is_refused():
    data, _ = load("three-columns")
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    with translation.override("en"), pytest.raises(PrintPageError) as caught:
        read_page_pdf(buffer.getvalue())
    assert "encrypted" in caught.value.message


@pytest.mark.browser
def test_the_generator_still_prints_a_page_that_reads_back(tmp_path):
    """CI proves the committed generator works: it prints one layout afresh, which must read back as well."""
    import shutil

    from tests.conftest import skip_or_fail

    try:
        import playwright  # noqa: F401
    except ImportError:
        skip_or_fail("needs the playwright Python package")
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        skip_or_fail("needs Chromium (apt-get install chromium)")
    from tests.printimport.layouts.generate import generate

    generate(["three-columns"], tmp_path)
    data, truth = load("three-columns", tmp_path)
    assert truth == load("three-columns")[1]
    check_layout(data, truth)
