"""The shared shape of ``import_reporter`` and ``import_ctgov``: parse the
arguments, run ``importers.pipeline``, print what happened. No rule lives
here (STYLE.md 13)."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ..importers import pipeline
from ..importers.fetch import FetchError


class ImportCommand(BaseCommand):
    source: pipeline.Source
    fetch_help: str

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="Files to import: an API page, a JSON array, one record, or JSON Lines; "
            "plain or gzip. With --fetch: what to fetch instead (see --fetch).",
        )
        parser.add_argument("--fetch", action="store_true", help=self.fetch_help)
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Stop at the first bad record (exit status 1). By default bad records "
            "are skipped, reported, and the import goes on.",
        )
        parser.add_argument(
            "--single-process",
            action="store_true",
            help="Read and map records in this process too (by default a second process "
            "does it, so the import uses two cores).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=pipeline.BATCH_SIZE,
            help="Records saved per transaction (default %(default)s).",
        )

    def handle(
        self,
        *args,
        paths,
        fetch: bool,
        strict: bool,
        batch_size: int,
        single_process: bool,
        **options,
    ):
        if not paths:
            raise CommandError(
                "Nothing to import: give one or more files"
                + (", or with --fetch what to fetch." if not fetch else " to fetch.")
            )
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        bar = tqdm(
            desc=self.source.name,
            unit=" records",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
            mininterval=0.5,
        )
        run = {"strict": strict, "batch_size": batch_size, "progress": bar.update}
        try:
            if fetch:
                summary = pipeline.import_items(self.source, self.fetched(paths, options), **run)
            else:
                parallel = not single_process and (os.cpu_count() or 1) > 1
                summary = pipeline.import_files(self.source, paths, parallel=parallel, **run)
        except pipeline.ImportStopped as stopped:
            self.report(stopped.summary)
            raise CommandError(
                f"Stopped at the first bad record (--strict): {stopped.problem}. "
                "Nothing of that record was saved; the records before it were."
            ) from None
        except pipeline.ImportFailed as failed:
            self.report(failed.summary)
            raise CommandError(
                f"{failed.error} The complete records before that point were saved; "
                "fix the file and run the import again (records already saved stay unchanged)."
            ) from None
        except FetchError as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()
        self.report(summary)

    def fetched(self, terms: list[str], options: dict):
        """The records ``--fetch`` reads for ``terms``: each command says how."""
        raise NotImplementedError

    def report(self, summary: pipeline.Summary) -> None:
        for problem in summary.problems:
            self.stderr.write(f"Skipped {problem}")
        hidden = summary.skipped - len(summary.problems)
        if hidden > 0:
            self.stderr.write(f"... and {hidden} more skipped records.")
        style = self.style.WARNING if summary.skipped else self.style.SUCCESS
        self.stdout.write(style(f"{self.source.name}: {summary}."))
