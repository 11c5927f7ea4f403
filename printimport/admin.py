"""Import an issue's pages from the issue admin (导入版面): upload, preview, confirm.

The issue admin gets the two views and its 导入版面 buttons here: `IssueAdmin` extends the digital edition's
(edition/admin.py) and takes its place.

Step 1 uploads one page or several at once (text exports and page PDFs, numbered in the order of their file
names) and shows what importing them would do: the whole issue, with the articles that jump pages joined
(printimport/issueplan.py, which the `import_issue` command uses too). Step 2 confirms and writes, atomically.
Between the steps the pages travel in a signed, timestamped hidden field bound to the editor: the text of a
text page, and for a page PDF its SHA-256, the PDF itself waiting in the cache for as long as the preview
is valid. The client can neither alter them nor point at a file on the server, and the server keeps nothing
for an upload that is never confirmed longer than that. Confirming plans again against the database as it is
then, so a stale preview can never write what it did not show.
"""

import datetime
import hashlib
import re
from functools import partial
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Issue, IssuePage
from articles.models.issues import check_issue_date
from articles.policy import is_editor
from edition.admin import IssueAdmin as EditionIssueAdmin

from .issueplan import PDF_SUFFIX, PageFile, execute_issue, plan_issue, with_page
from .parser import PrintPageError
from .service import MAX_PAGE_BYTES, describe_error

# A preview older than this must be uploaded again: the page may have been re-exported meanwhile.
CONFIRM_MAX_AGE = 60 * 60
_SALT = "printimport.admin"
# A printed issue has four to sixteen pages, rarely more; a supplement may add some.
MAX_PAGES = 48


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


# What the layout software exports a page as: UTF-8 text (.txt, or a name with no type of its own) or the page's
# PDF. A file named as another type (a picture, a program, a Word file) is refused by name, before it is read as
# text and misreported; a dot inside a name ("第1版 2026.03.18") is no type.
PAGE_SUFFIXES = {".txt", ".text", PDF_SUFFIX}
FILE_TYPE = re.compile(r"\.[a-z][a-z0-9]{0,4}")


def is_page_file(name: str) -> bool:
    suffix = PurePosixPath(name.lower()).suffix
    return suffix in PAGE_SUFFIXES or not FILE_TYPE.fullmatch(suffix)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A FileField taking several files (Django's documented pattern): cleans to a list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".txt,.pdf,text/plain,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]


def _natural(name: str) -> list:
    """Sort key: page2.txt before page10.txt."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name.lower())]


def _pdf_key(user, digest: str) -> str:
    return f"printimport:pdf:{user.pk}:{digest}"


def _keep_pdf(user, data: bytes) -> str:
    """Keep an uploaded PDF in the cache until the confirmation; its hash goes into the token."""
    digest = hashlib.sha256(data).hexdigest()
    cache.set(_pdf_key(user, digest), data, CONFIRM_MAX_AGE)
    return digest


class ImportPageForm(forms.Form):
    """Step 1: the page files and where they go. The issue fields only when importing into a new issue."""

    required_css_class = "required"

    number = forms.IntegerField(label=gettext_lazy("issue number"), min_value=1, max_value=2_000_000_000)
    date = forms.DateField(label=gettext_lazy("publication date"), widget=AdminDateWidget)
    file = MultipleFileField(
        label=gettext_lazy("pages"),
        help_text=gettext_lazy(
            "One page or several at once: each exported from the layout software as UTF-8 text (.txt, at most "
            "1 MB) or as the page PDF (.pdf), or both under one name (第01版.txt and 第01版.pdf: the articles from "
            "the text, their areas from the PDF). The pages are numbered in the order of their file names, from "
            "the first page number below: name them so (第01版, 第02版 …)."
        ),
    )
    page_number = forms.IntegerField(
        label=gettext_lazy("first page number"), min_value=1, max_value=999, initial=1
    )
    page_name = forms.CharField(
        label=gettext_lazy("page name"),
        required=False,
        max_length=IssuePage._meta.get_field("name").max_length,
        help_text=gettext_lazy(
            "For one page only, for example 要闻. Empty: each page takes the section header at its top."
        ),
    )

    def __init__(self, *args, issue: Issue | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.issue = issue
        self.plan = None
        if issue is not None:
            del self.fields["number"], self.fields["date"]

    def clean_date(self):
        check_issue_date(self.cleaned_data["date"])
        return self.cleaned_data["date"]

    def clean_file(self):
        uploads = sorted(self.cleaned_data["file"], key=lambda upload: _natural(upload.name))
        if len(uploads) > MAX_PAGES:
            raise forms.ValidationError(_("At most %(count)d pages at once.") % {"count": MAX_PAGES})
        for upload in uploads:
            if not is_page_file(upload.name):
                raise forms.ValidationError(
                    _("%(name)s is not a print page: only text (.txt) and page PDFs (.pdf) are read.")
                    % {"name": upload.name}
                )
            pdf = upload.name.lower().endswith(PDF_SUFFIX)
            limit = settings.MAX_PDF_UPLOAD_BYTES if pdf else MAX_PAGE_BYTES
            if upload.size > limit:
                kind = _("a page PDF") if pdf else _("a print page as text")
                raise forms.ValidationError(
                    _("%(name)s is %(size)d KB; %(kind)s is at most %(limit)d KB.")
                    % {"name": upload.name, "size": upload.size // 1024, "kind": kind, "limit": limit // 1024}
                )
        return uploads

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["page_name"] and len(data["file"]) > 1:
            self.add_error("page_name", _("A page name is for one page: leave it empty for several."))
            return data
        files = [(upload.name, upload.read()) for upload in data["file"]]
        pages = PageFile.numbered(files, data["page_number"])
        pages[0].name = data["page_name"]
        number = self.issue.number if self.issue else data["number"]
        date = self.issue.date if self.issue else data["date"]
        try:
            self.plan = plan_issue(pages, number, date)
        except PrintPageError as exc:
            raise forms.ValidationError(describe_error(exc)) from None
        return data

    def token(self, user) -> str:
        """The confirmation token: everything step 2 needs, signed for this user (a PDF by its hash)."""
        plan = self.plan
        pages = []
        for page in plan.pages:
            entry = {"file": page.filename}
            if page.file.is_pdf:
                entry["pdf"] = _keep_pdf(user, page.file.data)
            else:
                entry["text"] = page.text
            pages.append(entry)
            if page.file.pdf:  # the text's PDF, given with it: paired again by name (PageFile.numbered)
                pages.append({"file": page.file.pdf_filename, "pdf": _keep_pdf(user, page.file.pdf)})
        payload = {
            "pages": pages,
            "number": plan.number,
            "date": plan.date.isoformat(),
            "page": plan.pages[0].number,
            "page_name": plan.pages[0].file.name,
            "issue": self.issue.pk if self.issue else None,
        }
        return signing.dumps(payload, salt=f"{_SALT}:{user.pk}", compress=True)


def _read_token(token: str, user) -> dict:
    return signing.loads(token, salt=f"{_SALT}:{user.pk}", max_age=CONFIRM_MAX_AGE)


def _pages_from(payload: dict, user) -> list[PageFile] | None:
    """The pages a token stands for; None when a PDF is no longer in the cache (or is not what was shown)."""
    files = []
    for entry in payload["pages"]:
        if "pdf" in entry:
            data = cache.get(_pdf_key(user, entry["pdf"]))
            if data is None or hashlib.sha256(data).hexdigest() != entry["pdf"]:
                return None
        else:
            data = entry["text"].encode("utf-8")
        files.append((entry["file"], data))
    pages = PageFile.numbered(files, payload["page"])
    pages[0].name = payload["page_name"]
    return pages


def import_page_view(model_admin, request, pk=None):
    """GET: the upload form. POST with files: the preview. POST with a token: the import, then its report."""
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
        context["title"] = _("Import pages into a new issue")
    else:
        context["title"] = _("Import pages into issue %(number)s") % {"number": issue.number}

    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, issue, context)
    form = ImportPageForm(request.POST or None, request.FILES or None, issue=issue)
    if request.method == "POST" and form.is_valid():
        context.update(plan=form.plan, pages=with_page(form.plan), token=form.token(request.user))
        return TemplateResponse(request, "admin/articles/issue/import_preview.html", context)
    context["form"] = form
    return TemplateResponse(request, "admin/articles/issue/import_form.html", context)


def _confirm(request, issue, context):
    """Step 2: plan again from the signed pages and write. An error shows the upload form, nothing written."""
    form = ImportPageForm(issue=issue)
    context["form"] = form
    try:
        payload = _read_token(request.POST["token"], request.user)
    except signing.SignatureExpired:
        context["import_error"] = _("The preview has expired. Upload the pages again.")
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=400)
    except signing.BadSignature:
        context["import_error"] = _("The confirmation was not valid. Upload the pages again.")
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=400)
    if (payload["issue"] or None) != (issue.pk if issue else None):
        context["import_error"] = _("The confirmation was made for another issue. Upload the pages again.")
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=400)
    pages = _pages_from(payload, request.user)
    if pages is None:
        context["import_error"] = _("The preview has expired. Upload the pages again.")
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=400)
    try:
        plan = plan_issue(pages, payload["number"], datetime.date.fromisoformat(payload["date"]))
        report = execute_issue(plan, request.user)
    except PrintPageError as exc:
        context["import_error"] = describe_error(exc)
        return TemplateResponse(request, "admin/articles/issue/import_form.html", context, status=409)
    title = _("Pages imported") if len(report.pages) > 1 else _("Page imported")
    context.update(report=report, pages=with_page(report.plan), original=report.issue, title=title)
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
