from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("authors/<str:slug>/", views.author_detail, name="author"),
    path("organizations/<str:slug>/", views.organization_detail, name="organization"),
]
