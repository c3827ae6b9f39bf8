"""Shapes the API's objects into what the templates show."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

SCOPES = ("read", "run", "integrations", "admin")

# The leads table's columns: (heading, how to read the value, the source field names it cites).
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Company", "company.name", ("company.name", "company.domain")),
    ("Person", "person.full_name", ("person.full_name",)),
    ("Title", "person.title", ("person.title",)),
    ("Email", "person.email", ("person.email",)),
)


@dataclass
class Segment:
    """A run of the prompt, and the criteria it produced (none for plain words)."""

    text: str
    criteria: list[str] = field(default_factory=list)


def highlighted_prompt(prompt: str, provenance: list[dict[str, Any]]) -> list[Segment]:
    """The prompt cut into runs, each run that produced criteria carrying their names."""
    marks: list[tuple[int, int, str]] = []
    for item in provenance:
        span = item.get("span") or {}
        text = str(span.get("text") or "")
        start, end = int(span.get("start", -1)), int(span.get("end", -1))
        if not (0 <= start < end <= len(prompt) and prompt[start:end] == text):
            # Offsets count in the planner's turn; find the words in this message instead.
            start = prompt.find(text) if text else -1
            end = start + len(text)
        if start >= 0 and end > start:
            marks.append((start, end, f"{item.get('field')} = {item.get('value')}"))
    cuts = sorted({0, len(prompt), *(p for s, e, _ in marks for p in (s, e))})
    segments: list[Segment] = []
    for left, right in itertools.pairwise(cuts):
        names = [name for s, e, name in marks if s <= left and right <= e]
        if segments and segments[-1].criteria == names:
            segments[-1].text += prompt[left:right]
        else:
            segments.append(Segment(prompt[left:right], names))
    return [segment for segment in segments if segment.text]


def plan_view(plan: dict[str, Any], prompt: str | None) -> dict[str, Any]:
    """The plan card: the prompt with its criteria, and the notes kept as written."""
    criteria = plan.get("criteria") or {}
    provenance = list(criteria.get("provenance") or [])
    return {
        "segments": highlighted_prompt(prompt, provenance) if prompt else [],
        "criteria": [f"{item.get('field')} = {item.get('value')}" for item in provenance],
        "notes": list(plan.get("notes") or []),
    }


def _value(lead: dict[str, Any], path: str) -> Any:
    scope, _, name = path.partition(".")
    part = lead.get(scope) or {}
    return part.get(name) if isinstance(part, dict) else None


def lead_view(lead: dict[str, Any]) -> dict[str, Any]:
    """A table row: each value with the numbered sources that state it."""
    sources = list(lead.get("sources") or [])
    cells = []
    for heading, path, cited in COLUMNS:
        value = _value(lead, path)
        links = [
            {"number": index + 1, "url": source["url"], "kind": source.get("kind", "web")}
            for index, source in enumerate(sources)
            if value is not None and set(cited) & set(source.get("fields") or [])
        ]
        cells.append({"heading": heading, "value": value, "sources": links})
    return {
        "id": lead["id"],
        "cells": cells,
        "domain": _value(lead, "company.domain"),
        "confidence": lead.get("confidence"),
        "sources": [
            {
                "number": index + 1,
                "url": source["url"],
                "kind": source.get("kind", "web"),
                "label": _short(source["url"]),
            }
            for index, source in enumerate(sources)
        ],
    }


def usage_chart(usage: dict[str, Any], width: int = 560, height: int = 160) -> dict[str, Any]:
    """Credits per day as bars, with each day's number written out (not only drawn)."""
    groups = [group for group in usage.get("groups") or [] if group.get("key")]
    top = max([int(group.get("credits") or 0) for group in groups] + [1])
    slot = width / max(len(groups), 1)
    bars = []
    for index, group in enumerate(groups):
        credits = int(group.get("credits") or 0)
        bar_height = round((height - 20) * credits / top)
        bars.append(
            {
                "day": group["key"],
                "credits": credits,
                "jobs": int(group.get("jobs") or 0),
                "x": round(index * slot + slot * 0.15, 1),
                "y": height - bar_height,
                "width": round(slot * 0.7, 1),
                "height": bar_height,
            }
        )
    return {"bars": bars, "width": width, "height": height, "top": top}


def _short(url: str, limit: int = 36) -> str:
    """A source's address without its scheme, shortened for a table cell."""
    parts = urlsplit(url)
    text = f"{parts.netloc}{parts.path}".rstrip("/") or url
    return text if len(text) <= limit else text[: limit - 1] + "…"
