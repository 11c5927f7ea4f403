"""The reader's site. Every page starts from `Article.objects.published()` (see views/common.py).

`render_article` renders any article in the public design; the editors' preview uses it with preview=True.
"""

from .article import article_detail, render_article
from .common import issues_with_public_articles, paginate, paginate_or_404, public_articles
from .issues import home, issue_archive, issue_by_date, issue_detail
from .listings import event_detail, section_detail, tag_detail

__all__ = [
    "article_detail",
    "event_detail",
    "home",
    "issue_archive",
    "issue_by_date",
    "issue_detail",
    "issues_with_public_articles",
    "paginate",
    "paginate_or_404",
    "public_articles",
    "render_article",
    "section_detail",
    "tag_detail",
]
