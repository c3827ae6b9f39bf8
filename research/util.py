"""Small helpers shared across the research engine."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")


def unique(items: Iterable[T], key: Callable[[T], Hashable] | None = None) -> list[T]:
    """``items`` in order without repeats; two items repeat when their ``key`` is equal."""
    seen: set[Hashable] = set()
    result = []
    for item in items:
        marker = key(item) if key is not None else item
        if marker not in seen:
            seen.add(marker)
            result.append(item)
    return result
