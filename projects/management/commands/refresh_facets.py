from django.core.management.base import BaseCommand

from projects import facets, leaders


class Command(BaseCommand):
    help = (
        "Recompute the listing's facet counts and search vocabulary from the listed "
        "projects, and choose the common search terms whose best matches are kept "
        "ranked (after a bulk load, nightly, or to repair drift)."
    )

    def handle(self, *args, **options):
        counted = facets.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Facet counts rebuilt from {counted:,} listed projects.")
        )
        terms = leaders.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Best matches kept ranked for {terms:,} common search terms.")
        )
