"""Issue admin: an issue with its pages inline, and the release of the whole issue at one time.

The apps above extend it from their own admin modules, subclassing `IssueAdmin` and registering the subclass in
its place, so this module imports none of them: the digital edition gives the pages inline the form that renders
page images (edition/admin.py), the print import adds 导入版面 (printimport/admin.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import workflow
from articles.models import ArticleStatus, Issue, IssuePage
from articles.policy import can_release
from core.adminguards import GuardedAdmin

from .release import ReleaseForm

TAKEN = gettext_lazy("Another page of this issue has the number %(number)s: renumber it first.")


class IssuePageFormSet(BaseInlineFormSet):
    """A page number is another page's as long as the database holds it (the constraint one_page_number_per_issue,
    which the inline forms check only among themselves). Django saves the rows in order, the changed and deleted
    saved pages first, then the new ones: a row whose number another page still holds at its turn (a saved page
    posted as new through a forged INITIAL_FORMS, two pages swapping numbers) is refused here, with the form,
    instead of failing in the database."""

    def initial_form_count(self):
        # A negative count (forged) would make Django take the initial forms from the end of the list.
        return max(0, super().initial_form_count())

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        # Who holds each number, as the database has it at each row's turn.
        held = dict(self.instance.pages.values_list("number", "pk"))
        for form in self.forms:
            number, deleted = getattr(form, "cleaned_data", {}).get("number"), self._should_delete_form(form)
            row = form.instance.pk or form
            if deleted or number is None or not form.has_changed():
                if deleted:
                    held = {n: r for n, r in held.items() if r != row}
                continue
            if held.get(number, row) != row:
                form.add_error(
                    "number", ValidationError(TAKEN, code="page_number_taken", params={"number": number})
                )
                continue
            held = {n: r for n, r in held.items() if r != row}
            held[number] = row


class IssuePageInline(GuardedAdmin, admin.TabularInline):
    model = IssuePage
    formset = IssuePageFormSet
    fields = ["number", "name", "pdf", "image"]
    extra = 0
    ordering = ["number"]


@admin.register(Issue)
class IssueAdmin(GuardedAdmin, admin.ModelAdmin):
    list_display = ["number", "date", "page_count", "article_count", "released_at", "note"]
    readonly_fields = ["released_at"]  # set by 整期签发 only (articles/workflow.py `release`)
    search_fields = ["number", "note"]
    date_hierarchy = "date"
    inlines = [IssuePageInline]
    ordering = ["-date"]
    change_form_template = "admin/articles/issue/change_form.html"

    class Media:
        css = {"all": ["articles/admin/issue.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_pages=Count("pages", distinct=True), _articles=Count("articles", distinct=True))
        )

    @admin.display(description=gettext_lazy("pages"), ordering="_pages")
    def page_count(self, obj):
        return obj._pages

    @admin.display(description=gettext_lazy("articles"), ordering="_articles")
    def article_count(self, obj):
        return obj._articles

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/release/", view(self.release_view), name="articles_issue_release"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        issue = Issue.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if issue is not None:
            extra_context["in_review_count"] = issue.articles.filter(status=ArticleStatus.REVIEW).count()
            extra_context["can_release"] = can_release(request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def release_view(self, request, pk):
        """整期签发: every article placed in the issue, by page with its state; release it through
        articles/workflow.py `release`, which refuses while an article is not ready unless the editor
        confirmed to leave out exactly those, and approves the articles in review at one time."""
        issue = get_object_or_404(Issue, pk=pk)
        if not can_release(request.user):
            raise PermissionDenied
        plan = workflow.release_plan(issue)
        form = ReleaseForm(request.POST or None, unready=plan.unready)
        if request.method == "POST" and form.is_valid():
            if self._release(request, issue, form):
                return HttpResponseRedirect(reverse("admin:articles_issue_change", args=[issue.pk]))
            # Refused: show the issue as it is now, and ask again.
            plan = workflow.release_plan(issue)
            form = ReleaseForm(initial={"publish_at": form.cleaned_data["publish_at"]}, unready=plan.unready)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "title": _("Release issue %(number)s") % {"number": issue.number},
            "form": form,
            "pages": plan.pages(),
            "unready": plan.unready,
            "in_review": plan.in_review,
        }
        return TemplateResponse(request, "admin/articles/issue/release.html", context)

    def _release(self, request, issue, form) -> bool:
        """Release as the form says; say what happened. False when nothing was released."""
        try:
            result = workflow.release(
                issue, request.user, form.cleaned_data["publish_at"], leave_out=form.left_out()
            )
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
            return False
        if result.refused:
            for article, reason in result.refused:
                messages.error(request, f"“{article.title}”: {reason}")
            if result.four_eyes:
                messages.error(request, _("Nothing was released. Ask another editor to release this issue."))
            else:
                messages.error(request, _("Nothing was released."))
            return False
        messages.success(
            request,
            _("%(count)d articles of issue %(number)s released.")
            % {"count": len(result.approved), "number": issue.number},
        )
        if result.released_at > timezone.now():
            when = date_format(timezone.localtime(result.released_at), "DATETIME_FORMAT")
            messages.info(
                request,
                _("Issue %(number)s becomes today's paper at %(when)s.")
                % {"number": issue.number, "when": when},
            )
        return True
