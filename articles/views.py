"""The reader's site. Every query starts from Article.objects.published()."""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from .models import Article, Event, Issue, IssuePage, Section


def public_articles():
    return Article.objects.published().with_bylines()


def issues_with_public_articles():
    """Issues that have at least one article the public may see; an issue with none is neither listed nor served."""
    return Issue.objects.filter(Exists(Article.objects.published().filter(issue=OuterRef("pk"))))


def _issue_context(issue):
    articles = list(public_articles().for_issue(issue))
    pages = list(issue.pages.order_by("number"))
    by_page = {page.pk: [] for page in pages}
    unplaced = []
    for article in articles:
        by_page.get(article.page_id, unplaced).append(article)
    return {
        "issue": issue,
        "pages": [(page, by_page[page.pk]) for page in pages if by_page[page.pk]],
        "unplaced": unplaced,
        "articles": articles,
    }


def home(request):
    issue = issues_with_public_articles().order_by("-date").first()
    context = _issue_context(issue) if issue else {"issue": None, "pages": [], "unplaced": [], "articles": []}
    context["latest"] = list(public_articles().filter(issue__isnull=True).latest_first()[:10])
    return render(request, "articles/home.html", context)


def issue_archive(request):
    issues = issues_with_public_articles().order_by("-date")
    return render(request, "articles/issue_archive.html", {"issues": issues})


def issue_detail(request, number):
    issue = get_object_or_404(issues_with_public_articles(), number=number)
    return render(request, "articles/issue_detail.html", _issue_context(issue))


def issue_page(request, number, page):
    issue = get_object_or_404(issues_with_public_articles(), number=number)
    page_obj = get_object_or_404(IssuePage, issue=issue, number=page)
    articles = list(public_articles().filter(page=page_obj).in_page_order())
    if not articles:
        raise Http404
    return render(
        request, "articles/issue_page.html", {"issue": issue, "page": page_obj, "articles": articles}
    )


def article_detail(request, pk):
    article = get_object_or_404(public_articles().prefetch_related("tags", "organizations", "events"), pk=pk)
    return render(request, "articles/article_detail.html", {"article": article})


def _listing(request, template, obj, articles, **extra):
    articles = list(articles.latest_first()[:50])
    if not articles:
        raise Http404
    return render(request, template, {"object": obj, "articles": articles, **extra})


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    return _listing(request, "articles/listing.html", section, public_articles().filter(section=section))


def event_detail(request, slug):
    event = get_object_or_404(Event, slug=slug)
    return _listing(request, "articles/listing.html", event, public_articles().filter(events=event))


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _listing(request, "articles/listing.html", tag, public_articles().filter(tags=tag))
