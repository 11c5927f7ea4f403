"""What every page repeats is rendered once and shared (base.html's `masthead` and `shared_include` tags), and
the helpers the hot templates use instead of slower built-ins give exactly what the built-ins gave."""

import contextlib
import datetime
import re
from unittest import mock

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from core.fragments import _local_fragments
from reader.templatetags import reader
from tests.factories import IssueFactory, PublishedArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fragments(settings):
    settings.PAGE_CACHE = False
    settings.FRAGMENT_CACHE = True


def current_links(html: str) -> list[str]:
    nav = html[html.index('<nav class="masthead__nav"') : html.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" aria-current="page"', nav)


def test_each_page_marks_its_own_navigation_link(client):
    section = SectionFactory(name="科技前沿", slug="frontier")
    PublishedArticleFactory(section=section, issue=IssueFactory(number=1))
    other = SectionFactory(name="科普天地", slug="popular")
    PublishedArticleFactory(section=other)
    assert current_links(client.get("/").content.decode()) == ["/"]
    assert current_links(client.get(reverse("articles:issues")).content.decode()) == [
        reverse("articles:issues")
    ]
    section_page = client.get(section.get_absolute_url()).content.decode()
    assert current_links(section_page) == [section.get_absolute_url()]
    assert current_links(client.get(other.get_absolute_url()).content.decode()) == [other.get_absolute_url()]
    assert current_links(client.get(reverse("search")).content.decode()) == []


def test_a_page_keeps_its_own_masthead_content_inside_the_shared_masthead(client):
    PublishedArticleFactory(issue=IssueFactory(number=1, date=datetime.date(2026, 5, 18)))
    html = client.get("/").content.decode()
    header = html[html.index('<header class="masthead">') : html.index("</header>")]
    top, nav = header.index("masthead__top"), header.index("masthead__nav")
    extra = header.index("masthead__date")  # home.html's masthead_extra block: the issue's date
    assert top < extra < nav and "2026-05-18" in header


def test_the_masthead_is_rendered_once_per_generation_the_footer_once(client, monkeypatch):
    PublishedArticleFactory(section=SectionFactory(name="科技前沿"))
    _local_fragments.clear()
    reader._rendered_once.cache_clear()
    rendered = []
    real = reader.render_to_string

    def counted(name, context=None):
        rendered.append(name)
        return real(name, context)

    monkeypatch.setattr(reader, "render_to_string", counted)
    client.get("/")
    assert sorted(rendered) == [
        "partials/masthead.html",
        "partials/site_footer.html",
        "partials/site_head.html",
    ]
    rendered.clear()
    client.get("/")
    assert rendered == []
    client.get(reverse("search"))  # no current link: a masthead of its own, once
    client.get(reverse("search"))
    client.get(reverse("articles:tag", args=["量子科技"]))  # no current link either: the same one
    assert rendered == ["partials/masthead.html"]
    rendered.clear()
    PublishedArticleFactory(section=SectionFactory(name="科普天地"))  # a change to public content
    assert "科普天地" in client.get("/").content.decode()
    # The masthead lists the sections; the footer and the links in <head> have no content in them.
    assert rendered == ["partials/masthead.html"]


@contextlib.contextmanager
def at(moment):
    """The clock at `moment`, for timezone.now() and for the {% now %} tag (datetime.now)."""

    class Clock(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz)

    with (
        mock.patch("django.template.defaulttags.datetime", Clock),
        mock.patch("django.utils.timezone.now", return_value=moment),
    ):
        yield


def test_the_footer_follows_the_year_and_the_language(client, settings):
    reader._rendered_once.cache_clear()
    PublishedArticleFactory()
    new_years_eve = datetime.datetime(2026, 12, 31, 15, 59, tzinfo=datetime.UTC)  # 23:59 in Shanghai
    with at(new_years_eve):
        assert "© 2026 " in client.get("/").content.decode()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = client.get("/").content.decode()
        footer = english[english.index('<footer class="footer">') :]
        assert "RSS feed" in footer and "RSS订阅" not in footer
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    with at(new_years_eve + datetime.timedelta(minutes=2)):
        html = client.get("/").content.decode()
    assert "© 2027 " in html and "RSS订阅" in html[html.index('<footer class="footer">') :]


def test_the_masthead_follows_the_language(client, settings):
    PublishedArticleFactory()
    chinese = client.get("/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/").content.decode()
    assert "往期回顾" in chinese and "Back issues" not in chinese
    assert "Back issues" in english and "往期回顾" not in english


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("format_name", ["SHORT_DATE_FORMAT", "DATE_FORMAT", "DATETIME_FORMAT"])
def test_time_element_is_what_the_date_filter_gave(language, format_name):
    moments = [
        timezone.now(),
        datetime.datetime(2026, 5, 18, 23, 30, 5, 120000, tzinfo=datetime.UTC),  # the next day in Shanghai
        datetime.datetime(2011, 1, 1, 0, 0, tzinfo=datetime.UTC),
    ]
    ours = Template("{% load reader %}{{ value|time_element:name }}")
    django = Template('<time datetime="{{ machine }}">{{ value|date:name }}</time>')
    with translation.override(language):
        for value in moments:
            machine = timezone.localtime(value).isoformat(
                timespec="seconds"
            )  # HTML: at most 3 fraction digits
            context = Context({"value": value, "name": format_name, "machine": machine})
            assert ours.render(context) == django.render(context)
            assert re.search(r'datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00"', ours.render(context))
        assert Template("{% load reader %}{{ value|time_element }}").render(Context({"value": None})) == ""


def test_url_for_is_the_url_tag_remembered():
    ours = Template(
        "{% load reader %}{% url_for 'articles:tag' '量子 科技' %}|{% url_for 'articles:issue_page' 12 3 %}"
    )
    django = Template("{% url 'articles:tag' '量子 科技' %}|{% url 'articles:issue_page' 12 3 %}")
    assert ours.render(Context()) == django.render(Context())
