from django.core.management.base import BaseCommand

from projects import facets


class Command(BaseCommand):
    help = (
        "Recompute the listing's facet counts and search vocabulary from the listed "
        "projects (after a bulk load, or to repair drift)."
    )

    def handle(self, *args, **options):
        counted = facets.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Facet counts rebuilt from {counted:,} listed projects.")
        )
