"""`manage.py build_renditions` (files/management/commands/build_renditions.py): every kind of stored picture
gets its renditions, `--missing` only what lacks one, a file that is gone or unreadable is reported and fails the
command, the progress bar goes to stderr, and widths and heights are filled in."""

import io
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, ArticlePhoto
from core import renditions
from people.models import Author
from tests.factories import ArticleFactory, AuthorFactory, IssuePageFactory, image_file

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as an operator's is (tqdm draws its bar only on one)."""

    def isatty(self):
        return True


@pytest.fixture
def pictures():
    """One picture of each kind, with every rendition removed: (label, stored name, width, height)."""
    article = ArticleFactory(image=image_file("头图.png", (900, 600)))
    photo = ArticlePhoto.objects.create(article=article, image=image_file("组图.png", (500, 400)), alt="组图")
    author = AuthorFactory(photo=image_file("作者.png", (300, 300)))
    page = IssuePageFactory()
    page.image.save("第1版.png", image_file("第1版.png", (400, 560)), save=True)
    found = [
        (f"Article #{article.pk}", article.image.name, 900, 600),
        (f"ArticlePhoto #{photo.pk}", photo.image.name, 500, 400),
        (f"Author #{author.pk}", author.photo.name, 300, 300),
        (f"IssuePage #{page.pk}", page.image.name, 400, 560),
    ]
    for _label, name, _width, _height in found:
        for each in renditions.rendition_names(name):
            if default_storage.exists(each):
                default_storage.delete(each)
    return found


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("build_renditions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_builds_the_renditions_of_every_kind_of_picture(pictures):
    assert all(renditions.missing(default_storage, name, w, h) for _label, name, w, h in pictures)
    out, _err = run()
    for _label, name, width, height in pictures:
        assert renditions.missing(default_storage, name, width, height) == []
    assert "4 picture(s) given renditions, 0 skipped, 4 in all." in out


def test_missing_only_builds_the_pictures_that_lack_a_rendition(pictures):
    run()
    _label, name, width, height = pictures[1]
    gone = renditions.rendition_name(name, 360, "webp")
    default_storage.delete(gone)
    with mock.patch.object(renditions, "build", wraps=renditions.build) as build:
        out, _err = run("--missing")
    assert [call.args[1] for call in build.call_args_list] == [name]
    assert default_storage.exists(gone) and "1 picture(s) given renditions" in out


def test_missing_measures_a_picture_whose_size_is_not_stored(pictures):
    run()
    _label, name, width, height = pictures[3]  # a page image: no width and height columns
    default_storage.delete(renditions.og_name(name))
    with mock.patch.object(renditions, "build", wraps=renditions.build) as build:
        run("--missing")
    assert [call.args[1] for call in build.call_args_list] == [name]


def test_a_missing_or_unreadable_file_is_reported_and_fails_the_command(pictures):
    label, name, _width, _height = pictures[0]
    default_storage.delete(name)
    photo_label, photo_name, _w, _h = pictures[1]
    default_storage.delete(photo_name)
    default_storage.save(photo_name, ContentFile(b"not a picture at all"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("build_renditions", stdout=out, stderr=err)
    assert f"skipped: {label} {name}:" in err.getvalue()
    assert f"skipped: {photo_label} {photo_name}:" in err.getvalue()
    assert "2 picture(s) given renditions, 2 skipped, 4 in all." in out.getvalue()
    for _label, other, width, height in pictures[2:]:  # the others were still built
        assert renditions.missing(default_storage, other, width, height) == []


def test_the_progress_bar_goes_to_stderr_and_redraws_in_place(pictures):
    out, err = io.StringIO(), Terminal()
    call_command("build_renditions", stdout=out, stderr=err)
    assert "renditions" in err.getvalue() and "4/4" in err.getvalue()
    assert "4/4" not in out.getvalue() and "\r" not in out.getvalue()
    # One line, redrawn with carriage returns (Django's wrapper would end every redraw with a new line).
    assert err.getvalue().count("\n") <= 1 and err.getvalue().count("\r") >= 4


def test_no_progress_bar_where_nobody_watches(pictures):
    _out, err = run()
    assert err == ""


def test_it_fills_in_missing_widths_and_heights(pictures):
    Article.objects.update(image_width=None, image_height=None)
    ArticlePhoto.objects.update(width=None, height=None)
    Author.objects.update(photo_width=None, photo_height=None)
    run()
    assert list(Article.objects.values_list("image_width", "image_height")) == [(900, 600)]
    assert list(ArticlePhoto.objects.values_list("width", "height")) == [(500, 400)]
    assert list(Author.objects.values_list("photo_width", "photo_height")) == [(300, 300)]
