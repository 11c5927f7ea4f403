"""Print, as JSON, the URL paths bench/run.py loads for each row, chosen from the benchmark database.

Run by bench/run.py with the benchmark's environment (DATABASE_URL and production settings):

    python bench/paths.py [--articles-cold 2000] [--articles-warm 500] [--per-list 50] [--seed 1]

Every path is public (built from Article.objects.published() and the views' own URLs), so each answers 200;
bench/run.py checks a sample of each row before loading it. "tag-deep" is page N of the most popular tag, N the
smaller of 1,000 and its last page (issue 20's deepest listing page).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# What readers of a science weekly type: topics (量子, 芯片…) and the paper's own everyday words (科普, 院士),
# which match a large share of the archive.
TWO_CHARACTER_QUERIES = ["量子", "芯片", "航天", "氢能", "北斗", "储能", "光伏", "防灾", "院士", "科普"]
# Four characters: topics of the seeded archive (TOPICS in devdata/benchdata.py), as readers type them.
FOUR_CHARACTER_QUERIES = [
    "人工智能", "量子科技", "集成电路", "生物医药", "智慧农业", "乡村振兴", "科技小院", "数字经济",
    "北斗导航", "航空航天", "绿色低碳", "防灾减灾",
]  # fmt: skip
# The deepest listing page: page N of the most popular tag, N at most this.
DEEPEST_PAGE = 1000


def search_path(query: str) -> str:
    return "/search/?" + urlencode({"q": query})


def most_linked(model, through: str, per_list: int) -> list:
    """The `per_list` rows of `model` that the most published articles link to (through `through`, the name of
    the link from `model` to the articles), most linked first: the pages readers reach most, and the largest."""
    from django.db.models import Count

    from articles.models import Article

    return list(
        model.objects.filter(**{f"{through}__in": Article.objects.published().values("pk")})
        .annotate(n=Count(through))
        .order_by("-n", "pk")[:per_list]
    )


def edition_pages(issues: list) -> list[str]:
    """The digital edition's pages (edition/urls.py) of `issues` that carry a published article."""
    from django.urls import reverse

    from articles.models import Article

    pairs = (
        Article.objects.published()
        .filter(issue__in=issues, page__isnull=False)
        .values_list("issue__number", "page__number")
        .distinct()
        .order_by("-issue__number", "page__number")
    )
    return [reverse("articles:issue_page", args=[issue, page]) for issue, page in pairs]


def deepest_tag_page(tag) -> str:
    """Page N of `tag`'s listing, N = min(DEEPEST_PAGE, its last page)."""
    from django.urls import reverse

    from articles.models import Article

    try:  # the reader's page size (reader/views/common.py); 20 if it moved
        from reader.views.common import PER_PAGE
    except ImportError:
        PER_PAGE = 20
    count = Article.objects.published().filter(tags=tag).count()
    page = max(1, min(DEEPEST_PAGE, -(-count // PER_PAGE)))
    return f"{reverse('articles:tag', args=[tag.slug])}?{urlencode({'page': page})}"


def choose(articles_cold: int, articles_warm: int, per_list: int, seed: int) -> dict[str, list[str]]:
    from django.conf import settings
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Event, Issue, Section
    from people.models import Author, Organization

    rng = random.Random(seed)
    public_ids = list(Article.objects.published().values_list("pk", flat=True))
    if not public_ids:
        raise SystemExit("No published article in the benchmark database.")
    cold_ids = rng.sample(public_ids, min(articles_cold, len(public_ids)))
    warm_ids = cold_ids[: min(articles_warm, len(cold_ids))]
    issues = list(Issue.objects.with_public_articles().order_by("-date")[:per_list])
    tags = most_linked(Tag, "taggit_taggeditem_items__object_id", per_list)
    sections = most_linked(Section, "articles", per_list)
    api_list = reverse("api:articles")
    manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())
    return {
        "home": [reverse("articles:home")],
        "issue": [issue.get_absolute_url() for issue in issues],
        "edition": edition_pages(issues)[: 4 * per_list],
        "article-cold": [reverse("articles:article", args=[pk]) for pk in cold_ids],
        "article-warm": [reverse("articles:article", args=[pk]) for pk in warm_ids],
        "tag": [reverse("articles:tag", args=[tag.slug]) for tag in tags],  # reverse() percent-encodes
        "tag-deep": [deepest_tag_page(tags[0])] if tags else [],
        "section": [reverse("articles:section", args=[section.slug]) for section in sections],
        "author": [reverse("people:author", args=[a.slug]) for a in most_linked(Author, "bylines__article", per_list)],
        "organization": [
            reverse("people:organization", args=[o.slug]) for o in most_linked(Organization, "articles", per_list)
        ],
        "event": [reverse("articles:event", args=[e.slug]) for e in most_linked(Event, "articles", per_list)],
        "search-2": [search_path(q) for q in TWO_CHARACTER_QUERIES],
        "search-4": [search_path(q) for q in FOUR_CHARACTER_QUERIES],
        "feed": [reverse("feed")],
        # The API's list: the newest articles, and filtered by tag, section and issue as an app asks for them.
        "api-list": [api_list]
        + [f"{api_list}?{urlencode({'tag': tag.slug})}" for tag in tags]
        + [f"{api_list}?{urlencode({'section': section.slug})}" for section in sections]
        + [f"{api_list}?{urlencode({'issue': issue.number})}" for issue in issues],
        "api-detail-cold": [reverse("api:article", args=[pk]) for pk in cold_ids],
        "api-detail-warm": [reverse("api:article", args=[pk]) for pk in warm_ids],
        "static": [settings.STATIC_URL + manifest["paths"]["css/site.css"]],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles-cold", type=int, default=2000)
    parser.add_argument("--articles-warm", type=int, default=500)
    parser.add_argument("--per-list", type=int, default=50, help="Issues and tags to load (default 50).")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    print(
        json.dumps(
            choose(args.articles_cold, args.articles_warm, args.per_list, args.seed), ensure_ascii=False
        )
    )


if __name__ == "__main__":
    main()
