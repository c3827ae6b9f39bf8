"""Text normalization shared by the planner (prompts) and grounding (pages)."""

from __future__ import annotations

import re
import unicodedata

from research.extract.names import fold

_DOTTED_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("U.S.A.", "USA"),
    ("U.S.", "US"),
    ("U.K.", "UK"),
    ("E.U.", "EU"),
    ("e.g.", "eg"),
    ("i.e.", "ie"),
    ("etc.", "etc"),
    ("vs.", "vs"),
)
_NON_WORD = re.compile(r"[^a-z0-9@+#]+")


def normalize_text(text: str) -> str:
    """NFKC text with dotted abbreviations closed up ("U.S." -> "US") for clean splitting."""
    text = unicodedata.normalize("NFKC", text)
    for dotted, plain in _DOTTED_ABBREVIATIONS:
        text = text.replace(dotted, plain)
    return text


def folded_words(text: str) -> str:
    """Folded words separated by single spaces: 'Co-Founder & CEO' -> 'co founder and ceo'."""
    folded = fold(normalize_text(text)).replace("&", " and ")
    return " ".join(_NON_WORD.split(folded)).strip()
