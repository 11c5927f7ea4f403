"""Pages (版) in the admin: the printed page's PDF and image, and the areas of its articles on it.

- `IssuePageForm` (also used by the issue's page inline) renders the page image from a newly uploaded PDF while
  the form is validated, so a PDF that PDFium cannot draw is refused with the form's errors and nothing is
  saved; when the page is saved it stores that image (or names and thumbnails an image uploaded instead), through
  edition/images.py. Nothing of this runs in a model signal: bulk imports never render.
- `PageAreaInline` holds the areas as numbers (left, top, width, height: fractions of the page); on the change
  form, static/articles/admin/area-editor.js lets the editor draw them with the mouse on the page image.
  `PageAreaForm` refuses an area outside the page, without size, or of an article of another issue.
- `IssueAdmin` extends the articles app's to give the issue's page inline that form, and takes its place in the
  admin (printimport/admin.py extends it in turn).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.admin.issue import IssueAdmin as BaseIssueAdmin
from articles.admin.issue import IssuePageInline
from articles.models import Issue, IssuePage, PageArea
from core.adminguards import GuardedAdmin
from core.uploads import validate_pdf_upload

from .images import (
    PageRenderError,
    name_uploaded_image,
    page_image,
    render_page_image,
    render_pdf,
    store_rendered_image,
    store_thumbnail,
)

# Slack for a rectangle drawn flush with the page edge (matches the database constraint `area_inside_page`).
EDGE_TOLERANCE = 1e-6


def _is_upload(value) -> bool:
    return isinstance(value, UploadedFile)


class IssuePageForm(forms.ModelForm):
    """A page with its PDF and image; see the module docstring for what happens to the files."""

    class Meta:
        model = IssuePage
        fields = ["issue", "number", "name", "pdf", "image"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rendered = None
        if "pdf" in self.fields:
            self.fields["pdf"].help_text = gettext_lazy(
                "The printed page as exported for the press. Its first page becomes the page image, "
                "unless you upload an image at the same time."
            )
            self.fields["pdf"].widget.attrs.setdefault("accept", "application/pdf,.pdf")
        if "image" in self.fields:
            self.fields["image"].help_text = gettext_lazy(
                "Made from the PDF automatically; upload one only for a page without a PDF, or to replace it."
            )
            self.fields["image"].widget.attrs.setdefault(
                "accept", "image/jpeg,image/png,image/webp,image/gif"
            )

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if _is_upload(pdf):
            # The model's validator runs again later; here it keeps a non-PDF from reaching the renderer.
            validate_pdf_upload(pdf)
        return pdf

    def clean(self):
        cleaned = super().clean()
        pdf, image = cleaned.get("pdf"), cleaned.get("image")
        if _is_upload(pdf) and not _is_upload(image) and not self.has_error("image"):
            pdf.seek(0)
            data = pdf.read()
            pdf.seek(0)
            try:
                self.rendered = render_pdf(data)
            except PageRenderError as exc:
                self.add_error("pdf", ValidationError(str(exc), code="unrenderable_pdf"))
        return cleaned

    def prepare_files(self, page: IssuePage) -> None:
        """Before the page is saved: an uploaded image gets its edition name (page and size)."""
        if _is_upload(self.cleaned_data.get("image")):
            name_uploaded_image(page)

    def finish_files(self, page: IssuePage) -> None:
        """After the page is saved: store the image rendered from the new PDF, or the uploaded image's thumbnail."""
        if self.rendered is not None:
            store_rendered_image(page, self.rendered)
        elif _is_upload(self.cleaned_data.get("image")):
            store_thumbnail(page)

    def save(self, commit=True):
        # The issue's page inline saves with commit=True; IssuePageAdmin.save_model calls the two steps itself.
        if not commit:
            return super().save(commit=False)
        self.prepare_files(self.instance)
        page = super().save(commit=True)
        self.finish_files(page)
        return page


class PageAreaForm(forms.ModelForm):
    """One rectangle of an article on the page, as fractions of the page's width and height."""

    class Meta:
        model = PageArea
        fields = ["article", "x", "y", "width", "height"]
        widgets = {
            name: forms.NumberInput(attrs={"step": "0.0001", "min": "0", "max": "1", "class": "area-number"})
            for name in ["x", "y", "width", "height"]
        }

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page

    def clean(self):
        cleaned = super().clean()
        self._check_edges(
            cleaned,
            "x",
            "width",
            _("The left edge must be on the page: a fraction of its width, from 0 to 1."),
            _("Give the area a width greater than 0."),
            _("The area runs off the right edge of the page: left + width must be at most 1."),
        )
        self._check_edges(
            cleaned,
            "y",
            "height",
            _("The top edge must be on the page: a fraction of its height, from 0 to 1."),
            _("Give the area a height greater than 0."),
            _("The area runs off the bottom of the page: top + height must be at most 1."),
        )
        self._check_article(cleaned.get("article"))
        return cleaned

    def _check_edges(self, cleaned, start_name, size_name, off_page, no_size, overflow):
        """One axis: the start on the page, a positive size, and the far edge on the page too."""
        start, size = cleaned.get(start_name), cleaned.get(size_name)
        if start is not None and not 0 <= start < 1:
            self.add_error(start_name, ValidationError(off_page, code="off_page"))
            start = None
        if size is not None and size <= 0:
            self.add_error(size_name, ValidationError(no_size, code="no_size"))
            size = None
        if start is not None and size is not None and start + size > 1 + EDGE_TOLERANCE:
            self.add_error(size_name, ValidationError(overflow, code="off_page"))

    def _check_article(self, article):
        """The article must be in this page's issue (placed on this page, or continued here from another)."""
        issue = self.page.issue if self.page is not None and self.page.issue_id else None
        if article is None or issue is None or article.issue_id == issue.pk:
            return
        if article.issue_id is None:
            code, message = (
                "not_in_issue",
                _("“%(title)s” is not placed in an issue. Place it in issue %(number)s first."),
            )
        else:
            code, message = (
                "other_issue",
                _(
                    "“%(title)s” belongs to another issue. Only articles of issue %(number)s can have areas on this page."
                ),
            )
        message %= {"title": article.title, "number": issue.number}
        self.add_error("article", ValidationError(message, code=code))


class PageAreaFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "page": self.instance}


class PageAreaInline(GuardedAdmin, admin.TabularInline):
    model = PageArea
    form = PageAreaForm
    formset = PageAreaFormSet
    fields = ["article", "x", "y", "width", "height"]
    autocomplete_fields = ["article"]
    extra = 0
    ordering = ["y", "x", "id"]
    classes = ["area-rows"]


@admin.register(IssuePage)
class IssuePageAdmin(GuardedAdmin, admin.ModelAdmin):
    form = IssuePageForm
    inlines = [PageAreaInline]
    list_display = ["__str__", "thumbnail", "issue", "number", "name", "article_count", "area_count"]
    list_filter = ["name"]
    search_fields = ["name", "issue__number"]
    list_select_related = ["issue"]
    autocomplete_fields = ["issue"]
    ordering = ["-issue__date", "number"]
    actions = ["render_images"]
    change_form_template = "admin/articles/issuepage/change_form.html"

    class Media:
        css = {"all": ["articles/admin/area-editor.css"]}
        js = ["articles/admin/area-editor.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_articles=Count("articles", distinct=True), _areas=Count("areas", distinct=True))
        )

    @admin.display(description=gettext_lazy("articles"), ordering="_articles")
    def article_count(self, obj):
        return obj._articles

    @admin.display(description=gettext_lazy("areas"), ordering="_areas")
    def area_count(self, obj):
        return obj._areas

    @admin.display(description=gettext_lazy("page image"))
    def thumbnail(self, obj):
        image = page_image(obj)
        if image is None:
            return "—"
        return format_html('<img class="page-thumb" src="{}" alt="" loading="lazy">', image.thumbnail_url)

    def save_model(self, request, obj, form, change):
        form.prepare_files(obj)
        super().save_model(request, obj, form, change)
        form.finish_files(obj)
        if form.rendered is not None:
            messages.info(
                request,
                _("The page image was made from the PDF (%(width)d × %(height)d pixels).")
                % {"width": form.rendered.width, "height": form.rendered.height},
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        page = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "edition_image": page_image(page) if page else None}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description=gettext_lazy("Make the page images again from the PDFs"), permissions=["change"]
    )
    def render_images(self, request, queryset):
        done, failed = 0, []
        for page in queryset.select_related("issue"):
            if not page.pdf:
                failed.append(
                    _("%(page)s of issue %(number)s has no PDF.")
                    % {"page": page, "number": page.issue.number}
                )
                continue
            try:
                render_page_image(page)
            except (PageRenderError, OSError) as exc:
                failed.append(f"{page} ({page.issue.number}): {exc}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext(
                    "%(count)d page image made from its PDF.",
                    "%(count)d page images made from their PDFs.",
                    done,
                )
                % {"count": done},
            )
        for message in failed:
            messages.error(request, message)


class EditionPageInline(IssuePageInline):
    """The issue's pages inline, with the form that renders the page image from an uploaded PDF."""

    form = IssuePageForm


class IssueAdmin(BaseIssueAdmin):
    inlines = [EditionPageInline]


admin.site.unregister(Issue)
admin.site.register(Issue, IssueAdmin)
