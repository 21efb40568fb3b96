"""Running an import: files (or fetched pages) in, a summary out.

Stream, map, save (STYLE.md 12), with the error policy in one place:

- a record that cannot be mapped or saved is skipped and reported with
  its file, number and field; the rest go on. With ``strict``, the import
  stops at the first bad record instead (``ImportStopped``): everything
  before it is saved, nothing of it or after it.
- records are saved ``batch_size`` at a time, each batch one transaction.
  If a batch fails, its records are saved one transaction each, so only
  the bad one is skipped.
- a file that cannot be read (``streams.StreamError``: not JSON, cut off,
  the wrong shape) ends the import with that error once the complete
  records read before the damage are saved; run it again when the file
  is fixed (imports are idempotent).

Memory stays flat: one batch of records is held at a time, and at most
``MAX_REPORTED_PROBLEMS`` problems are kept (all are counted).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import reset_queries

from . import ctgov, reporter, streams, upsert
from .records import MappingError, ProjectRecord

logger = logging.getLogger("projects.importers")

BATCH_SIZE = 500
MAX_REPORTED_PROBLEMS = 1000


@dataclass(frozen=True)
class Source:
    name: str
    shape: streams.Shape
    map: Callable[[dict], ProjectRecord]


REPORTER = Source("NIH RePORTER", reporter.SHAPE, reporter.map_project)
CTGOV = Source("ClinicalTrials.gov", ctgov.SHAPE, ctgov.map_study)


@dataclass(frozen=True)
class Problem:
    """A record that was skipped, and why."""

    position: streams.Position
    message: str

    def __str__(self):
        return f"{self.position}: {self.message}"


@dataclass
class Summary(upsert.Counts):
    skipped: int = 0
    warnings: int = 0
    problems: list[Problem] = field(default_factory=list)

    def __str__(self):
        flagged = f" ({self.flagged} flagged for review)" if self.flagged else ""
        warned = f"; {self.warnings} warnings" if self.warnings else ""
        return (
            f"{self.created} created, {self.updated} updated{flagged}, "
            f"{self.unchanged} unchanged, {self.skipped} skipped{warned}"
        )


class ImportStopped(Exception):
    """``strict``: the import stopped at a bad record."""

    def __init__(self, problem: Problem, summary: Summary):
        super().__init__(str(problem))
        self.problem = problem
        self.summary = summary


class ImportFailed(Exception):
    """A file could not be read; ``summary`` says what was saved before."""

    def __init__(self, error: streams.StreamError, summary: Summary):
        super().__init__(str(error))
        self.error = error
        self.summary = summary


def import_files(source: Source, paths: Iterable, **options) -> Summary:
    """Import every record in the files at ``paths`` (see ``import_items``)."""
    summary = options.pop("summary", None) or Summary()
    for path in paths:
        import_items(source, streams.read(path, source.shape), summary=summary, **options)
    return summary


def import_items(
    source: Source,
    items: Iterable[streams.Item],
    *,
    strict: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
    summary: Summary | None = None,
) -> Summary:
    """Map and save ``(position, raw record)`` items in batches."""
    run = _Run(source, strict, progress or (lambda n: None), summary or Summary())
    batch: list[tuple[streams.Position, ProjectRecord]] = []
    try:
        for position, raw in items:
            try:
                record = run.map(position, raw)
            except ImportStopped:
                run.save(batch)  # what came before the bad record is saved
                raise
            if record is not None:
                batch.append((position, record))
            if len(batch) >= batch_size:
                run.save(batch)
                batch = []
    except streams.StreamError as error:
        run.save(batch)
        raise ImportFailed(error, run.summary) from None
    run.save(batch)
    return run.summary


@dataclass
class _Run:
    source: Source
    strict: bool
    progress: Callable[[int], object]
    summary: Summary

    def map(self, position: streams.Position, raw) -> ProjectRecord | None:
        self.progress(1)
        if isinstance(raw, streams.RecordError):
            self.problem(position, raw.message)
            return None
        try:
            record = self.source.map(raw)
        except MappingError as error:
            self.problem(position, f"field {error.field}: {error.message}")
            return None
        for warning in record.warnings:
            self.summary.warnings += 1
            logger.warning("%s (%s): %s", position, record.identifier, warning)
        return record

    def save(self, batch: list[tuple[streams.Position, ProjectRecord]]) -> None:
        if not batch:
            return
        try:
            counts = upsert.save_batch([record for _, record in batch])
        except Exception:  # noqa: BLE001 - find the record at fault, one transaction each
            for position, record in batch:
                try:
                    counts = upsert.save_batch([record])
                except Exception as error:  # noqa: BLE001 - reported, the import goes on
                    self.problem(position, f"{record.identifier} was not saved: {_reason(error)}")
                else:
                    self.summary += counts
        else:
            self.summary += counts
        finally:
            reset_queries()  # DEBUG keeps every query's SQL; an import would pile them up

    def problem(self, position: streams.Position, message: str) -> None:
        problem = Problem(position, message)
        self.summary.skipped += 1
        if len(self.summary.problems) < MAX_REPORTED_PROBLEMS:
            self.summary.problems.append(problem)
        if self.strict:
            raise ImportStopped(problem, self.summary)


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:300]}" if text else type(error).__name__
