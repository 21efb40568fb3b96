from django.core.management.base import BaseCommand

from projects import workflow


class Command(BaseCommand):
    help = (
        "Put approved versions whose go-live time has come on the public site. "
        "Run it every few minutes (cron or a systemd timer); running it twice does nothing twice."
    )

    def handle(self, *args, **options):
        events = workflow.publish_due()
        self.stdout.write(f"Published {len(events)} scheduled page(s).")
