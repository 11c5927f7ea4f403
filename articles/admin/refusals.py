"""A save of the article form that is refused keeps its text: the page comes back with what was posted, and why.

The refusals inside the form already show it again with the posted text: an invalid field, a stale version
(articles/admin/forms.py, which also keeps the text), a workflow button refused (`ArticleAdmin.save_related`).
Two come from outside the form, and are answered here:

- **busy**: the database stayed locked past its wait (`core.middleware.is_database_busy`; SQLite's wait is set
  in newsroom/settings.py). The form comes back bound to what was posted, saying the site is busy and to save
  again in a moment (503 with Retry-After). Nothing is written then: the database is busy.
- **no longer allowed**: the article moved on while the form was open (a reporter's draft submitted for review,
  or sent on by an editor), so the admin refuses the POST. The answer is still a 403, but it is the article's page
  (read-only now) with the posted text beside it and the reason; the text is kept as a kept edit (`StaleEdit`,
  listed under Kept edits), and `keep_refused_text` is where an app above adds its own copy (editing/admin.py:
  the autosaved copy, offered back once the article can be edited again).
"""

import copy
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils.translation import gettext as _

from articles import policy
from articles.models import Article, StaleEdit, content_text_fields
from core.middleware import BUSY_RETRY_AFTER_SECONDS, is_database_busy

KEPT_FIELDS = content_text_fields()


def posted_text(post) -> dict[str, str]:
    """The text fields of a posted article form, as posted (empty ones left out; no NUL, which no field holds)."""
    values = {name: str(post.get(name, "")).replace("\x00", "") for name in KEPT_FIELDS}
    return {name: value for name, value in values.items() if value.strip()}


def keep_text(article: Article, user, based_on_version: int, data: dict) -> StaleEdit | None:
    """Keep refused text for its author (a kept edit), once: the same text refused again is not kept twice. Also
    what a stale save keeps (articles/admin/forms.py)."""
    if not data:
        return None
    last = StaleEdit.objects.filter(article=article, user=user).first()
    if last is not None and last.based_on_version == based_on_version and last.data == data:
        return last
    return StaleEdit.objects.create(article=article, user=user, based_on_version=based_on_version, data=data)


def _based_on(post, article: Article) -> int:
    raw = str(post.get("based_on_version", ""))
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31 else article.version


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class SaveRefusalsMixin:
    """For the article admin, before VersionAdmin: answers the two refusals from outside the form (see the module
    docstring). `request.save_refusal` (a list of messages) makes the form refuse to save and show them."""

    @contextmanager
    def create_revision(self, request):
        """VersionAdmin opens a revision, in a transaction, around every add, change and list view. A page only
        shown saves nothing: it gets none, so it never waits for the write lock a transaction takes on SQLite."""
        if request.method in SAFE_METHODS:
            yield
            return
        with super().create_revision(request):
            yield

    # VersionAdmin's transaction starts outside changeform_view: a busy database is met here.
    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except OperationalError as exc:
            if request.method != "POST" or not is_database_busy(exc):
                raise
            return self._busy_response(request, None, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except OperationalError as exc:
            if request.method != "POST" or not is_database_busy(exc):
                raise
            return self._busy_response(request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            response = self._no_longer_allowed_response(request, object_id, form_url, extra_context)
            if response is None:
                raise
            return response

    def keep_refused_text(self, request, article: Article) -> StaleEdit | None:
        """Keep the text of a POST refused because its author may no longer change the article."""
        post = request.POST
        return keep_text(article, request.user, _based_on(post, article), posted_text(post))

    def _busy_response(self, request, object_id, form_url, extra_context):
        request.save_refusal = [
            _(
                "The database is busy with other changes: nothing was saved. Your text is still in the form; "
                "save again in a few seconds."
            )
        ]
        if connection.vendor == "sqlite":
            # Reading needs no lock there, while a new transaction would wait for the write lock all over again.
            response = self._changeform_view(request, object_id, form_url, extra_context)
        else:
            response = self.changeform_view(request, object_id, form_url, extra_context)
        response.status_code = 503
        response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response

    def _no_longer_allowed_response(self, request, object_id, form_url, extra_context):
        """The article's page, read-only, with the posted text and why it was not saved; None when this is not a
        refused save of an article the user may still see."""
        if request.method != "POST" or not str(object_id or "").isdigit():
            return None
        article = Article.objects.filter(pk=object_id).first()
        if (
            article is None
            or not policy.can_view(request.user, article)
            or policy.can_edit(request.user, article)
        ):
            return None
        kept = self.keep_refused_text(request, article)
        messages.error(
            request,
            _(
                "Nothing was saved: “%(title)s” is %(status)s now, and you may no longer change it. Your text is "
                "below, and kept under Kept edits."
            )
            % {"title": article.title, "status": article.get_status_display()},
        )
        shown = copy.copy(request)  # the page as a GET shows it: the article as saved, read-only
        shown.method = "GET"
        context = {
            **(extra_context or {}),
            "refused_text": [
                (name, Article._meta.get_field(name).verbose_name, value)
                for name, value in posted_text(request.POST).items()
            ],
            "kept_url": reverse("admin:articles_staleedit_change", args=[kept.pk]) if kept else "",
        }
        response = super().changeform_view(shown, object_id, form_url, context)
        response.status_code = 403
        return response
