"""What every reader's page shares: the public articles and pagination.

Every public page starts from `Article.objects.published()` (issues: `Issue.objects.with_public_articles()`), so
the visibility rule is applied once and the same way everywhere.
"""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property

from articles.models import Article
from core.fragments import shared_fragment

PER_PAGE = 20


def public_articles():
    """Published articles with what a listing shows pre-loaded (placement, section, ordered bylines); the
    search index's text (kilobytes a row, never shown) is left in the database."""
    return Article.objects.published().with_bylines().defer("search_text")


def found(instance):
    """`instance`, or a 404 when the lookup found nothing (reader/lookups.py)."""
    if instance is None:
        raise Http404("Nothing here.")
    return instance


class SharedCountPaginator(Paginator):
    """A paginator whose count is a shared fragment (core/fragments.py) named `count_as`: every page of a
    listing shows the same total, and counting a popular tag's 30,000 public articles costs 70–100 ms at
    100,000 articles. As fresh as a cached page: any change to public content, or the next scheduled
    publication, and it is counted again: by `counter()` when given (the listing index's kept counts,
    articles/models/listing.py `count`), else by counting `object_list`."""

    def __init__(self, object_list, per_page, count_as: str, counter=None):
        super().__init__(object_list, per_page)
        self.count_as = count_as
        self.counter = counter or (lambda: Paginator.count.func(self))

    @cached_property
    def count(self):
        return shared_fragment(f"count|{self.count_as}", self.counter)


def paginate(request, object_list, per_page: int = PER_PAGE, count_as: str = "", counter=None):
    """The requested page of `object_list` (an ordered queryset); with `count_as`, its count is shared by every
    page of the listing (SharedCountPaginator: name it after everything that selects `object_list`; `counter`
    counts it, when there is a faster way than counting `object_list`).

    A page number that is not a whole number, or is out of range, is a 404: a listing has exactly one URL per page.
    """
    if count_as:
        paginator = SharedCountPaginator(object_list, per_page, count_as, counter)
    else:
        paginator = Paginator(object_list, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc


def paginate_or_404(request, object_list, per_page: int = PER_PAGE, count_as: str = "", counter=None):
    """Like `paginate`, but a listing with nothing public on it is a 404 (an entity page needs public content)."""
    page = paginate(request, object_list, per_page, count_as, counter)
    if page.paginator.count == 0:
        raise Http404("Nothing public here.")
    return page
