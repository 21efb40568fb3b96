"""Text keys for matching records from different sources.

"MASSACHUSETTS GENERAL HOSPITAL", "Massachusetts General Hospital" and
"Massachusetts  General Hospital." are one organization; people, places and
organizations are matched on these keys, never on the text as typed.
Pure functions: no Django imports, so models and importers can share them.
"""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def match_key(*parts: str | None) -> str:
    """A lower-case, accent-free, punctuation-free key of ``parts``, joined by "|"."""
    return "|".join(_fold(part or "") for part in parts)


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub(" ", ascii_text.lower()).strip()
