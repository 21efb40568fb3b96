"""``manage.py import_ctgov PATH...``: ClinicalTrials.gov studies in."""

from ...importers import fetch, pipeline
from ..import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import ClinicalTrials.gov studies (API v2) as draft projects, or update the "
        "projects they describe. Editorial text is never changed; live pages whose source "
        "facts changed are flagged for review."
    )
    source = pipeline.CTGOV
    fetch_help = (
        "Read the live ClinicalTrials.gov API (network needed) instead of files: the "
        "arguments are NCT IDs, or else search words."
    )

    def fetched(self, terms, options):
        return fetch.ctgov_records(terms)
