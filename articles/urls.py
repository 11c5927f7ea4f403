from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issues"),
    path("issues/<int:number>/", views.issue_detail, name="issue"),
    path("issues/<int:number>/<int:page>/", views.issue_page, name="issue_page"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("sections/<str:slug>/", views.section_detail, name="section"),
    path("events/<str:slug>/", views.event_detail, name="event"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
]
