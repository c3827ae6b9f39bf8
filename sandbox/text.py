"""Small text helpers shared by the generator and the renderers."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import date

from sandbox import templates, vocab


def ascii_fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: 'Zoë Łukasz-Brûlé' -> 'zoelukaszbrule'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(vocab.ASCII_FOLD))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def slugify(text: str) -> str:
    """A URL slug: 'We raised €11M!' -> 'we-raised-11m'."""
    words = [ascii_fold(word) for word in re.split(r"[\s/_\-–—,.:;!?()&+]+", text)]
    return "-".join(word for word in words if word)[:80] or "page"


def esc(value: object) -> str:
    """Text escaped for an HTML text node (quotes stay readable)."""
    return html.escape(str(value), quote=False)


def attr(value: object) -> str:
    """Text escaped for a double-quoted HTML attribute."""
    return html.escape(str(value), quote=True)


def format_date(day: date, style: str) -> str:
    """A date as a site prints it; the style is one of ``templates.DATE_STYLES``."""
    month = templates.MONTHS[day.month - 1]
    formats = {
        "long_us": f"{month} {day.day}, {day.year}",
        "long_eu": f"{day.day} {month} {day.year}",
        "iso": day.isoformat(),
        "dotted": f"{day.day:02d}.{day.month:02d}.{day.year}",
        "short": f"{month[:3]} {day.day}, {day.year}",
    }
    return formats[style]


def indefinite_article(amount_text: str) -> str:
    """'a' or 'an' before an amount as spoken: 'an €8M', 'a €12M', 'an $11M', 'an SEK 80M'."""
    digits = re.sub(r"^\D*", "", amount_text)
    # eight, eleven and eighteen open with a vowel; eleven hundred does not occur here.
    spoken_vowel = bool(re.match(r"(8|1[18](?!\d))", digits))
    if amount_text[:1].isalpha():  # 'SEK 80M' is read letter by letter: 'an S-E-K'
        spoken_vowel = amount_text[0] in "AEFHILMNORSX"
    return "an" if spoken_vowel else "a"


def cap(text: str) -> str:
    """The text with its first letter upper-cased."""
    return text[:1].upper() + text[1:]


def human_join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
