"""Bulk actions of the article list beyond approval: submitting the drafts of an imported page at once.

Each article goes through articles/workflow.py `submit`, which decides who may: a reporter only their own
drafts, an editor any. Nothing here sets a status.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy, ngettext

from articles import policy, workflow
from articles.models import ArticleStatus


class BulkSubmitMixin:
    """提交所选稿件审核: submit every selected draft, in reading order; one message per refusal."""

    def has_submit_permission(self, request):
        return policy.is_staff_member(request.user) and (
            policy.is_editor(request.user) or policy.is_reporter(request.user)
        )

    @admin.action(permissions=["submit"], description=gettext_lazy("Submit selected drafts for review"))
    def submit_selected(self, request, queryset):
        done, refused = 0, []
        # Counted before: once submitted, the drafts are not drafts either.
        skipped = queryset.exclude(status=ArticleStatus.DRAFT).count()
        for article in queryset.filter(status=ArticleStatus.DRAFT).in_reading_order():
            try:
                workflow.submit(article, request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                refused.append(f"“{article.title}”: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            self.message_user(
                request,
                ngettext("%d draft submitted for review.", "%d drafts submitted for review.", done) % done,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d article was not a draft and was left alone.",
                    "%d articles were not drafts and were left alone.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)
