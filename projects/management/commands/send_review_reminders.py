from django.core.management.base import BaseCommand

from projects.reminders import send_review_reminders


class Command(BaseCommand):
    help = (
        "Email each editor the live pages they own that are overdue for a check. "
        "Safe to run daily: at most one email per editor per day."
    )

    def handle(self, *args, **options):
        result = send_review_reminders()
        self.stdout.write(
            f"Reminders sent: {result.sent} ({result.pages} overdue pages); "
            f"already reminded today: {result.already_sent_today}."
        )
