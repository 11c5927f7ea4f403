"""The article admin's pictures: the photos (组图) as a sortable inline with thumbnails, the lead picture's focal
point, and alt text offered from the caption.

- **Photos** (`ArticlePhotoInline`): django-admin-sortable2's stacked inline; a saved photo is dragged by its
  title bar (or moved first or last by the arrows there, by keyboard too), which numbers the hidden `order`
  field. Each row shows the photo's 360 JPEG rendition (core/renditions.py) at `default_storage.url`: a private
  photo's goes through the private-media view (files/views.py), which shows it to whoever may see the article.
  The photos follow their article's rules on the server (`policy.can_edit`: who, and in which state), are saved
  in the article form's transaction (a stale version refuses them with the rest: articles/admin/forms.py), and
  are kept in its revisions (articles/revisions.py).
- **Focal point** (`focal_point`): the lead picture, in the image fieldset, with a marker at
  `image_focal_x`/`image_focal_y`; static/articles/admin/pictures.js moves both where the editor clicks. The two
  number fields do the same without the script.
- **Alt text**: required before the article is made public (articles/policy.py `alt_text_refusal`, checked by
  the workflow); a public article's save that would leave a picture without it is refused here
  (`alt_text_gaps`). Beside an empty alt field the script offers a button that copies the caption in.
"""

from adminsortable2.admin import SortableAdminBase, SortableStackedInline
from django import forms
from django.contrib import admin
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import policy
from articles.models import Article, ArticlePhoto
from core import renditions
from core.adminguards import GuardedAdmin

ALT_HELP = _(
    "What the picture shows, for readers who cannot see it; required before the article is approved. While it "
    "is empty, the button beside it copies the caption in, as a start."
)
# Marks an alt text input for static/articles/admin/pictures.js, with the label of the button it adds; its
# caption is the input named like it, with "caption" for "alt" at the end (image_alt: image_caption).
ALT_INPUT = {"class": "vTextField", "data-alt-text": _("Use the caption as alt text")}
THUMBNAIL_SLOT = 360
FOCAL_SLOT = 720


def rendition(name: str, width: int | None, height: int | None, slot: int) -> dict:
    """The JPEG rendition of the stored picture `name` at `slot` (or the largest it has below), for an <img>:
    its URL, the original's as a fallback (a picture stored before renditions were made), and its size."""
    made = renditions.slots(width, height) if width and height else [(THUMBNAIL_SLOT, THUMBNAIL_SLOT)]
    chosen, shown = next(((s, w) for s, w in reversed(made) if s <= slot), made[0])
    return {
        "src": default_storage.url(renditions.rendition_name(name, chosen, renditions.FALLBACK)),
        "fallback": default_storage.url(name),
        "width": shown,
        "height": renditions.scaled_height(width, height, shown) if width and height else shown,
    }


class ArticlePhotoForm(forms.ModelForm):
    class Meta:
        model = ArticlePhoto
        fields = ["image", "caption", "alt", "credit", "order"]
        widgets = {"alt": forms.TextInput(attrs=ALT_INPUT)}
        help_texts = {"alt": ALT_HELP}


class ArticlePhotoInline(GuardedAdmin, SortableStackedInline):
    """An article's photos, in order. Rows: thumbnail and file, caption, alt text, credit (and `order`, hidden,
    numbered by dragging)."""

    model = ArticlePhoto
    form = ArticlePhotoForm
    fieldsets = [(None, {"fields": [("thumbnail", "image"), "caption", "alt", "credit", "order"]})]
    readonly_fields = ["thumbnail"]
    extra = 0
    max_rows = 60  # photos in one save, at most (core/adminguards.py)
    classes = ["article-photos"]

    # The article's edit rules, on top of the model permissions (the groups hold them: articles/policy.py).
    def _may_edit(self, request, obj) -> bool:
        return obj is None or policy.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def has_view_permission(self, request, obj=None):
        may_see = obj is None or policy.can_view(request.user, obj)
        return super().has_view_permission(request, obj) and may_see

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, photo):
        if photo is None or not photo.image:
            return mark_safe('<span class="photo-thumb photo-thumb--empty"></span>')
        image = rendition(photo.image.name, photo.width, photo.height, THUMBNAIL_SLOT)
        return format_html(
            '<img class="photo-thumb" src="{}" data-fallback="{}" width="{}" height="{}" alt="" loading="lazy">',
            image["src"], image["fallback"], image["width"], image["height"],
        )  # fmt: skip


def _with_focal_point(fields: list) -> list:
    """The image fieldset's fields with the picture to click before the two numbers, on one line."""
    if "image_focal_x" not in fields or "image_focal_y" not in fields:
        return fields
    rest = [f for f in fields if f not in ("image_focal_x", "image_focal_y")]
    at = fields.index("image_focal_x")
    return [*rest[:at], "focal_point", ("image_focal_x", "image_focal_y"), *rest[at:]]


class PicturesAdminMixin(SortableAdminBase):
    """For ArticleAdmin: the focal point in the image fieldset, the pictures' script and style, and the sortable
    inlines' (django-admin-sortable2 needs SortableAdminBase on the parent admin)."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["articles/admin/pictures.js"], css={"all": ["articles/admin/pictures.css"]}
        )

    def get_fieldsets(self, request, obj=None):
        return [(name, {**opts, "fields": _with_focal_point(list(opts["fields"]))})
                for name, opts in super().get_fieldsets(request, obj)]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "focal_point"]

    @admin.display(description=_("focal point"))
    def focal_point(self, article):
        x, y = article.image_focal_x, article.image_focal_y
        shown = gettext(
            "Click the picture's most important spot: crops in lists keep it in view. Or type the two numbers "
            "below, in per cent across and down."
        )
        if article.image:
            image = rendition(article.image.name, article.image_width, article.image_height, FOCAL_SLOT)
            help_text = shown
        else:
            image = {"src": "", "fallback": "", "width": "", "height": ""}
            help_text = gettext("Choose a picture; then click its most important spot here.")
        # The script shows a picture chosen at once, and its help (data-shown) with it.
        return format_html(
            '<div class="focal-point" data-focal-point data-x="id_image_focal_x" data-y="id_image_focal_y">'
            '<div class="focal-point__frame"{}><img class="focal-point__picture" src="{}" data-fallback="{}" '
            'width="{}" height="{}" alt="{}"><span class="focal-point__marker" style="left: {}%; top: {}%" '
            'aria-hidden="true"></span></div><p class="focal-point__help" data-shown="{}">{}</p></div>',
            "" if article.image else " hidden", image["src"], image["fallback"], image["width"],
            image["height"], gettext("The lead picture"), x, y, shown, help_text,
        )  # fmt: skip


def alt_text_gaps(form, formsets) -> list[str]:
    """The pictures this save of the article form would leave without alt text that had it, or are new: the
    lead picture, photos (as numbered in their order). A public article's save must leave none (ArticleAdmin)."""
    gaps = []
    changed = set(form.changed_data)
    article: Article = form.instance
    if article.image and not article.image_alt.strip() and changed & {"image", "image_alt"}:
        gaps.append(str(_("the lead picture")))
    for formset in formsets:
        if formset.model is ArticlePhoto:
            gaps += _photo_gaps(formset)
    return gaps


def _photo_gaps(formset) -> list[str]:
    kept = [
        f for f in formset.forms
        if f.has_changed() or f.instance.pk
        if not formset._should_delete_form(f) and f.cleaned_data.get("image")
    ]  # fmt: skip
    kept.sort(key=lambda f: f.cleaned_data.get("order") or float("inf"))  # new photos go last, in form order
    return [
        policy.photo_label(number, f.cleaned_data.get("caption", ""))
        for number, f in enumerate(kept, 1)
        if not (f.cleaned_data.get("alt") or "").strip()
        and (f.instance.pk is None or {"image", "alt"} & set(f.changed_data))
    ]
