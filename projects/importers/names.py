"""Names as people read them, from registries that write them in capitals.

NIH RePORTER writes "MASSACHUSETTS GENERAL HOSPITAL", "SMITH, JOHN A" and
"ASSISTANT PROFESSOR OF MEDICINE"; a public page says "Massachusetts
General Hospital", "John A Smith" and "Assistant Professor of Medicine".
Only text with no lower-case letter at all is re-cased: "Rachel V. Aaron"
or "MD Anderson Cancer Center" are already how someone chose to write
them, and a computer's guess would only make them worse.

The rules keep what title-casing breaks: degrees and acronyms ("MD",
"PhD", "USA", "LLC"), "McDonald", "O'Brien", Roman numerals ("III"), small
words inside a name ("University of California", "Maria de la Cruz"),
ordinals ("21st") and initials ("F.", "M.D."). Pure functions: no Django.
"""

import functools
import re

# fmt: off
#: Words kept in capitals (or in their usual mixed case) when re-casing.
ACRONYMS = {
    word.upper(): word
    for word in (
        # degrees and credentials
        "MD", "PhD", "MPH", "MSc", "MBA", "MBBS", "DDS", "DMD", "DVM", "PharmD", "DrPH",
        "ScD", "DSc", "MPhil", "DPhil", "RN", "BSN", "MSN", "DNP", "FACS", "FACP", "FRCPC",
        "FRCP", "FAAP",
        # generational suffixes
        "II", "III", "IV", "VI", "VII", "VIII",
        # countries, agencies, company forms
        "USA", "US", "UK", "EU", "NIH", "NCI", "FDA", "CDC", "VA", "LLC", "LLP", "PLLC",
        "PC", "LP", "PLC", "AG", "SA", "GmbH", "NV", "BV",
        # university systems and common institutional acronyms
        "UT", "UC", "UCLA", "UCSF", "UCSD", "NYU", "MIT", "SUNY", "CUNY", "UAB", "UNC",
        "USC", "LSU", "OHSU", "MUSC", "UPMC", "VCU", "UTHSC", "UNMC", "HIV", "AIDS", "COVID",
        # job titles
        "CEO", "COO", "CFO", "CTO", "CSO", "CMO",
    )
}

#: Small words written in lower case inside a name (never as its first word).
SMALL_WORDS = frozenset({
    "of", "and", "the", "for", "at", "in", "on", "to", "an", "by", "with", "from", "upon",
    "de", "la", "del", "der", "van", "von", "du", "des", "le", "da", "dos", "das",
})

#: Abbreviations without vowels that are words, not acronyms ("Ctr", "St").
VOWELLESS_WORDS = frozenset({
    "ctr", "ctrs", "cntr", "dr", "st", "mr", "mrs", "ms", "jr", "sr", "hlth", "mgmt", "svc",
    "svcs", "bldg", "blvd", "rd", "hwy", "ft", "mt", "pl", "ln", "grp", "fdn", "dvlp",
})
# fmt: on

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’])*")
_ORDINAL = frozenset({"st", "nd", "rd", "th"})
_VOWELS = frozenset("aeiouy")


def squash(text: str | None) -> str:
    """Whitespace collapsed to single spaces, ends trimmed; None is ""."""
    return " ".join(text.split()) if text else ""


def is_shouting(text: str) -> bool:
    """True when ``text`` has letters and none of them is lower case."""
    return text.isupper()


# Names repeat across records (an institution, its city, an investigator):
# each distinct one is re-cased once per import, in bounded memory.
@functools.lru_cache(maxsize=16384)
def _proper_case(text: str) -> str:
    out, last = [], 0
    for index, match in enumerate(_WORD.finditer(text)):
        out.append(text[last : match.start()])
        out.append(_recase(match.group(), text[: match.start()], first=index == 0))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def proper_case(text: str | None) -> str:
    """ "MASSACHUSETTS GENERAL HOSPITAL" -> "Massachusetts General Hospital".

    Text that already has lower-case letters is only trimmed.
    """
    text = squash(text)
    return _proper_case(text) if is_shouting(text) else text


def _recase(word: str, before: str, *, first: bool) -> str:
    upper, lower = word.upper(), word.lower()
    if upper in ACRONYMS:
        return ACRONYMS[upper]
    if len(word) == 1:
        return upper  # an initial: "JOHN F KENNEDY"
    if before[-1:].isdigit() and lower in _ORDINAL:
        return lower  # "21ST" -> "21st"
    if lower in SMALL_WORDS and not first and not before.rstrip().endswith(("(", ",", ":", "/")):
        return lower
    if lower.startswith("mc") and len(word) > 2:
        return "Mc" + _capitalize(word[2:])
    if not (_VOWELS & set(lower)) and lower not in VOWELLESS_WORDS:
        return upper  # "LLC", "MSKCC": acronyms have no vowels
    return _capitalize(word)


def _capitalize(word: str) -> str:
    """ "O'BRIEN" -> "O'Brien", "CHILDREN'S" -> "Children's"."""
    for mark in ("'", "’"):
        head, found, tail = word.partition(mark)
        if found and len(head) == 1 and tail:
            return head.upper() + mark + tail[:1].upper() + tail[1:].lower()
    return word[:1].upper() + word[1:].lower()


def person_name(
    full_name: str | None = "",
    *,
    first: str | None = "",
    middle: str | None = "",
    last: str | None = "",
) -> str:
    """A person's name as "First Middle Last".

    From separate parts when the record has them, else from ``full_name``,
    which may be "LAST, FIRST MIDDLE" (RePORTER's contact PI) or already
    "First Last". A credential after a second comma stays at the end:
    "SMITH, JOHN A, MD" -> "John A Smith, MD".
    """
    if squash(first) or squash(last):
        return squash(" ".join(proper_case(part) for part in (first, middle, last)))
    full_name = squash(full_name)
    if "," not in full_name:
        return proper_case(full_name)
    surname, _, rest = full_name.partition(",")
    given, _, suffix = rest.partition(",")
    name = squash(f"{proper_case(given)} {proper_case(surname)}")
    suffix = proper_case(suffix)
    if not suffix:
        return name
    if suffix.upper() in {"JR", "JR.", "SR", "SR.", "II", "III", "IV"}:
        return f"{name} {suffix}"
    return f"{name}, {suffix}"


def sentence_case(title: str | None, keep: frozenset[str] | set[str] = frozenset()) -> str:
    """ "Pyroptotic Macrophages Traps Against Shigella Infection" ->
    "Pyroptotic macrophages traps against Shigella infection".

    Only words written as Capitalized-lowercase are lowered; acronyms and
    mixed case ("HIV", "mRNA", "McDonald") stay, and so do words in ``keep``
    (names the abstract writes with a capital mid-sentence, such as
    "Shigella"). A word after a colon starts a new sentence.
    """
    text = proper_case(title)
    out, last, lowered = [], 0, False
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        between = text[last : match.start()]
        out.append(between)
        # "Cell-Matrix" is one word: its second part follows the first.
        if index and between[-1:] in ("-", "/"):
            lower = lowered
        else:
            starts_sentence = index == 0 or between.rstrip()[-1:] in (":", ".", "?", "!")
            lower = not starts_sentence and word not in keep
        lowered = lower and word[:1].isupper() and word[1:].islower()
        out.append(word.lower() if lowered else word)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def proper_nouns(title: str, text: str | None) -> set[str]:
    """The title's capitalized words that ``text`` (an abstract) writes
    with a capital in mid-sentence and never in lower case: likely proper
    nouns ("Shigella", "Alzheimer's"), kept by ``sentence_case``. Plain
    substring scans: this runs once per imported record."""
    text = text or ""
    found = set()
    for word in set(_WORD.findall(title)):
        if not (word[:1].isupper() and word[1:].islower()):
            continue
        stem = word[:-2] if word[-2:] in ("'s", "’s") else word
        if f" {stem.lower()}" in text or text.startswith(stem.lower()):
            continue  # also written in lower case: an ordinary word
        start = text.find(f" {stem}")
        while start > 0:
            if text[start - 1].islower() or text[start - 1] in ",;":
                found.update((word, stem))
                break
            start = text.find(f" {stem}", start + 1)
    return found


def clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:  # do not end inside a word
        cut = cut.rsplit(" ", 1)[0]
    return f"{cut.rstrip(' ,;:-')}…"
