"""Reading source files into numbered raw records, streaming.

One function, ``read``, takes any file the registries hand out and yields
``(Position, dict)`` pairs, one per record, without loading the file:

- an API page or envelope: ``{"meta": ..., "results": [...]}`` (RePORTER)
  or ``{"studies": [...], "nextPageToken": ...}`` (ClinicalTrials.gov);
- a JSON array of records, or one record on its own;
- JSON Lines (one record per line; ``.jsonl``/``.ndjson``, or any file
  whose first line is a whole JSON object and more follows), where a line
  may also hold a whole page;
- each of them plain or gzip-compressed (recognised by content, not name).

JSON documents are parsed incrementally with ``ijson`` (yajl2_c), so
memory stays flat however large the file. A file that cannot be read
(missing, not JSON, cut off, the wrong shape) raises ``StreamError``
naming the file and where it went wrong; nothing after that point can be
trusted. A JSON Lines line that is not a record is only that record's
problem: it is yielded as a ``RecordError`` and reading goes on.
"""

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ijson

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
#: A first line longer than this is not sniffed as JSON Lines (it is one
#: big document written on a single line, streamed instead).
_MAX_SNIFFED_LINE = 8 * 1024 * 1024


@dataclass(frozen=True)
class Shape:
    """What a source's files look like."""

    list_key: str  # the envelope's list of records: "results", "studies"
    record_keys: frozenset[str]  # top-level keys that mark one record on its own
    what: str  # "NIH RePORTER projects", for messages


@dataclass(frozen=True)
class Position:
    """Where a record is: its number in the file (from 1) and, in JSON
    Lines, its line."""

    path: str
    index: int
    line: int | None = None

    def __str__(self):
        where = f"{self.path}, record {self.index}"
        return f"{where} (line {self.line})" if self.line else where


class StreamError(ValueError):
    """The file cannot be read from here on; the message says where and why."""

    def __init__(self, path, message: str):
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.reason = message


class RecordError(ValueError):
    """One record in the file is not a record (e.g. a JSON Lines line that
    is not JSON); the records around it are fine."""

    def __init__(self, position: Position, message: str):
        super().__init__(f"{position}: {message}")
        self.position = position
        self.message = message


Item = tuple[Position, "dict | RecordError"]


def read(path, shape: Shape) -> Iterator[Item]:
    """Yield ``(position, record)`` for every record in the file at ``path``;
    ``record`` is a dict, or a ``RecordError`` for a JSON Lines line that
    holds no record."""
    path = Path(path)
    last = 0
    try:
        with _open(path) as stream:
            for position, record in _read_open(path, stream, shape):
                last = position.index
                yield position, record
    except FileNotFoundError:
        raise StreamError(path, "no such file.") from None
    except IsADirectoryError:
        raise StreamError(path, "is a folder, not a file.") from None
    except PermissionError:
        raise StreamError(path, "cannot be read (permission denied).") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        where = f"after record {last}" if last else "before the first record"
        raise StreamError(
            path, f"the gzip data is damaged or cut off {where} ({error})."
        ) from None


def _open(path: Path):
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def _read_open(path: Path, stream, shape: Shape) -> Iterator[Item]:
    start, first = _first_character(stream)
    if first is None:
        raise StreamError(path, "the file is empty; expected JSON or JSON Lines.")
    jsonl_name = Path(path.name.removesuffix(".gz")).suffix.lower() in JSONL_SUFFIXES
    if first not in (b"{", b"["):
        kind = "JSON Lines" if jsonl_name else "JSON"
        raise StreamError(
            path,
            f"not {kind}: it starts with {_show(first)} at byte {start + 1}, "
            "where a JSON object or array should begin.",
        )
    if jsonl_name or (first == b"{" and _looks_like_json_lines(stream, start)):
        yield from _json_lines(path, stream, start, shape)
    elif first == b"[":
        yield from _array(path, stream, start, shape)
    else:
        yield from _document(path, stream, start, shape)


def _first_character(stream) -> tuple[int, bytes | None]:
    """Offset and value of the first byte that is not whitespace (or a BOM)."""
    offset, chunk = 0, stream.read(64 * 1024)
    if chunk.startswith(_BOM):
        offset, chunk = len(_BOM), chunk[len(_BOM) :]
    while chunk:
        stripped = chunk.lstrip(_WHITESPACE)
        if stripped:
            stream.seek(0)
            return offset + len(chunk) - len(stripped), stripped[:1]
        offset, chunk = offset + len(chunk), stream.read(64 * 1024)
    stream.seek(0)
    return 0, None


def _looks_like_json_lines(stream, start: int) -> bool:
    """The first line is a whole JSON object and something follows it."""
    stream.seek(start)
    line = stream.readline(_MAX_SNIFFED_LINE)
    try:
        whole = isinstance(json.loads(line), dict)
    except ValueError:
        whole = False
    rest = stream.read(4096).strip(_WHITESPACE) if whole else b""
    stream.seek(0)
    return whole and bool(rest)


def _json_lines(path: Path, stream, start: int, shape: Shape) -> Iterator[Item]:
    stream.seek(start)
    index = 0
    for number, line in enumerate(stream, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            index += 1
            position = Position(str(path), index, number)
            yield (
                position,
                RecordError(position, f"line {number} is not valid JSON ({_reason(error)})."),
            )
            continue
        if isinstance(value, dict) and _is_page(value, shape):
            for item in value[shape.list_key]:
                index += 1
                yield _checked(Position(str(path), index, number), item)
            continue
        index += 1
        yield _checked(Position(str(path), index, number), value)


def _array(path: Path, stream, start: int, shape: Shape) -> Iterator[Item]:
    stream.seek(start)
    yield from _items(path, stream, "item")


def _document(path: Path, stream, start: int, shape: Shape) -> Iterator[Item]:
    keys, is_list = _top_level_keys(path, stream, start, shape.list_key)
    if shape.list_key in keys:
        if not is_list:
            raise StreamError(path, f'"{shape.list_key}" is not a list of records.')
        stream.seek(start)
        yield from _items(path, stream, f"{shape.list_key}.item")
    elif keys & shape.record_keys:
        stream.seek(start)
        yield from _items(path, stream, "")
    else:
        found = ", ".join(sorted(keys)[:8]) or "no keys"
        raise StreamError(
            path,
            f"wrong shape: expected {shape.what} (a page with a "
            f'"{shape.list_key}" list, a JSON array of records, one record, or JSON Lines), '
            f"but found a JSON object with {found}.",
        )


def _top_level_keys(path: Path, stream, start: int, list_key: str) -> tuple[set[str], bool]:
    """The object's top-level keys, stopping early at ``list_key``; and
    whether that key holds an array."""
    stream.seek(start)
    keys: set[str] = set()
    events = ijson.parse(stream)
    try:
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                keys.add(value)
                if value == list_key:
                    _, next_event, _ = next(events)
                    return keys, next_event == "start_array"
    except ijson.JSONError as error:
        raise StreamError(
            path, f"not valid JSON near byte {stream.tell()}: {_reason(error)}."
        ) from None
    return keys, False


def _items(path: Path, stream, prefix: str) -> Iterator[Item]:
    index = 0
    try:
        for value in ijson.items(stream, prefix, use_float=True):
            index += 1
            yield _checked(Position(str(path), index), value)
    except ijson.JSONError as error:
        where = f"after record {index}" if index else "before the first record"
        raise StreamError(
            path,
            f"the JSON is cut off or malformed {where}, near byte {stream.tell()}: "
            f"{_reason(error)}.",
        ) from None


def _checked(position: Position, value) -> Item:
    if isinstance(value, dict):
        return position, value
    kind = {list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )
    return position, RecordError(position, f"is {kind}, not a record (a JSON object).")


def _is_page(value: dict, shape: Shape) -> bool:
    return isinstance(value.get(shape.list_key), list) and not (value.keys() & shape.record_keys)


def _reason(error: Exception) -> str:
    """The first line of a parser's message, without its ASCII-art pointer."""
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    text = str(error).strip().splitlines()
    reason = text[0] if text else type(error).__name__
    context = text[1].strip() if len(text) > 1 else ""
    return f"{reason} (at: {context[:60]})" if context else reason


def _show(byte: bytes) -> str:
    char = byte.decode("latin-1")
    return repr(char) if char.isprintable() else f"byte 0x{byte.hex()}"
