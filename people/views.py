"""Public pages for authors and organizations: only what published articles show."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from articles.models import Article

from .models import Author, Organization


def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("organization"), slug=slug)
    articles = list(Article.objects.published().with_bylines().filter(bylines__author=author).distinct()[:50])
    if not articles:
        raise Http404
    return render(request, "articles/listing.html", {"object": author, "articles": articles})


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    articles = list(Article.objects.published().with_bylines().filter(organizations=organization)[:50])
    if not articles:
        raise Http404
    return render(request, "articles/listing.html", {"object": organization, "articles": articles})
