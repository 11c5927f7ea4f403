"""Pages (版) in the admin: the PDF becomes the page image, bad files are refused, areas are validated."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import escape

from articles.models import IssuePage, PageArea
from edition.images import page_image, render_page_image, thumbnail_name
from tests.factories import ArticleFactory, IssueFactory, IssuePageFactory, editor, reporter

from .helpers import (
    BLUE,
    GREEN,
    RED,
    attach_pdf,
    close_to,
    pdf_bytes,
    pdf_upload,
    pixel,
    png_bytes,
    png_upload,
    stored_files,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_issuepage_add")


def change_url(page):
    return reverse("admin:articles_issuepage_change", args=[page.pk])


def page_form(page=None, issue=None, areas=(), **fields):
    """What the page's change (or add) form posts: the page's fields, then its area rows."""
    data = {
        "issue": (issue or page.issue).pk,
        "number": page.number if page else 1,
        "name": page.name if page else "要闻",
        "areas-TOTAL_FORMS": len(areas),
        "areas-INITIAL_FORMS": 0,
        "areas-MIN_NUM_FORMS": 0,
        "areas-MAX_NUM_FORMS": 1000,
        "_continue": "Save and continue editing",
    }
    for index, row in enumerate(areas):
        for key, value in row.items():
            data[f"areas-{index}-{key}"] = value
    data.update(fields)
    return data


@pytest.fixture
def desk(client):
    client.force_login(editor("desk"))
    return client


@pytest.fixture
def issue():
    return IssueFactory(number=1501, date=datetime.date(2026, 5, 8))


def form_errors(response) -> dict[str, set[str]]:
    """The page form's errors as {field: {codes}}, with every message checked to be shown on the page."""
    form = response.context["adminform"].form
    html = response.content.decode()
    errors = {}
    for field, items in form.errors.as_data().items():
        errors[field] = {error.code for error in items}
        for error in items:
            for message in error.messages:
                assert escape(message) in html, f"the error for {field} is not shown: {message}"
    return errors


def area_errors(response) -> list[dict[str, set[str]]]:
    formset = response.context["inline_admin_formsets"][0].formset
    return [
        {field: {e.code for e in items} for field, items in form.errors.as_data().items()} for form in formset
    ]


# ----- the page image from the PDF -----


def test_uploading_a_pdf_makes_the_page_image(desk, issue):
    response = desk.post(ADD_URL, page_form(issue=issue, pdf=pdf_upload(block=BLUE)))
    assert response.status_code == 302, response.context and form_errors(response)
    page = IssuePage.objects.get(issue=issue, number=1)
    assert page.pdf.name.endswith(".pdf")
    assert page.image.name.endswith("issue-1501-page-1-1600x2262.jpg")
    assert close_to(pixel(page.image, (200, 200)), BLUE)
    assert default_storage.exists(thumbnail_name(page.image.name))


def test_a_new_pdf_makes_a_new_image_and_other_edits_keep_it(desk, issue):
    desk.post(ADD_URL, page_form(issue=issue, pdf=pdf_upload(block=BLUE)))
    page = IssuePage.objects.get(issue=issue)
    first_image = page.image.name

    response = desk.post(change_url(page), page_form(page, pdf=pdf_upload("第1版-改.pdf", block=GREEN)))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.image.name != first_image
    assert close_to(pixel(page.image, (200, 200)), GREEN)

    second_image = page.image.name
    response = desk.post(change_url(page), page_form(page, name="要闻·特刊"))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.name == "要闻·特刊" and page.image.name == second_image


def test_an_image_uploaded_with_the_pdf_is_used_as_it_is(desk, issue):
    response = desk.post(ADD_URL, page_form(issue=issue, pdf=pdf_upload(block=BLUE), image=png_upload()))
    assert response.status_code == 302
    page = IssuePage.objects.get(issue=issue)
    assert page.image.name.endswith("issue-1501-page-1-400x566.png")  # not rendered: the upload, named
    assert close_to(pixel(page.image, (20, 20)), RED)
    assert default_storage.exists(thumbnail_name(page.image.name))


def test_an_image_uploaded_alone_gets_a_thumbnail(desk, issue):
    response = desk.post(ADD_URL, page_form(issue=issue, image=png_upload("扫描.png")))
    assert response.status_code == 302
    page = IssuePage.objects.get(issue=issue)
    assert not page.pdf and page.image.name.endswith("-400x566.png")
    assert default_storage.exists(thumbnail_name(page.image.name))


BAD_PDFS = {
    # name: (what is uploaded, the error codes any of which refuse it)
    "png-renamed": (lambda: png_bytes(), {"not_pdf"}),
    "html": (
        lambda: b"<!doctype html><html><body><p>\xe7\xac\xac1\xe7\x89\x88</p></body></html>",
        {"not_pdf"},
    ),
    "empty": (lambda: b"", {"empty"}),
    "truncated": (lambda: pdf_bytes()[:5000], {"bad_pdf", "unrenderable_pdf"}),
    "no-page-shape": (lambda: pdf_bytes(size=(40, 1131)), {"unrenderable_pdf"}),
}


@pytest.mark.parametrize("kind", BAD_PDFS)
def test_a_pdf_that_is_not_a_pdf_is_refused_and_nothing_is_saved(desk, issue, kind):
    data, codes = BAD_PDFS[kind]
    response = desk.post(ADD_URL, page_form(issue=issue, pdf=pdf_upload("第1版.pdf", data())))
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors.get("pdf", set()) & codes, errors
    assert not IssuePage.objects.filter(issue=issue).exists()
    assert stored_files() == set()


@pytest.mark.parametrize("kind", ["png-renamed", "truncated"])
def test_a_bad_pdf_leaves_an_existing_page_as_it_was(desk, issue, kind):
    desk.post(ADD_URL, page_form(issue=issue, pdf=pdf_upload(block=BLUE)))
    page = IssuePage.objects.get(issue=issue)
    before = (page.pdf.name, page.image.name, stored_files())
    data, _codes = BAD_PDFS[kind]
    response = desk.post(change_url(page), page_form(page, pdf=pdf_upload("新版.pdf", data())))
    assert response.status_code == 200 and "pdf" in form_errors(response)
    page.refresh_from_db()
    assert (page.pdf.name, page.image.name, stored_files()) == before


def test_the_issue_page_inline_makes_the_image_too(desk):
    response = desk.post(
        reverse("admin:articles_issue_add"),
        {
            "number": 1502,
            "date": "2026-05-15",
            "note": "",
            "pages-TOTAL_FORMS": 1,
            "pages-INITIAL_FORMS": 0,
            "pages-MIN_NUM_FORMS": 0,
            "pages-MAX_NUM_FORMS": 1000,
            "pages-0-number": 2,
            "pages-0-name": "综合",
            "pages-0-pdf": pdf_upload(block=GREEN),
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    page = IssuePage.objects.get(issue__number=1502)
    assert page.image.name.endswith("issue-1502-page-2-1600x2262.jpg")
    assert close_to(pixel(page.image, (200, 200)), GREEN)


def test_the_admin_action_makes_the_images_again(desk, issue):
    page = IssuePageFactory(issue=issue, number=1)
    attach_pdf(page, block=BLUE)
    render_page_image(page)
    without_pdf = IssuePageFactory(issue=issue, number=2)
    first = page.image.name
    response = desk.post(
        reverse("admin:articles_issuepage_changelist"),
        {"action": "render_images", "_selected_action": [page.pk, without_pdf.pk]},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.image.name != first and (page_image(page).width, page_image(page).height) == (1600, 2262)
    levels = [m.level_tag for m in response.wsgi_request._messages]
    assert sorted(levels) == ["error", "success"]  # one made, one without a PDF reported
    # The list shows each page's thumbnail, and its articles and areas counted.
    html = desk.get(reverse("admin:articles_issuepage_changelist")).content.decode()
    assert f'class="page-thumb" src="{page_image(page).thumbnail_url}"' in html


def test_reporters_do_not_change_pages(client, issue):
    page = IssuePageFactory(issue=issue, number=1)
    client.force_login(reporter("cub"))
    response = client.post(change_url(page), page_form(page, pdf=pdf_upload()))
    assert response.status_code == 403
    page.refresh_from_db()
    assert not page.pdf


# ----- areas -----


@pytest.fixture
def laid_out(issue):
    front = IssuePageFactory(issue=issue, number=1, name="要闻")
    second = IssuePageFactory(issue=issue, number=2, name="综合")
    return {
        "front": front,
        "lead": ArticleFactory(title="省科协发布年度科普资源目录", issue=issue, page=front, published=True),
        "continued": ArticleFactory(title="综合版头条：农技专家走进大棚", issue=issue, page=second),
        "other_issue": ArticleFactory(
            title="上期稿件：冬季用电安全", issue=IssueFactory(number=1499), published=True
        ),
        "unplaced": ArticleFactory(title="网络稿：科普资源目录发布"),
    }


def row(article, x, y, width, height):
    return {"article": article.pk, "x": x, "y": y, "width": width, "height": height}


def test_areas_typed_as_numbers_are_saved(desk, laid_out):
    front = laid_out["front"]
    response = desk.post(
        change_url(front),
        page_form(
            front,
            areas=[
                row(laid_out["lead"], 0.05, 0.1, 0.9, 0.45),
                row(laid_out["continued"], 0.5, 0.6, 0.5, 0.4),  # to the very edge; continued from page 2
            ],
        ),
    )
    assert response.status_code == 302, area_errors(response)
    saved = list(
        PageArea.objects.filter(page=front).order_by("y").values_list("article", "x", "y", "width", "height")
    )
    assert saved == [
        (laid_out["lead"].pk, 0.05, 0.1, 0.9, 0.45),
        (laid_out["continued"].pk, 0.5, 0.6, 0.5, 0.4),
    ]


BAD_AREAS = {
    # name: ((left, top, width, height), the field that must carry the error, its code)
    "runs-off-the-right": ((0.8, 0.1, 0.3, 0.2), "width", "off_page"),
    "runs-off-the-bottom": ((0.1, 0.9, 0.3, 0.2), "height", "off_page"),
    "left-of-the-page": ((-0.1, 0.1, 0.3, 0.2), "x", "off_page"),
    "below-the-page": ((0.1, 1.2, 0.3, 0.2), "y", "off_page"),
    "no-width": ((0.1, 0.1, 0, 0.2), "width", "no_size"),
    "negative-height": ((0.1, 0.5, 0.3, -0.2), "height", "no_size"),
}


@pytest.mark.parametrize("kind", BAD_AREAS)
def test_an_area_outside_the_page_or_without_size_is_refused(desk, laid_out, kind):
    numbers, field, code = BAD_AREAS[kind]
    front = laid_out["front"]
    response = desk.post(change_url(front), page_form(front, areas=[row(laid_out["lead"], *numbers)]))
    assert response.status_code == 200
    assert code in area_errors(response)[0].get(field, set()), area_errors(response)
    assert not PageArea.objects.exists()


@pytest.mark.parametrize(("article", "code"), [("other_issue", "other_issue"), ("unplaced", "not_in_issue")])
def test_an_area_of_an_article_of_another_issue_is_refused(desk, laid_out, article, code):
    front = laid_out["front"]
    response = desk.post(
        change_url(front), page_form(front, areas=[row(laid_out[article], 0.1, 0.1, 0.3, 0.3)])
    )
    assert response.status_code == 200
    errors = area_errors(response)[0]
    assert errors.get("article") == {code}, errors
    assert escape(response.context["inline_admin_formsets"][0].formset[0].errors["article"][0]) in (
        response.content.decode()
    )
    assert not PageArea.objects.exists()


def test_the_change_form_carries_the_drawing_tool(desk, laid_out, issue):
    front = laid_out["front"]
    desk.post(change_url(front), page_form(front, pdf=pdf_upload()))
    front.refresh_from_db()
    response = desk.get(change_url(front))
    html = response.content.decode()
    assert 'id="area-editor"' in html and 'data-formset-prefix="areas"' in html
    assert f'class="area-editor__image" src="{front.image.url}" width="1600" height="2262"' in html
    assert (
        "/static/articles/admin/area-editor.js" in html and "/static/articles/admin/area-editor.css" in html
    )
    assert 'id="areas-group"' in html
    # Without an image yet, the form says how to get one, and the numbers can still be typed.
    empty = IssuePageFactory(issue=issue, number=5)
    html = desk.get(change_url(empty)).content.decode()
    assert 'id="area-editor"' in html and "area-editor__image" not in html and 'id="areas-group"' in html
