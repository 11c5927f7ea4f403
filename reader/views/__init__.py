"""The reader's site. Every page starts from `Article.objects.published()` (see views/common.py).

`render_article` renders any article in the public design; the previews (views/preview.py) use it with
preview=True.
"""

from .article import article_detail, render_article
from .common import paginate, paginate_or_404, public_articles
from .issues import home, issue_archive, issue_by_date, issue_detail
from .listings import event_detail, section_detail, tag_detail
from .people import author_detail, organization_detail
from .preview import article_preview, shared_preview

__all__ = [
    "article_detail",
    "article_preview",
    "author_detail",
    "event_detail",
    "home",
    "issue_archive",
    "issue_by_date",
    "issue_detail",
    "organization_detail",
    "paginate",
    "paginate_or_404",
    "public_articles",
    "render_article",
    "section_detail",
    "shared_preview",
    "tag_detail",
]
