"""Interim reading-grade measure; replaced by the purelib branch's module."""

import re
from dataclasses import dataclass, field

import textstat


@dataclass(frozen=True)
class JargonHit:
    term: str
    plain: str
    count: int


@dataclass(frozen=True)
class ReadabilityReport:
    grade: float | None
    word_count: int
    sentence_count: int
    jargon: list[JargonHit] = field(default_factory=list)


def measure(text: str, glossary) -> ReadabilityReport:
    text = text or ""
    words = len(text.split())
    grade = round(textstat.flesch_kincaid_grade(text), 1) if words >= 10 else None
    hits = []
    for term, plain in dict(glossary).items():
        count = len(re.findall(rf"\b{re.escape(term)}(?:e?s)?\b", text, re.I))
        if count:
            hits.append(JargonHit(term, plain, count))
    return ReadabilityReport(grade, words, textstat.sentence_count(text) if words else 0, hits)


def is_above_target(report: ReadabilityReport, target: float) -> bool:
    return report.grade is not None and report.grade > target
