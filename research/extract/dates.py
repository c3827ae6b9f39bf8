"""Dates as pages print them: "June 8, 2026", "8 June 2026", "08.06.2026", "2026-06-08"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# Each pattern names its parts; a missing day means the date is stated to the month.
DATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b{_YEAR}-(?P<month>\d{{2}})-(?P<day>\d{{2}})\b",
        rf"\b(?P<mname>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b",
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mname>{_MONTH})\.?,?\s+{_YEAR}\b",
        rf"\b(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.{_YEAR}\b",
        rf"\b(?P<mname>{_MONTH})\.?\s+(?:of\s+)?{_YEAR}\b",
        rf"\b{_YEAR}-(?P<month>\d{{2}})\b(?!-\d)",
    )
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date printed in text, as YYYY-MM-DD or YYYY-MM."""

    start: int
    end: int
    iso: str


def find_dates(text: str) -> list[DateMention]:
    """Every date in text, most precise reading first where two overlap, in order."""
    found: list[DateMention] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < m.end and m.start < match.end() for m in found):
                continue
            iso = _iso(match)
            if iso:
                found.append(DateMention(match.start(), match.end(), iso))
    return sorted(found, key=lambda mention: mention.start)


def _iso(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    year = int(parts["year"])
    month = MONTHS[parts["mname"].lower()] if parts.get("mname") else int(parts["month"])
    day = int(parts["day"]) if parts.get("day") else None
    try:
        date(year, month, day or 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if day else f"{year:04d}-{month:02d}"
