"""Stored credentials: one JSON file in the user's config directory, readable by them only."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DEFAULT_PROFILE = "default"


def config_path() -> Path:
    """``$XDG_CONFIG_HOME/leadex/config.json``, else ``~/.config/leadex/config.json``."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "leadex" / "config.json"


def load() -> dict[str, Any]:
    """Every profile, or nothing when no file exists yet."""
    path = config_path()
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise SystemExit(f"Error: {path} is not valid JSON ({error}); fix or delete it.") from None
    return data if isinstance(data, dict) else {}


def profile(name: str) -> dict[str, str]:
    """The stored settings of one profile."""
    profiles = load().get("profiles", {})
    found = profiles.get(name) if isinstance(profiles, dict) else None
    return {k: v for k, v in (found or {}).items() if isinstance(v, str)}


def save_profile(name: str, api_key: str, base_url: str | None) -> Path:
    """Store a profile's key (and base URL) with mode 0600; returns the file."""
    data = load()
    profiles = data.setdefault("profiles", {})
    entry: dict[str, str] = {"api_key": api_key}
    if base_url:
        entry["base_url"] = base_url
    profiles[name] = entry
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(data, handle, indent=2)
    os.chmod(temporary, 0o600)
    temporary.replace(path)
    return path
