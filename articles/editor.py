"""The rich-text editor, behind one small module so it can be swapped.

Today: CKEditor 4 through django-ckeditor. Whatever it lets through is sanitized on save (articles/richtext.py).
Image uploads from the editor go to `upload_image`: staff only, CSRF-checked, verified images only.
"""

import os
import uuid

from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.storage import PRIVATE_PREFIX
from core.uploads import validate_image_upload


class RichTextWidget(CKEditorWidget):
    """The article body editor. The extra script sends Django's CSRF token with the editor's uploads."""

    @property
    def media(self):
        # ckeditor-csp.js runs CKEditor's inline event handlers from real listeners, so the admin's
        # Content-Security-Policy needs no inline script. It must run after ckeditor.js and before the editor
        # is built: naming ckeditor.js first in this list is what makes Django's media merge keep that order.
        return super().media + forms.Media(
            js=[
                "ckeditor/ckeditor/ckeditor.js",
                "articles/admin/ckeditor-csp.js",
                "articles/admin/editor-csrf.js",
            ]
        )


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=status)


@staff_member_required
@require_POST
def upload_image(request):
    """Receive one image from the editor and answer in CKEditor's JSON upload protocol.

    What is stored is the image without its metadata (core/filecleaning.strip_image), like the models' images.
    """
    from django.core.files.base import ContentFile

    from core.filecleaning import strip_image

    upload = request.FILES.get("upload")
    if upload is None:
        return _error(_("No file was uploaded."))
    try:
        validate_image_upload(upload)
        stripped = strip_image(upload.read())
    except ValidationError as exc:
        return _error(" ".join(exc.messages))
    extension = os.path.splitext(upload.name)[1].lower()
    if extension not in {".jpg", ".jpeg", ".png", ".gif", ".webp"}:
        extension = ".img"
    # Private (core/storage.py): the public sees it only while an article whose body shows it is public
    # (files/body_images.py); the body keeps the /private-media/ address the editor inserts.
    name = f"{PRIVATE_PREFIX}editor/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{extension}"
    saved = default_storage.save(name, ContentFile(stripped))
    return JsonResponse(
        {"uploaded": 1, "fileName": os.path.basename(saved), "url": default_storage.url(saved)}
    )
