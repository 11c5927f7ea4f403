"""Import a print page from the issue admin (导入版面): upload, preview, confirm.

The issue admin gets the two views and its 导入版面 buttons here: `IssueAdmin` extends the digital edition's
(edition/admin.py) and takes its place.

Step 1 uploads the page and shows what importing it would do (printimport/service.py, the service the
`import_issue` command uses too). Step 2 confirms and writes. Between the steps the page text travels in a
signed, timestamped hidden field bound to the editor: the client can neither alter it nor point at a file on
the server, and the server keeps nothing for an upload that is never confirmed. Confirming plans again
against the database as it is then, so a stale preview can never write what it did not show.
"""

import datetime
from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Issue, IssuePage
from articles.policy import is_editor
from edition.admin import IssueAdmin as EditionIssueAdmin

from .parser import PrintPageError
from .service import MAX_PAGE_BYTES, describe_error, execute_import, plan_import

# A preview older than this must be uploaded again: the page may have been re-exported meanwhile.
CONFIRM_MAX_AGE = 60 * 60
_SALT = "printimport.admin"


def import_urls(model_admin) -> list:
    """The two import views, for IssueAdmin.get_urls: into a new issue, and into an existing one."""
    view = model_admin.admin_site.admin_view
    return [
        path("import/", view(partial(import_page_view, model_admin)), name="articles_issue_import"),
        path(
            "<int:pk>/import/",
            view(partial(import_page_view, model_admin)),
            name="articles_issue_import_into",
        ),
    ]


class ImportPageForm(forms.Form):
    """Step 1: the page file and where it goes. The issue fields only when importing into a new issue."""

    required_css_class = "required"

    number = forms.IntegerField(label=gettext_lazy("issue number"), min_value=1, max_value=2_000_000_000)
    date = forms.DateField(label=gettext_lazy("publication date"), widget=AdminDateWidget)
    file = forms.FileField(
        label=gettext_lazy("page as plain text"),
        help_text=gettext_lazy(
            "The page exported from the layout software as UTF-8 text (.txt), at most 1 MB."
        ),
    )
    page_number = forms.IntegerField(label=gettext_lazy("page number"), min_value=1, max_value=999, initial=1)
    page_name = forms.CharField(
        label=gettext_lazy("page name"),
        required=False,
        max_length=IssuePage._meta.get_field("name").max_length,
        help_text=gettext_lazy("For example 要闻. Empty: the section header at the top of the page."),
    )

    def __init__(self, *args, issue: Issue | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.issue = issue
        self.plan = None
        self.text = ""
        if issue is not None:
            del self.fields["number"], self.fields["date"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PAGE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)d KB; a print page is at most %(limit)d KB of text.")
                % {"size": upload.size // 1024, "limit": MAX_PAGE_BYTES // 1024}
            )
        return upload

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        number = self.issue.number if self.issue else data["number"]
        date = self.issue.date if self.issue else data["date"]
        content = data["file"].read(MAX_PAGE_BYTES + 1)
        try:
            self.plan = plan_import(content, number, date, data["page_number"], data["page_name"])
        except PrintPageError as exc:
            raise forms.ValidationError(describe_error(exc)) from None
        self.text = self.plan.text
        return data

    def token(self, user) -> str:
        """The confirmation token: everything step 2 needs, signed for this user."""
        plan = self.plan
        payload = {
            "text": self.text,
            "number": plan.number,
            "date": plan.date.isoformat(),
            "page": plan.page_number,
            "page_name": plan.requested_page_name,
            "issue": self.issue.pk if self.issue else None,
        }
        return signing.dumps(payload, salt=f"{_SALT}:{user.pk}", compress=True)


def _read_token(token: str, user) -> dict:
    return signing.loads(token, salt=f"{_SALT}:{user.pk}", max_age=CONFIRM_MAX_AGE)


def import_page_view(model_admin, request, pk=None):
    """GET: the upload form. POST with a file: the preview. POST with a token: the import, then its report."""
    if not is_editor(request.user):
        raise PermissionDenied
    issue = get_object_or_404(Issue, pk=pk) if pk is not None else None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Issue._meta,
        "original": issue,
        "max_kb": MAX_PAGE_BYTES // 1024,
    }
    if issue is None:
        context["title"] = _("Import a page into a new issue")
    else:
        context["title"] = _("Import a page into issue %(number)s") % {"number": issue.number}

    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, issue, context)
    form = ImportPageForm(request.POST or None, request.FILES or None, issue=issue)
    if request.method == "POST" and form.is_valid():
        context.update(plan=form.plan, token=form.token(request.user))
        return TemplateResponse(request, "admin/articles/issue/import_preview.html", context)
    context["form"] = form
    return TemplateResponse(request, "admin/articles/issue/import_form.html", context)


def _confirm(request, issue, context):
    """Step 2: plan again from the signed page and write. An error shows the upload form, nothing written."""
    form = ImportPageForm(issue=issue)
    context["form"] = form
    try:
        payload = _read_token(request.POST["token"], request.user)
    except signing.SignatureExpired:
        context["import_error"] = _("The preview has expired. Upload the page again.")
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=400)
    except signing.BadSignature:
        context["import_error"] = _("The confirmation was not valid. Upload the page again.")
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=400)
    if (payload["issue"] or None) != (issue.pk if issue else None):
        context["import_error"] = _("The confirmation was made for another issue. Upload the page again.")
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=400)
    try:
        plan = plan_import(
            payload["text"].encode("utf-8"),
            payload["number"],
            datetime.date.fromisoformat(payload["date"]),
            payload["page"],
            payload["page_name"],
        )
        report = execute_import(plan, request.user)
    except PrintPageError as exc:
        context["import_error"] = describe_error(exc)
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=409)
    context.update(report=report, original=report.issue, title=_("Page imported"))
    return TemplateResponse(request, "admin/articles/issue/import_report.html", context)


class IssueAdmin(EditionIssueAdmin):
    change_list_template = "admin/articles/issue/import_change_list.html"

    def get_urls(self):
        return [*import_urls(self), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if is_editor(request.user) and str(object_id).isdigit():
            extra_context["import_page_url"] = reverse("admin:articles_issue_import_into", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)


admin.site.unregister(Issue)
admin.site.register(Issue, IssueAdmin)
