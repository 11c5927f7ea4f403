"""Print, as JSON, the URL paths bench/run.py loads for each row, chosen from the benchmark database.

Run by bench/run.py with the benchmark's environment (DATABASE_URL and production settings):

    python bench/paths.py [--articles-cold 2000] [--articles-warm 500] [--seed 1]

Every path is public (built from Article.objects.published() and the views' own URLs), so each answers 200.
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
LONGER_QUERIES = [
    "人工智能助力乡村振兴",
    "青岚省科学技术协会 科普讲解大赛",
    "新能源汽车 储能 产业规模",
    "量子科技成果转化",
    "院士专家工作站 关键核心技术",
    "智慧农业 科技小院 农技人员",
    "青少年科技创新大赛 中小学生",
    "碳达峰碳中和 绿色低碳",
]


def search_path(query: str) -> str:
    return "/search/?" + urlencode({"q": query})


def choose(articles_cold: int, articles_warm: int, per_list: int, seed: int) -> dict[str, list[str]]:
    from django.conf import settings
    from django.db.models import Count
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Issue, Section

    rng = random.Random(seed)
    public_ids = list(Article.objects.published().values_list("pk", flat=True))
    if not public_ids:
        raise SystemExit("No published article in the benchmark database.")
    cold_ids = rng.sample(public_ids, min(articles_cold, len(public_ids)))
    warm_ids = cold_ids[: min(articles_warm, len(cold_ids))]
    issues = list(Issue.objects.with_public_articles().order_by("-date")[:per_list])
    tags = list(
        Tag.objects.filter(taggit_taggeditem_items__object_id__in=Article.objects.published().values("pk"))
        .annotate(n=Count("taggit_taggeditem_items"))
        .order_by("-n")[:per_list]
    )
    sections = list(Section.objects.filter(articles__in=Article.objects.published()).distinct()[:per_list])
    api_list = reverse("api:articles")
    manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())
    return {
        "home": [reverse("articles:home")],
        "issue": [issue.get_absolute_url() for issue in issues],
        "article-cold": [reverse("articles:article", args=[pk]) for pk in cold_ids],
        "article-warm": [reverse("articles:article", args=[pk]) for pk in warm_ids],
        "tag": [reverse("articles:tag", args=[tag.slug]) for tag in tags],  # reverse() percent-encodes
        "search-2": [search_path(q) for q in TWO_CHARACTER_QUERIES],
        "search-long": [search_path(q) for q in LONGER_QUERIES],
        "feed": [reverse("feed")],
        # The API's list: the newest articles, and filtered by tag, section and issue as an app asks for them.
        "api-list": [api_list]
        + [f"{api_list}?{urlencode({'tag': tag.slug})}" for tag in tags]
        + [f"{api_list}?{urlencode({'section': section.slug})}" for section in sections]
        + [f"{api_list}?{urlencode({'issue': issue.number})}" for issue in issues],
        "api-detail-cold": [reverse("api:article", args=[pk]) for pk in cold_ids],
        "api-detail-warm": [reverse("api:article", args=[pk]) for pk in warm_ids],
        "static": [settings.STATIC_URL + manifest["paths"]["css/site.css"]],
    }


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
