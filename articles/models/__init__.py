"""The newspaper: issues (期) and their pages (版), sections, events, articles and their bylines.

Status changes live in articles/workflow.py; nothing else sets `Article.status` or `Issue.released_at`. An
article's content fields are declared in groups (`ContentGroup`), beside the fields; what edits, versions and
searches them follows.

One package, every model importable from here (`from articles.models import Article`):
articles/models/issues.py (sections, issues, pages, events), articles/models/article.py (the article, its
content groups, links and bylines), articles/models/records.py (workflow log, share links, kept edits, page
areas), articles/models/photos.py (an article's photos, 组图), articles/models/listing.py (the public
listings' index); and the rules for django-taggit's tags,
articles/models/tags.py (names, slugs).
"""

from .article import (
    CONTENT_GROUPS,
    Article,
    ArticleEvent,
    ArticleOrganization,
    ArticleStatus,
    Byline,
    ContentGroup,
    content_fields,
    content_text_fields,
    searched_fields,
)
from .issues import Event, Issue, IssuePage, Section
from .listing import Listing, ListingCount
from .photos import ArticlePhoto
from .records import ArticleLog, PageArea, ShareLink, StaleEdit

__all__ = [
    "CONTENT_GROUPS",
    "Article",
    "ArticleEvent",
    "ArticleLog",
    "ArticleOrganization",
    "ArticlePhoto",
    "ArticleStatus",
    "Byline",
    "ContentGroup",
    "Event",
    "Issue",
    "IssuePage",
    "Listing",
    "ListingCount",
    "PageArea",
    "Section",
    "ShareLink",
    "StaleEdit",
    "content_fields",
    "content_text_fields",
    "searched_fields",
]
