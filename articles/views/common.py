"""What every reader's page shares: the public querysets and pagination.

Every public page starts from `Article.objects.published()`; the helpers here are the only way the views reach
articles, issues and entities, so the visibility rule is applied once and the same way everywhere.
"""

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404

from ..models import Article, Issue

PER_PAGE = 20


def public_articles():
    """Published articles with what a listing shows pre-loaded (placement, section, ordered bylines); the
    search index's text (kilobytes a row, never shown) is left in the database."""
    return Article.objects.published().with_bylines().defer("search_text")


def issues_with_public_articles():
    """Issues with at least one article the public may see; an issue with none is neither listed nor served."""
    return Issue.objects.filter(Exists(Article.objects.published().filter(issue=OuterRef("pk"))))


def paginate(request, object_list, per_page: int = PER_PAGE):
    """The requested page of `object_list` (an ordered queryset).

    A page number that is not a whole number, or is out of range, is a 404: a listing has exactly one URL per page.
    """
    paginator = Paginator(object_list, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc


def paginate_or_404(request, object_list, per_page: int = PER_PAGE):
    """Like `paginate`, but a listing with nothing public on it is a 404 (an entity page needs public content)."""
    page = paginate(request, object_list, per_page)
    if page.paginator.count == 0:
        raise Http404("Nothing public here.")
    return page
