"""The reader's site: today's paper, back issues, articles, sections, tags and events."""

from datetime import date

from django.urls import path, register_converter

from . import views
from .views.edition import edition_page


class IssueDateConverter:
    """A calendar date as YYYY-MM-DD; an impossible date (2026-02-30) does not match, so it is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IssueDateConverter, "issuedate")

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issues"),
    path("issues/<int:number>/", views.issue_detail, name="issue"),
    path("issues/<issuedate:day>/", views.issue_by_date, name="issue_by_date"),
    path("issues/<int:number>/<int:page>/", edition_page, name="issue_page"),  # the digital edition (数字报)
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("sections/<str:slug>/", views.section_detail, name="section"),
    path("events/<str:slug>/", views.event_detail, name="event"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
]
