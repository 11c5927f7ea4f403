"""The editors' desk on the admin index: what each person should look at next."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from articles.models import Article, ArticleLog, ArticleStatus
from articles.policy import SEND_BACK, SUBMIT, is_editor

LIMIT = 10


def desk_for(user) -> dict:
    now = timezone.now()
    base = Article.objects.select_related("created_by", "issue", "section")
    mine = base.filter(created_by=user)
    last_send_back = ArticleLog.objects.filter(article=OuterRef("pk"), action=SEND_BACK).order_by(
        "-at", "-id"
    )
    last_action = ArticleLog.objects.filter(article=OuterRef("pk")).order_by("-at", "-id")
    returned = (
        mine.filter(status=ArticleStatus.DRAFT)
        .annotate(last_action=Subquery(last_action.values("action")[:1]))
        .filter(last_action=SEND_BACK)
        .annotate(
            back_comment=Subquery(last_send_back.values("comment")[:1]),
            back_at=Subquery(last_send_back.values("at")[:1]),
        )
        .order_by("-back_at")
    )
    desk = {
        "my_drafts": list(mine.filter(status=ArticleStatus.DRAFT).order_by("-updated_at")[:LIMIT]),
        "returned": list(returned[:LIMIT]),
        "my_in_review": list(mine.filter(status=ArticleStatus.REVIEW).order_by("updated_at")[:LIMIT]),
        "is_editor": is_editor(user),
    }
    if desk["is_editor"]:
        submitted_at = ArticleLog.objects.filter(article=OuterRef("pk"), action=SUBMIT).order_by("-at", "-id")
        desk.update(
            awaiting_review=list(
                base.filter(status=ArticleStatus.REVIEW)
                .annotate(submitted_at=Subquery(submitted_at.values("at")[:1]))
                .order_by("submitted_at", "id")[:LIMIT]
            ),
            scheduled=list(base.scheduled(now).order_by("published_at")[:LIMIT]),
            recently_published=list(base.published(now).order_by("-published_at")[:LIMIT]),
        )
    return desk
