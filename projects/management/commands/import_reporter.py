"""``manage.py import_reporter PATH...``: NIH RePORTER project records in."""

from ...importers import fetch, pipeline
from ..import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import NIH RePORTER project records (API v2 projects/search results) as draft "
        "projects, or update the projects they describe. Editorial text is never changed; "
        "live pages whose source facts changed are flagged for review."
    )
    source = pipeline.REPORTER
    fetch_help = (
        "Read the live RePORTER API (network needed) instead of files: the arguments are "
        "application IDs or project numbers (wildcards such as 5R01CA123456* allowed)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--fiscal-year",
            type=int,
            action="append",
            default=[],
            metavar="YEAR",
            help="With --fetch: only these fiscal years (repeat for several).",
        )

    def fetched(self, terms, options):
        return fetch.reporter_records(fetch.reporter_criteria(terms, options["fiscal_year"]))
