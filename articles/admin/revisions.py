"""History, compare and restore views for the article admin (on top of django-reversion's VersionAdmin)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from reversion.models import Version

from articles import policy
from articles.models import Article
from articles.policy import is_editor
from articles.revisions import compare, record_as_made, restore, versions_of


class RevisionViewsMixin:
    """Replaces VersionAdmin's revert form (which would rewrite every field) with compare and a safe restore; records
    an article made in code before its first edit (articles/revisions.py `record_as_made`)."""

    history_template = "admin/articles/article/history.html"

    def revision_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/history/compare/", view(self.compare_view), name="articles_article_compare"),
            path("<int:pk>/history/<int:version_id>/restore/", view(self.restore_view),
                 name="articles_article_restore"),
        ]  # fmt: skip

    def _viewable(self, request, pk) -> Article:
        if not str(pk).isdigit():
            raise Http404  # a mistyped address (…/article/abc/history/) is not found, never a server error
        return policy.article_visible_or_404(request.user, pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Before VersionAdmin's revision of this save: an article made in code gets one of what it was, so that
        # this edit is compared with what it changed.
        if request.method == "POST" and str(object_id).isdigit():
            article = Article.objects.filter(pk=object_id).first()
            if article is not None and policy.can_edit(request.user, article):
                record_as_made(article)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        article = self._viewable(request, object_id)
        versions = list(versions_of(article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "object": article,
            "title": _("History: %s") % article.title,
            "versions": versions,
            "can_restore": policy.can_restore(request.user, article),
            "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
            "workflow_log": article.log.select_related("user"),
        }
        return TemplateResponse(request, self.history_template, {**context, **(extra_context or {})})

    def revision_view(self, request, object_id, version_id, extra_context=None):
        return HttpResponseRedirect(reverse("admin:articles_article_restore", args=[object_id, version_id]))

    def compare_view(self, request, pk):
        article = self._viewable(request, pk)
        versions = versions_of(article)
        try:
            old = versions.get(pk=int(request.GET.get("from", "")))
            new = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist):
            messages.error(request, _("Choose two revisions of this article to compare."))
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[article.pk]))
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Compare revisions: %s") % article.title,
            "old": old,
            "new": new,
            "rows": compare(old, new),
            "can_restore": policy.can_restore(request.user, article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, pk, version_id):
        article = self._viewable(request, pk)
        if not policy.can_restore(request.user, article):
            raise PermissionDenied
        version = get_object_or_404(versions_of(article), pk=version_id)
        if request.method == "POST":
            restore(article, version, request.user)
            messages.success(request, _("Revision restored as a new revision. The status did not change."))
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        current = versions_of(article).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Restore this revision of “%s”?") % article.title,
            "version": version,
            "rows": compare(current, version) if current else [],
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)

    # Deleted drafts: recoverable by editors only (they come back as drafts: status is not versioned).
    def recoverlist_view(self, request, extra_context=None):
        if not is_editor(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not is_editor(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)
