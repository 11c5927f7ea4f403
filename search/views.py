"""The search page: /search/?q=…&section=…&author=…&from=…&to=…&sort=…&page=…, and its highlighted snippets.

Whatever a reader (or a robot) sends, the page answers 200: the query is cut and cleaned by search/engine.py,
a filter that does not validate is ignored and said so, and a page number out of range shows the nearest page.
"""

import re
from bisect import bisect_left
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Section
from articles.richtext import article_text, excerpt
from core.fragments import object_fragments
from people.models import Author
from reader.templatetags.reader import byline_html, navigation_sections

from . import engine as search
from .query import SearchQuery, clean_query, parse_query

SNIPPET_LENGTH = 140


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False)
    # Only sections a reader can find something in: the site navigation's list.
    section = forms.ChoiceField(label=_("Section"), required=False)
    # A hidden field, never a list of every author: the filter is reached from a name in the results. Only
    # public authors (public_authors): anyone else is refused exactly like a slug that names nobody.
    author = forms.ModelChoiceField(
        label=_("Author"),
        queryset=Author.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )
    # The controls are written out in search/templates/search/search.html; the fields validate.
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("relevance", _("Best match")), ("date", _("Newest first"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The filters take public values only, so that they tell nothing of what the public may not see:
        # sections with published articles (the navigation's), authors of published articles.
        self.fields["section"].choices = [("", _("All sections"))] + [
            (s["slug"], s["name"]) for s in navigation_sections()
        ]
        if self.data.get("author"):  # built only when asked: it is a quarter of the form's cost
            self.fields["author"].queryset = public_authors()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
            cleaned.pop("date_to", None)
        return cleaned

    def filters(self) -> dict:
        """The filters that validated; the others are left out (and shown as errors)."""
        data = getattr(self, "cleaned_data", {})
        slug = data.get("section")
        return {
            "section": Section.objects.filter(slug=slug).first() if slug else None,
            "author": data.get("author"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "order": data.get("sort") or "relevance",
        }


def public_authors():
    """Authors with a byline on a published article: those whose page is public (reader/views/people.py)."""
    return Author.objects.filter(Exists(Article.objects.published().filter(bylines__author=OuterRef("pk"))))


# --- snippets: escaped text with <mark> around the query's words --------------------------------------------


def _pattern(query: SearchQuery) -> re.Pattern | None:
    parts = []
    for word in query.highlight_words:
        # A Latin word is marked whole (ai, not the ai of "said"); CJK has no word boundaries to respect.
        parts.append(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])" if word.isascii() else re.escape(word))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _marked(text: str, pattern: re.Pattern | None) -> SafeString:
    """`text` HTML-escaped, with every match of `pattern` wrapped in <mark>; nothing else is markup."""
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece is escaped above


def highlight_all(text: str, query: SearchQuery) -> SafeString:
    return _marked(text or "", _pattern(query))


def highlight(text: str, query, length: int = SNIPPET_LENGTH) -> SafeString:
    """About `length` characters of `text` around its densest cluster of query words, escaped and marked."""
    if not isinstance(query, SearchQuery):
        query = parse_query(query)
    text = re.sub(r"\s+", " ", text or "").strip()
    pattern = _pattern(query)
    matches = list(pattern.finditer(text))[:200] if pattern else []
    if not matches:
        return escape(excerpt(text, length))
    best_start, best_score = 0, -1
    starts = [m.start() for m in matches]
    every_word = len({m.group().lower() for m in matches})
    for candidate in matches:
        start = max(0, candidate.start() - length // 5)
        seen = set()
        for m in matches[bisect_left(starts, start) :]:  # the matches inside [start, start + length)
            if m.start() >= start + length:
                break
            if m.end() <= start + length:
                seen.add(m.group().lower())
        if len(seen) > best_score:
            best_start, best_score = start, len(seen)
            if best_score == every_word:
                break  # no window can hold more
    window = text[best_start : best_start + length]
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if best_start + length < len(text) else ""
    return mark_safe(escape(prefix) + _marked(window, pattern) + escape(suffix))  # escaped by _marked


def snippet(article, query: SearchQuery, length: int = SNIPPET_LENGTH) -> SafeString:
    """The part of the body (or summary) that best shows why the article matched."""
    pattern = _pattern(query)
    body = article_text(article)
    for text in (body, article.summary):
        if text and pattern and pattern.search(text):
            return highlight(text, query, length)
    return escape(excerpt(article.summary or body, length))


# --- the page -----------------------------------------------------------------------------------------------


def _clean_params(params) -> dict:
    """One value per parameter, cleaned like a query: no control characters (NUL included), bounded length."""
    fields = ("q", "section", "author", "date_from", "date_to", "sort")
    aliases = {"from": "date_from", "to": "date_to"}
    data = {}
    for name, value in params.lists():
        field = aliases.get(name, name)
        if field in fields and value:
            data[field] = clean_query(value[-1])
    return data


def result_items(results: search.SearchResults, query: SearchQuery, params) -> list[SafeString]:
    """Each result of the page as HTML (search/result.html), a shared fragment per article and search: its
    title and snippet marked for this query, its bylines linking to this search by that author. The page's
    articles are loaded and rendered only for those not kept (two queries). `params`: the search's, without
    the page."""
    search_key = params.urlencode()
    names = {f"search-result:{pk}:{search_key}": pk for pk in results.ids}
    author_search = _author_search(params)

    def build(name: str, article) -> SafeString:
        return render_to_string("search/result.html", {"article": _annotated(article, query, author_search)})

    items = object_fragments(names, search.load_results, build)
    return [items[name] for name in names if items[name] is not None]


def _annotated(article, query: SearchQuery, author_search: str):
    """`article` with what search/result.html shows of it for this search (`author_search`: `_author_search`)."""
    article.search_title = highlight_all(article.title, query)
    article.search_snippet = snippet(article, query)
    bylines = [
        (byline.role, byline.author.name, author_search + urlencode({"author": byline.author.slug}))
        for byline in article.bylines.all()
    ]
    article.search_byline = byline_html(bylines, gettext("Only articles by this author"))
    return article


def _author_search(params) -> str:
    """The query string of this search (`params`, without the page) narrowed to an author: add author=<slug>."""
    params = params.copy()
    params.pop("author", None)
    return f"?{params.urlencode()}&" if params else "?"


def search_page(request):
    form = SearchForm(_clean_params(request.GET))
    form.is_valid()
    filters = form.filters()
    query = parse_query(form.data.get("q", ""))
    results = search.run_search(query, page_number=request.GET.get("page") or 1, **filters)
    shown_params = request.GET.copy()
    shown_params.pop("page", None)
    has_filters = any(filters[name] is not None for name in ("section", "author", "date_from", "date_to"))
    context = {
        "form": form,
        "query": query,
        "results": results,
        "page_obj": results.page,
        "items": result_items(results, query, shown_params),
        # The articles themselves, loaded only if something reads them (the page shows the items).
        "articles": SimpleLazyObject(
            lambda: [_annotated(a, query, _author_search(shown_params)) for a in results.articles]
        ),
        "author_filter": filters["author"],
        "searched": bool(query.text) or has_filters,
    }
    response = render(request, "search/search.html", context)
    if results.timed_out:
        add_never_cache_headers(response)  # a busy moment must not be kept as the answer to this query
    return response
