"""Mail sent by workflow transitions, after the transaction commits (Django's mail framework)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .policy import EDITORS

logger = logging.getLogger(__name__)


def _editor_emails() -> list[str]:
    users = (
        get_user_model().objects.filter(is_active=True).filter(Q(groups__name=EDITORS) | Q(is_superuser=True))
    )
    return sorted({u.email for u in users if u.email})


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception:  # mail trouble must never undo or break an editorial decision
        logger.exception("Could not send workflow mail %r to %s", subject, recipients)


def transition_done(article, action: str, user, comment: str) -> None:
    who = user.get_full_name() or user.get_username()
    title = article.title
    if action == "submit":
        _send(
            _("For review: %(title)s") % {"title": title},
            _("%(who)s submitted “%(title)s” for review.") % {"who": who, "title": title},
            [e for e in _editor_emails() if e != user.email],
        )
        return
    owner = article.created_by
    if not owner.email or owner.pk == user.pk:
        return
    if action == "send_back":
        subject = _("Sent back: %(title)s") % {"title": title}
        body = _("%(who)s sent “%(title)s” back to you.\n\nComment:\n%(comment)s")
    elif action in {"approve", "reschedule"}:
        when = timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M")
        subject = _("Approved: %(title)s") % {"title": title}
        body = _("%(who)s approved “%(title)s”. It is public from %(when)s.") % {
            "who": who,
            "title": title,
            "when": when,
        }
        _send(subject, body, [owner.email])
        return
    elif action == "withdraw":
        subject = _("Withdrawn: %(title)s") % {"title": title}
        body = _("%(who)s withdrew “%(title)s” from the site.\n\nComment:\n%(comment)s")
    else:
        return
    _send(subject, body % {"who": who, "title": title, "comment": comment}, [owner.email])
