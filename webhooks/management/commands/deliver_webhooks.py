"""manage.py deliver_webhooks: the webhook worker (webhooks/delivery.py), a loop polling the outbox, or one pass
with --once."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from webhooks.delivery import run_once


class Command(BaseCommand):
    help = "Deliver webhook events: announce due publications, fan out new events, post due deliveries."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between passes (default WEBHOOK_POLL_SECONDS, 5).",
        )

    def handle(self, *args, once=False, interval=None, **options):
        interval = interval if interval is not None else float(getattr(settings, "WEBHOOK_POLL_SECONDS", 5))
        while True:
            done = run_once()
            if options["verbosity"] > 1 or (once and options["verbosity"] > 0):
                self.stdout.write(
                    "announced {announced}, fanned out {fanned_out}, attempted {attempted}".format(**done)
                )
            if once:
                return
            if not done["attempted"] and not done["fanned_out"]:
                time.sleep(interval)
            # A long-running loop: drop connections past their age or broken before the next pass (never before
            # the first: a caller's open transaction, a test's among them, would be closed with it).
            close_old_connections()
