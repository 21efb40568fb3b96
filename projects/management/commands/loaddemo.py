from django.core.management.base import BaseCommand

from projects.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo projects (taken through the real review workflow) and "
        "create or reset the demo logins: admin, editor, reviewer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for all demo logins (default: a new random one, printed).",
        )

    def handle(self, *args, password=None, **options):
        result = load_demo(password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo projects: {len(result.created)} created, "
                f"{len(result.existing)} already present (left unchanged)."
            )
        )
        self.stdout.write("Demo logins for /admin/ (passwords are new on every run):")
        for username, secret in result.passwords.items():
            self.stdout.write(f"  {username:<9} {secret}")
