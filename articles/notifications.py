"""Mail sent by workflow transitions, after the transaction commits (Django's mail framework).

Who is told, and what, is each transition's `mail` (articles/policy.py); this module addresses, greets and
sends: text and HTML (articles/templates/articles/mail/), naming the recipients and linking to the article's
admin page and its preview. There is no request after the commit: links start with settings.ADMIN_BASE_URL.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .names import person
from .policy import TRANSITIONS, Tell, editors

logger = logging.getLogger(__name__)


def _recipients(tell: Tell, article, user) -> list:
    """The users to tell, one per address, never the one who took the transition."""
    if tell == Tell.EDITORS:
        by_email = {}
        for editor in editors().order_by("pk"):
            if editor.email and editor.email != user.email:
                by_email.setdefault(editor.email, editor)
        return [by_email[email] for email in sorted(by_email)]
    owner = article.created_by
    if not owner.email or owner.pk == user.pk:
        return []
    return [owner]


def absolute_url(path: str) -> str:
    """A path of this site as a link in mail: ADMIN_BASE_URL (falling back to NEWSPAPER_URL) before it."""
    return (getattr(settings, "ADMIN_BASE_URL", "") or settings.NEWSPAPER_URL or "").rstrip("/") + path


def _message(subject: str, body: str, article, recipients: list) -> EmailMultiAlternatives:
    context = {
        "greeting": _("Dear %(name)s,") % {"name": "、".join(person(r) for r in recipients)},
        "body": body,
        "title": article.title,
        "change_url": absolute_url(reverse("admin:articles_article_change", args=[article.pk])),
        "preview_url": absolute_url(reverse("article_preview", args=[article.pk])),
        "newspaper": settings.NEWSPAPER_NAME,
    }
    text = render_to_string("articles/mail/transition.txt", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [r.email for r in recipients]
    )
    message.attach_alternative(render_to_string("articles/mail/transition.html", context), "text/html")
    return message


def transition_done(article, action: str, user, comment: str) -> None:
    mail = TRANSITIONS[action].mail
    if mail is None:
        return
    recipients = _recipients(mail.to, article, user)
    if not recipients:
        return
    when = article.published_at
    values = {
        "who": person(user),
        "title": article.title,
        "comment": comment,
        "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "",
    }
    # In the newsroom's language, whatever the language of the person who took the transition.
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(mail.subject) % values
        try:
            _message(subject, str(mail.body) % values, article, recipients).send(fail_silently=False)
        except Exception:  # mail trouble must never undo or break an editorial decision
            logger.exception("Could not send workflow mail %r to %s", subject, [r.email for r in recipients])
