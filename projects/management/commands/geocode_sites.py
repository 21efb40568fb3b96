from django.core.management.base import BaseCommand

from projects import cache
from projects.geocoding import geocode_sites


class Command(BaseCommand):
    help = "Give stored sites without coordinates their ZIP code's or city's centre point."

    def handle(self, *args, **options):
        filled, missing = geocode_sites()
        cache.invalidate()
        self.stdout.write(
            self.style.SUCCESS(
                f"{filled:,} sites placed from their ZIP code or city; "
                f"{missing:,} could not be placed."
            )
        )
