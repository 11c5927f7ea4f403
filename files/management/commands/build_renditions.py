"""Make the renditions (core/renditions.py) of every stored picture, with a progress bar.

manage.py build_renditions             every picture: articles' lead pictures and photos, authors' photos,
                                       printed pages' images (after changing WIDTHS or the encoders)
manage.py build_renditions --missing   only pictures with a rendition missing (an installation older than
                                       renditions, a Pillow that has learnt AVIF since)

Each picture's renditions are written beside it, on its side (public or private), and its width and height are
stored where they were not yet. A picture whose file is missing or unreadable is reported and skipped; the
command then exits 1. The progress bar goes to stderr, and only to a terminal.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from PIL import Image
from tqdm import tqdm

from articles.models import Article, ArticlePhoto, IssuePage
from core import renditions
from people.models import Author

# (model, file field, width field, height field); a page image has no width and height fields.
PICTURES = (
    (Article, "image", "image_width", "image_height"),
    (ArticlePhoto, "image", "width", "height"),
    (Author, "photo", "photo_width", "photo_height"),
    (IssuePage, "image", None, None),
)
# What a stored picture that cannot be made into renditions raises: missing (OSError), not an image we read
# (core/uploads.py's refusals: ValidationError), too large for Pillow.
UNREADABLE = (OSError, ValueError, ValidationError, Image.DecompressionBombError)


def stored_pictures():
    """(label, stored name, width, height) of every stored picture; width and height None where not stored."""
    for model, field, width_field, height_field in PICTURES:
        columns = ["pk", field, *([width_field, height_field] if width_field else [])]
        rows = model.objects.filter(~Q(**{field: ""})).order_by("pk").values_list(*columns)
        for pk, name, *size in rows.iterator(chunk_size=500):
            yield f"{model.__name__} #{pk}", name, *(size or (None, None))


def has_all(name: str, width: int | None, height: int | None) -> bool:
    if not width or not height:
        with default_storage.open(name, "rb") as file:
            width, height = renditions.measure(file)
    return not renditions.missing(default_storage, name, width, height)


class Command(BaseCommand):
    help = "Make the renditions (sizes and formats) of every stored picture."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="Only pictures with at least one rendition missing."
        )

    def handle(self, *args, missing=False, **options):
        for model, field, width_field, height_field in PICTURES:
            if width_field:
                renditions.fill_dimensions(model, field, width_field, height_field)
        pictures = list(stored_pictures())
        built, failed = 0, []
        # The raw stream: Django's wrapper would end each of the bar's redraws with a new line.
        bar = tqdm(pictures, desc="renditions", unit="picture", file=self.stderr._out, disable=None)
        for label, name, width, height in bar:
            try:
                if missing and has_all(name, width, height):
                    continue
                renditions.build(default_storage, name)
            except UNREADABLE as exc:
                reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                failed.append(f"{label} {name}: {reason}")
                continue
            built += 1
        bar.close()
        for line in failed:
            self.stderr.write(f"skipped: {line}")
        self.stdout.write(
            f"{built} picture(s) given renditions, {len(failed)} skipped, {len(pictures)} in all."
        )
        if failed:
            raise CommandError("some pictures have no renditions: their files are missing or unreadable")
