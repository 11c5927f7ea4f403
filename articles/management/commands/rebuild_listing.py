"""`manage.py rebuild_listing`: write the listing index (articles/models/listing.py) again from the articles and links.

For after a write the receivers cannot see (queryset.update() of an article's status, time or section, raw SQL,
a restored backup of some tables only); seed_bench runs it itself. Purges the public pages when done.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import listing
from core.pagecache import purge_public_pages


class Command(BaseCommand):
    help = (
        "Rebuild the index of the public listings (sections, tags, organizations, events) from the articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        started = time.monotonic()
        with transaction.atomic(using=database):
            count = listing.rebuild(using=database)
        purge_public_pages(using=database)
        self.stdout.write(f"{count} listing rows in {time.monotonic() - started:.1f} s")
