"""Uploads are judged by their content: images decode, PDFs open, nothing carries HTML or script, sizes are capped.

Three layers are tested: the validators themselves (core/uploads.py), the admin forms that take files
(article image, issue page PDF and image, author photo), and the editor's upload endpoint (staff only,
CSRF-checked). Assertions are on error codes and fields, never on translated text.

What is accepted is not stored as sent: the admin and the editor store the PDF rewritten and the image stripped
(core/filecleaning.py, tested on its own in tests/core/test_filecleaning.py), and so are the picture's renditions
(core/renditions.py); the tests at the end of each layer read back what was stored.
"""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.models import Article, IssuePage
from core import renditions, uploads
from core.filecleaning import CleanedFileField, CleanedImageField
from people.models import Author
from tests.factories import UserFactory, editor, reporter
from tests.security import files
from tests.security.adminforms import form_errors, post_admin_form

pytestmark = pytest.mark.django_db


def _code(validator, name, data):
    try:
        validator(files.upload(name, data))
    except ValidationError as exc:
        return exc.error_list[0].code, exc.messages[0]
    return None, ""


# ----- the validators -----

GOOD_IMAGES = [
    ("新闻照片.png", "PNG"),
    ("IMG_0412.JPG", "JPEG"),
    ("dsc.jpeg", "JPEG"),
    ("动图.gif", "GIF"),
    ("page1.webp", "WEBP"),
]


@pytest.mark.parametrize(("name", "fmt"), GOOD_IMAGES)
def test_real_images_are_accepted(name, fmt):
    assert _code(uploads.validate_image_upload, name, files.image_bytes(fmt)) == (None, "")


BAD_IMAGES = {
    "svg named svg": ("logo.svg", files.SVG, "not_image"),
    "svg renamed png": ("logo.png", files.SVG, "not_image"),
    "html renamed png": ("photo.png", files.HTML_PAGE, "not_image"),
    "html renamed jpg": ("photo.jpg", b"\xff\xd8" + files.HTML_PAGE, "not_image"),
    "empty file": ("empty.png", b"", "not_image"),
    "png named html": ("photo.html", files.image_bytes("PNG"), "extension_mismatch"),
    "png named jpg": ("photo.jpg", files.image_bytes("PNG"), "extension_mismatch"),
    "jpeg without extension": ("photo", files.image_bytes("JPEG"), "extension_mismatch"),
    "gif that is also html": ("anim.gif", files.gif_html_polyglot(), "active_content"),
    "gif that is also javascript": ("anim.gif", files.gif_script_polyglot(), "active_content"),
    "png with markup in text chunk": (
        "chart.png",
        files.png_with_text(b"Comment", b'<img src=x onerror="alert(1)">'),
        "active_content",
    ),
    "jpeg with script in comment": (
        "photo.jpg",
        files.jpeg_with_comment(b"<script>alert(document.cookie)</script>"),
        "active_content",
    ),
    "truncated jpeg": ("photo.jpg", files.truncated(files.image_bytes("JPEG", size=(640, 480))), "not_image"),
    "truncated png": ("chart.png", files.truncated(files.image_bytes("PNG", size=(640, 480))), "not_image"),
    "bomb over our limit": ("bomb.png", files.png_claiming(8000, 8000), "too_many_pixels"),
    "bomb over pillow's limit": ("bomb.png", files.png_claiming(100_000, 100_000), "too_many_pixels"),
    "tiff": ("scan.tif", files.image_bytes("TIFF"), "bad_image_format"),
    "bmp": ("scan.bmp", files.image_bytes("BMP"), "bad_image_format"),
}


@pytest.mark.parametrize("case", BAD_IMAGES.values(), ids=BAD_IMAGES.keys())
def test_hostile_or_broken_images_are_refused_with_a_reason(case):
    name, data, expected = case
    code, message = _code(uploads.validate_image_upload, name, data)
    assert code == expected
    assert message.strip()


def test_image_size_limit(settings):
    data = files.image_bytes("PNG", size=(300, 300))
    settings.MAX_IMAGE_UPLOAD_BYTES = len(data) - 1
    assert _code(uploads.validate_image_upload, "big.png", data)[0] == "too_large"
    settings.MAX_IMAGE_UPLOAD_BYTES = len(data)
    assert _code(uploads.validate_image_upload, "big.png", data)[0] is None


def test_validator_leaves_the_file_readable_from_the_start():
    upload = files.image_upload("photo.png")
    uploads.validate_image_upload(upload)
    assert upload.read(8) == b"\x89PNG\r\n\x1a\n"


def test_files_already_stored_are_not_checked_again():
    article = Article(title="旧图", image="articles/2026/01/old.png")
    uploads.validate_image_upload(article.image)  # would fail to open: it is not a new upload


def test_pdf_accepted():
    assert _code(uploads.validate_pdf_upload, "第1版.pdf", files.pdf_bytes())[0] is None
    assert _code(uploads.validate_pdf_upload, "page.PDF", files.handmade_pdf())[0] is None


BAD_PDFS = {
    "html renamed pdf": ("page.pdf", files.HTML_PAGE, "not_pdf"),
    "html before the pdf header": (
        "page.pdf",
        b"<html><script>alert(1)</script>" + files.pdf_bytes(),
        "not_pdf",
    ),
    "png renamed pdf": ("page.pdf", files.image_bytes("PNG"), "not_pdf"),
    "pdf named png": ("page.png", files.pdf_bytes(), "extension_mismatch"),
    "damaged pdf": ("page.pdf", b"%PDF-1.7\n% nothing else here\n", "bad_pdf"),
    "truncated pdf": ("page.pdf", files.truncated(files.pdf_bytes(), 0.5), "bad_pdf"),
    "open-action javascript": ("page.pdf", files.pdf_with_open_action_script(), "pdf_active_content"),
    "escaped-name document javascript": (
        "page.pdf",
        files.pdf_with_escaped_names_script(),
        "pdf_active_content",
    ),
    "locked with a password": ("page.pdf", files.pdf_locked_with_password(), "bad_pdf"),
}


@pytest.mark.parametrize("case", BAD_PDFS.values(), ids=BAD_PDFS.keys())
def test_hostile_or_broken_pdfs_are_refused_with_a_reason(case):
    name, data, expected = case
    code, message = _code(uploads.validate_pdf_upload, name, data)
    assert code == expected
    assert message.strip()


ESCAPED_SCRIPT = b"<< /S /Java#53cript /#4aS (app.alert\\(1\\)) >>"
# Scripts that the byte scan and PDFium's count of document-level scripts both missed: names #-escaped, or
# stored in a compressed object stream, in actions that are not document-level.
HIDDEN_SCRIPTS = {
    "issue's escaped open action": files.pdf_with_issue_open_action(),
    "escaped names everywhere": files.pdf_with_escaped_names_everywhere(),
    "escaped hex-string script": files.handmade_pdf(
        b"/OpenAction << /S /Java#53cript /J#53 <6170702E616C657274283129> >>"
    ),
    "script in object stream": files.pdf_with_script_in_object_stream(),
    "escaped page action": files.handmade_pdf(page_extra=b"/AA << /O " + ESCAPED_SCRIPT + b" >>"),
    "escaped bookmark script": files.handmade_pdf(
        b"/Outlines 4 0 R",
        (
            b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
            b"<< /Title (Front page) /Parent 4 0 R /A " + ESCAPED_SCRIPT + b" >>",
        ),
    ),
    "escaped launch link": files.pdf_with_link_action(b"<< /S /Launc#68 /F (calc.exe) >>"),
    "update adding an escaped open action": files.append_revision(
        files.handmade_pdf(), {1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + ESCAPED_SCRIPT + b" >>"}
    ),
}


@pytest.mark.parametrize("data", HIDDEN_SCRIPTS.values(), ids=HIDDEN_SCRIPTS.keys())
def test_scripts_are_found_whatever_their_names_look_like(data):
    # The names are read as qpdf decodes them, in every object, compressed or not.
    assert _code(uploads.validate_pdf_upload, "page.pdf", data)[0] == "pdf_active_content"


# Acting content that is not a script: accepted, and removed from what is stored (the admin tests below).
PDFS_REWRITTEN_NOT_REFUSED = {
    "web link": files.pdf_with_link_action(b"<< /S /URI /URI (https://evil.example/phish) >>"),
    "page action opening a web page": files.handmade_pdf(
        page_extra=b"/AA << /O << /S /URI /URI (https://evil.example/opened) >> >>"
    ),
    "embedded file": files.pdf_with_embedded_file(),
    "form submitting to the web": files.pdf_with_form(),
}


def test_pdf_size_limit(settings):
    data = files.pdf_bytes()
    settings.MAX_PDF_UPLOAD_BYTES = len(data) - 1
    assert _code(uploads.validate_pdf_upload, "page.pdf", data)[0] == "too_large"


def test_an_animation_too_large_to_rewrite_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ANIMATION_PIXELS", 40 * 30 * 3 - 1)
    code, message = _code(uploads.validate_image_upload, "anim.webp", files.animated_webp_with_metadata())
    assert code == "animation_too_large" and message.strip()


def test_every_frame_of_an_animation_must_decode():
    frames = [Image.effect_noise((200, 200), 40 + 10 * i).convert("P") for i in range(4)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    data = buffer.getvalue()
    assert _code(uploads.validate_image_upload, "anim.gif", data)[0] is None
    assert _code(uploads.validate_image_upload, "anim.gif", files.truncated(data, 0.8))[0] == "not_image"


def test_random_compressed_data_is_not_mistaken_for_markup():
    # A noisy photo's compressed bytes are close to random: the markers must not fire on them.
    import random

    rng = random.Random(20260301)
    noise = bytes(rng.getrandbits(8) for _ in range(2_000_000))
    assert uploads.ACTIVE_CONTENT.search(noise) is None


# ----- the admin forms -----


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(editor("upload_editor"))
    return client


ARTICLE_ADD = "/admin/articles/article/add/"


def test_article_image_accepted_through_the_admin(editor_client):
    post_admin_form(
        editor_client,
        ARTICLE_ADD,
        {
            "title": "青岚省科技馆新展厅开放",
            "image": files.image_upload("展厅.jpg", "JPEG"),
            "image_caption": "新展厅",
        },
    )
    article = Article.objects.get(title="青岚省科技馆新展厅开放")
    assert article.image.name.endswith(".jpg")
    with article.image.open("rb") as stored:
        assert stored.read(2) == b"\xff\xd8"


@pytest.mark.parametrize(
    ("name", "data", "codes"),
    [
        ("evil.png", files.HTML_PAGE, {"invalid_image", "not_image"}),
        ("logo.svg", files.SVG, {"invalid_image", "not_image", "invalid_extension"}),
        ("anim.gif", files.gif_html_polyglot(), {"active_content"}),
        ("photo.html", files.image_bytes("PNG"), {"invalid_extension", "extension_mismatch"}),
        ("bomb.png", files.png_claiming(100_000, 100_000), {"invalid_image", "too_many_pixels"}),
    ],
    ids=["html-as-png", "svg", "gif-html-polyglot", "png-named-html", "bomb"],
)
def test_article_image_refused_through_the_admin(editor_client, name, data, codes):
    response = post_admin_form(
        editor_client,
        ARTICLE_ADD,
        {"title": "不应保存的稿件", "image": files.upload(name, data)},
        expect_saved=False,
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert {code for code, _ in errors.get("image", [])} & codes, errors
    assert all(message.strip() for _, message in errors["image"])
    assert not Article.objects.filter(title="不应保存的稿件").exists()


def test_article_image_size_limit_through_the_admin(editor_client, settings):
    data = files.image_bytes("PNG", size=(200, 200))
    settings.MAX_IMAGE_UPLOAD_BYTES = len(data) - 1
    response = post_admin_form(
        editor_client,
        ARTICLE_ADD,
        {"title": "超大图片", "image": files.upload("big.png", data)},
        expect_saved=False,
    )
    assert [code for code, _ in form_errors(response)["image"]] == ["too_large"]


def _issue_page_changes(pdf=None, image=None):
    changes = {
        "number": "1287",
        "date": "2026-03-06",
        "pages-TOTAL_FORMS": "1",
        "pages-INITIAL_FORMS": "0",
        "pages-0-number": "1",
        "pages-0-name": "要闻",
    }
    if pdf is not None:
        changes["pages-0-pdf"] = pdf
    if image is not None:
        changes["pages-0-image"] = image
    return changes


ISSUE_ADD = "/admin/articles/issue/add/"


def test_issue_page_pdf_and_image_accepted_through_the_admin(editor_client):
    post_admin_form(
        editor_client,
        ISSUE_ADD,
        _issue_page_changes(
            pdf=files.upload("第1版.pdf", files.pdf_bytes(), "application/pdf"),
            image=files.image_upload("第1版.png"),
        ),
    )
    page = IssuePage.objects.get(issue__number=1287, number=1)
    assert page.pdf.name.endswith(".pdf") and page.image.name.endswith(".png")


@pytest.mark.parametrize(
    ("field", "upload", "codes"),
    [
        ("pdf", files.upload("第1版.pdf", files.HTML_PAGE, "application/pdf"), {"not_pdf"}),
        ("pdf", files.upload("第1版.pdf", files.pdf_with_open_action_script()), {"pdf_active_content"}),
        ("pdf", files.upload("第1版.html", files.pdf_bytes()), {"extension_mismatch"}),
        ("image", files.upload("第1版.png", files.SVG, "image/png"), {"invalid_image", "not_image"}),
        ("image", files.upload("第1版.gif", files.gif_script_polyglot()), {"active_content"}),
    ],
    ids=["html-as-pdf", "pdf-with-javascript", "pdf-named-html", "svg-as-png", "gif-js-polyglot"],
)
def test_issue_page_files_refused_through_the_admin(editor_client, field, upload, codes):
    upload.seek(0)
    changes = _issue_page_changes(**{field: upload})
    response = post_admin_form(editor_client, ISSUE_ADD, changes, expect_saved=False)
    assert response.status_code == 200
    errors = form_errors(response)
    assert {code for code, _ in errors.get(f"pages-0-{field}", [])} & codes, errors
    assert not IssuePage.objects.filter(issue__number=1287).exists()


AUTHOR_ADD = "/admin/people/author/add/"


def test_author_photo_accepted_through_the_admin(editor_client):
    post_admin_form(
        editor_client, AUTHOR_ADD, {"name": "林知远", "photo": files.image_upload("林知远.jpg", "JPEG")}
    )
    assert Author.objects.get(name="林知远").photo.name.endswith(".jpg")


def test_author_photo_that_is_not_an_image_is_refused(editor_client):
    response = post_admin_form(
        editor_client,
        AUTHOR_ADD,
        {"name": "贺知秋", "photo": files.upload("贺知秋.png", files.SVG, "image/png")},
        expect_saved=False,
    )
    assert form_errors(response).get("photo"), "an SVG renamed .png must be refused"
    assert not Author.objects.filter(name="贺知秋").exists()


@pytest.mark.parametrize(
    "upload",
    [
        files.upload("贺知秋.gif", files.gif_html_polyglot()),
        files.upload("贺知秋.png", files.image_bytes("JPEG")),
    ],
    ids=["gif-html-polyglot", "jpeg-named-png"],
)
def test_author_photo_gets_the_same_checks_as_article_images(editor_client, upload):
    upload.seek(0)
    response = post_admin_form(
        editor_client, AUTHOR_ADD, {"name": "贺知秋", "photo": upload}, expect_saved=False
    )
    assert response.status_code == 200 and form_errors(response).get("photo")


# ----- what the admin stores -----


def _stored(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as stored:
        return stored.read()


def test_the_models_rewrite_what_they_store():
    assert isinstance(Article._meta.get_field("image"), CleanedImageField)
    assert isinstance(IssuePage._meta.get_field("image"), CleanedImageField)
    assert isinstance(IssuePage._meta.get_field("pdf"), CleanedFileField)
    assert isinstance(Author._meta.get_field("photo"), CleanedImageField)


def test_article_image_is_stored_upright_without_its_metadata(editor_client):
    post_admin_form(
        editor_client,
        ARTICLE_ADD,
        {
            "title": "无人机飞进田间",
            "image": files.upload("田间.jpg", files.jpeg_with_metadata(orientation=6)),
        },
    )
    article = Article.objects.get(title="无人机飞进田间")
    stored = _stored(article.image)
    assert article.image.name.endswith(".jpg") and files.metadata_left(stored, "JPEG") == []
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (48, 64) and image.info["icc_profile"] == files.icc_profile()


def test_the_renditions_of_an_uploaded_photo_carry_none_of_its_metadata(editor_client):
    """The renditions (core/renditions.py) are what readers download: no GPS, camera, XMP or IPTC, turned
    upright, the colour profile kept."""
    post_admin_form(
        editor_client,
        ARTICLE_ADD,
        {
            "title": "无人机飞进田间（组图）",
            "image": files.upload("田间.jpg", files.jpeg_with_metadata(orientation=6)),
            "image_alt": "无人机在田间作业",
        },
    )
    name = Article.objects.get(title="无人机飞进田间（组图）").image.name
    made = [each for each in renditions.rendition_names(name) if default_storage.exists(each)]
    assert len(made) == len(renditions.formats()) + 1  # 48 pixels wide: the 360 slot and Open Graph
    for each in made:
        with default_storage.open(each, "rb") as stored:
            data = stored.read()
        pillow_format = {"jpg": "JPEG", "webp": "WEBP"}.get(each.rsplit(".", 1)[1])
        if pillow_format:
            assert files.metadata_left(data, pillow_format) == [], each
        assert not [p for p in files.IMAGE_PAYLOADS if p in data] and b"Exif" not in data, each
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif() and not {"exif", "xmp", "photoshop", "comment"} & set(image.info)
            assert image.size == (48, 64) and image.info["icc_profile"] == files.icc_profile(), each


def test_author_photo_is_stored_without_its_metadata(editor_client):
    post_admin_form(
        editor_client,
        AUTHOR_ADD,
        {"name": "沈知行", "photo": files.upload("沈知行.png", files.png_with_metadata())},
    )
    assert files.metadata_left(_stored(Author.objects.get(name="沈知行").photo), "PNG") == []


def test_issue_page_image_is_stored_without_its_metadata(editor_client):
    post_admin_form(
        editor_client,
        ISSUE_ADD,
        _issue_page_changes(image=files.upload("第1版.webp", files.webp_with_metadata())),
    )
    page = IssuePage.objects.get(issue__number=1287, number=1)
    assert page.image.name.endswith(".webp") and files.metadata_left(_stored(page.image), "WEBP") == []


@pytest.mark.parametrize("data", PDFS_REWRITTEN_NOT_REFUSED.values(), ids=PDFS_REWRITTEN_NOT_REFUSED.keys())
def test_issue_page_pdf_is_stored_rewritten(editor_client, data):
    post_admin_form(
        editor_client, ISSUE_ADD, _issue_page_changes(pdf=files.upload("第1版.pdf", data, "application/pdf"))
    )
    page = IssuePage.objects.get(issue__number=1287, number=1)
    assert page.pdf.name.endswith(".pdf") and files.pdf_leftovers(_stored(page.pdf)) == set()
    assert page.image  # still rendered from the PDF


# ----- the editor's upload endpoint -----

UPLOAD_URL = "/admin/editor/upload-image/"


def test_upload_endpoint_is_routed():
    assert reverse("editor_upload_image") == UPLOAD_URL


def test_anonymous_upload_is_refused():
    response = Client().post(UPLOAD_URL, {"upload": files.image_upload()})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_non_staff_upload_is_refused():
    client = Client()
    client.force_login(UserFactory(username="reader", is_staff=False))
    response = client.post(UPLOAD_URL, {"upload": files.image_upload()})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_upload_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter("csrf_reporter"))
    response = client.post(UPLOAD_URL, {"upload": files.image_upload()})
    assert response.status_code == 403


def test_upload_with_csrf_token_is_stored():
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter("csrf_reporter"))
    client.get("/admin/")  # sets the CSRF cookie, as the editor page does
    token = client.cookies["csrftoken"].value
    response = client.post(
        UPLOAD_URL, {"upload": files.image_upload("现场.webp", "WEBP")}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["uploaded"] == 1
    # Public (/media/editor/…) or private (/private-media/editor/…, core/storage.py): stored, with its extension.
    assert "/editor/" in payload["url"] and payload["url"].endswith(".webp")


def test_upload_endpoint_stores_the_image_without_its_metadata():
    client = Client()
    client.force_login(reporter("metadata_reporter"))
    response = client.post(
        UPLOAD_URL, {"upload": files.upload("现场.jpg", files.jpeg_with_metadata(), "image/jpeg")}
    )
    assert response.status_code == 200
    # Public or private (core/storage.py): the name is read from the address, whichever of the two it is.
    path = "editor/" + json.loads(response.content)["url"].split("/editor/", 1)[1]
    (name,) = [name for name in (path, "private/" + path) if default_storage.exists(name)]
    with default_storage.open(name, "rb") as stored:
        assert files.metadata_left(stored.read(), "JPEG") == []


def test_upload_endpoint_refuses_get():
    client = Client()
    client.force_login(reporter("get_reporter"))
    assert client.get(UPLOAD_URL).status_code == 405


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("x.png", files.HTML_PAGE),
        ("x.svg", files.SVG),
        ("x.gif", files.gif_html_polyglot()),
        ("x.html", files.image_bytes("PNG")),
        ("x.png", files.png_claiming(100_000, 100_000)),
        ("x.jpg", files.truncated(files.image_bytes("JPEG", size=(640, 480)))),
    ],
    ids=["html", "svg", "polyglot", "png-named-html", "bomb", "truncated"],
)
def test_upload_endpoint_refuses_with_a_message(name, data, settings):
    client = Client()
    client.force_login(reporter("bad_upload_reporter"))
    response = client.post(UPLOAD_URL, {"upload": files.upload(name, data)})
    assert response.status_code == 400
    payload = json.loads(response.content)
    assert payload["uploaded"] == 0 and payload["error"]["message"].strip()
    stored = settings.MEDIA_ROOT / "editor"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


def test_upload_endpoint_without_a_file():
    client = Client()
    client.force_login(reporter("empty_reporter"))
    response = client.post(UPLOAD_URL, {})
    assert response.status_code == 400 and json.loads(response.content)["uploaded"] == 0
