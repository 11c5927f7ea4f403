"""Mail sent by workflow transitions, after the transaction commits (Django's mail framework).

Who is told, and what, is each transition's `mail` (articles/policy.py); this module only addresses and sends.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .policy import TRANSITIONS, Tell, editors

logger = logging.getLogger(__name__)


def _editor_emails() -> list[str]:
    return sorted({email for email in editors().values_list("email", flat=True) if email})


def _recipients(tell: Tell, article, user) -> list[str]:
    if tell == Tell.EDITORS:
        return [e for e in _editor_emails() if e != user.email]
    owner = article.created_by
    if not owner.email or owner.pk == user.pk:
        return []
    return [owner.email]


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception:  # mail trouble must never undo or break an editorial decision
        logger.exception("Could not send workflow mail %r to %s", subject, recipients)


def transition_done(article, action: str, user, comment: str) -> None:
    mail = TRANSITIONS[action].mail
    if mail is None:
        return
    recipients = _recipients(mail.to, article, user)
    if not recipients:
        return
    when = article.published_at
    values = {
        "who": user.get_full_name() or user.get_username(),
        "title": article.title,
        "comment": comment,
        "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "",
    }
    _send(str(mail.subject) % values, str(mail.body) % values, recipients)
