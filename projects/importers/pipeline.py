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
``MAX_REPORTED_PROBLEMS`` problems are kept (all are counted). With
``parallel``, a second process reads and maps while this one saves.

New sites without registry coordinates (every RePORTER organization) are
placed at their ZIP's or city's centre once the records are saved, even
when the import stops early (``geocoding.geocode_sites``): the centroid
index costs about 76 MB per process, and loading it after the reader
process has ended keeps an import's peak memory below what loading it
during the import would.
"""

import contextlib
import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from queue import Empty

from django.db import connection, reset_queries

from .. import cache, geocoding
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
    #: (project, how new) read cheaply from a raw record, or None: lets a
    #: project's older records be passed over without mapping them.
    identity: Callable[[dict], tuple | None] | None = None


REPORTER = Source("NIH RePORTER", reporter.SHAPE, reporter.map_project, reporter.identity)
CTGOV = Source("ClinicalTrials.gov", ctgov.SHAPE, ctgov.map_study)

#: Raw records looked at together when passing over a project's older ones.
WINDOW = 250


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


def import_files(source: Source, paths: Iterable, *, parallel: bool = False, **options) -> Summary:
    """Import every record in the files at ``paths`` (see ``import_items``).

    ``parallel``: read and map in a second process (forked) while this one
    saves, so an import uses two cores; the records, the order and the
    errors are the same as without it.
    """
    summary = options.pop("summary", None) or Summary()
    with _placing_new_sites(summary):
        for path in paths:
            read_all = options.get("strict", False)
            if parallel:
                outcomes = _mapped_in_a_reader_process(source, path, read_all)
            else:
                outcomes = mapped(source, streams.read(path, source.shape), read_all=read_all)
            _import_outcomes(source, outcomes, summary=summary, **options)
    return summary


def import_items(source: Source, items: Iterable[streams.Item], **options) -> Summary:
    """Map and save ``(position, raw record)`` items in batches: ``strict``,
    ``batch_size``, ``progress`` (called with 1 per record) and ``summary``
    (to add to) as options."""
    read_all = options.get("strict", False)
    summary = options.pop("summary", None) or Summary()
    with _placing_new_sites(summary):
        outcomes = mapped(source, items, read_all=read_all)
        return _import_outcomes(source, outcomes, summary=summary, **options)


@contextlib.contextmanager
def _placing_new_sites(summary: Summary):
    """After the records are saved (or the import stopped), give the sites
    still without coordinates their ZIP's or city's centre."""
    try:
        yield
    finally:
        if summary.created or summary.updated:
            placed, _unplaced = geocoding.geocode_sites()
            if placed:
                logger.info(
                    "1 new site placed at the centre of its ZIP code or city"
                    if placed == 1
                    else f"{placed:,} new sites placed at the centres of their ZIP codes or cities"
                )
                cache.invalidate()  # a live page's new site is now found near its place


#: A record mapped, the reason it cannot be imported, or None: an older
#: record of a project whose newer record is nearby in the file.
Outcome = tuple[streams.Position, "ProjectRecord | str | None"]


def mapped(
    source: Source, items: Iterable[streams.Item], *, read_all: bool = False
) -> Iterator[Outcome]:
    """Each raw record mapped: a ``ProjectRecord`` (its fingerprint computed),
    or the reason it cannot be imported, in file order.

    A file of several fiscal years holds a grant's older records next to its
    newest; only the newest is imported. Within each ``WINDOW`` of records,
    a project's older ones are passed over (None) without being mapped, when
    the source can tell records apart cheaply (``Source.identity``) and
    unless ``read_all`` (``--strict`` reads and checks every record). If the
    newest cannot be mapped, the next newest is tried.
    """
    if read_all or source.identity is None:
        for position, raw in items:
            yield position, _map_one(source, raw)
        return
    window: list[streams.Item] = []
    try:
        for item in items:
            window.append(item)
            if len(window) >= WINDOW:
                yield from _map_window(source, window)
                window = []
    except streams.StreamError:
        yield from _map_window(source, window)  # the complete records before the damage
        raise
    yield from _map_window(source, window)


def _map_window(source: Source, window: list[streams.Item]) -> Iterator[Outcome]:
    identities = [source.identity(raw) if isinstance(raw, dict) else None for _, raw in window]
    projects: dict[tuple, list[int]] = {}
    for index, identity in enumerate(identities):
        if identity is not None:
            projects.setdefault(identity[0], []).append(index)
    outcomes: list = [None] * len(window)
    mapped_here = [False] * len(window)
    for indices in projects.values():
        # Newest first; among equals the later one, as upsert keeps it.
        indices.sort(key=lambda i: (identities[i][1], i), reverse=True)
        for index in indices:
            outcomes[index], mapped_here[index] = _map_one(source, window[index][1]), True
            if not isinstance(outcomes[index], str):
                break  # the others stay None: superseded
    for index, (position, raw) in enumerate(window):
        if identities[index] is None and not mapped_here[index]:
            outcomes[index] = _map_one(source, raw)
        yield position, outcomes[index]


def _map_one(source: Source, raw) -> "ProjectRecord | str":
    if isinstance(raw, streams.RecordError):
        return raw.message
    try:
        record = source.map(raw)
    except MappingError as error:
        return f"field {error.field}: {error.message}"
    record.fingerprint  # noqa: B018 - computed here, in the reader process when parallel
    return record


def _import_outcomes(
    source: Source,
    outcomes: Iterable[Outcome],
    *,
    strict: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
    summary: Summary | None = None,
) -> Summary:
    run = _Run(strict, progress or (lambda n: None), summary or Summary())
    batch: list[tuple[streams.Position, ProjectRecord]] = []
    with _spaced_sqlite_checkpoints(), _larger_sqlite_cache():
        return _run_outcomes(run, outcomes, batch_size, batch)


def _run_outcomes(run, outcomes, batch_size: int, batch: list) -> Summary:
    try:
        for position, outcome in outcomes:
            run.progress(1)
            if outcome is None:
                run.summary.unchanged += 1  # an older record of a project read nearby
                continue
            if isinstance(outcome, str):
                try:
                    run.problem(position, outcome)
                except ImportStopped:
                    run.save(batch)  # what came before the bad record is saved
                    raise
                continue
            run.warn(position, outcome)
            batch.append((position, outcome))
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
    strict: bool
    progress: Callable[[int], object]
    summary: Summary

    def warn(self, position: streams.Position, record: ProjectRecord) -> None:
        for warning in record.warnings:
            self.summary.warnings += 1
            logger.warning("%s (%s): %s", position, record.identifier, warning)

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


def _spaced_sqlite_checkpoints(pages: int = 16384):
    """SQLite in WAL mode (``findatrial.databases``) copies its log back into
    the database, with an fsync, every 1,000 pages by default: several times
    per batch of an import, and the import waits on the disk each time.
    While importing, this connection lets the log grow to ``pages`` (64 MB)
    between checkpoints; the default comes back afterwards."""
    return _sqlite_pragma("wal_autocheckpoint", pages)


def _larger_sqlite_cache(kilobytes: int = 16 * 1024):
    """SQLite keeps 2 MB of the database in memory by default; an import
    touches pages all over the project table and its indexes, and with so
    small a cache reads them back from the file again and again (a system
    call each). While importing, this connection keeps up to ``kilobytes``
    (16 MB, within the import's memory budget); afterwards the default
    comes back and the memory is handed back before sites are placed
    (whose centroid index needs it)."""
    return _sqlite_pragma("cache_size", -kilobytes, then="PRAGMA shrink_memory")


@contextlib.contextmanager
def _sqlite_pragma(name: str, value: int, *, then: str = ""):
    """``PRAGMA name = value`` on this connection for the block, its value
    before restored afterwards (and ``then`` run); nothing on other
    databases."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        default = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA {name}={int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name}={int(default)}")
            if then:
                cursor.execute(then)


# Reading and mapping in a second process --------------------------------------
# Parsing JSON and mapping records is about half an import's work and needs
# no database: a forked reader process does it while this process saves.
# Outcomes come back in order, in chunks, through a bounded queue (memory
# stays flat). The reader never touches the database connections it
# inherited, and leaves with os._exit (multiprocessing's default for fork).

_CHUNK = 200
_QUEUED_CHUNKS = 4


def _mapped_in_a_reader_process(source: Source, path, read_all: bool) -> Iterator[Outcome]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=_QUEUED_CHUNKS)
    reader = context.Process(target=_reader, args=(source, path, read_all, queue), daemon=True)
    reader.start()
    try:
        while True:
            try:
                kind, payload = queue.get(timeout=5)
            except Empty:
                if reader.is_alive():
                    continue
                raise RuntimeError(f"{path}: the reader process stopped unexpectedly.") from None
            if kind == "outcomes":
                yield from payload
            elif kind == "unreadable":
                raise streams.StreamError(path, payload)
            elif kind == "failed":
                raise RuntimeError(f"{path}: the reader process failed: {payload}")
            else:
                return
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()


def _reader(source: Source, path, read_all: bool, queue) -> None:
    chunk: list[Outcome] = []
    try:
        for outcome in mapped(source, streams.read(path, source.shape), read_all=read_all):
            chunk.append(outcome)
            if len(chunk) >= _CHUNK:
                queue.put(("outcomes", chunk))
                chunk = []
        queue.put(("outcomes", chunk))
        queue.put(("done", None))
    except streams.StreamError as error:
        queue.put(("outcomes", chunk))
        queue.put(("unreadable", error.reason))
    except BaseException as error:  # noqa: BLE001 - reported to the importing process
        queue.put(("failed", f"{type(error).__name__}: {error}"))


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:300]}" if text else type(error).__name__
