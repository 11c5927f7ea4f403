"""The reader's site: today's paper, back issues, articles, sections, tags, events, people and organizations;
feeds, sitemaps and previews.

The page URLs keep the namespaces their models reverse (`articles:…` and `people:…`): newsroom/urls.py
includes `article_patterns` (with the digital edition's page, edition/urls.py) and `people_patterns` under
them, and `urlpatterns` (feeds, sitemaps, previews) without a namespace.
"""

from datetime import date

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import feeds, views
from .sitemaps import SITEMAPS
from .views import site


class IssueDateConverter:
    """A calendar date as YYYY-MM-DD; an impossible date (2026-02-30) does not match, so it is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IssueDateConverter, "issuedate")

article_patterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issues"),
    path("issues/<int:number>/", views.issue_detail, name="issue"),
    path("issues/<issuedate:day>/", views.issue_by_date, name="issue_by_date"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("sections/<str:slug>/", views.section_detail, name="section"),
    path("events/<str:slug>/", views.event_detail, name="event"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
]

people_patterns = [
    path("authors/<str:slug>/", views.author_detail, name="author"),
    path("organizations/<str:slug>/", views.organization_detail, name="organization"),
]

# Before the entity pages: /sections/<slug>/feed/ is a feed, not a section.
urlpatterns = [
    path("robots.txt", site.robots_txt, name="robots_txt"),
    path("language/<str:code>/", site.choose_language, name="choose_language"),
    path("preview/<str:token>/", views.shared_preview, name="shared_preview"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("sections/<str:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("authors/<str:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "section": "news", "template_name": "feeds/news_sitemap.xml"},
        name="sitemap_news",
    ),
    path("sitemap-<str:section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
]
