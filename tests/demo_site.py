"""The demo newspaper, served whole for the checks that cover every public page type
(tests/browser/test_accessibility.py, tests/test_html_valid.py).

`DemoSite` builds it once (`migrate`, then `demo_data`) in a throwaway SQLite file and media folders, and serves
it from a child process on a free port, with DEBUG off so the error pages are the reader's own. The child runs
this module (`python -m tests.demo_site build|urls|serve`) on the test settings, with the database and media
folders `DemoSite` gives it in the environment; in the child this module is also the URLconf: the site, its
uploads (nginx's job in production), and three views that fail the ways a reader may see (403, 500, and a
database outage answered with the 503 page by core/middleware.py).

`python -m tests.demo_site urls` picks one real URL of every public page type from the demo. Feeds and sitemaps
are XML, not pages, and `/healthz` is JSON: not here.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_START_SECONDS = 60


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def boom(request):
    raise RuntimeError("a bug in a view, to see the 500 page")


def outage(request):
    from django.db import OperationalError

    raise OperationalError("could not connect to server: Connection refused")


def _urlpatterns():
    from django.urls import include, path, re_path
    from django.views.static import serve

    return [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
        path("forbidden/", forbidden),
        path("boom/", boom),
        path("outage/", outage),
        path("", include("newsroom.urls")),
    ]


if __name__ != "__main__":  # as the child's URLconf; run as a script, Django is not set up yet
    urlpatterns = _urlpatterns()
    handler403 = "newsroom.errors.permission_denied"
    handler404 = "newsroom.errors.page_not_found"
    handler500 = "newsroom.errors.server_error"


def page_urls() -> dict[str, list]:
    """One real URL of every public page type in the demo, with the status its page has: {name: [path, status]}.

    Runs in the child, on the demo database. The share-link preview needs a link: one is made for an article in
    review (the demo's own database, thrown away afterwards).
    """
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils.http import urlencode
    from taggit.models import Tag

    from articles.models import Article, Issue, IssuePage, PageArea
    from articles.sharing import make_share_link
    from people.models import Author
    from reader.views.people import public_events, public_organizations

    published = Article.objects.published()
    # The richest article: a photo story if the demo has one, else one with a lead picture.
    article = (
        published.filter(photos__isnull=False).order_by("pk").first()
        or published.exclude(image="").order_by("pk").first()
        or published.order_by("pk").first()
    )
    opinion = published.filter(section__is_opinion=True).order_by("pk").first()
    issue = Issue.objects.with_public_articles().order_by("-date").first()
    area = (
        PageArea.objects.filter(article__in=published)
        .values("page")
        .annotate(areas=Count("id"))
        .order_by("-areas", "page")
        .first()
    )
    edition_page = IssuePage.objects.select_related("issue").get(pk=area["page"])
    tag = (
        Tag.objects.filter(article__in=published).annotate(uses=Count("article")).order_by("-uses", "slug")[0]
    )
    author = (
        Author.objects.annotate(public=Count("bylines", filter=Q(bylines__article__in=published)))
        .filter(public__gt=0)
        .order_by("-photo", "-public", "pk")
        .first()
    )
    # Not public yet, with a picture if one has it (served through signed URLs to the link's holder).
    unpublished = Article.objects.exclude(pk__in=published).order_by("-status", "pk")
    shared = unpublished.exclude(image="").filter(status="review").first() or unpublished.first()
    share = make_share_link(shared, get_user_model().objects.filter(is_superuser=True).first())
    missed_day = issue.date - timedelta(days=1)  # the archive's "no issue that day": the paper is a weekly
    pages = {
        "home": reverse("articles:home"),
        "issue-archive": reverse("articles:issues"),
        "issue-archive-missed-day": f"{reverse('articles:issues')}?date={missed_day.isoformat()}",
        "issue": issue.get_absolute_url(),
        "edition-page": edition_page.get_absolute_url(),
        "article": article.get_absolute_url(),
        "article-opinion": opinion.get_absolute_url() if opinion else None,
        "section": article.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=[tag.slug]),
        "event": public_events().order_by("pk").first().get_absolute_url(),
        "author": author.get_absolute_url(),
        "organization": public_organizations().order_by("pk").first().get_absolute_url(),
        "search": f"{reverse('search')}?{urlencode({'q': '科普'})}",
        "search-empty": reverse("search"),
        "search-no-result": f"{reverse('search')}?{urlencode({'q': '无此结果之词'})}",
        "share-preview": reverse("shared_preview", args=[share.token]),
    }
    errors = {"403": ["/forbidden/", 403], "404": ["/articles/999999/", 404], "500": ["/boom/", 500]}
    errors["503"] = ["/outage/", 503]
    return {name: [url, 200] for name, url in pages.items() if url} | errors


def _child_setup() -> None:
    """The test settings with the demo's media folders and this module as the URLconf (the child only)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.test_settings"
    settings.MEDIA_ROOT = Path(os.environ["DJANGO_MEDIA_ROOT"])
    settings.PRIVATE_MEDIA_ROOT = Path(os.environ["DJANGO_PRIVATE_MEDIA_ROOT"])
    settings.ROOT_URLCONF = "tests.demo_site"
    import django

    django.setup()


def _child(command: str, port: str = "") -> None:
    _child_setup()
    from django.core.management import call_command

    if command == "build":
        call_command("migrate", interactive=False, verbosity=0)
        call_command("demo_data", verbosity=0)
    elif command == "urls":
        print(json.dumps(page_urls()))
    elif command == "serve":
        from django.core.servers.basehttp import run
        from django.core.wsgi import get_wsgi_application

        run("127.0.0.1", int(port), get_wsgi_application(), threading=True)


class DemoSite:
    """The demo newspaper in `directory`: built and served by `start()` (once, however often it is called; a
    failed start is not tried again), until `stop()`.

    `url` is the server's address; `pages` maps every public page type to [path, expected status].
    """

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.url = ""
        self.pages: dict[str, list] = {}
        self._server = None
        self._log = None
        self._failure = ""

    def environment(self) -> dict:
        # Its own cache in the child (no shared Redis), and DEBUG off whatever the caller's shell says.
        env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_DEBUG")}
        env.update(
            DJANGO_SETTINGS_MODULE="newsroom.test_settings",
            DATABASE_URL=f"sqlite:///{self.directory / 'demo.sqlite3'}",
            DJANGO_MEDIA_ROOT=str(self.directory / "media"),
            DJANGO_PRIVATE_MEDIA_ROOT=str(self.directory / "private-media"),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            PYTHONUNBUFFERED="1",
        )
        return env

    def _child(self, *arguments: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "tests.demo_site", *arguments],
            cwd=BASE_DIR,
            env=self.environment(),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"demo_site {' '.join(arguments)} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    def start(self) -> "DemoSite":
        if self._failure:
            raise RuntimeError(self._failure)
        if self._server is None:
            try:
                self._start()
            except Exception as exc:
                self._failure = str(exc)
                self.stop()
                raise
        return self

    def _start(self) -> None:
        self._child("build")
        self.pages = json.loads(self._child("urls").strip().splitlines()[-1])
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._log = (self.directory / "server.log").open("w")
        self._server = subprocess.Popen(
            [sys.executable, "-m", "tests.demo_site", "serve", str(port)],
            cwd=BASE_DIR,
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise RuntimeError(f"the demo server stopped: see {self.directory / 'server.log'}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise RuntimeError(f"the demo server did not answer in {SERVER_START_SECONDS} s")

    def stop(self) -> None:
        if self._server is not None:
            self._server.terminate()
            self._server.wait(timeout=10)
            self._server = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def fetch(self, path: str) -> tuple[int, str]:
        """The status and HTML of a page, whatever its status."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


if __name__ == "__main__":
    _child(*sys.argv[1:])
