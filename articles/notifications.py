"""Mail sent by workflow transitions, after the transaction commits (Django's mail framework).

Who is told, and what, is each transition's `mail` (articles/policy.py); this module addresses, greets and
sends (`send_mail`, which planning's mail uses too): text and HTML (articles/templates/articles/mail/), naming the recipients and linking to the article's
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


def send_mail(recipients: list, subject: str, body: str, title: str, links: list[tuple[str, str]]) -> None:
    """The newsroom's mail (workflow and planning alike): greeting by name, `body`, `links` (label, absolute URL;
    the first as a button), in text and HTML (articles/templates/articles/mail/newsroom.*). Mail trouble is
    logged, never raised: it must not undo or break an editorial decision."""
    if not recipients:
        return
    context = {
        "greeting": _("Dear %(name)s,") % {"name": "、".join(person(r) for r in recipients)},
        "body": body,
        "title": title,
        "links": links,
        "newspaper": settings.NEWSPAPER_NAME,
    }
    addresses = [r.email for r in recipients]
    message = EmailMultiAlternatives(
        subject,
        render_to_string("articles/mail/newsroom.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        addresses,
    )
    message.attach_alternative(render_to_string("articles/mail/newsroom.html", context), "text/html")
    try:
        message.send(fail_silently=False)
    except Exception:
        logger.exception("Could not send mail %r to %s", subject, addresses)


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
        links = [
            (
                _("Open the article"),
                absolute_url(reverse("admin:articles_article_change", args=[article.pk])),
            ),
            (_("Preview"), absolute_url(reverse("article_preview", args=[article.pk]))),
        ]
        send_mail(recipients, str(mail.subject) % values, str(mail.body) % values, article.title, links)
