"""Put every article's and page's files where the rule says (files/release.py), and check the installation.

manage.py sync_media            move what is out of place (an installation older than private media, or a
                                scheduled publication whose files nobody has asked for yet)
manage.py sync_media --check    only report; exits 1 when a file is out of place, or when the public media
                                holds a file no public article or page points to
"""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article, IssuePage
from core.storage import derived_names, is_private
from files import release


def public_files(storage, top=""):
    """Every file name in the public storage, walked through the storage API."""
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:  # no public media at all yet
        return
    for name in files:
        yield f"{top}/{name}" if top else name
    for directory in directories:
        yield from public_files(storage, f"{top}/{directory}" if top else directory)


def referenced_public_names() -> set[str]:
    names = set()
    for model, fields in release.FILE_FIELDS.items():
        for field in fields:
            for name in model.objects.exclude(**{field: ""}).values_list(field, flat=True).iterator():
                if not is_private(name):
                    names.add(name)
                    names.update(derived_names(name))
    return names


class Command(BaseCommand):
    help = (
        "Move the files of articles and printed pages to public or private storage as their state requires."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Report only; exit 1 if anything is out of place."
        )
        parser.add_argument(
            "--skip-orphans",
            action="store_true",
            help="Do not walk the public storage for files no row points to (slow on object storage).",
        )

    def handle(self, *args, check=False, skip_orphans=False, **options):
        out_of_place = list(release.misplaced())
        for obj, field, name, public in out_of_place:
            side = "public" if public else "private"
            label = f"{type(obj).__name__} #{obj.pk} {field}: {name} should be {side}"
            if check:
                self.stdout.write(label)
            else:
                release.place(type(obj), obj.pk)
                self.stdout.write(f"moved: {label}")
        orphans = [] if skip_orphans else self._orphans()
        for name in orphans:
            self.stdout.write(f"public file no public article or page points to: {name}")
        self.stdout.write(
            f"{len(out_of_place)} file(s) out of place, {len(orphans)} unreferenced public file(s); "
            f"{Article.objects.exclude(image='').count()} article picture(s), "
            f"{IssuePage.objects.exclude(image='').count()} page image(s) in all."
        )
        if check and (out_of_place or orphans):
            raise CommandError("media out of place: run `manage.py sync_media` (docs/operations.md)")

    def _orphans(self) -> list[str]:
        referenced = referenced_public_names()
        storage = storages["public"]
        # Author photos are public by design (people's pages); everything else must be referenced.
        return sorted(
            name
            for name in public_files(storage)
            if name not in referenced and not name.startswith("authors/") and not name.startswith("editor/")
        )
