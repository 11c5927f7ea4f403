"""Load the test archive (corpus.py) into the database through the models, as the newsroom would."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Byline, Section
from people.models import Author

from .corpus import ARTICLES


def load_corpus(now=None) -> dict[str, Article]:
    """Create every corpus article with its section and bylines; returns them by key."""
    now = now or timezone.now()
    user, _ = get_user_model().objects.get_or_create(username="corpus-desk", defaults={"is_staff": True})
    sections = {
        name: Section.objects.get_or_create(
            name=name, defaults={"order": order, "is_opinion": name == "观点"}
        )[0]
        for order, name in enumerate(["要闻", "综合", "科普", "观点", "图片新闻"])
    }
    authors: dict[str, Author] = {}
    articles = {}
    for entry in ARTICLES:
        published = entry["status"] == "published"
        article = Article.objects.create(
            title=entry["title"],
            subtitle=entry["subtitle"],
            summary=entry["summary"],
            body="".join(f"<p>{paragraph}</p>" for paragraph in entry["body"]),
            section=sections[entry["section"]],
            status=entry["status"],
            published_at=now - datetime.timedelta(days=entry["days"])
            if published or entry["status"] == "withdrawn"
            else None,
            created_by=user,
        )
        for order, (name, role) in enumerate(entry["bylines"]):
            if name not in authors:
                authors[name] = Author.objects.create(name=name)
            Byline.objects.create(article=article, author=authors[name], role=role, order=order)
        articles[entry["key"]] = article
    return articles
