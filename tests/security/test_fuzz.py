"""Bad requests never cause a server error; malformed numbers, dates and page numbers are 404s.

Hypothesis generates paths under every public prefix (random segments, unicode, %-encodings, huge and
negative numbers, impossible dates), query strings for the parameters the site reads (page, q, date filters,
month, role, sort…) and form posts (search, admin login). Every answer must be below 500. Examples are kept
moderate so the file runs in seconds; under CI=true the examples are derandomized (reproducible).
"""

import datetime
import os
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, ArticleStatus, Byline, Event, Issue, IssuePage, Section
from people.models import Author, Organization
from tests.factories import editor

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def site():
    """A small published paper, so that valid prefixes lead to real pages and fuzzed parts hit real code."""
    user = editor("fuzz_editor")
    issue = Issue.objects.create(number=1288, date=datetime.date(2026, 3, 13))
    page = IssuePage.objects.create(issue=issue, number=1, name="要闻")
    section = Section.objects.create(name="要闻")
    organization = Organization.objects.create(name="青岚省科学技术协会", short_name="省科协")
    event = Event.objects.create(
        name="青岚省科技活动周", start_date=datetime.date(2026, 5, 18), place="云川市"
    )
    author = Author.objects.create(name="林知远")
    article = Article.objects.create(
        title="青岚省科技活动周启动",
        summary="全省科技活动周在云川市启动。",
        body="<p>本报讯 2026年青岚省科技活动周在云川市启动，省科协组织百场科普活动。</p>",
        created_by=user,
        issue=issue,
        page=page,
        section=section,
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    article.tags.add("科技活动周")
    article.organizations.add(organization)
    article.events.add(event)
    Byline.objects.create(article=article, author=author, role=Byline.Role.REPORTER)
    return {
        "issue": issue,
        "article": article,
        "slugs": [section.slug, organization.slug, event.slug, author.slug, "科技活动周"],
    }


PREFIXES = [
    "/",
    "/issues/",
    "/issues/1288/",
    "/articles/",
    "/sections/",
    "/events/",
    "/tags/",
    "/authors/",
    "/organizations/",
    "/search/",
    "/feed/",
    "/sections/{slug}/feed/",
    "/tags/{slug}/feed/",
    "/authors/{slug}/feed/",
    "/sitemap-",
    "/preview/",
    "/static/",
    "/media/",
    "/healthz/",
]

printable = st.characters(blacklist_categories=("Cs",))  # surrogates cannot even be sent
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, 1, 1288, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**20]),
).map(str)
dates = st.tuples(st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)).map(
    lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
)
segments = st.one_of(
    numbers,
    dates,
    st.text(printable, max_size=40).map(lambda s: quote(s, safe="")),
    st.text(printable, min_size=1, max_size=20).filter(
        lambda s: "/" not in s and "?" not in s and "#" not in s
    ),
    st.binary(max_size=30).map(lambda b: quote(b, safe="")),
    st.sampled_from(
        ["..", ".", "%2e%2e", "%00", "%ff", "%c0%af", "%E9%9D%92", "index.php", "a" * 300, "~", "@"]
    ),
)


def fill(prefix: str, site) -> str:
    return prefix.replace("{slug}", site["slugs"][0])


def get(path: str, query: str = ""):
    # HTTP_HOST keeps ALLOWED_HOSTS in play; a 400 for a bad host is fine too.
    return Client(raise_request_exception=False).get(path + (("?" + query) if query else ""))


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what} -> {response.status_code}"


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_fuzzed_paths_never_cause_a_server_error(site, data):
    prefix = fill(data.draw(st.sampled_from(PREFIXES), label="prefix"), site)
    tail = data.draw(st.lists(segments, max_size=3), label="segments")
    slash = data.draw(st.booleans(), label="trailing slash")
    path = prefix + "/".join(tail) + ("/" if slash and tail else "")
    assert_no_server_error(get(path), path)


PARAMETERS = [
    "page",
    "q",
    "date",
    "month",
    "from",
    "to",
    "date_from",
    "date_to",
    "section",
    "author",
    "role",
    "sort",
]
values = st.one_of(
    numbers, dates, st.text(printable, max_size=60), st.sampled_from(["", "\x00", "%", "2026-02-30"])
)


@FUZZ
@given(data=st.data())
def test_fuzzed_query_strings_never_cause_a_server_error(site, data):
    path = fill(
        data.draw(
            st.sampled_from(
                [
                    "/",
                    "/issues/",
                    "/search/",
                    "/feed/",
                    site["issue"].get_absolute_url(),
                    site["article"].get_absolute_url(),
                    f"/sections/{site['slugs'][0]}/",
                    f"/organizations/{site['slugs'][1]}/",
                    f"/events/{site['slugs'][2]}/",
                    f"/authors/{site['slugs'][3]}/",
                    "/tags/科技活动周/",
                ]
            ),
            label="path",
        ),
        site,
    )
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=5), label="query")
    query = urlencode(pairs)
    assert_no_server_error(get(path, query), f"{path}?{query}")


@settings(FUZZ, max_examples=40)
@given(
    username=st.text(printable, max_size=200),
    password=st.text(printable, max_size=200),
    extra=st.dictionaries(
        st.sampled_from(["next", "q", "csrfmiddlewaretoken", "this_is_the_login_form"]), values
    ),
)
def test_fuzzed_login_posts_never_cause_a_server_error(site, username, password, extra):
    response = Client(raise_request_exception=False).post(
        "/admin/login/", {"username": username, "password": password, **extra}
    )
    assert_no_server_error(response, f"login {username!r}")
    assert response.status_code in {200, 302, 400, 403, 429}


@settings(FUZZ, max_examples=40)
@given(fields=st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=6))
def test_fuzzed_search_posts_never_cause_a_server_error(site, fields):
    assert_no_server_error(
        Client(raise_request_exception=False).post("/search/", fields), f"search {fields!r}"
    )


# ----- malformed numbers, dates and pages are 404s -----


@pytest.mark.parametrize(
    "path",
    [
        "/issues/99999999999999999999/",
        "/issues/9223372036854775808/",
        "/issues/0/",
        "/issues/-1/",
        "/issues/1e3/",
        "/issues/１２８８/",  # full-width digits are not a number here
        "/issues/abc/",
        "/issues/1288/99999999999999999999/",
        "/issues/1288/0/",
        "/issues/2026-02-30/",
        "/issues/2026-13-01/",
        "/issues/2026-00-10/",
        "/issues/99999-01-01/",
        "/issues/2026-3-6/",
        "/articles/99999999999999999999/",
        "/articles/0/",
        "/articles/-5/",
        "/articles/１/",
    ],
)
def test_malformed_numbers_and_dates_are_404(site, path):
    assert get(path).status_code == 404, path


@pytest.mark.parametrize(
    "path_query",
    [
        ("/issues/", "month=2026-13"),
        ("/issues/", "month=0000-00"),
        ("/issues/", "month=99999999999999999999-01"),
        ("/tags/科技活动周/", "page=0"),
        ("/tags/科技活动周/", "page=-1"),
        ("/tags/科技活动周/", "page=abc"),
        ("/tags/科技活动周/", "page=99999999999999999999"),
        ("/tags/科技活动周/", "page=2"),
        ("/sections/{section}/", "page=1.5"),
        ("/organizations/{organization}/", "page=%00"),
    ],
)
def test_malformed_page_numbers_and_months_are_404(site, path_query):
    path, query = path_query
    path = path.format(section=site["slugs"][0], organization=site["slugs"][1])
    assert get(path, query).status_code == 404, f"{path}?{query}"


def test_the_valid_forms_of_the_same_urls_work(site):
    assert get("/issues/1288/").status_code == 200
    assert get("/issues/2026-03-13/").status_code in {200, 301, 302}
    assert get("/tags/科技活动周/", "page=1").status_code == 200
    assert get(site["article"].get_absolute_url()).status_code == 200
