"""Opaque, prefixed, time-sortable identifiers (ULID) for every public object."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from ulid import ULID


class Prefix(StrEnum):
    """The id prefix of each object kind."""

    ORGANIZATION = "org"
    API_KEY = "key"
    THREAD = "thr"
    MESSAGE = "msg"
    PLAN = "pln"
    JOB = "job"
    ARTIFACT = "art"
    LEAD = "lead"
    WEBHOOK = "whk"
    EVENT = "evt"
    REQUEST = "req"
    MEMBER = "mem"
    PUSH = "psh"
    CREDIT_ENTRY = "cre"
    STREAM = "sse"
    DELETION = "del"
    SCHEDULE = "sch"
    SCHEDULE_RUN = "schrun"
    DELIVERY = "dlv"
    INTEGRATION = "int"
    ERASURE = "era"
    SUPPRESSION = "sup"


def new_id(prefix: Prefix) -> str:
    """A fresh id such as ``thr_01HXA4Z2M8V5WC9T7R1K...``."""
    return f"{prefix.value}_{ULID()}"


def derived_id(prefix: Prefix, at: datetime, *parts: str) -> str:
    """A deterministic id: the same parts and time always give the same id.

    Retried activities use this so that a second attempt writes the same rows.
    """
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    millis = int(at.timestamp() * 1000)
    ulid = ULID.from_bytes(millis.to_bytes(6, "big") + digest[:10])
    return f"{prefix.value}_{ulid}"


def has_prefix(value: str, prefix: Prefix) -> bool:
    """Whether ``value`` looks like an id of the given kind."""
    head, sep, tail = value.partition("_")
    return bool(sep) and head == prefix.value and len(tail) == 26
