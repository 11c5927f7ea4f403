"""Load the demo newspaper: three printed issues and the next one being planned, about twenty articles in every state, and the demo users."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from devdata.demo import DEMO_USERS, DemoBuilder
from files import release


class Command(BaseCommand):
    help = "Create the demo content and users (idempotent: running it again creates nothing new)."

    def handle(self, *args, **options):
        # The workflow mails editors and reporters; demo loading should not print thirty messages.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            created = DemoBuilder(log=self.stdout.write).build()
        # Published articles' pictures and fully released pages to public storage, the rest private.
        release.place_all()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new rows)."))
        self.stdout.write("Demo logins (for the demo only) at /admin/:")
        for username, password, _group, _superuser in DEMO_USERS:
            self.stdout.write(f"  {username:<9} {password}")
