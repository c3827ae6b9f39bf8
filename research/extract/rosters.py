"""People in the data a page's scripts carry: rosters rendered in the browser.

A team page built by a script often ships its people as a JavaScript object
(``window.__INITIAL_STATE__ = {...}``, ``self.__next_f``, a JSON island). chompjs reads those
objects; any object with a person's name and a title-like field is a person.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Any

import chompjs

from research.extract.html import Document, squash
from research.extract.lexicon import looks_like_title
from research.extract.records import Reading, clean_name, email_of

READER = "structured"
NAME_KEYS = ("name", "fullName", "full_name", "displayName", "title_name")
TITLE_KEYS = ("role", "title", "jobTitle", "job_title", "position", "designation", "function")
EMAIL_KEYS = ("email", "mail", "emailAddress")
MAX_SCRIPT = 500_000
_OBJECT_START = re.compile(r"[\[{]")


def script_people(doc: Document, not_people: Collection[str]) -> list[Reading]:
    """People listed in the page's inline script data."""
    found: dict[str, Reading] = {}
    for script in doc.root.iter("script"):
        kind = (script.get("type") or "").lower()
        if script.get("src") or kind == "application/ld+json":
            continue
        source = script.text or ""
        if not source.strip() or len(source) > MAX_SCRIPT or not _OBJECT_START.search(source):
            continue
        for value in _objects(source):
            for reading in _people_in(value, not_people):
                found.setdefault(reading.name, reading)
    return list(found.values())


def _objects(source: str) -> Iterator[Any]:
    try:
        yield from chompjs.parse_js_objects(source)
    except (ValueError, TypeError):
        return


def _people_in(value: Any, not_people: Collection[str], depth: int = 0) -> Iterator[Reading]:
    if depth > 12:
        return
    if isinstance(value, dict):
        person = _person(value, not_people)
        if person:
            yield person
            return
        for child in value.values():
            yield from _people_in(child, not_people, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _people_in(child, not_people, depth + 1)


def _person(item: dict[str, Any], not_people: Collection[str]) -> Reading | None:
    raw_name = next((item[k] for k in NAME_KEYS if isinstance(item.get(k), str)), None)
    raw_title = next((item[k] for k in TITLE_KEYS if isinstance(item.get(k), str)), None)
    if not raw_name or not raw_title:
        return None
    name = clean_name(raw_name, not_people)
    title = squash(raw_title)
    if not name or not looks_like_title(title):
        return None
    addresses = [str(item[k]).removeprefix("mailto:") for k in EMAIL_KEYS if item.get(k)]
    return Reading(name, title, READER, f"{name}, {title}", True, email_of(name, addresses))
